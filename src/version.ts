import * as fs from 'node:fs';
import * as path from 'node:path';

/** liederiv's version from the nearest package.json above this file (works from dist/ and from src/ in tslab). */
export function liederivVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg.name === 'liederiv') return String(pkg.version);
    }
  }
  return 'unknown';
}
