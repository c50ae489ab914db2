import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { saveModel } from '../../src/models/load';
import { runHere } from '../helpers/cli';

const CASE = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'cases', 'rotate-nonsquare');

// rotate-nonsquare (test/fixtures/cases/README.md): a round blob on 16×32. With the paper's
// normalized coordinates rotation is not rigid there; --coordinates isotropic makes it rigid.
describe('lee --coordinates on non-square images (the rotate-nonsquare case)', () => {
  let dir: string;
  let model: string;
  before(async () => {
    await useBackend('wasm');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-coords-'));
    // The model reads the interior of the picture as it is (Cropping2D, Flatten): L f is the
    // interior of L x, away from the reflected borders.
    const input = tf.input({ shape: [16, 32, 3] });
    const crop = tf.layers
      .cropping2D({
        cropping: [
          [4, 4],
          [8, 8],
        ],
      })
      .apply(input) as tf.SymbolicTensor;
    const out = tf.layers.flatten({}).apply(crop) as tf.SymbolicTensor;
    const net = tf.model({ inputs: input, outputs: out });
    await saveModel(net, path.join(dir, 'crop'), { name: 'crop' });
    model = path.join(dir, 'crop', 'model.json');
    net.dispose();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const lee = async (images: string, ...extra: string[]) => {
    const r = await runHere([
      'lee',
      '--model',
      model,
      '--images',
      path.join(CASE, images),
      '--groups',
      'rotate',
      '--output',
      'logits',
      '--format',
      'json',
      ...extra,
    ]);
    assert.equal(r.code, 0, r.err);
    return { lee: JSON.parse(r.out).rows[0].lee as number, err: r.err };
  };

  it('warns on non-square images; isotropic coordinates make the round blob (nearly) invariant under rotate', async () => {
    const normalized = await lee('radial.npy');
    assert.match(normalized.err, /warning: /);
    const isotropic = await lee('radial.npy', '--coordinates', 'isotropic');
    assert.doesNotMatch(isotropic.err, /warning:/);
    // Interior of L x (test/groups/coordinates.test.ts: max 0.564 normalized vs 0.0035 isotropic).
    assert.ok(isotropic.lee < normalized.lee / 20, `isotropic ${isotropic.lee} vs normalized ${normalized.lee}`);
  });
});
