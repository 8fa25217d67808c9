/**
 * Classification by ridgeless kernel regression on precomputed kernels, as the exact-CNTK papers
 * do (Arora et al. 2019, arXiv 1904.11955 §6 and its code; Li et al. 2019, arXiv 1911.00809 §6;
 * PAPERS.md §8): targets 0.9 for the true class and −0.1 for the others, no ridge, α = K⁻¹Y by
 * Cholesky in float64 (with the smallest diagonal jitter that works where rounding leaves K
 * indefinite: ridge.ts), predictions K_*α, the class of the first largest output; and the paired
 * comparison of two kernels on the same test images.
 */
import type { Dataset } from '../data/index.ts';
import type { Matrix } from '../linalg/index.ts';
import { kernelRidgeFit, kernelRidgePredict } from './ridge.ts';

/** Accuracy of kernel regression on one kernel, and the jitter relative to K's mean diagonal. */
export interface RegressionResult {
  accuracy: number;
  relativeJitter: number;
}

/** A regression's result and, per test image, whether it was classified correctly (1) or not (0). */
export interface RegressionOutcome extends RegressionResult {
  correct: Float64Array;
}

/** A paired difference of accuracies and its standard error. */
export interface PairedDifference {
  difference: number;
  standardError: number;
}

/**
 * Ridgeless kernel regression with train kernel K (n×n) and test kernel K_* (t×n), classifying
 * each test image by its largest output. `train` and `test` are datasets, or anything with
 * their labels (and, for `train`, the number of classes).
 * @example kernelRegression(kernels.train, kernels.test, split.train, split.test).accuracy
 */
export function kernelRegression(
  trainKernel: Matrix,
  testKernel: Matrix,
  train: Pick<Dataset, 'classes'> & { labels: ArrayLike<number> },
  test: { labels: ArrayLike<number> },
): RegressionOutcome {
  const [n, t, classes] = [train.labels.length, test.labels.length, train.classes];
  if (trainKernel.rows !== n || trainKernel.cols !== n || testKernel.rows !== t || testKernel.cols !== n)
    throw new Error(
      `kernelRegression: kernels ${trainKernel.rows}×${trainKernel.cols} and ${testKernel.rows}×${testKernel.cols} ` +
        `do not fit ${n} training and ${t} test images (want ${n}×${n} and ${t}×${n})`,
    );
  const targets = new Float64Array(n * classes).fill(-0.1);
  for (let i = 0; i < n; i++) {
    const label = train.labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= classes)
      throw new Error(`kernelRegression: training label ${label} at ${i} is not in 0…${classes - 1}`);
    targets[i * classes + label] = 0.9;
  }
  const { coefficients, jitter } = kernelRidgeFit(trainKernel, { rows: n, cols: classes, data: targets }, 0);
  const scores = kernelRidgePredict(testKernel, coefficients);
  const correct = Float64Array.from({ length: t }, (_, i) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (scores.data[i * classes + k] > scores.data[i * classes + best]) best = k;
    return best === test.labels[i] ? 1 : 0;
  });
  let trace = 0;
  for (let i = 0; i < n; i++) trace += trainKernel.data[i * n + i];
  return {
    accuracy: correct.reduce((sum, value) => sum + value, 0) / t,
    relativeJitter: jitter / (trace / n),
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
): PairedDifference {
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
