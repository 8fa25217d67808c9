/**
 * From fine-grained's measurements to the numbers its claims and tables are judged on: per-dataset
 * statistics (formula gaps, distances, bounds, test errors) and the rank correlations of their trends
 * with label corruption.
 */
import type { CorruptionRun, DatasetResult } from './experiment.ts';

/** Largest |measured/predicted − 1| over the steps. */
export const maximumRelativeGap = (measured: readonly number[], predicted: readonly number[]): number =>
  measured.reduce((worst, value, k) => Math.max(worst, Math.abs(value / predicted[k] - 1)), 0);

/** ‖measured − predicted‖/‖predicted‖ of two vectors. */
const relativeError = (measured: readonly number[], predicted: readonly number[]): number =>
  Math.sqrt(
    measured.reduce((sum, value, i) => sum + (value - predicted[i]) ** 2, 0) /
      predicted.reduce((sum, value) => sum + value * value, 0),
  );

function ranks(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => a.value - b.value);
  const result = new Array<number>(values.length);
  for (let start = 0; start < order.length;) {
    let end = start;
    while (end + 1 < order.length && order[end + 1].value === order[start].value) end++;
    for (let k = start; k <= end; k++) result[order[k].index] = (start + end) / 2;
    start = end + 1;
  }
  return result;
}

/**
 * Spearman's rank correlation (Pearson's on ranks, ties averaged).
 * @example spearman([0, 0.5, 1], [1, 4, 9]) // 1
 */
export function spearman(x: readonly number[], y: readonly number[]): number {
  const [rx, ry] = [ranks(x), ranks(y)];
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
  const [mx, my] = [mean(rx), mean(ry)];
  let [sxy, sxx, syy] = [0, 0, 0];
  rx.forEach((value, i) => {
    sxy += (value - mx) * (ry[i] - my);
    sxx += (value - mx) ** 2;
    syy += (ry[i] - my) ** 2;
  });
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/** The numbers behind one dataset's claims. */
export function datasetStatistics(result: DatasetResult) {
  const { runs } = result;
  const corruption = runs.map((run) => run.corruption);
  const last = (run: CorruptionRun) => run.distance[run.distance.length - 1];
  const relativeResidual = runs.map((run) => run.residual[run.residual.length - 1] / run.residual[0]);
  return {
    name: result.name,
    lambdaMin: result.eigenvalues[0],
    lambdaMax: result.eigenvalues[result.eigenvalues.length - 1],
    initialGramGap: result.initialGramGap,
    formulaGap: runs.map((run) => maximumRelativeGap(run.residual, run.predicted)),
    formulaGapAtInit: runs.map((run) => maximumRelativeGap(run.residual, run.predictedAtInit)),
    relativeResidual,
    residualOrder: spearman(corruption, relativeResidual),
    projectionError: runs.map((run) =>
      relativeError(run.residualProjections.measured, run.residualProjections.predicted),
    ),
    distance: runs.map((run) => last(run).measured),
    predictedDistance: runs.map((run) => last(run).predicted),
    distanceGap: runs.map((run) => Math.abs(last(run).measured / last(run).predicted - 1)),
    limitDistance: runs.map((run) => Math.sqrt(run.complexity)),
    distanceOrder: spearman(
      corruption,
      runs.map((run) => last(run).measured),
    ),
    limitOrder: spearman(
      corruption,
      runs.map((run) => run.complexity),
    ),
    bound: runs.map((run) => run.bound),
    boundOrder: spearman(
      corruption,
      runs.map((run) => run.bound),
    ),
    testError: runs.map((run) => run.testError),
    testErrorOrder: spearman(
      corruption,
      runs.map((run) => run.testError),
    ),
    testRampCorrupted: runs.map((run) => run.testRampCorrupted),
    boundMargin: Math.min(...runs.map((run) => run.bound - run.testRampCorrupted)),
    patternChanges: runs.map((run) => run.patternChanges),
  };
}

export type DatasetStatistics = ReturnType<typeof datasetStatistics>;
