/**
 * Builds the classroom notebooks from their reviewable sources (notebooks/src/classroom):
 *  - handouts: notebooks/src/classroom/*.nb.txt → notebooks/classroom/*.ipynb (committed, no
 *    outputs) and, with `handoutDir`, a copy of just those into a folder to distribute;
 *  - solutions: notebooks/src/classroom/solutions/*.nb.txt → `solutionsDir` (default
 *    out/classroom/solutions, git-ignored) plus RUBRICS.md, the free-text rubrics for the lecturer.
 * Solutions are never written under notebooks/ and never into the handout folder.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LiederivError } from '../errors';
import { findJupyterPython, JUPYTER_INSTALL_HINT } from '../runtime/jupyter';
import { confoundRubric } from './augmentationAssignment';
import { colourRubric } from './colourAssignment';
import { explanationRubric } from './equivarianceAssignment';
import { rubricMarkdown } from './rubric';
import { telescopingRubric } from './telescopingAssignment';

export interface ClassroomPaths {
  root: string;
  sources: string;
  solutionSources: string;
  handouts: string;
}

export function classroomPaths(root = process.cwd()): ClassroomPaths {
  return {
    root,
    sources: path.join(root, 'notebooks', 'src', 'classroom'),
    solutionSources: path.join(root, 'notebooks', 'src', 'classroom', 'solutions'),
    handouts: path.join(root, 'notebooks', 'classroom'),
  };
}

function makeNotebook(root: string, src: string, out: string): void {
  const py = findJupyterPython();
  if (!py)
    throw new LiederivError(
      `building notebooks needs Python with nbformat; install it: ${JUPYTER_INSTALL_HINT}`,
      'E_JUPYTER',
    );
  const r = spawnSync(py, [path.join(root, 'scripts', 'make_notebook.py'), src, out], { encoding: 'utf8' });
  if (r.status !== 0) throw new LiederivError(`make_notebook.py ${src} failed: ${r.stderr}`, 'E_JUPYTER');
}

const sourcesIn = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.nb.txt'))
        .sort()
    : [];

/**
 * Regenerates the handouts (into `notebooksDir`, default notebooks/classroom) and optionally copies
 * them to `handoutDir`. Tests pass a temporary `notebooksDir` (nbformat gives cells new ids).
 */
export function buildHandouts({
  root = process.cwd(),
  handoutDir,
  notebooksDir,
}: { root?: string; handoutDir?: string; notebooksDir?: string } = {}): string[] {
  const p = classroomPaths(root);
  const into = notebooksDir ?? p.handouts;
  fs.mkdirSync(into, { recursive: true });
  if (handoutDir) fs.mkdirSync(handoutDir, { recursive: true });
  return sourcesIn(p.sources).map((f) => {
    const out = path.join(into, f.replace(/\.nb\.txt$/, '.ipynb'));
    makeNotebook(root, path.join(p.sources, f), out);
    if (handoutDir) fs.copyFileSync(out, path.join(handoutDir, path.basename(out)));
    return out;
  });
}

/** Writes the solution notebooks and RUBRICS.md into `solutionsDir` (default out/classroom/solutions). */
export function buildSolutions({
  root = process.cwd(),
  solutionsDir,
}: { root?: string; solutionsDir?: string } = {}): string[] {
  const p = classroomPaths(root);
  const dir = solutionsDir ?? path.join(root, 'out', 'classroom', 'solutions');
  fs.mkdirSync(dir, { recursive: true });
  const outs = sourcesIn(p.solutionSources).map((f) => {
    const out = path.join(dir, f.replace(/\.nb\.txt$/, '.ipynb'));
    makeNotebook(root, path.join(p.solutionSources, f), out);
    return out;
  });
  const rubrics = [
    '# Free-text rubrics (lecturer only)',
    '',
    'Each free-text check is recorded as `review` with a provisional score (the matched fraction); the export lists which concepts matched. Read every answer: the keywords only sort them.',
    '',
    '## 02-model-equivariance',
    '',
    rubricMarkdown('Q4 your explanation', explanationRubric([], '<the Q2 group>')),
    '## 03-layerwise-telescoping',
    '',
    rubricMarkdown('Q4 your explanation', telescopingRubric()),
    '## 04-colour-groups',
    '',
    rubricMarkdown('Q4 your explanation', colourRubric()),
    '## 05-augmentation-intervals',
    '',
    rubricMarkdown('Q4 what else could explain it', confoundRubric()),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'RUBRICS.md'), rubrics);
  return outs;
}

/** `node scripts/classroom.js [handouts [DIR]] [solutions [DIR]]`. */
export function main(argv: string[]): void {
  const want = argv.length ? argv : ['handouts', 'solutions'];
  const arg = (name: string) => {
    const i = want.indexOf(name);
    const next = want[i + 1];
    return i >= 0 && next && !['handouts', 'solutions'].includes(next) ? path.resolve(next) : undefined;
  };
  if (want.includes('handouts'))
    for (const f of buildHandouts({ handoutDir: arg('handouts') ?? path.resolve('out', 'classroom', 'handout') }))
      console.log(`handout  ${path.relative(process.cwd(), f)}`);
  if (want.includes('solutions'))
    for (const f of buildSolutions({ solutionsDir: arg('solutions') }))
      console.log(`solution ${path.relative(process.cwd(), f)}`);
}
