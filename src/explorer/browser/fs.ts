/**
 * The browser's stand-in for `node:fs` (the bundler maps `fs` / `node:fs` here, src/explorer/bundle.ts):
 * an in-memory file system of the files the page was given (bundled models and images, drops).
 * It implements the synchronous reads that the core's loaders use — `loadModel` (src/models/load.ts)
 * and `loadImageFolder` (src/data/imageFolder.ts) — so the page runs the CLI's own loaders, with the
 * CLI's own error messages, on dropped files. Everything else throws: the page never writes files.
 *
 * Errors carry Node's `code` (ENOENT, EISDIR, ENOTDIR) because the loaders word their messages from it.
 */
import { Buffer } from 'buffer';

const files = new Map<string, Uint8Array>();

function normal(p: string): string {
  const parts: string[] = [];
  for (const s of String(p).split('/')) {
    if (s === '' || s === '.') continue;
    if (s === '..') parts.pop();
    else parts.push(s);
  }
  return '/' + parts.join('/');
}

function isDir(p: string): boolean {
  const d = normal(p);
  if (d === '/') return true;
  const prefix = d + '/';
  for (const k of files.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

function fsError(code: string, syscall: string, p: string): Error {
  const err = new Error(`${code}: ${syscall} '${p}'`) as Error & { code: string; path: string; syscall: string };
  err.code = code;
  err.path = p;
  err.syscall = syscall;
  return err;
}

/** Adds (or replaces) a file at an absolute path; its folders exist implicitly. */
export function putFile(p: string, bytes: Uint8Array): void {
  files.set(normal(p), bytes);
}

/** Removes every file under `dir` (a folder of an earlier drop). */
export function removeTree(dir: string): void {
  const d = normal(dir);
  for (const k of [...files.keys()]) if (k === d || k.startsWith(d + '/')) files.delete(k);
}

/** Paths of the files under `dir`, sorted. */
export function listTree(dir: string): string[] {
  const d = normal(dir);
  return [...files.keys()].filter((k) => k.startsWith(d === '/' ? '/' : d + '/')).sort();
}

export function existsSync(p: string): boolean {
  return files.has(normal(p)) || isDir(p);
}

interface Stats {
  isDirectory(): boolean;
  isFile(): boolean;
  size: number;
  mtimeMs: number;
}

export function statSync(p: string): Stats {
  const f = files.get(normal(p));
  if (!f && !isDir(p)) throw fsError('ENOENT', 'stat', p);
  return { isDirectory: () => !f, isFile: () => !!f, size: f ? f.byteLength : 0, mtimeMs: 0 };
}
export const lstatSync = statSync;

export function readFileSync(p: string, enc?: string | { encoding?: string }): Buffer | string {
  const f = files.get(normal(p));
  if (!f) throw fsError(isDir(p) ? 'EISDIR' : 'ENOENT', 'open', p);
  const encoding = typeof enc === 'string' ? enc : enc?.encoding;
  if (encoding) return new TextDecoder('utf-8').decode(f);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength);
}

interface Dirent {
  name: string;
  isDirectory(): boolean;
  isFile(): boolean;
}

export function readdirSync(p: string, opts?: { withFileTypes?: boolean }): Array<string | Dirent> {
  const d = normal(p);
  if (files.has(d)) throw fsError('ENOTDIR', 'scandir', p);
  if (!isDir(d)) throw fsError('ENOENT', 'scandir', p);
  const prefix = d === '/' ? '/' : d + '/';
  const entries = new Map<string, boolean>(); // name → is a folder
  for (const k of files.keys()) {
    if (!k.startsWith(prefix)) continue;
    const rest = k.slice(prefix.length);
    const slash = rest.indexOf('/');
    entries.set(slash < 0 ? rest : rest.slice(0, slash), slash >= 0 || entries.get(rest) === true);
  }
  const names = [...entries.keys()].sort();
  if (!opts?.withFileTypes) return names;
  return names.map((name) => ({
    name,
    isDirectory: () => entries.get(name) === true,
    isFile: () => entries.get(name) !== true,
  }));
}

function unavailable(name: string): () => never {
  return () => {
    throw new Error(`fs.${name} is not available in the browser explorer (it reads files only)`);
  };
}
export const writeFileSync = unavailable('writeFileSync');
export const appendFileSync = unavailable('appendFileSync');
export const mkdirSync = unavailable('mkdirSync');
export const mkdtempSync = unavailable('mkdtempSync');
export const openSync = unavailable('openSync');
export const closeSync = unavailable('closeSync');
export const fsyncSync = unavailable('fsyncSync');
export const renameSync = unavailable('renameSync');
export const rmSync = unavailable('rmSync');
export const unlinkSync = unavailable('unlinkSync');
export const readSync = unavailable('readSync');
export const writeSync = unavailable('writeSync');
export const createReadStream = unavailable('createReadStream');
export const createWriteStream = unavailable('createWriteStream');
export const promises = {};
export default {
  existsSync,
  statSync,
  lstatSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  mkdirSync,
  openSync,
  closeSync,
  fsyncSync,
  renameSync,
  rmSync,
};
