/**
 * Incremental, atomic and resumable CSV output for long CLI runs (`liederiv lee|layerwise --out`).
 *
 * Contract (test/RELIABILITY.md):
 *  - Without --resume, a run replaces `out`: it removes any earlier `out` and writes the sidecar
 *    `<out>.meta.json` (atomically) before computing — what determines the rows: command,
 *    options, backend, model and image fingerprints, batch size and image count.
 *  - The CSV at `out` only ever holds a header and whole batches: the first batch is written with
 *    the header through a temporary file and a rename; every later batch is one append of whole
 *    lines followed by fsync. A kill can only leave a partial last line (a torn append), which
 *    `--resume` drops and recomputes. A run that fails before its first batch leaves no `out`.
 *  - `--resume` checks the sidecar against the current run (refusing with the differing field),
 *    checks that row r belongs to image ⌊r / rowsPerImage⌋ (rowsPerImage = the lines of image 0,
 *    which the atomic first batch holds in full: no duplicates, nothing missing), truncates the
 *    file after the last complete batch, and says where to continue; the first recomputed batch
 *    must produce the same header as the file's.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileFormatError, InputError } from '../errors';
import { writeAtomic } from '../models/load';

/** The sidecar written beside the CSV. */
export interface CsvRunMeta {
  format: 'liederiv-csv-run/1';
  /** Everything that determines the rows; resume requires equality, key by key. */
  identity: Record<string, unknown>;
  batchSize: number;
  images: number;
}

export interface ResumableCsvOptions {
  out: string;
  resume: boolean;
  identity: Record<string, unknown>;
  /** Images in the run and per batch: batch b holds images [b·batchSize, (b+1)·batchSize). */
  images: number;
  batchSize: number;
}

export const metaPathOf = (out: string) => `${out}.meta.json`;

/** The CSV writer of one run; `startBatch` is where the computation continues (0 unless resuming). */
export class ResumableCsv {
  private fd: number | undefined;
  private written: boolean;
  private next: number;

  private constructor(
    private readonly opts: ResumableCsvOptions,
    readonly startBatch: number,
    /** Rows kept from the earlier run (0 for a fresh run). */
    readonly keptRows: number,
    /** The header of the earlier run's file (resuming only). */
    private readonly header?: string,
  ) {
    this.written = startBatch > 0;
    this.next = startBatch;
  }

  /** Prepares the output; with `resume`, validates and truncates the earlier run's file. */
  static open(opts: ResumableCsvOptions): ResumableCsv {
    if (!opts.resume || !fs.existsSync(metaPathOf(opts.out))) {
      if (opts.resume && fs.existsSync(opts.out) && fs.statSync(opts.out).size > 0) {
        throw new FileFormatError(
          metaPathOf(opts.out),
          `missing, so ${opts.out} cannot be checked against this run; run without --resume to start over`,
        );
      }
      fs.rmSync(opts.out, { force: true });
      const meta: CsvRunMeta = {
        format: 'liederiv-csv-run/1',
        identity: opts.identity,
        batchSize: opts.batchSize,
        images: opts.images,
      };
      writeAtomic(metaPathOf(opts.out), JSON.stringify(meta, null, 2) + '\n');
      return new ResumableCsv(opts, 0, 0);
    }
    const { startBatch, keptRows, header } = prepareResume(opts);
    return new ResumableCsv(opts, startBatch, keptRows, header);
  }

  get batches(): number {
    return Math.ceil(this.opts.images / this.opts.batchSize);
  }

  /**
   * Writes batch `b`'s lines (each ending in '\n'). The first batch writes header + lines
   * atomically; later batches append and fsync.
   */
  writeBatch(b: number, header: string, lines: string): void {
    if (!header.endsWith('\n') || (lines !== '' && !lines.endsWith('\n')))
      throw new InputError('ResumableCsv.writeBatch: header and lines must end with a newline');
    if (b !== this.next) throw new InputError(`ResumableCsv.writeBatch: expected batch ${this.next}, got ${b}`);
    this.next = b + 1;
    if (this.header !== undefined && header !== this.header) {
      throw new FileFormatError(
        this.opts.out,
        `header ${describe(this.header.trim())} differs from this run's ${describe(header.trim())}; run without --resume to start over`,
      );
    }
    if (!this.written) {
      writeAtomic(this.opts.out, header + lines);
      this.written = true;
      return;
    }
    if (this.fd === undefined) this.fd = fs.openSync(this.opts.out, 'a');
    const buf = Buffer.from(lines, 'utf8');
    let done = 0;
    while (done < buf.length) done += fs.writeSync(this.fd, buf, done, buf.length - done);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }
}

function describe(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? 'undefined' : s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Validates the earlier run and truncates its CSV after the last complete batch. */
function prepareResume(opts: ResumableCsvOptions): { startBatch: number; keptRows: number; header?: string } {
  const { out } = opts;
  const metaPath = metaPathOf(out);
  let meta: CsvRunMeta;
  try {
    meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'));
  } catch (err) {
    throw new FileFormatError(
      metaPath,
      `not valid JSON (${(err as Error).message}); run without --resume to start over`,
    );
  }
  if (!meta || meta.format !== 'liederiv-csv-run/1' || typeof meta.identity !== 'object' || meta.identity === null) {
    throw new FileFormatError(
      metaPath,
      `not a liederiv run sidecar (expected format 'liederiv-csv-run/1'); run without --resume to start over`,
    );
  }
  const now = { ...opts.identity, batchSize: opts.batchSize, imageCount: opts.images };
  const then = { ...meta.identity, batchSize: meta.batchSize, imageCount: meta.images };
  for (const key of new Set([...Object.keys(now), ...Object.keys(then)])) {
    const a = describe((then as Record<string, unknown>)[key]);
    const b = describe((now as Record<string, unknown>)[key]);
    if (a !== b)
      throw new InputError(
        `--resume: ${out} was written with ${key} ${a}, this run has ${b}; run without --resume to start over, or write to another --out`,
      );
  }
  const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  const firstBreak = text.indexOf('\n');
  if (firstBreak < 0) return { startBatch: 0, keptRows: 0 }; // killed before its first batch (which holds the header)
  const header = text.slice(0, firstBreak + 1);
  // Whole lines only: anything after the last '\n' is a torn append.
  const body = text.slice(header.length, text.lastIndexOf('\n') + 1);
  const lines = body === '' ? [] : body.slice(0, -1).split('\n');
  const imageOf = (line: string) => line.slice(0, line.indexOf(','));
  let rowsPerImage = 0;
  while (rowsPerImage < lines.length && imageOf(lines[rowsPerImage]) === '0') rowsPerImage++;
  if (rowsPerImage === 0)
    throw new FileFormatError(out, `has no rows for image 0 after its header; run without --resume to start over`);
  lines.forEach((line, r) => {
    const want = Math.floor(r / rowsPerImage);
    if (imageOf(line) !== String(want)) {
      throw new FileFormatError(
        out,
        `line ${r + 2} is for image ${imageOf(line)}, expected image ${want} (${rowsPerImage} rows per image; duplicate or missing rows); run without --resume to start over`,
      );
    }
  });
  const perBatch = opts.batchSize * rowsPerImage;
  const batches = Math.ceil(opts.images / opts.batchSize);
  const complete = lines.length === opts.images * rowsPerImage ? batches : Math.floor(lines.length / perBatch);
  const keptRows = Math.min(lines.length, complete * perBatch);
  const keptBytes =
    Buffer.byteLength(header, 'utf8') +
    lines.slice(0, keptRows).reduce((n, l) => n + Buffer.byteLength(l, 'utf8') + 1, 0);
  if (keptBytes !== Buffer.byteLength(text, 'utf8')) {
    const fd = fs.openSync(out, 'r+');
    try {
      fs.ftruncateSync(fd, keptBytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  return complete === 0 ? { startBatch: 0, keptRows: 0 } : { startBatch: complete, keptRows, header };
}

/**
 * A content fingerprint (sha256) of files, so resume can tell that the model and images are the
 * ones the earlier run used. Paths are hashed relative to `root` with each file's bytes.
 */
export function fingerprintFiles(files: string[], root: string): string {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(path.relative(root, f) + '\0');
    try {
      h.update(fs.readFileSync(f));
    } catch (err) {
      throw new FileFormatError(f, `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    h.update('\0');
  }
  return h.digest('hex');
}

/** The files a local model consists of: model.json, its weight shards, and the sidecar if present. */
export function modelFiles(modelJson: string): string[] {
  const dir = path.dirname(modelJson);
  const files = [modelJson];
  try {
    const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
    for (const g of json.weightsManifest ?? [])
      for (const p of g.paths ?? []) files.push(path.join(dir, decodeURIComponent(p)));
  } catch {
    // loadModel has already reported unreadable files; hash what there is.
  }
  const side = path.join(dir, 'liederiv.json');
  if (fs.existsSync(side)) files.push(side);
  return files;
}
