import * as path from 'node:path';
import { LiederivError } from '../../errors';
import { listNotebooks, notebookRole, REPO_ROOT, runNotebooks } from '../../runtime/jupyter';
import type { Command } from '../command';

export const notebooksCommand: Command = {
  name: 'notebooks',
  summary: 'Execute notebooks headless (all under notebooks/ but student assignments by default); fail on any error',
  usage: 'liederiv notebooks [--html DIR] [--timeout SECONDS] [NOTEBOOK.ipynb ...]',
  options: { html: { type: 'string' }, timeout: { type: 'string' } },
  positionals: true,
  async run(values, io, positionals) {
    // Student assignments stop at their first check cell by design (their TODOs are wrong answers):
    // by default run everything else, solutions included; name an assignment to run it anyway.
    const all = listNotebooks();
    const files = positionals.length ? positionals.map((p) => path.resolve(p)) : all.filter((f) => notebookRole(f) !== 'assignment');
    const skipped = all.length - files.length;
    if (!positionals.length && skipped) io.stderr.write(`(${skipped} student assignment(s) not run: they stop at their first check cell by design)\n`);
    if (!files.length) throw new LiederivError(`no notebooks found under ${path.join(REPO_ROOT, 'notebooks')}`, 'E_INPUT');
    const timeoutS = values.timeout ? Number(values.timeout) : 900;
    const results = await runNotebooks(files, { html: values.html as string | undefined, timeoutS, stderr: io.stderr });
    const failed = results.filter((r) => !r.ok);
    io.stdout.write(`${results.length - failed.length} of ${results.length} notebooks ran without errors\n`);
    if (failed.length) throw new LiederivError(`failed: ${failed.map((r) => r.notebook).join(', ')}`, 'E_NOTEBOOK');
  },
};
