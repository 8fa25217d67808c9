/**
 * Fashion-MNIST (Xiao, Rasul, Vollgraf 2017, arXiv:1708.07747) from the release's gzipped
 * IDX files in `<data>/fashion-mnist/`; same layout as MNIST.
 */
import { checkSplit, type Dataset, type Split } from './dataset.ts';
import { dataDirectory, dataPath } from './dir.ts';
import { loadIdxDataset } from './idx.ts';

/** Class names of labels 0–9. */
export const fashionMnistClasses: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/**
 * Fashion-MNIST's training (60,000) or test (10,000) split: shape [1, 28, 28], pixels in [0, 1], labels 0–9.
 * @example loadFashionMnist('test').count; // 10000
 */
export function loadFashionMnist(split: Split, directory: string = dataDirectory()): Dataset {
  const prefix = checkSplit('loadFashionMnist', split) === 'train' ? 'train' : 't10k';
  return loadIdxDataset({
    imagesPath: dataPath(['fashion-mnist', `${prefix}-images-idx3-ubyte.gz`], directory),
    labelsPath: dataPath(['fashion-mnist', `${prefix}-labels-idx1-ubyte.gz`], directory),
    name: `fashion-mnist-${split}`,
    classes: 10,
    imageSize: [28, 28],
  });
}
