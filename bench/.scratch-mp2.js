const tf = require('@tensorflow/tfjs');
const { useBackend } = require('/work/wt-perf/dist/src/backend');
const { maxPoolTangent } = require('/work/wt-perf/dist/src/jvp/maxPoolTangent');
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
(async () => {
  await useBackend('wasm', { wasmThreads: 1 });
  const x = tf.randomUniform([64, 32, 32, 32]),
    v = tf.randomUniform([64, 32, 32, 32]);
  for (const [name, fn] of [
    ['kernel', () => maxPoolTangent(x, v, 1, [2, 2], [2, 2], 'valid')],
    ['maxPool', () => tf.maxPool(x, 2, 2, 'valid')],
    ['mul', () => tf.mul(x, v)],
    ['step', () => tf.step(x)],
  ]) {
    const ts = [];
    for (let i = 0; i < 15; i++) {
      const t0 = cpu();
      const y = fn();
      ts.push(cpu() - t0);
      y.dispose();
    }
    ts.sort((a, b) => a - b);
    console.log(
      name,
      'CPU ms',
      ts
        .slice(0, 8)
        .map((t) => t.toFixed(1))
        .join(' '),
    );
  }
})();
