export { ImageDataset, SubsetOptions, Split, SPLITS, subsetIndices } from './dataset';
export { decodeImage, DecodedImage, IMAGE_EXTENSIONS } from './decode';
export { loadMnist, MNIST_CLASS_NAMES } from './mnist';
export { loadFashionMnist, FASHION_MNIST_CLASS_NAMES } from './fashionMnist';
export { loadColoredMnist, ColoredMnistVariant, COLORED_MNIST_VARIANTS, hueColor } from './coloredMnist';
export { loadPhotos, photoInfo, PhotoInfo } from './photos';
export { loadImageFolder, ImageFolder, ImageFolderOptions } from './imageFolder';
export { loadDataset, DATASET_NAMES, DatasetName } from './loadDataset';
