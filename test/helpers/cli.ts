import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main';

/**
 * `liederiv <args>` in this process with captured streams (fast: no module loading per call).
 * main rethrows anything that is not a LiederivError — an uncaught crash, reported here as exit
 * code 70 (distinct from 0/1/2) with the stack in `err`.
 */
export async function runHere(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  let code: number;
  try {
    code = await main(args, { stdout, stderr });
  } catch (e) {
    err += `UNCAUGHT ${(e as Error).stack ?? String(e)}`;
    code = 70;
  }
  await new Promise((resolve) => setImmediate(resolve));
  return { code, out, err };
}
