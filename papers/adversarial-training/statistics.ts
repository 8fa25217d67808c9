/**
 * The statistics the claims are judged by: per-width means and ranges over seeds, paired differences
 * with their standard error (the noise a verdict must clear), and log-log slopes against width.
 */

/** Mean, min and max of one measure at each width, over seeds. */
export interface WidthSeries {
  widths: number[];
  mean: number[];
  min: number[];
  max: number[];
}

/** Records that carry a width and a seed. */
export interface Seeded {
  width: number;
  seed: number;
}

/** One measure per width, over the records that `keep` selects. */
export function widthSeries<R extends Seeded>(records: readonly R[], measure: (record: R) => number): WidthSeries {
  const widths = [...new Set(records.map((record) => record.width))].sort((a, b) => a - b);
  const at = widths.map((width) => records.filter((record) => record.width === width).map(measure));
  return {
    widths,
    mean: at.map((values) => values.reduce((a, b) => a + b, 0) / values.length),
    min: at.map((values) => Math.min(...values)),
    max: at.map((values) => Math.max(...values)),
  };
}

/** Mean and standard error of paired differences a − b (paired by seed). */
export function pairedDifference(a: readonly number[], b: readonly number[]): { mean: number; standardError: number } {
  if (a.length !== b.length || a.length === 0)
    throw new Error(`pairedDifference: need two equal non-empty lists, got ${a.length} and ${b.length}`);
  const differences = a.map((value, i) => value - b[i]);
  const mean = differences.reduce((x, y) => x + y, 0) / differences.length;
  const variance =
    differences.length > 1
      ? differences.reduce((total, value) => total + (value - mean) ** 2, 0) / (differences.length - 1)
      : 0;
  return { mean, standardError: Math.sqrt(variance / differences.length) };
}

/**
 * "yes" when the paired difference is positive by more than `z` standard errors, "no" when negative by
 * more, "not resolved" inside the noise (with one seed, a zero standard error resolves any difference).
 */
export function verdict(difference: { mean: number; standardError: number }, z = 2): boolean | 'not resolved' {
  if (difference.mean > z * difference.standardError) return true;
  if (difference.mean < -z * difference.standardError) return false;
  return 'not resolved';
}

/** Least-squares slope of log y against log x. */
export function logLogSlope(x: readonly number[], y: readonly number[]): number {
  const lx = x.map(Math.log);
  const ly = y.map(Math.log);
  const mx = lx.reduce((a, b) => a + b, 0) / lx.length;
  const my = ly.reduce((a, b) => a + b, 0) / ly.length;
  let numerator = 0;
  let denominator = 0;
  lx.forEach((value, i) => {
    numerator += (value - mx) * (ly[i] - my);
    denominator += (value - mx) ** 2;
  });
  return numerator / denominator;
}

/** The values of `measure` at `width`, ordered by seed. */
export function bySeed<R extends Seeded>(
  records: readonly R[],
  width: number,
  measure: (record: R) => number,
): number[] {
  return records
    .filter((record) => record.width === width)
    .sort((a, b) => a.seed - b.seed)
    .map(measure);
}
