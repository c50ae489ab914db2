/**
 * One student's run of one assignment: the variant from the student's seed, every check's result
 * (score, status, feedback, attempts) and the grading export — one JSON per student, rewritten
 * atomically after every check, so a lecturer's folder never holds half a file.
 *
 * Student mode (default): a failing check throws AssignmentCheckError, so the notebook stops at
 * the cell to fix. Grading mode (`grading: true` or LIEDERIV_GRADING=1): failures are printed and
 * recorded and the run goes on, so one headless run grades every question.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../errors';
import { writeAtomic } from '../models/load';
import { AssignmentCheckError, stdoutLog, type CheckLog, type CheckOutcome } from './assignmentCheckError';
import { checkRng, studentSeed, variantRng, type Rand } from './variant';

export interface CheckSpec {
  id: string;
  title: string;
  points: number;
}

export interface AssignmentSpec<V> {
  id: string;
  title: string;
  checks: CheckSpec[];
  /** The student's version of the assignment, drawn from their seed. */
  variant(rand: Rand): V;
}

export interface CheckContext<V> {
  variant: V;
  rand: Rand;
  drawSeed: number;
}

export type CheckStatus = 'pass' | 'fail' | 'review' | 'not attempted';

export interface GradeRecord {
  check: string;
  title: string;
  score: number;
  points: number;
  status: CheckStatus;
  feedback: string;
  attempts: number;
  drawSeed?: number;
  lecturer?: Record<string, unknown>;
}

export interface GradeReport {
  assignment: string;
  student: string;
  seed: number;
  variant: unknown;
  updated: string;
  score: number;
  points: number;
  /** Checks a person must still read (free text). */
  needsReview: string[];
  checks: GradeRecord[];
}

export interface SessionOptions {
  student?: string;
  /** Folder of the export (default $LIEDERIV_GRADES_DIR, else out/grades); false: no export. */
  gradesDir?: string | false;
  grading?: boolean;
  log?: CheckLog;
  /** Fixes the check-time inputs (tests); default: fresh per check. */
  drawSeed?: number;
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');

export class AssignmentSession<V> {
  readonly student: string;
  readonly seed: number;
  readonly variant: V;
  readonly grading: boolean;
  readonly exportFile: string | null;
  private readonly log: CheckLog;
  private readonly drawSeed?: number;
  private readonly records = new Map<string, GradeRecord>();

  constructor(
    readonly spec: AssignmentSpec<V>,
    opts: SessionOptions = {},
  ) {
    const student = process.env.LIEDERIV_STUDENT || opts.student;
    if (!student || /TODO/.test(student)) {
      throw new InputError(
        `${spec.id}: set your student id (replace the TODO in STUDENT_ID, or set LIEDERIV_STUDENT): your version of the assignment is drawn from it`,
      );
    }
    this.student = student.trim();
    this.seed = studentSeed(this.student);
    this.variant = spec.variant(variantRng(this.seed, spec.id));
    this.grading = opts.grading ?? process.env.LIEDERIV_GRADING === '1';
    this.log = opts.log ?? stdoutLog;
    this.drawSeed = opts.drawSeed;
    const dir =
      opts.gradesDir === false
        ? null
        : (opts.gradesDir ?? process.env.LIEDERIV_GRADES_DIR ?? path.resolve('out', 'grades'));
    this.exportFile = dir ? path.join(dir, spec.id, `${safeName(this.student)}.json`) : null;
    for (const c of spec.checks)
      this.records.set(c.id, {
        check: c.id,
        title: c.title,
        score: 0,
        points: c.points,
        status: 'not attempted',
        feedback: '',
        attempts: 0,
      });
  }

  /**
   * Runs one check and records it. Returns nothing (a notebook cell shows no second copy of the
   * ✓ line). Student mode rethrows a failure; grading mode prints it and goes on.
   */
  async check(id: string, fn: (ctx: CheckContext<V>) => CheckOutcome | Promise<CheckOutcome>): Promise<void> {
    const rec = this.records.get(id);
    if (!rec)
      throw new InputError(`${this.spec.id} has no check '${id}'; it has ${[...this.records.keys()].join(', ')}`);
    const draw = checkRng(this.drawSeed === undefined ? undefined : this.drawSeed + rec.attempts);
    rec.attempts++;
    rec.drawSeed = draw.drawSeed;
    let failure: AssignmentCheckError | undefined;
    try {
      const out = await fn({ variant: this.variant, rand: draw.rand, drawSeed: draw.drawSeed });
      const fraction = Math.min(1, Math.max(0, out.fraction));
      Object.assign(rec, {
        status: out.status,
        score: Number((rec.points * fraction).toFixed(3)),
        feedback: out.feedback,
        lecturer: out.lecturer,
      });
      this.log(`${out.status === 'pass' ? '✓' : '⚑'} ${id} ${rec.title}: ${out.feedback}`);
    } catch (err) {
      const known = err instanceof AssignmentCheckError;
      failure = known
        ? err
        : new AssignmentCheckError(
            `${id} ${rec.title}`,
            `the check itself failed (${(err as Error)?.message ?? String(err)}); tell your lecturer`,
          );
      Object.assign(rec, {
        status: 'fail',
        score: 0,
        feedback: known ? err.feedback : failure.feedback,
        lecturer: undefined,
      });
      if (!known) throw err;
    } finally {
      this.write();
    }
    if (failure) {
      if (!this.grading) throw failure;
      this.log(failure.message);
    }
  }

  report(): GradeReport {
    const checks = [...this.records.values()].map((r) => ({ ...r }));
    return {
      assignment: this.spec.id,
      student: this.student,
      seed: this.seed,
      variant: this.variant,
      updated: new Date().toISOString(),
      score: Number(checks.reduce((s, c) => s + c.score, 0).toFixed(3)),
      points: checks.reduce((s, c) => s + c.points, 0),
      needsReview: checks.filter((c) => c.status === 'review').map((c) => c.check),
      checks,
    };
  }

  private write(): void {
    if (!this.exportFile) return;
    fs.mkdirSync(path.dirname(this.exportFile), { recursive: true });
    writeAtomic(this.exportFile, `${JSON.stringify(this.report(), null, 2)}\n`);
  }
}
