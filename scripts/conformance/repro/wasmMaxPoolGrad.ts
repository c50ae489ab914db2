/**
 * Reproduction: tfjs-backend-wasm 4.22's MaxPoolGrad is wrong when a pooling window holds only
 * negative values (tf.grad through tf.maxPool on wasm vs cpu). Found by the conformance suite's
 * wasm oracle; the oracle replaces the kernel in its own process (oracleGradients.ts).
 *
 *   npx tsc -p tsconfig.json && node dist/scripts/conformance/repro/wasmMaxPoolGrad.js
 *
 * Prints the gradient of sum(maxPool(x, 2, 2) · u) for a 4×4 input on both backends; exits 1 when
 * they differ (the bug present), 0 when they agree.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

async function main(): Promise<number> {
  const x = [-1, -5, -2, -3, -9, -4, -7, -6, 8, 0, 11, 10, 12, 13, 15, 14]; // top windows all negative
  const u = [1, 2, 3, 4];
  const out: Record<string, number[]> = {};
  for (const be of ['cpu', 'wasm']) {
    await tf.setBackend(be);
    await tf.ready();
    out[be] = tf.tidy(() =>
      Array.from(
        tf
          .grad((z: tf.Tensor) =>
            tf.sum(tf.mul(tf.maxPool(z as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d(u, [1, 2, 2, 1]))),
          )(tf.tensor4d(x, [1, 4, 4, 1]))
          .dataSync(),
      ),
    );
    process.stdout.write(`${be.padEnd(4)} dx = [${out[be].join(', ')}]\n`);
  }
  const same = out.cpu.every((v, i) => v === out.wasm[i]);
  process.stdout.write(
    same ? 'agree\n' : 'DIFFER: wasm MaxPoolGrad routes the gradient wrongly in all-negative windows\n',
  );
  return same ? 0 : 1;
}

main().then(
  (c) => process.exit(c),
  (err) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(2);
  },
);
