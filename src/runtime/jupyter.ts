/**
 * Finding Jupyter and running notebooks headless (DESIGN §9). Jupyter lives in Debian's
 * /usr/bin/python3; a pyenv `python3` earlier on PATH usually has no nbclient.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LiederivError } from '../errors';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNNER = path.join(REPO_ROOT, 'jupyter', 'run_notebooks.py');
export const JUPYTER_INSTALL_HINT =
  'apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel (or: pip install nbclient nbconvert notebook)';

/** The first python with nbclient + nbconvert: $LIEDERIV_JUPYTER_PYTHON, /usr/bin/python3, python3. */
export function findJupyterPython(): string | undefined {
  const candidates = [process.env.LIEDERIV_JUPYTER_PYTHON, '/usr/bin/python3', 'python3'].filter(Boolean) as string[];
  for (const py of candidates) {
    const probe = spawnSync(py, ['-c', 'import nbclient, nbconvert, nbformat'], { stdio: 'ignore' });
    if (probe.status === 0) return py;
  }
  return undefined;
}

export interface NotebookResult {
  notebook: string;
  ok: boolean;
  seconds: number;
  /** Plotly figures the executed notebook displayed. */
  figures: number;
  html: string | null;
  error: string | null;
}

/** Every committed notebook under notebooks/ (solutions included), sorted. */
export function listNotebooks(dir = path.join(REPO_ROOT, 'notebooks')): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.ipynb')) found.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return found.sort();
}

export type NotebookRole = 'notebook' | 'assignment' | 'solution';

/**
 * What a notebook is for the tests: a classroom assignment as handed out (notebooks/classroom/*,
 * whose TODO placeholders must fail its first check cell), its solution
 * (notebooks/classroom/solutions/*), or an ordinary notebook (must run clean).
 */
export function notebookRole(file: string, dir = path.join(REPO_ROOT, 'notebooks')): NotebookRole {
  const parts = path.relative(dir, path.resolve(file)).split(path.sep);
  if (parts[0] !== 'classroom') return 'notebook';
  return parts[1] === 'solutions' ? 'solution' : 'assignment';
}

/** Index (0-based, over all cells) of the first code cell that calls a classroom check function. */
export function firstCheckCell(file: string): number {
  const nb = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    cells: Array<{ cell_type: string; source: string | string[] }>;
  };
  return nb.cells.findIndex(
    (c) => c.cell_type === 'code' && /\bcheck[A-Z]\w*\(/.test(Array.isArray(c.source) ? c.source.join('') : c.source),
  );
}

/**
 * Executes notebooks with the project-local tslab kernel; resolves with one result per notebook.
 * The runner's messages (progress, real error text) stream to `stderr` as they come.
 */
export function runNotebooks(
  notebooks: string[],
  {
    html,
    timeoutS = 900,
    stderr = process.stderr,
  }: { html?: string; timeoutS?: number; stderr?: NodeJS.WritableStream } = {},
): Promise<NotebookResult[]> {
  const python = findJupyterPython();
  if (!python)
    throw new LiederivError(
      `Jupyter (nbclient, nbconvert) not found; install it: ${JUPYTER_INSTALL_HINT}`,
      'E_JUPYTER',
    );
  const args = [RUNNER, ...notebooks, '--timeout', String(timeoutS), ...(html ? ['--html', html] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => stderr.write(chunk));
    child.on('error', reject);
    child.on('close', () => {
      const results = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as NotebookResult);
      if (results.length !== notebooks.length) {
        reject(
          new LiederivError(
            `notebook runner reported ${results.length} of ${notebooks.length} notebooks; see the messages above`,
            'E_JUPYTER',
          ),
        );
      } else resolve(results);
    });
  });
}
