/**
 * GPU check (bench/gpu.sh): the forward-mode JVP of the SmallCNN on webgpu against cpu, four
 * groups' tangents stacked (k = 4). Prints one JSON line {backend, relError, primalRelError, ok};
 * exits 1 when the relative error exceeds 1e-5 (the issue's bound: float32 convolutions summed in
 * another order on the GPU differ by ~1e-7 relative, see DESIGN §7).
 */
import * as tf from '@tensorflow/tfjs';
import { useBackend } from '../src/backend';
import { imageTangent } from '../src/groups';
import { jvpLayersModel } from '../src/jvp/layersModel';
import { buildSmallCnn } from './models';

const TOL = 1e-5;

/** The same weights on both backends (the zoo's seeded He initializer is not reproducible in tfjs 4.22). */
let weights: Array<{ shape: number[]; values: Float32Array }> | undefined;

async function jvpOn(backend: string): Promise<{ primal: Float32Array; tangent: Float32Array; line: string }> {
  const report = await useBackend(backend);
  const model = buildSmallCnn();
  if (!weights) weights = model.getWeights().map((w) => ({ shape: w.shape, values: w.dataSync() as Float32Array }));
  else model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
  const x = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
  const v = tf.tidy(() =>
    tf.concat(
      ['translate-x', 'rotate', 'scale', 'shear-y'].map((g) => imageTangent(x, g, { difference: 'forward' })),
      0,
    ),
  );
  const d = jvpLayersModel(model, x, v, { k: 4 });
  const out = {
    primal: (await d.primal.data()) as Float32Array,
    tangent: (await d.tangent.data()) as Float32Array,
    line: report.line,
  };
  tf.dispose([x, v, d.primal, d.tangent]);
  model.dispose();
  return out;
}

/** ‖a − b‖ / ‖b‖. */
function relError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
}

async function main(): Promise<void> {
  const ref = await jvpOn('cpu');
  const gpu = await jvpOn(process.argv[2] ?? 'webgpu');
  const relErr = relError(gpu.tangent, ref.tangent);
  const primalRelError = relError(gpu.primal, ref.primal);
  const ok = relErr <= TOL && primalRelError <= TOL;
  process.stdout.write(
    JSON.stringify({ backend: gpu.line, relError: relErr, primalRelError, tolerance: TOL, ok }) + '\n',
  );
  process.exit(ok ? 0 : 1);
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${(err as Error).stack ?? err}\n`);
    process.exit(1);
  });
}
