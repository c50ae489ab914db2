import * as tf from '@tensorflow/tfjs';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeNpy } from '../../src/data/npy';
import { saveModel } from '../../src/models/load';
import { buildZooModel } from '../../src/models/zoo';
import { classNamesOf } from '../helpers/classes';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const BIN = path.join(ROOT, 'bin', 'liederiv.js');

export { runHere } from '../helpers/cli';

/** `node bin/liederiv.js <args>` in a child process. */
export function runProcess(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number | null; out: string; err: string } {
  const p = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  return { code: p.status, out: p.stdout, err: p.stderr };
}

/**
 * Starts `node bin/liederiv.js <args>` and SIGKILLs it as soon as `file` holds at least `minLines`
 * complete lines. Resolves with the signal it died of (null if it finished first) and the lines seen.
 */
export function killWhen(
  args: string[],
  file: string,
  minLines: number,
): Promise<{ signal: NodeJS.Signals | null; code: number | null; linesAtKill: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let linesAtKill = -1;
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setInterval(() => {
      if (!fs.existsSync(file)) return;
      const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1;
      if (lines >= minLines && linesAtKill < 0) {
        linesAtKill = lines;
        child.kill('SIGKILL');
      }
    }, 5);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      resolve({ signal, code, linesAtKill, stderr });
    });
  });
}

/** A temp dir with a zoo model saved in it and a .npy of `n` seeded random images. */
export async function cliFixture(
  prefix: string,
  { zoo = 'cnn-relu', n = 8, seed = 3 }: { zoo?: string; n?: number; seed?: number } = {},
): Promise<{ dir: string; model: string; npy: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `liederiv-${prefix}-`));
  const net = buildZooModel(zoo, { seed });
  await saveModel(net, path.join(dir, 'model'), { name: zoo, classNames: classNamesOf(net) });
  net.dispose();
  const x = tf.randomUniform([n, 28, 28, 3], 0, 1, 'float32', seed);
  const npy = path.join(dir, 'images.npy');
  writeNpy(npy, x.dataSync() as Float32Array, x.shape);
  x.dispose();
  return { dir, model: path.join(dir, 'model', 'model.json'), npy };
}
