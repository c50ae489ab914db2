/**
 * The few glob patterns a sweep spec needs for model paths: `*` and `?` inside one path segment,
 * `**` for any number of folders. Node 20 has no fs.glob (it arrived in Node 22), and the only glob
 * packages in the tree are transitive dependencies of other tools, so this is kept small here.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const hasGlob = (p: string): boolean => /[*?]/.test(p);

function segmentRegExp(segment: string): RegExp {
  const body = segment
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/**
 * Paths matching `pattern` (absolute, or relative to `cwd`), sorted, as absolute paths. Hidden
 * entries (names starting with '.') match only a segment that itself starts with '.'.
 */
export function globSync(pattern: string, cwd: string = process.cwd()): string[] {
  const abs = path.resolve(cwd, pattern);
  const root = path.parse(abs).root;
  const segments = abs.slice(root.length).split(path.sep).filter(Boolean);
  const out = new Set<string>();
  const walk = (dir: string, i: number): void => {
    if (i === segments.length) {
      if (fs.existsSync(dir)) out.add(dir);
      return;
    }
    const seg = segments[i];
    if (seg === '**') {
      walk(dir, i + 1);
      for (const e of readDir(dir)) if (e.isDirectory() && !e.name.startsWith('.')) walk(path.join(dir, e.name), i);
      return;
    }
    if (!hasGlob(seg)) {
      walk(path.join(dir, seg), i + 1);
      return;
    }
    const re = segmentRegExp(seg);
    for (const e of readDir(dir)) {
      if (e.name.startsWith('.') && !seg.startsWith('.')) continue;
      if (re.test(e.name)) walk(path.join(dir, e.name), i + 1);
    }
  };
  walk(root, 0);
  return [...out].sort();
}

function readDir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}
