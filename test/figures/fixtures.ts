import type { DiscreteRow, EpochRow, FiniteRow, LayerMapRow, LayerRow, LeeRow } from '../../src/figures/types';

// Small hand-made rows for the figure tests (deterministic; numbers chosen so the closed forms are easy).

export const leeRows: LeeRow[] = [
  // model A: two images per group → mean and standard error are visible
  {
    model: 'A',
    group: 'translate-x',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.01,
    image: 0,
    accuracy: 0.7,
    family: 'CNN',
  },
  {
    model: 'A',
    group: 'translate-x',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.03,
    image: 1,
    accuracy: 0.7,
    family: 'CNN',
  },
  {
    model: 'A',
    group: 'rotate',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.1,
    image: 0,
    accuracy: 0.7,
    family: 'CNN',
  },
  {
    model: 'A',
    group: 'rotate',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.3,
    image: 1,
    accuracy: 0.7,
    family: 'CNN',
  },
  {
    model: 'B <script>',
    group: 'translate-x',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.001,
    image: 0,
    accuracy: 0.8,
    family: 'ViT',
  },
  {
    model: 'B <script>',
    group: 'rotate',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.01,
    image: 0,
    accuracy: 0.8,
    family: 'ViT',
  },
  {
    model: 'C',
    group: 'translate-x',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.0001,
    image: 0,
    accuracy: 0.9,
    family: 'CNN',
  },
  {
    model: 'C',
    group: 'rotate',
    output: 'probs',
    reduction: 'mean-abs',
    lee: 0.001,
    image: 0,
    accuracy: 0.9,
    family: 'CNN',
  },
];

// Two models; per layer the projection and sqnorm for two images of model A, one of B.
export const layerRows: LayerRow[] = [
  { model: 'A', image: 0, index: 0, layer: 'conv1', kind: 'conv', sqnorm: 1, projection: 0.5 },
  { model: 'A', image: 0, index: 1, layer: 'relu1', kind: 'activation', sqnorm: 4, projection: 1.5 },
  { model: 'A', image: 0, index: 2, layer: 'pool', kind: 'pool', sqnorm: 1, projection: 2 },
  { model: 'A', image: 1, index: 0, layer: 'conv1', kind: 'conv', sqnorm: 3, projection: 1.5 },
  { model: 'A', image: 1, index: 1, layer: 'relu1', kind: 'activation', sqnorm: 0, projection: -0.5 },
  { model: 'A', image: 1, index: 2, layer: 'pool', kind: 'pool', sqnorm: 3, projection: 3 },
  { model: 'B', image: 0, index: 0, layer: 'patch<b>embed</b>', kind: 'conv', sqnorm: 2, projection: 1 },
  { model: 'B', image: 0, index: 1, layer: 'attn', kind: 'attention', sqnorm: 2, projection: 3 },
];

export const mapRows: LayerMapRow[] = [
  { model: 'A', image: 0, index: 0, layer: 'conv1', height: 2, width: 3, values: [0, 1, 2, 3, 4, 5] },
  {
    model: 'A',
    image: 0,
    index: 1,
    layer: 'relu1',
    height: 2,
    width: 2,
    values: [-1, 1, 0.5, -0.5],
    quantity: 'signed δ',
  },
];

export const epochRows: EpochRow[] = [
  { run: 'no augmentation', epoch: 1, group: 'rotate', output: 'logits', reduction: 'l2', lee: 2, accuracy: 0.5 },
  { run: 'no augmentation', epoch: 2, group: 'rotate', output: 'logits', reduction: 'l2', lee: 1, accuracy: 0.7 },
  { run: 'augmented', epoch: 2, group: 'rotate', output: 'logits', reduction: 'l2', lee: 0.25, accuracy: 0.65 },
  { run: 'augmented', epoch: 1, group: 'rotate', output: 'logits', reduction: 'l2', lee: 0.5, accuracy: 0.45 },
];

export const finiteRows: FiniteRow[] = [
  { group: 'rotate', t: 0.1, quotient: 'symmetric', relError: 1e-2 },
  { group: 'rotate', t: 0.01, quotient: 'symmetric', relError: 1e-4 },
  { group: 'rotate', t: 0.001, quotient: 'symmetric', relError: 0 },
  { group: 'rotate', t: 0.01, quotient: 'one-sided', relError: 0.7 },
  { group: 'rotate', t: 0.1, quotient: 'one-sided', relError: 0.72 },
];

export const discreteRows: DiscreteRow[] = [
  { model: 'A', metric: 'eq-t', value: 30, lee: 0.02, output: 'probs', reduction: 'mean-abs', group: 'translate-x' },
  { model: 'C', metric: 'eq-t', value: 45, lee: 0.0001, output: 'probs', reduction: 'mean-abs', group: 'translate-x' },
  {
    model: 'A',
    metric: 'consistency-circular',
    value: 0.8,
    lee: 0.02,
    output: 'probs',
    reduction: 'mean-abs',
    group: 'translate-x',
  },
  {
    model: 'C',
    metric: 'consistency-circular',
    value: 0.95,
    lee: 0.0001,
    output: 'probs',
    reduction: 'mean-abs',
    group: 'translate-x',
  },
];
