import { checkName } from '../errors';
import { loadColoredMnist } from './coloredMnist';
import type { ImageDataset, SubsetOptions } from './dataset';
import { loadFashionMnist } from './fashionMnist';
import { loadMnist } from './mnist';

/** The bundled labelled datasets by the names the CLI and the model manifest use. */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'colored-mnist-random-hue', 'colored-mnist-label-hue'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/** Loads a bundled dataset by name (see DATASET_NAMES); same convention as the individual loaders. */
export function loadDataset(name: string, opts: SubsetOptions = {}): ImageDataset {
  switch (checkName('dataset', name, DATASET_NAMES)) {
    case 'mnist':
      return loadMnist(opts);
    case 'fashion-mnist':
      return loadFashionMnist(opts);
    case 'colored-mnist-random-hue':
      return loadColoredMnist({ ...opts, variant: 'random-hue' });
    case 'colored-mnist-label-hue':
      return loadColoredMnist({ ...opts, variant: 'label-hue' });
  }
}
