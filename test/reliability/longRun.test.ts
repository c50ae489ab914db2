/**
 * Issue 9.3: long runs neither leak tensors nor grow memory. 520 consecutive batches of `lee` and
 * of `layerwise` on a tiny CNN (8×8, batch 1): tf.memory().numTensors is checked after every batch
 * (through onBatch / onProgress) and RSS after batch 50 vs the last batch. The CLI path (incremental
 * CSV appends) is checked for leaked tensors and file descriptors over 520 batches too.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { writeNpy } from '../../src/data/npy';
import { layerwise } from '../../src/lie/layerwise';
import { lee } from '../../src/lie/lee';
import { saveModel } from '../../src/models/load';
import { record } from './catalogue';
import { runHere } from './cliHarness';
import { classNamesOf } from '../helpers/classes';

const T = 'test/reliability/longRun.test.ts';
const BATCHES = 520;
/**
 * RSS may grow by at most this much between batch 50 and batch 520. Why 48 MiB: allocator and GC
 * noise of a Node process is a few MiB to tens of MiB; a leak of one batch's tensors would hold
 * ≥ 470 × (input + tangents + activations) — and any tensor leak is caught exactly by numTensors,
 * so this bound is for host-side growth (rows, closures, wasm heap), which must stay well below it.
 */
const RSS_MARGIN = 48 * 1024 * 1024;

function tinyCnn(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 4,
        kernelSize: 3,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 5,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

const openFds = () => fs.readdirSync('/proc/self/fd').length;

for (const backend of ['wasm', 'cpu'] as const) {
  describe(`long runs on ${backend}: ${BATCHES} batches, constant tensors, bounded RSS`, () => {
    let net: tf.LayersModel;
    let x: tf.Tensor4D;
    before(async () => {
      await useBackend(backend);
      net = tinyCnn();
      x = tf.randomUniform([BATCHES, 8, 8, 3], 0, 1, 'float32', 9) as tf.Tensor4D;
    });
    after(() => {
      net.dispose();
      x.dispose();
    });

    it(`lee: numTensors constant after each of ${BATCHES} batches; RSS bounded`, async () => {
      const base = tf.memory().numTensors;
      const counts: number[] = [];
      let rss50 = 0;
      const t0 = Date.now();
      const rows = await lee(
        net,
        { images: x },
        {
          groups: ['rotate', 'translate-x'],
          batchSize: 1,
          onBatch: (_rows, b) => {
            counts.push(tf.memory().numTensors);
            if (b === 49) rss50 = process.memoryUsage().rss;
          },
        },
      );
      const seconds = (Date.now() - t0) / 1000;
      const rssEnd = process.memoryUsage().rss;
      assert.equal(rows.length, 2 * BATCHES);
      assert.equal(counts.length, BATCHES);
      assert.ok(
        counts.every((c) => c === base),
        `numTensors drifted: first ${counts[0]}, last ${counts[counts.length - 1]}, base ${base}`,
      );
      assert.ok(rssEnd - rss50 < RSS_MARGIN, `RSS grew ${((rssEnd - rss50) / 2 ** 20).toFixed(1)} MiB`);
      record({
        area: 'long runs',
        case: `lee, ${BATCHES} batches (${backend})`,
        trigger: 'tiny CNN 8×8, batch 1, rotate + translate-x',
        outcome: `numTensors constant (${base})`,
        message: `RSS batch 50 → ${BATCHES}: ${((rssEnd - rss50) / 2 ** 20).toFixed(1)} MiB; ${seconds.toFixed(1)} s`,
        test: T,
      });
    });

    it(`layerwise: numTensors constant after each of ${BATCHES} batches; RSS bounded`, async () => {
      const base = tf.memory().numTensors;
      const counts: number[] = [];
      let rss50 = 0;
      const t0 = Date.now();
      const res = await layerwise(net, x, 'rotate', {
        batchSize: 1,
        onProgress: (done) => {
          counts.push(tf.memory().numTensors);
          if (done === 50) rss50 = process.memoryUsage().rss;
        },
      });
      const seconds = (Date.now() - t0) / 1000;
      const rssEnd = process.memoryUsage().rss;
      assert.equal(res.totals.length, BATCHES);
      assert.equal(counts.length, BATCHES);
      assert.ok(
        counts.every((c) => c === base),
        `numTensors drifted: first ${counts[0]}, last ${counts[counts.length - 1]}, base ${base}`,
      );
      assert.ok(rssEnd - rss50 < RSS_MARGIN, `RSS grew ${((rssEnd - rss50) / 2 ** 20).toFixed(1)} MiB`);
      record({
        area: 'long runs',
        case: `layerwise, ${BATCHES} batches (${backend})`,
        trigger: 'tiny CNN 8×8, batch 1, rotate',
        outcome: `numTensors constant (${base})`,
        message: `RSS batch 50 → ${BATCHES}: ${((rssEnd - rss50) / 2 ** 20).toFixed(1)} MiB; ${seconds.toFixed(1)} s`,
        test: T,
      });
    });

    if (backend === 'wasm') {
      it(`CLI with --out: ${BATCHES} appended batches per command leave no tensors and no open files`, async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-longrun-'));
        try {
          await saveModel(net, path.join(dir, 'model'), { classNames: classNamesOf(net) });
          const npy = path.join(dir, 'x.npy');
          writeNpy(npy, x.dataSync() as Float32Array, x.shape);
          const tensors = tf.memory().numTensors;
          const fds = openFds();
          for (const [command, group] of [
            ['lee', '--groups'],
            ['layerwise', '--group'],
          ]) {
            const out = path.join(dir, `${command}.csv`);
            const r = await runHere([
              command,
              '--model',
              path.join(dir, 'model'),
              '--images',
              npy,
              group,
              'rotate',
              '--batch',
              '1',
              '--backend',
              'wasm',
              '--out',
              out,
            ]);
            assert.equal(r.code, 0, r.err);
            const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
            assert.equal(
              lines.length - 1,
              command === 'lee' ? BATCHES : BATCHES * 6,
              `${command}: one row per image (and layer)`,
            );
          }
          assert.equal(tf.memory().numTensors, tensors, 'tensors left by the CLI');
          assert.equal(openFds(), fds, 'file descriptors left open');
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
