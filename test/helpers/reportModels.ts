import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/loadDataset';
import { saveModel } from '../../src/models/load';
import { IDENTITY_PREPROCESS } from '../../src/models/model';
import { evaluateAccuracy, type ManifestEntry } from '../../src/models/train';
import { buildZooModel } from '../../src/models/zoo';

export interface TinyModelSpec {
  name: string;
  architecture: string;
  dataset: string;
  seed?: number;
}

/**
 * A throwaway models folder (manifest.json + one folder per model) with zoo architectures at their
 * seeded random initialisation — untrained, so the report and notebook machinery can be tested
 * without waiting for scripts/trainZoo.sh. Accuracies are measured on 200 test images.
 */
export async function makeTinyModelsDir(specs: TinyModelSpec[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liederiv-models-'));
  const entries: ManifestEntry[] = [];
  for (const s of specs) {
    const test = loadDataset(s.dataset, { split: 'test', limit: 200 });
    const model = buildZooModel(s.architecture, { seed: s.seed ?? 1, inputShape: [28, 28, 3], numClasses: 10 });
    try {
      await saveModel(model, path.join(dir, s.name), {
        name: s.name,
        inputSize: [28, 28],
        preprocess: IDENTITY_PREPROCESS,
        classNames: test.classNames,
      });
      entries.push({
        name: s.name,
        architecture: s.architecture,
        dataset: s.dataset,
        augmentation: [],
        seed: s.seed ?? 1,
        epochs: 0,
        batchSize: 32,
        learningRate: 1e-3,
        trainCount: 0,
        testCount: 200,
        testAccuracy: await evaluateAccuracy(model, test.images, test.labels),
        trainSeconds: 0,
        backend: tf.getBackend(),
        tfjsVersion: tf.version.tfjs,
        command: 'test/helpers/reportModels.ts (untrained)',
        weightBytes: fs.statSync(path.join(dir, s.name, 'weights.bin')).size,
        history: [],
      });
    } finally {
      model.dispose();
      test.images.dispose();
    }
  }
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ models: entries }, null, 2));
  return dir;
}
