import * as path from 'node:path';
import * as fs from 'node:fs';
import { useBackend } from '../../backend';
import { DATASET_NAMES } from '../../data/loadDataset';
import { checkName } from '../../errors';
import { parseAugmentations } from '../../models/augment';
import { LEARNING_RATE_SCHEDULES, trainZooModel } from '../../models/train';
import { ZOO_NAMES } from '../../models/zoo';
import { asUsage, intOption, requireOption, UsageError, type Command } from '../command';
import { choice } from '../options';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a zoo model on a bundled dataset and save it with a manifest entry',
  usage: [
    'liederiv train --model <zoo name> --dataset <name> [--epochs N] [--augment translate,rotate,hue] [--seed S] [--out DIR] [--name NAME] [--batch N] [--lr RATE] [--lr-schedule constant|cosine] [--dropout RATE] [--checkpoints] [--study NAME] [--backend wasm|cpu]',
    '',
    `  --model        ${ZOO_NAMES.join(' | ')}`,
    `  --dataset      ${DATASET_NAMES.join(' | ')}`,
    '  --epochs       epochs (default 5)',
    '  --augment      comma-separated random augmentations: translate (±3 px), rotate (±15°), hue (any angle); default none',
    '  --seed         seed of the weights, shuffles and augmentation (default 0)',
    '  --out          output root (default datasets/models); writes <out>/<name>/ and <out>/manifest.json',
    '  --name         output name (default <model>-<dataset>[-<augmentations>])',
    '  --batch        batch size (default 32)',
    '  --lr           Adam learning rate, 0 < RATE ≤ 1 (default 0.001)',
    '  --lr-schedule  constant (default) or cosine: anneal the rate to 0 by the last step',
    '  --dropout      cnn-* only: Dropout with this rate in [0, 1) before each dense layer (default 0: none)',
    '  --checkpoints  also save every epoch under <out>/<name>/epochs/',
    '  --study        label the manifest entry as trained for one notebook study (left out of zoo listings)',
    '  --backend      wasm (default; liederiv adds the missing conv filter-gradient kernel) or cpu',
  ].join('\n'),
  options: {
    model: { type: 'string' },
    dataset: { type: 'string' },
    epochs: { type: 'string' },
    augment: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'lr-schedule': { type: 'string' },
    dropout: { type: 'string' },
    checkpoints: { type: 'boolean' },
    study: { type: 'string' },
    backend: { type: 'string' },
  },
  async run(values, io) {
    const model = asUsage(() => checkName('zoo model', requireOption(values, 'model'), ZOO_NAMES));
    const dataset = asUsage(() => checkName('dataset', requireOption(values, 'dataset'), DATASET_NAMES));
    const epochs = intOption(values, 'epochs', 5);
    const seed = intOption(values, 'seed', 0, { min: 0 });
    const batchSize = intOption(values, 'batch', 32);
    const learningRate = values.lr === undefined ? 1e-3 : Number(values.lr);
    if (!(learningRate > 0 && learningRate <= 1))
      throw new UsageError(`--lr must be a number in (0, 1], got '${String(values.lr)}'`);
    const learningRateSchedule = choice(values, 'lr-schedule', LEARNING_RATE_SCHEDULES, 'constant');
    const dropout = values.dropout === undefined ? 0 : Number(values.dropout);
    if (!(dropout >= 0 && dropout < 1))
      throw new UsageError(`--dropout must be a rate in [0, 1), got '${String(values.dropout)}'`);
    if (dropout > 0 && !model.startsWith('cnn-'))
      throw new UsageError(`--dropout is an option of the cnn-* models, not of '${model}'`);
    const augment = asUsage(() => parseAugmentations(typeof values.augment === 'string' ? values.augment : ''));
    const out = typeof values.out === 'string' ? values.out : path.join('datasets', 'models');
    // Checked before training, not after minutes of it.
    if (fs.existsSync(out) && !fs.statSync(out).isDirectory())
      throw new UsageError(`--out '${out}' is a file; expected a folder (the model is written to --out/<name>/)`);
    const backend = asUsage(() =>
      checkName('training backend', typeof values.backend === 'string' ? values.backend : 'wasm', [
        'wasm',
        'cpu',
      ] as const),
    );
    await useBackend(backend);
    const entry = await trainZooModel({
      model,
      dataset,
      epochs,
      augment,
      seed,
      out,
      batchSize,
      learningRate,
      learningRateSchedule,
      dropout,
      name: typeof values.name === 'string' ? values.name : undefined,
      checkpoints: values.checkpoints === true,
      study: typeof values.study === 'string' ? values.study : undefined,
      onProgress: (p) => {
        if (p.batch % 25 === 0 || p.batch === p.batches)
          io.stderr.write(`\repoch ${p.epoch}/${p.epochs} batch ${p.batch}/${p.batches} loss ${p.loss.toFixed(4)}   `);
      },
      onEpoch: (log) =>
        io.stderr.write(
          `\nepoch ${log.epoch}: loss ${log.loss.toFixed(4)} train acc ${(100 * log.trainAccuracy).toFixed(2)}% test acc ${log.testAccuracy === undefined ? '-' : (100 * log.testAccuracy).toFixed(2) + '%'} (${log.seconds.toFixed(0)} s)\n`,
        ),
    });
    io.stdout.write(
      `${JSON.stringify({ name: entry.name, testAccuracy: entry.testAccuracy, trainSeconds: entry.trainSeconds, weightBytes: entry.weightBytes })}\n`,
    );
  },
};
