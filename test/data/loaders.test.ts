import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { loadAgNews, type TextDataset } from '../../src/data/ag-news.ts';
import { loadCifar10 } from '../../src/data/cifar10.ts';
import { labelHistogram, type Dataset } from '../../src/data/dataset.ts';
import { dataPath } from '../../src/data/dir.ts';
import { loadFashionMnist } from '../../src/data/fashion-mnist.ts';
import { channelStatistics } from '../../src/data/transforms.ts';
import { listUciDatasets, loadUci } from '../../src/data/uci.ts';
import { describeWithData } from './requireData.ts';

// Facts from the data README (/work/shared/data/README.md) and the datasets' well-known first labels.

describeWithData('loadFashionMnist on the release files', 'fashion-mnist', (directory) => {
  let train: Dataset;
  let test: Dataset;
  beforeAll(() => {
    train = loadFashionMnist('train', directory); // 26 MB gzipped: loaded once for the whole suite
    test = loadFashionMnist('test', directory);
  });

  it('has 60,000 + 10,000 images of shape [1, 28, 28], 6,000 and 1,000 per class', () => {
    expect([train.count, test.count]).toEqual([60000, 10000]);
    expect(train.shape).toEqual([1, 28, 28]);
    expect(Array.from(labelHistogram(train.labels, 10))).toEqual(new Array(10).fill(6000));
    expect(Array.from(labelHistogram(test.labels, 10))).toEqual(new Array(10).fill(1000));
  });

  it('starts with the well-known labels (ankle boot, T-shirt, T-shirt, dress, …)', () => {
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
  });

  it('has pixels in [0, 1]', () => {
    expect(test.images.every((value) => value >= 0 && value <= 1)).toBe(true);
  });
});

describeWithData('loadCifar10 on the binary batches', 'cifar10', (directory) => {
  let train: Dataset;
  let test: Dataset;
  beforeAll(() => {
    train = loadCifar10('train', directory);
    test = loadCifar10('test', directory);
  });

  it('loads the training batches that exist (here only data_batch_1.bin) and the test batch', () => {
    expect([train.count, test.count]).toEqual([10000, 10000]);
    expect(train.shape).toEqual([3, 32, 32]);
    expect(train.images.length).toBe(10000 * 3072);
  });

  it('has the README label counts and the well-known first labels', () => {
    expect(Array.from(labelHistogram(train.labels, 10))).toEqual([
      1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981,
    ]);
    expect(Array.from(labelHistogram(test.labels, 10))).toEqual(new Array(10).fill(1000));
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  });

  it('has the README per-channel mean and std of test_batch.bin (NCHW planes in R, G, B order)', () => {
    const { mean, std } = channelStatistics(test);
    [0.4941, 0.4851, 0.4504].forEach((expected, channel) => expect(mean[channel]).toBeCloseTo(expected, 4));
    [0.245, 0.2423, 0.2607].forEach((expected, channel) => expect(std[channel]).toBeCloseTo(expected, 4));
  });
});

describeWithData('loadUci on the Fernández-Delgado layout', 'uci', (directory) => {
  const catalog = (): string[][] =>
    readFileSync(dataPath(['uci', 'datasets.tsv'], directory), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'));
  const description = (name: string, key: string): number =>
    Number(
      new RegExp(`^${key}=\\s*(\\d+)`, 'm').exec(
        readFileSync(dataPath(['uci', name, `${name}.txt`], directory), 'utf8'),
      )![1],
    );

  it('lists the 90 datasets of datasets.tsv', () => {
    const names = listUciDatasets(directory);
    expect(names).toHaveLength(90);
    expect(names).toEqual(
      catalog()
        .map(([name]) => name)
        .sort(),
    );
  });

  it('agrees with n, d, c of datasets.tsv and with the splits described by the README, for every dataset', () => {
    for (const [name, n, d, c] of catalog()) {
      const dataset = loadUci(name, directory);
      expect([dataset.count, dataset.dimension, dataset.classes], name).toEqual([Number(n), Number(d), Number(c)]);
      expect(dataset.features.length).toBe(dataset.count * dataset.dimension);
      // conxuntos.dat: disjoint training and validation sets of the sizes in the description file.
      const train = new Set(dataset.trainIndices);
      expect(train.size, name).toBe(description(name, 'n_patrons_entrena'));
      expect(dataset.validationIndices.length, name).toBe(description(name, 'n_patrons_valida'));
      expect(
        dataset.validationIndices.some((index) => train.has(index)),
        name,
      ).toBe(false);
      // conxuntos_kfold.dat: each fold's training and test sets are disjoint and cover all rows;
      // the four test sets have equal size and, as in the original archive, are not an exact partition.
      const testSizes = dataset.folds.map((fold) => fold.testIndices.length);
      expect(new Set(testSizes).size, name).toBe(1);
      for (const fold of dataset.folds) {
        const union = new Set([...fold.trainIndices, ...fold.testIndices]);
        expect(union.size, name).toBe(dataset.count);
        expect(fold.trainIndices.length + fold.testIndices.length, name).toBe(dataset.count);
      }
      expect(new Set(dataset.folds.flatMap((fold) => Array.from(fold.testIndices))).size, name).toBeLessThan(
        dataset.count,
      );
    }
  });

  it('has every non-constant feature standardized to mean 0 and sample std 1 (iris, to 4 digits)', () => {
    const iris = loadUci('iris', directory);
    expect([iris.count, iris.dimension, iris.classes]).toEqual([150, 4, 3]);
    expect(Array.from(labelHistogram(iris.labels, 3))).toEqual([50, 50, 50]);
    for (let column = 0; column < iris.dimension; column++) {
      let sum = 0;
      for (let row = 0; row < iris.count; row++) sum += iris.features[row * iris.dimension + column];
      const mean = sum / iris.count;
      let squares = 0;
      for (let row = 0; row < iris.count; row++) squares += (iris.features[row * iris.dimension + column] - mean) ** 2;
      expect(mean).toBeCloseTo(0, 4);
      expect(Math.sqrt(squares / (iris.count - 1))).toBeCloseTo(1, 4);
    }
  });
});

describeWithData('loadAgNews on the release CSV', 'ag-news', (directory) => {
  let test: TextDataset;
  beforeAll(() => {
    test = loadAgNews('test', directory);
  });

  it('has 7,600 rows, 1,900 per class, labels 0-based', () => {
    expect(test.count).toBe(7600);
    expect(Array.from(labelHistogram(test.labels, 4))).toEqual([1900, 1900, 1900, 1900]);
  });

  it('reads the first row and un-doubles inner quotes', () => {
    expect(test.labels[0]).toBe(2); // class 3, Business
    expect(test.titles[0]).toBe('Fears for T N pension after talks');
    expect(test.descriptions[0]).toMatch(/^Unions representing workers at Turner +Newall say they are 'disappointed'/);
    expect(test.texts.some((text) => text.includes('"'))).toBe(true);
    expect(test.texts.some((text) => text.includes('""'))).toBe(false);
  });
});
