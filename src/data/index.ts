/**
 * theorygrad's data layer: seeded sampling, the in-memory Dataset, loaders for the
 * canonical release formats (MNIST, Fashion-MNIST, CIFAR-10, the Fernández-Delgado UCI
 * collection, AG News), transforms and mini-batches. Plain TypeScript on typed arrays.
 * @example
 *   import { loadMnist, standardizeChannels, batches } from './src/data/index.ts';
 *   const train = standardizeChannels(loadMnist('train'));
 *   for (const batch of batches(train, { batchSize: 128, seed: 0, epoch: 0 })) console.log(batch.count);
 */
export {
  Random,
  choice,
  deriveSeed,
  permutation,
  sampleWithoutReplacement,
  shuffleInPlace,
  type MutableArrayLike,
} from './random.ts';
export {
  checkSplit,
  createDataset,
  exampleSize,
  labelHistogram,
  selectClasses,
  selectExamples,
  takeFirst,
  takeRandom,
  type Dataset,
  type ExampleSet,
  type SelectClassesOptions,
  type Split,
} from './dataset.ts';
export { dataDirectory, dataPath, requireFile } from './dir.ts';
export { datasetFolders, datasetPath, datasetPresent, hasDataset, type DatasetName } from './available.ts';
export {
  bytesToUnitInterval,
  loadIdxDataset,
  parseIdx,
  readIdxFile,
  type IdxArray,
  type IdxDatasetFiles,
} from './idx.ts';
export { loadMnist, mnistDirectory } from './mnist.ts';
export { fashionMnistClasses, loadFashionMnist } from './fashion-mnist.ts';
export { cifar10Classes, loadCifar10, type LoadCifar10Options } from './cifar10.ts';
export { listUciDatasets, loadUci, type UciDataset } from './uci.ts';
export {
  agNewsClasses,
  buildVocabulary,
  encodeBagOfWords,
  loadAgNews,
  parseCsv,
  parseCsvRows,
  tokenize,
  type CsvRow,
  type LoadAgNewsOptions,
  type TextDataset,
} from './ag-news.ts';
export {
  applyZca,
  channelStatistics,
  downsample,
  fitZca,
  flipHorizontal,
  normalize,
  normalizeRows,
  randomCrop,
  randomFlipHorizontal,
  standardizeChannels,
  standardizeWith,
  type ChannelStatistics,
  type ZcaWhitening,
} from './transforms.ts';
export { batchCount, batches, epochOrder, type Batch, type BatchOptions } from './batches.ts';
export { imagesOf } from './images.ts';
