/**
 * src/kernel-methods/kernel-regression.ts: the 0.9/−0.1 regression interpolates its training
 * set and classifies by the largest output; the paired difference and its standard error;
 * kernels or labels that do not fit are errors naming the sizes.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createDataset, Random, type Dataset } from '../../src/data/index.ts';
import { kernelRegression, pairedDifference } from '../../src/kernel-methods/kernel-regression.ts';
import type { Matrix } from '../../src/linalg/index.ts';

/** Points in R^3 with labels 0…classes − 1, and the RBF kernel between two sets of them. */
const points = (count: number, classes: number, seed: number): Dataset => {
  const random = new Random(seed);
  return createDataset({
    images: Float32Array.from({ length: count * 3 }, () => random.normal()),
    labels: Int32Array.from({ length: count }, (_, i) => i % classes),
    shape: [3],
    classes,
    name: 'points',
  });
};
const rbf = (a: Dataset, b: Dataset): Matrix => {
  const data = new Float64Array(a.count * b.count);
  for (let i = 0; i < a.count; i++)
    for (let j = 0; j < b.count; j++) {
      let distance = 0;
      for (let d = 0; d < 3; d++) distance += (a.images[i * 3 + d] - b.images[j * 3 + d]) ** 2;
      data[i * b.count + j] = Math.exp(-distance);
    }
  return { rows: a.count, cols: b.count, data };
};

it('classifies its own training points exactly (K_* = K interpolates the 0.9/−0.1 targets)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 4 }), fc.integer(), (n, classes, seed) => {
      const train = points(n, classes, seed);
      const kernel = rbf(train, train);
      const outcome = kernelRegression(kernel, kernel, train, train);
      expect(outcome.accuracy).toBe(1);
      expect(Array.from(outcome.correct)).toEqual(new Array(n).fill(1));
      expect(outcome.relativeJitter).toBeGreaterThanOrEqual(0);
    }),
  );
});

it('counts a test point right exactly when its largest output is at its label', () => {
  const train = points(6, 3, 1);
  const test = points(5, 3, 2);
  const outcome = kernelRegression(rbf(train, train), rbf(test, train), train, test);
  expect(outcome.accuracy).toBeCloseTo(outcome.correct.reduce((a, b) => a + b, 0) / 5, 12);
  const flipped = createDataset({ ...test, labels: test.labels.map((label) => (label + 1) % 3) });
  const other = kernelRegression(rbf(train, train), rbf(test, train), train, flipped);
  outcome.correct.forEach((right, i) => (right === 1 ? expect(other.correct[i]).toBe(0) : undefined));
});

it('takes bare labels as it takes datasets', () => {
  const train = points(7, 3, 3);
  const test = points(4, 3, 4);
  const [trainKernel, testKernel] = [rbf(train, train), rbf(test, train)];
  expect(
    kernelRegression(
      trainKernel,
      testKernel,
      { labels: Array.from(train.labels), classes: 3 },
      { labels: test.labels },
    ),
  ).toEqual(kernelRegression(trainKernel, testKernel, train, test));
});

it('names kernels of the wrong size and labels outside the classes', () => {
  const train = points(4, 2, 0);
  const test = points(3, 2, 1);
  expect(() => kernelRegression(rbf(train, train), rbf(train, train), train, test)).toThrow(
    'kernelRegression: kernels 4×4 and 4×4 do not fit 4 training and 3 test images (want 4×4 and 3×4)',
  );
  // a set built by hand, not by createDataset (which would refuse the label itself)
  const bad: Dataset = { ...train, labels: Int32Array.of(0, 1, 2, 0) };
  expect(() => kernelRegression(rbf(bad, bad), rbf(test, bad), bad, test)).toThrow(
    'kernelRegression: training label 2 at 2 is not in 0…1',
  );
});

it('pairedDifference: the mean of the per-image differences and its standard error', () => {
  const first = { correct: [1, 1, 0, 1] };
  const second = { correct: [0, 1, 0, 0] };
  // differences 1, 0, 0, 1: mean 1/2, sample variance 1/3, standard error √(1/12)
  const { difference, standardError } = pairedDifference(first, second);
  expect(difference).toBe(0.5);
  expect(standardError).toBeCloseTo(Math.sqrt(1 / 12), 15);
  expect(pairedDifference(first, first)).toEqual({ difference: 0, standardError: 0 });
  expect(() => pairedDifference(first, { correct: [1] })).toThrow(
    'pairedDifference: 4 and 1 test images; a paired comparison needs the same ones',
  );
});
