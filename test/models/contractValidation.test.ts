import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { useBackend } from '../../src/backend';
import { FileFormatError, InputError } from '../../src/errors';
import { CONTRACT_EXPECTED, measuredModel, type ContractField } from '../../src/jvp';
import { loadModel, saveModel } from '../../src/models/load';
import { runHere } from '../helpers/cli';

/**
 * One validator for the contract options (src/jvp/contractValues.ts): the same bad value is
 * refused by the CLI option (UsageError, exit 2), the liederiv.json field (FileFormatError) and
 * the library argument (InputError) with the same words for what was expected, each naming its
 * own source.
 */
const BAD: Array<{ field: ContractField; flag: string; cli: string; json: unknown }> = [
  { field: 'inputRange', flag: '--input-range', cli: '0-255', json: '0-255' },
  { field: 'mean', flag: '--mean', cli: '0.5,0.5', json: [0.5, 0.5] },
  { field: 'std', flag: '--std', cli: '0,1,1', json: [0, 1, 1] },
  { field: 'layout', flag: '--layout', cli: 'NCWH', json: 'NCWH' },
  { field: 'mean', flag: '--mean', cli: '0.5,,0.5', json: [0.5, null, 0.5] },
];

describe('contract options: one validator, three routes', () => {
  let dir: string;
  let modelJson: string;
  before(async () => {
    await useBackend('cpu');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-contract-'));
    const net = tf.sequential({
      layers: [tf.layers.conv2d({ inputShape: [8, 8, 3], filters: 2, kernelSize: 3 }), tf.layers.flatten()],
    });
    await saveModel(net, path.join(dir, 'good'));
    modelJson = path.join(dir, 'good', 'model.json');
    net.dispose();
  });

  for (const bad of BAD) {
    it(`${bad.field} ${JSON.stringify(bad.json)}: refused by option, sidecar field and library argument alike`, async () => {
      const expected = `expected ${CONTRACT_EXPECTED[bad.field]}`;

      // 1. The CLI option: a usage error (exit 2) before any model is loaded, naming the option.
      const r = await runHere([
        'lee',
        '--model',
        modelJson,
        '--images',
        'none.npy',
        '--groups',
        'rotate',
        bad.flag,
        bad.cli,
      ]);
      assert.equal(r.code, 2, r.err);
      assert.ok(r.err.includes(`${bad.flag} '${bad.cli}'`), r.err);
      assert.ok(r.err.includes(expected), r.err);

      // 2. The sidecar field: a FileFormatError naming liederiv.json and the field.
      const side = path.join(dir, `side-${bad.field}-${BAD.indexOf(bad)}`);
      fs.cpSync(path.join(dir, 'good'), side, { recursive: true });
      fs.writeFileSync(path.join(side, 'liederiv.json'), JSON.stringify({ [bad.field]: bad.json }));
      await assert.rejects(
        loadModel(side),
        (e: unknown) =>
          e instanceof FileFormatError &&
          e.message.startsWith(path.join(side, 'liederiv.json')) &&
          e.message.includes(`field '${bad.field}' of this liederiv.json`) &&
          e.message.includes(expected),
      );

      // 3. The library argument: an InputError naming the option.
      const model = await loadModel(modelJson);
      try {
        assert.throws(
          () => measuredModel(model, { [bad.field]: bad.json } as never),
          (e: unknown) =>
            e instanceof InputError &&
            e.message.includes(`(option ${bad.field}, ${bad.flag})`) &&
            e.message.includes(expected),
        );
      } finally {
        model.net.dispose();
      }
    });
  }

  it('good values pass every route unchanged', async () => {
    const side = path.join(dir, 'side-good');
    fs.cpSync(path.join(dir, 'good'), side, { recursive: true });
    fs.writeFileSync(
      path.join(side, 'liederiv.json'),
      JSON.stringify({ inputRange: '0..255', mean: [120, 110, 100], std: [60], layout: 'nhwc' }),
    );
    const model = await loadModel(side);
    try {
      assert.deepEqual(model.contract, { inputRange: '0..255', mean: [120, 110, 100], std: [60], layout: 'nhwc' });
      const m = measuredModel(model, { output: 'logits' });
      assert.equal(m.input.range, '0..255');
    } finally {
      model.net.dispose();
    }
  });
});
