/**
 * The numbers behind the claims: means with standard errors over the fixed saliency images, paired
 * differences between two methods on the same images, and the three-way verdict (a difference
 * beyond two paired standard errors decides; inside them it is "not resolved").
 */

/** A mean and its standard error (sample standard deviation / √n). */
export interface MeanWithError {
  mean: number;
  standardError: number;
}

/**
 * Mean and standard error of `values`.
 * @example meanWithError([1, 2, 3]) // { mean: 2, standardError: 0.577… }
 */
export function meanWithError(values: readonly number[]): MeanWithError {
  const n = values.length;
  if (n === 0) throw new Error('meanWithError: no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = n > 1 ? values.reduce((total, value) => total + (value - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, standardError: Math.sqrt(variance / n) };
}

/**
 * The paired difference a − b, image by image, as a mean with its standard error.
 * @example pairedDifference([0.9, 0.8], [0.1, 0.2]).mean // 0.7
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): MeanWithError {
  if (a.length !== b.length) throw new Error(`pairedDifference: ${a.length} vs ${b.length} values`);
  return meanWithError(a.map((value, i) => value - b[i]));
}

/** How many standard errors a difference must clear to decide a verdict. */
export const DECIDING_ERRORS = 2;

/**
 * true when the estimate is above zero by more than DECIDING_ERRORS standard errors, false when
 * below by as much, else "not resolved".
 * @example verdict({ mean: 0.3, standardError: 0.05 }) // true
 */
export function verdict(difference: MeanWithError): boolean | 'not resolved' {
  const margin = DECIDING_ERRORS * difference.standardError;
  if (difference.mean > margin) return true;
  if (difference.mean < -margin) return false;
  return 'not resolved';
}

/** "0.42 ± 0.03" */
export function formatMean(value: MeanWithError, digits = 2): string {
  return `${value.mean.toFixed(digits)} ± ${value.standardError.toFixed(digits)}`;
}

/** The binomial standard error of an accuracy p measured on n examples. */
export function accuracyError(p: number, n: number): number {
  return Math.sqrt(Math.max(p * (1 - p), 1e-12) / n);
}
