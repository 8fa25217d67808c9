/**
 * Kernel regression as in the paper (§6 and its code; PAPERS.md §8): targets 0.9 for the true
 * class and −0.1 for the others, no ridge, α = K⁻¹Y by Cholesky in float64, predictions K_*α,
 * the class of the largest output. Where rounding leaves K (float32 entries) indefinite,
 * Cholesky adds the smallest diagonal jitter that works (1e-10 … 1e-4 of the mean diagonal);
 * the jitter used is reported.
 */
import type { Dataset } from '../../src/data/index.ts';
import { kernelRidgeFit, kernelRidgePredict } from '../../src/kernel-methods/ridge.ts';
import type { Matrix } from '../../src/linalg/index.ts';
import { accuracyOfScores, regressionTargets } from './finite-training.ts';

/** Accuracy of kernel regression on one kernel, and the jitter relative to K's mean diagonal. */
export interface RegressionResult {
  accuracy: number;
  relativeJitter: number;
}

/** A regression's result and, per test image, whether it was classified correctly (1) or not (0). */
export interface RegressionOutcome extends RegressionResult {
  correct: Float64Array;
}

/**
 * Ridgeless kernel regression with train kernel K (n×n) and test kernel K_* (t×n).
 * @example kernelRegression(kernels.train, kernels.test, split.train, split.test).accuracy
 */
export function kernelRegression(
  trainKernel: Matrix,
  testKernel: Matrix,
  train: Dataset,
  test: Dataset,
): RegressionOutcome {
  const { coefficients, jitter } = kernelRidgeFit(trainKernel, regressionTargets(train.labels, train.classes), 0);
  const scores = kernelRidgePredict(testKernel, coefficients);
  const correct = Float64Array.from({ length: test.count }, (_, i) =>
    accuracyOfScores(
      { rows: 1, cols: scores.cols, data: scores.data.subarray(i * scores.cols, (i + 1) * scores.cols) },
      [test.labels[i]],
    ),
  );
  let trace = 0;
  for (let i = 0; i < trainKernel.rows; i++) trace += trainKernel.data[i * trainKernel.rows + i];
  return {
    accuracy: correct.reduce((sum, value) => sum + value, 0) / test.count,
    relativeJitter: jitter / (trace / trainKernel.rows),
    correct,
  };
}

/**
 * Accuracy of `first` minus that of `second` on the same test images, and the standard error
 * of that difference from the per-image differences (a paired comparison).
 * @example pairedDifference(gap, vanilla) // { difference: 0.027, standardError: 0.021 }
 */
export function pairedDifference(
  first: { correct: ArrayLike<number> },
  second: { correct: ArrayLike<number> },
): { difference: number; standardError: number } {
  const n = first.correct.length;
  if (second.correct.length !== n)
    throw new Error(
      `pairedDifference: ${n} and ${second.correct.length} test images; a paired comparison needs the same ones`,
    );
  const differences = Array.from(first.correct, (value, i) => value - second.correct[i]);
  const mean = differences.reduce((sum, value) => sum + value, 0) / n;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, n - 1);
  return { difference: mean, standardError: Math.sqrt(variance / n) };
}
