/**
 * From fine-grained's measurements to the numbers its claims and tables are judged on: per-dataset
 * statistics (formula gaps beside their width noise, distances, complexities, test errors) and the
 * growth exponents of the Theorem 6.1 curves; `trendVerdict` turns an ordered series with its noise
 * into yes / no / not resolved.
 */
import type { DatasetResult } from './experiment.ts';
import type { GrowthResult } from './growth.ts';
import { standardDeviation } from './noise.ts';

/** Largest |measured − predicted| over the steps, divided by `scale`. */
export const maximumGap = (measured: readonly number[], predicted: readonly number[], scale: number): number =>
  measured.reduce((worst, value, k) => Math.max(worst, Math.abs(value - predicted[k])), 0) / scale;

/**
 * Whether every difference is positive by more than twice its standard error: true if so, false if
 * some difference is negative by more than that, 'not resolved' otherwise.
 * @example differenceVerdict([0.2, 0.01], [0.05, 0.02]) // 'not resolved'
 */
export function differenceVerdict(
  differences: readonly number[],
  standardErrors: readonly number[],
): boolean | 'not resolved' {
  if (differences.every((difference, i) => difference > 2 * standardErrors[i])) return true;
  return differences.some((difference, i) => difference < -2 * standardErrors[i]) ? false : 'not resolved';
}

/**
 * Whether `values` increase from each entry to the next, each with its own standard deviation
 * `noise` (independent, so a difference has sd √(sd_i² + sd_{i+1}²)): see differenceVerdict.
 * @example trendVerdict([1, 2, 3], [0.1, 0.1, 0.1]) // true
 */
export function trendVerdict(values: readonly number[], noise: readonly number[]): boolean | 'not resolved' {
  return differenceVerdict(
    values.slice(1).map((value, i) => value - values[i]),
    values.slice(1).map((_, i) => Math.hypot(noise[i], noise[i + 1])),
  );
}

/** The numbers behind one dataset's claims, one entry per corruption level where it is an array. */
export function datasetStatistics(result: DatasetResult) {
  const { runs } = result;
  const last = <T>(values: readonly T[]): T => values[values.length - 1];
  return {
    name: result.name,
    lambdaMin: result.eigenvalues[0],
    lambdaMax: last(result.eigenvalues),
    initialGramGap: result.initialGramGap,
    /** max_k |‖y − u(k)‖ − formula(k)|/‖y‖ with H∞, with the net's own H(0), and twice the width spread. */
    formulaGap: runs.map((run) => maximumGap(run.residual, run.predicted, run.residual[0])),
    formulaGapAtInit: runs.map((run) => maximumGap(run.residual, run.predictedAtInit, run.residual[0])),
    formulaNoise: runs.map((run) => (2 * Math.max(...run.predictedSpread)) / run.residual[0]),
    relativeResidual: runs.map((run) => last(run.residual) / run.residual[0]),
    distance: runs.map((run) => last(run.distance).measured),
    predictedDistance: runs.map((run) => last(run.distance).predicted),
    distanceNoise: runs.map((run) => 2 * run.distanceSpread),
    limitDistance: runs.map((run) => Math.sqrt(run.complexity)),
    complexitySpread: runs.map((run) => run.labelSpread.complexity),
    stepsToFraction: runs.map((run) => run.stepsToFraction),
    stepsSpread: runs.map((run) => run.labelSpread.stepsToFraction),
    bound: runs.map((run) => run.bound),
    testError: runs.map((run) => run.testError),
    testErrorSteps: result.testErrorSteps,
    testRamp: runs.map((run) => run.testRampCorrupted),
    testRampStandardError: runs.map((run) => run.testRampStandardError),
    patternChanges: runs.map((run) => run.patternChanges),
  };
}

export type DatasetStatistics = ReturnType<typeof datasetStatistics>;

/**
 * The least-squares slope of log y against log x.
 * @example logLogSlope([1, 4], [1, 2]) // 0.5
 */
export function logLogSlope(x: readonly number[], y: readonly number[]): number {
  const [lx, ly] = [x.map(Math.log), y.map(Math.log)];
  const [mx, my] = [lx, ly].map((values) => values.reduce((sum, value) => sum + value, 0) / values.length);
  let [sxy, sxx] = [0, 0];
  lx.forEach((value, i) => {
    sxy += (value - mx) * (ly[i] - my);
    sxx += (value - mx) ** 2;
  });
  return sxy / sxx;
}

const meanAndError = (values: readonly number[]) => ({
  mean: values.reduce((sum, value) => sum + value, 0) / values.length,
  standardError: standardDeviation(values) / Math.sqrt(values.length),
});

/**
 * Per target of the Theorem 6.1 experiment: the growth exponent d log √(yᵀ(H∞)⁻¹y)/d log n over the
 * last doubling of n and over all n (mean and standard error over seeds), its values at the largest
 * n, and the largest ratio of the complexity to Theorem 6.1's bound (≤ 1 by the theorem).
 */
export function growthStatistics(growth: GrowthResult) {
  const { sizes } = growth;
  const n = sizes.length;
  return growth.targets.map((target) => ({
    name: target.name,
    covered: target.covered,
    lastExponent: meanAndError(target.complexity.map((curve) => logLogSlope(sizes.slice(n - 2), curve.slice(n - 2)))),
    exponent: meanAndError(target.complexity.map((curve) => logLogSlope(sizes, curve))),
    atLargest: meanAndError(target.complexity.map((curve) => curve[n - 1])),
    boundRatio: target.bound
      ? Math.max(...target.complexity.map((curve, s) => Math.max(...curve) / target.bound![s]))
      : null,
  }));
}

export type GrowthStatistics = ReturnType<typeof growthStatistics>;
