/**
 * Kernel regression as in the paper (arXiv 1911.00809, §6, following arXiv 1904.11955): targets
 * 0.9 for the true class and −0.1 for the others, no ridge, α = K⁻¹Y by Cholesky in float64
 * (with the smallest diagonal jitter that works where rounding leaves K indefinite), the class
 * of the largest output; and the paired comparison of two kernels on the same test images.
 */
import type { Dataset } from '../../src/data/index.ts';
import { kernelRidgeFit, kernelRidgePredict } from '../../src/kernel-methods/ridge.ts';
import type { Matrix } from '../../src/linalg/index.ts';

/** A regression's accuracy, per test image whether it was right (1) or not (0), and the jitter relative to K's mean diagonal. */
export interface RegressionOutcome {
  accuracy: number;
  correct: Float64Array;
  relativeJitter: number;
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
  const classes = train.classes;
  const targets = new Float64Array(train.count * classes).fill(-0.1);
  train.labels.forEach((label, i) => (targets[i * classes + label] = 0.9));
  const { coefficients, jitter } = kernelRidgeFit(trainKernel, { rows: train.count, cols: classes, data: targets }, 0);
  const scores = kernelRidgePredict(testKernel, coefficients);
  const correct = Float64Array.from({ length: test.count }, (_, i) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (scores.data[i * classes + k] > scores.data[i * classes + best]) best = k;
    return best === test.labels[i] ? 1 : 0;
  });
  let trace = 0;
  for (let i = 0; i < trainKernel.rows; i++) trace += trainKernel.data[i * trainKernel.rows + i];
  return {
    accuracy: correct.reduce((sum, value) => sum + value, 0) / test.count,
    correct,
    relativeJitter: jitter / (trace / trainKernel.rows),
  };
}

/** A paired difference of accuracies and its standard error. */
export interface PairedDifference {
  difference: number;
  standardError: number;
}

/**
 * Accuracy of `first` minus that of `second` on the same test images, and the standard error
 * of that difference from the per-image differences.
 * @example pairedDifference(lap, vanilla) // { difference: 0.031, standardError: 0.012 }
 */
export function pairedDifference(first: RegressionOutcome, second: RegressionOutcome): PairedDifference {
  const n = first.correct.length;
  if (second.correct.length !== n)
    throw new Error(
      `pairedDifference: ${n} and ${second.correct.length} test images; a paired comparison needs the same ones`,
    );
  const differences = first.correct.map((value, i) => value - second.correct[i]);
  const mean = differences.reduce((sum, value) => sum + value, 0) / n;
  const variance = differences.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, n - 1);
  return { difference: mean, standardError: Math.sqrt(variance / n) };
}

/**
 * The verdict of a difference that the paper says is positive: yes beyond two standard errors,
 * no below minus two, "not resolved" between (DESIGN.md: a difference within noise).
 * @example verdict({ difference: 0.01, standardError: 0.02 }) // 'not resolved'
 */
export function verdict({ difference, standardError }: PairedDifference): boolean | string {
  if (difference > 2 * standardError) return true;
  if (difference < -2 * standardError) return false;
  return 'not resolved';
}
