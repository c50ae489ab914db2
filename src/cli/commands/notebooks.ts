import * as fs from 'node:fs';
import * as path from 'node:path';
import { LiederivError } from '../../errors';
import { listNotebooks, notebookRole, REPO_ROOT, runNotebooks } from '../../runtime/jupyter';
import { UsageError, type Command } from '../command';

export const notebooksCommand: Command = {
  name: 'notebooks',
  summary: 'Execute notebooks headless (all under notebooks/ but student assignments by default); fail on any error',
  usage: 'liederiv notebooks [--html DIR] [--timeout SECONDS] [NOTEBOOK.ipynb ...]',
  options: { html: { type: 'string' }, timeout: { type: 'string' } },
  positionals: true,
  async run(values, io, positionals) {
    const timeoutS = values.timeout === undefined ? 900 : Number(values.timeout);
    if (!(Number.isFinite(timeoutS) && timeoutS > 0))
      throw new UsageError(`--timeout must be a positive number of seconds, got '${String(values.timeout)}'`);
    for (const p of positionals)
      if (!p.endsWith('.ipynb')) throw new UsageError(`expected notebook files (*.ipynb), got '${p}'`);
    const missing = positionals.filter((p) => !fs.existsSync(p));
    if (missing.length)
      throw new LiederivError(`notebook ${missing.map((p) => `'${p}'`).join(', ')} not found`, 'E_INPUT');
    // Student assignments stop at their first check cell by design (their TODOs are wrong answers):
    // by default run everything else, solutions included; name an assignment to run it anyway.
    const all = listNotebooks();
    const files = positionals.length
      ? positionals.map((p) => path.resolve(p))
      : all.filter((f) => notebookRole(f) !== 'assignment');
    const skipped = all.length - files.length;
    if (!positionals.length && skipped)
      io.stderr.write(`(${skipped} student assignment(s) not run: they stop at their first check cell by design)\n`);
    if (!files.length)
      throw new LiederivError(`no notebooks found under ${path.join(REPO_ROOT, 'notebooks')}`, 'E_INPUT');
    const results = await runNotebooks(files, { html: values.html as string | undefined, timeoutS, stderr: io.stderr });
    const failed = results.filter((r) => !r.ok);
    io.stdout.write(`${results.length - failed.length} of ${results.length} notebooks ran without errors\n`);
    if (failed.length) throw new LiederivError(`failed: ${failed.map((r) => r.notebook).join(', ')}`, 'E_NOTEBOOK');
  },
};
