import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '..', '..', 'src');
const CORE = ['groups', 'jvp', 'lie', 'models', 'data', 'figures'];
const FORBIDDEN =
  /from\s+['"](tslab|plotly\.js[^'"]*|danfojs[^'"]*|(\.\.\/)+notebook[^'"]*)['"]|require\(['"](tslab|plotly\.js[^'"]*|danfojs[^'"]*)['"]\)/;

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? tsFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

// DESIGN §8: data flows one way; the numerical core never imports notebook code.
describe('architecture', () => {
  it('the numerical core imports no tslab, plotly, danfo or src/notebook', () => {
    const offenders = CORE.flatMap((d) => tsFiles(path.join(SRC, d)))
      .filter((f) => FORBIDDEN.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(offenders, []);
  });

  it('library code outside the CLI and notebook layers does not print', () => {
    const offenders = CORE.flatMap((d) => tsFiles(path.join(SRC, d)))
      .filter((f) => /console\.(log|info|warn)\(/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(offenders, []);
  });

  // DESIGN §8, §10: the engine has one public face, and only src/jvp walks model graphs.
  it('lie/, cli/, report/, notebook/ import the JVP engine only through src/jvp/index', () => {
    const deep = /from\s+['"](?:\.\.\/)+jvp\/[^'"]+['"]/;
    const offenders = ['lie', 'cli', 'report', 'notebook', 'classroom', 'figures', 'sweep']
      .flatMap((d) => tsFiles(path.join(SRC, d)))
      .filter((f) => deep.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(offenders, []);
  });

  it('only src/jvp reads model graphs (inboundNodes, executor.graph) or walks them', () => {
    const walking = /\binboundNodes\b|executor\.graph|\.weightMap\b/;
    const offenders = fs
      .readdirSync(SRC, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'jvp')
      .flatMap((e) => tsFiles(path.join(SRC, e.name)))
      .filter((f) => walking.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(offenders, []);
  });
});
