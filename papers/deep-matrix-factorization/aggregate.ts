/**
 * Per-count statistics over seeds of a family of runs: the mean and the range of any
 * measure, for each depth and for the minimum nuclear norm solution; and the points of the
 * runs that stopped at the step cap, which the figures mark.
 */
import type { LineSeries } from '../../src/report/index.ts';
import type { Cell } from './experiments.ts';
import type { SolutionSummary } from './training.ts';

/** A method: a depth, or the minimum nuclear norm solution. */
export type Method = number | 'nuclear';

export function methodName(method: Method): string {
  return method === 'nuclear' ? 'min nuclear norm' : `depth ${method}`;
}

/** Mean, minimum and maximum over seeds of one measure, per count (NaN where no run). */
export interface Series {
  counts: number[];
  mean: number[];
  min: number[];
  max: number[];
}

/** The solution of `method` in a cell, if it ran there. */
export function solutionOf(cell: Cell, method: Method): SolutionSummary | undefined {
  return method === 'nuclear' ? cell.nuclearNorm : cell.runs.find((run) => run.depth === method);
}

/** `measure` of `method`'s solutions, aggregated over seeds at each count. */
export function series(cells: readonly Cell[], method: Method, measure: (solution: SolutionSummary) => number): Series {
  const counts = [...new Set(cells.map((cell) => cell.count))].sort((a, b) => a - b);
  const result: Series = { counts, mean: [], min: [], max: [] };
  for (const count of counts) {
    const values = cells
      .filter((cell) => cell.count === count)
      .map((cell) => solutionOf(cell, method))
      .filter((solution): solution is SolutionSummary => solution !== undefined)
      .map(measure);
    result.mean.push(values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length);
    result.min.push(values.length === 0 ? NaN : Math.min(...values));
    result.max.push(values.length === 0 ? NaN : Math.max(...values));
  }
  return result;
}

/** The mean of `measure` for `method` at one count (NaN if it never ran there). */
export function meanAt(
  cells: readonly Cell[],
  method: Method,
  count: number,
  measure: (solution: SolutionSummary) => number,
): number {
  const aggregated = series(cells, method, measure);
  const index = aggregated.counts.indexOf(count);
  return index < 0 ? NaN : aggregated.mean[index];
}

/** The points of runs stopped by the step cap, as one marker-only series (NaN between points lifts the pen). */
export function notConvergedSeries(points: readonly { x: number; y: number }[]): LineSeries[] {
  if (points.length === 0) return [];
  return [
    {
      name: 'not converged (step cap)',
      x: points.flatMap((point, i) => (i === 0 ? [point.x] : [NaN, point.x])),
      y: points.flatMap((point, i) => (i === 0 ? [point.y] : [NaN, point.y])),
      markers: true,
      color: '#d62728',
    },
  ];
}

/** `measure` of every unconverged GD run of `depths`, at its count. */
export function unconvergedPoints(
  cells: readonly Cell[],
  depths: readonly number[],
  measure: (solution: SolutionSummary) => number,
): { x: number; y: number }[] {
  return cells.flatMap((cell) =>
    cell.runs
      .filter((run) => depths.includes(run.depth) && !run.converged)
      .map((run) => ({ x: cell.count, y: measure(run) })),
  );
}
