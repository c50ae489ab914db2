/**
 * Why the wasm oracle's primal is not the model's: under `tf.grad`, tfjs-core 4.22 runs fused
 * convolutions with a non-linear activation (relu, relu6, prelu, …) unfused (fused_conv2d.ts
 * `shouldFuse`: gradientDepth > 0 and activation ≠ linear), so the oracle's forward pass is
 * conv → add → act while `model.execute` (and lee's primal) is the fused kernel. On cpu the two are
 * bit for bit equal; on wasm (XNNPACK accumulates the bias inside the kernel) about a third of the
 * outputs differ by an ulp or two. In deep ReLU/ReLU6 nets that is enough to cross kinks: the Lie
 * derivative itself moves by 1e-2 when the image moves by 1e-6 (repro/fourWay.ts FOURWAY_JITTER).
 *
 *   node dist/scripts/conformance/repro/wasmFusedRounding.js
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../../../src/backend';

function differ(a: tf.Tensor, b: tf.Tensor): string {
  const av = a.dataSync();
  const bv = b.dataSync();
  let n = 0;
  let mx = 0;
  for (let i = 0; i < av.length; i++) {
    if (av[i] !== bv[i]) n++;
    mx = Math.max(mx, Math.abs(av[i] - bv[i]));
  }
  return `${n}/${av.length} differ (max ${mx.toExponential(2)})`;
}

async function main(): Promise<void> {
  for (const be of ['wasm', 'cpu'] as const) {
    await useBackend(be);
    tf.tidy(() => {
      const x = tf.randomNormal([1, 112, 112, 32], 0, 1, 'float32', 1) as tf.Tensor4D;
      const dw = tf.randomNormal([3, 3, 32, 1], 0, 0.5, 'float32', 2) as tf.Tensor4D;
      const pw = tf.randomNormal([1, 1, 32, 64], 0, 0.3, 'float32', 4) as tf.Tensor4D;
      const b1 = tf.randomNormal([32], 0, 0.5, 'float32', 3);
      const b2 = tf.randomNormal([64], 0, 0.5, 'float32', 5);
      const fusedDw = tf.fused.depthwiseConv2d({
        x,
        filter: dw,
        strides: 1,
        pad: 'same',
        bias: b1,
        activation: 'relu6',
      });
      const plainDw = tf.relu6(tf.add(tf.depthwiseConv2d(x, dw, 1, 'same'), b1));
      const fusedPw = tf.fused.conv2d({ x, filter: pw, strides: 1, pad: 'same', bias: b2, activation: 'relu6' });
      const plainPw = tf.relu6(tf.add(tf.conv2d(x, pw, 1, 'same'), b2));
      process.stdout.write(
        `${be}: fused vs unfused depthwise+relu6 ${differ(fusedDw, plainDw)}; 1×1 conv+relu6 ${differ(fusedPw, plainPw)}\n`,
      );
    });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
