import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FileFormatError, InputError } from '../../src/errors';
import { fingerprintFiles, metaPathOf, ResumableCsv } from '../../src/cli/output';

const HEADER = 'image,group,lee\n';
/** Batch b of a run with 2 groups per image: rows for images [b·size, (b+1)·size). */
const lines = (b: number, size: number, n: number) => {
  let s = '';
  for (let i = b * size; i < Math.min(n, (b + 1) * size); i++) s += `${i},rotate,${i}.5\n${i},hue,${i}.25\n`;
  return s;
};
const identity = { command: 'lee', groups: ['rotate', 'hue'], model: 'abc' };

describe('ResumableCsv', () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-output-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A run of 5 images in batches of 2 (3 batches), stopped after `stopAfter` batches. */
  function partialRun(file: string, stopAfter: number): string {
    const csv = ResumableCsv.open({ out: file, resume: false, identity, images: 5, batchSize: 2 });
    for (let b = 0; b < stopAfter; b++) csv.writeBatch(b, HEADER, lines(b, 2, 5));
    csv.close();
    return HEADER + [0, 1, 2].map((b) => lines(b, 2, 5)).join('');
  }

  it('a fresh run removes a stale file, writes the sidecar first and the header with batch 0', () => {
    const file = path.join(dir, 'fresh.csv');
    fs.writeFileSync(file, 'stale results\n');
    const csv = ResumableCsv.open({ out: file, resume: false, identity, images: 5, batchSize: 2 });
    assert.equal(fs.existsSync(file), false, 'stale file removed before computing');
    assert.deepEqual(JSON.parse(fs.readFileSync(metaPathOf(file), 'utf8')), {
      format: 'liederiv-csv-run/1',
      identity,
      batchSize: 2,
      images: 5,
    });
    csv.writeBatch(0, HEADER, lines(0, 2, 5));
    assert.equal(fs.readFileSync(file, 'utf8'), HEADER + lines(0, 2, 5));
    assert.throws(() => csv.writeBatch(2, HEADER, lines(2, 2, 5)), InputError, 'batches in order');
    csv.writeBatch(1, HEADER, lines(1, 2, 5));
    csv.close();
    assert.equal(fs.readFileSync(file, 'utf8'), HEADER + lines(0, 2, 5) + lines(1, 2, 5));
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.includes('.tmp')),
      [],
      'no temporary files left',
    );
  });

  it('resume drops a torn last line and a partial batch, keeps whole batches', () => {
    const file = path.join(dir, 'torn.csv');
    const full = partialRun(file, 2);
    fs.appendFileSync(file, '4,rot'); // torn append of batch 2
    let csv = ResumableCsv.open({ out: file, resume: true, identity, images: 5, batchSize: 2 });
    assert.equal(csv.startBatch, 2);
    assert.equal(csv.keptRows, 8);
    assert.equal(fs.readFileSync(file, 'utf8'), HEADER + lines(0, 2, 5) + lines(1, 2, 5));
    csv.writeBatch(2, HEADER, lines(2, 2, 5));
    csv.close();
    assert.equal(fs.readFileSync(file, 'utf8'), full);
    // Complete lines of an unfinished batch (a torn append that ended on a line break) are dropped too.
    partialRun(file, 1);
    fs.appendFileSync(file, '2,rotate,2.5\n2,hue,2.25\n3,rotate,3.5\n');
    csv = ResumableCsv.open({ out: file, resume: true, identity, images: 5, batchSize: 2 });
    assert.equal(csv.startBatch, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), HEADER + lines(0, 2, 5));
    csv.close();
    // A complete run: nothing to do.
    partialRun(file, 3);
    csv = ResumableCsv.open({ out: file, resume: true, identity, images: 5, batchSize: 2 });
    assert.equal(csv.startBatch, 3);
    assert.equal(csv.keptRows, 10);
    csv.close();
  });

  it('resume refuses duplicates, other options, a different header, or a broken sidecar', () => {
    const file = path.join(dir, 'bad.csv');
    partialRun(file, 2);
    fs.appendFileSync(file, '2,rotate,2.5\n');
    assert.throws(
      () => ResumableCsv.open({ out: file, resume: true, identity, images: 5, batchSize: 2 }),
      (e: Error) =>
        e instanceof FileFormatError &&
        /line 10 is for image 2, expected image 4 \(2 rows per image; duplicate or missing rows\)/.test(e.message),
    );
    partialRun(file, 1);
    assert.throws(
      () =>
        ResumableCsv.open({
          out: file,
          resume: true,
          identity: { ...identity, groups: ['rotate'] },
          images: 5,
          batchSize: 2,
        }),
      /was written with groups \["rotate","hue"\], this run has \["rotate"\]/,
    );
    assert.throws(
      () => ResumableCsv.open({ out: file, resume: true, identity, images: 6, batchSize: 2 }),
      /written with imageCount 5, this run has 6/,
    );
    const csv = ResumableCsv.open({ out: file, resume: true, identity, images: 5, batchSize: 2 });
    assert.throws(
      () => csv.writeBatch(1, 'image,group,lee,lie_0\n', lines(1, 2, 5)),
      /header "image,group,lee" differs from this run's "image,group,lee,lie_0"/,
    );
    csv.close();
    fs.writeFileSync(metaPathOf(file), '{"format": "liederiv-csv-run/1", "ident');
    assert.throws(
      () => ResumableCsv.open({ out: file, resume: true, identity, images: 5, batchSize: 2 }),
      (e: Error) => e instanceof FileFormatError && /bad\.csv\.meta\.json: not valid JSON/.test(e.message),
    );
    fs.writeFileSync(metaPathOf(file), '{"rows": []}');
    assert.throws(
      () => ResumableCsv.open({ out: file, resume: true, identity, images: 5, batchSize: 2 }),
      /not a liederiv run sidecar/,
    );
  });

  it('fingerprintFiles: content-based, names the unreadable file', () => {
    const a = path.join(dir, 'a.bin');
    fs.writeFileSync(a, Buffer.from([1, 2, 3]));
    const h1 = fingerprintFiles([a], dir);
    fs.writeFileSync(a, Buffer.from([1, 2, 4]));
    assert.notEqual(fingerprintFiles([a], dir), h1);
    fs.writeFileSync(a, Buffer.from([1, 2, 3]));
    assert.equal(fingerprintFiles([a], dir), h1);
    assert.throws(() => fingerprintFiles([path.join(dir, 'nope.bin')], dir), /nope\.bin: cannot read \(ENOENT\)/);
  });
});
