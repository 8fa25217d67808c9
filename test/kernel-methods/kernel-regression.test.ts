/**
 * src/kernel-methods/kernel-regression.ts: the 0.9/−0.1 regression interpolates its training
 * set and classifies by the largest output; the paired difference and its standard error;
 * kernels or labels that do not fit are errors naming the sizes.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createDataset, Random, type Dataset } from '../../src/data/index.ts';
import {
  accuracyOfScores,
  correctOfScores,
  kernelRegression,
  pairedDifference,
  regressionTargets,
} from '../../src/kernel-methods/kernel-regression.ts';
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

it('regressionTargets: 0.9 at the label and −0.1 elsewhere; a label outside the classes is an error', () => {
  expect(regressionTargets(Int32Array.of(2, 0), 3)).toEqual({
    rows: 2,
    cols: 3,
    data: Float64Array.of(-0.1, -0.1, 0.9, 0.9, -0.1, -0.1),
  });
  expect(() => regressionTargets([3], 3)).toThrow('regressionTargets: training label 3 at 0 is not in 0…2');
  expect(() => regressionTargets([0, 0.5], 2)).toThrow('regressionTargets: training label 0.5 at 1 is not in 0…1');
});

it('correctOfScores: 1 where the first largest score of a row is at its label, ties going to the first', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 5 }),
      fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 30, maxLength: 30 }),
      fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
      (rows, classes, values, picks) => {
        const scores = { rows, cols: classes, data: Float64Array.from(values.slice(0, rows * classes)) };
        const labels = picks.slice(0, rows).map((pick) => pick % classes);
        const correct = correctOfScores(scores, labels);
        for (let i = 0; i < rows; i++) {
          const row = Array.from(scores.data.subarray(i * classes, (i + 1) * classes));
          expect(correct[i]).toBe(row.indexOf(Math.max(...row)) === labels[i] ? 1 : 0);
        }
        expect(accuracyOfScores(scores, labels)).toBe(correct.reduce((a, b) => a + b, 0) / rows);
      },
    ),
  );
  const scores = { rows: 2, cols: 2, data: Float64Array.of(2, 1, 0, 3) };
  expect(Array.from(correctOfScores(scores, [0, 0]))).toEqual([1, 0]);
  expect(() => correctOfScores(scores, [0])).toThrow('correctOfScores: 2 rows of scores but 1 labels');
  expect(() => accuracyOfScores({ rows: 0, cols: 2, data: new Float64Array(0) }, [])).toThrow(
    'accuracyOfScores: no rows of scores',
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
