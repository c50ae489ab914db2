import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The repository's `datasets/` folder. Found by walking up from this file, so it works from
 * src/ (tslab, ts-node) and from dist/src/ (compiled) alike. `LIEDERIV_DATASETS` overrides it.
 */
export function datasetsDir(): string {
  if (process.env.LIEDERIV_DATASETS) return path.resolve(process.env.LIEDERIV_DATASETS);
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'datasets', 'README.md'))) return path.join(dir, 'datasets');
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..', 'datasets');
}
