import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { AssignmentCheckError, passed } from '../../src/classroom/assignmentCheckError';
import { gradeFreeText, keywordConcept } from '../../src/classroom/rubric';
import { AssignmentSession, type AssignmentSpec } from '../../src/classroom/session';
import { studentSeed } from '../../src/classroom/variant';

const spec: AssignmentSpec<{ k: number }> = {
  id: 'test-assignment',
  title: 'A test',
  checks: [
    { id: 'Q1', title: 'one', points: 2 },
    { id: 'Q2', title: 'two', points: 3 },
    { id: 'Q3', title: 'text', points: 5 },
  ],
  variant: (rand) => ({ k: Math.floor(rand() * 1000) }),
};
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-grades-'));

describe('classroom session and grading export', () => {
  it('a student id maps to a stable seed and variant; different ids differ', () => {
    assert.equal(studentSeed('ada'), studentSeed(' ada '));
    assert.notEqual(studentSeed('ada'), studentSeed('bob'));
    const a = new AssignmentSession(spec, { student: 'ada', gradesDir: false, log: () => undefined });
    const a2 = new AssignmentSession(spec, { student: 'ada', gradesDir: false, log: () => undefined });
    const b = new AssignmentSession(spec, { student: 'bob', gradesDir: false, log: () => undefined });
    assert.deepEqual(a.variant, a2.variant);
    assert.notDeepEqual(a.variant, b.variant);
    assert.throws(
      () => new AssignmentSession(spec, { student: 'TODO-your-id', gradesDir: false }),
      /set your student id/,
    );
  });

  it('student mode: prints ✓ once, returns nothing, rethrows a failure; the export has every check, atomically written', async () => {
    const dir = tmp();
    const lines: string[] = [];
    const s = new AssignmentSession(spec, { student: 'ada/../x', gradesDir: dir, log: (l) => lines.push(l) });
    const r = await s.check('Q1', () => passed('fine'));
    assert.equal(r, undefined, 'nothing for tslab to display a second time');
    assert.deepEqual(lines, ['✓ Q1 one: fine']);
    await assert.rejects(
      () =>
        s.check('Q2', () => {
          throw new AssignmentCheckError('Q2 two', 'not yet');
        }),
      /✗ Q2 two: not yet/,
    );
    await s.check('Q2', () => passed('now'));
    const file = path.join(dir, 'test-assignment', 'ada_.._x.json');
    assert.equal(s.exportFile, file);
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(report.student, 'ada/../x');
    assert.equal(report.seed, studentSeed('ada/../x'));
    assert.deepEqual(
      report.checks.map((c: { check: string; status: string; score: number; attempts: number }) => [
        c.check,
        c.status,
        c.score,
        c.attempts,
      ]),
      [
        ['Q1', 'pass', 2, 1],
        ['Q2', 'pass', 3, 2],
        ['Q3', 'not attempted', 0, 0],
      ],
    );
    assert.equal(report.score, 5);
    assert.equal(report.points, 10);
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['ada_.._x.json'], 'no temporary file left behind');
  });

  it('grading mode records failures and goes on; free text is flagged for review with the rubric in the export', async () => {
    const dir = tmp();
    const lines: string[] = [];
    const s = new AssignmentSession(spec, { student: 'bob', gradesDir: dir, grading: true, log: (l) => lines.push(l) });
    await s.check('Q1', () => {
      throw new AssignmentCheckError('Q1 one', 'the property P fails');
    });
    await s.check('Q3', () =>
      gradeFreeText('Q3 text', 'a b c d e f g h i j k l m n o p q r s t u v w pooling', [
        keywordConcept('mech', 'Which operation?', 'pooling', [/pool/]),
        keywordConcept('why', 'Why?', 'aliasing', [/alias/]),
      ]),
    );
    assert.match(lines[0], /^✗ Q1 one: the property P fails/);
    assert.match(lines[1], /^⚑ Q3 text: recorded for your lecturer.*“Why\?”/);
    const report = JSON.parse(fs.readFileSync(s.exportFile!, 'utf8'));
    const q3 = report.checks.find((c: { check: string }) => c.check === 'Q3');
    assert.equal(q3.status, 'review');
    assert.equal(q3.score, 2.5);
    assert.deepEqual(
      q3.lecturer.rubric.map((r: { id: string; matched: boolean }) => [r.id, r.matched]),
      [
        ['mech', true],
        ['why', false],
      ],
    );
    assert.deepEqual(report.needsReview, ['Q3']);
    assert.equal(report.checks[0].status, 'fail');
    assert.equal(report.checks[0].feedback, 'the property P fails');
  });

  it('a crash inside a check is recorded and rethrown, not turned into a pass', async () => {
    const s = new AssignmentSession(spec, { student: 'c', gradesDir: false, grading: true, log: () => undefined });
    await assert.rejects(
      () =>
        s.check('Q1', () => {
          throw new TypeError('boom');
        }),
      /boom/,
    );
    assert.equal(s.report().checks[0].status, 'fail');
    await assert.rejects(() => s.check('Q9', () => passed('x')), /has no check 'Q9'/);
  });
});
