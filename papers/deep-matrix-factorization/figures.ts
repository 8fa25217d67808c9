/**
 * The SVG figures of the rebuild, each mirroring one of the paper's (PAPERS.md §7):
 * reconstruction error against the number of observations (Figure 1; sensing: Figure 2's
 * sensing panels), nuclear norm and effective rank of the solutions (Figure 2's message),
 * singular values of W_e during training per depth (Figure 3), and Theorem 3's prediction
 * of single-step singular value changes against the measured ones.
 */
import { linePlot, scatterPlot, seriesColor, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import { methodName, notConvergedSeries, series, unconvergedPoints, type Method } from './aggregate.ts';
import type { CompletionConfig, Config, SensingConfig } from './config.ts';
import type { Cell, FamilyResult } from './experiments.ts';
import { initScaleCaptions, initScaleFigures } from './figures-init-scale.ts';
import type { InitScaleSweep } from './init-scale.ts';
import type { SolutionSummary } from './training.ts';

/**
 * One line per method, mean over seeds with min–max bars; the nuclear norm baseline dashed;
 * runs stopped by the step cap marked in red.
 */
function methodLines(
  cells: readonly Cell[],
  methods: readonly Method[],
  measure: (solution: SolutionSummary) => number,
): LineSeries[] {
  const depths = methods.filter((method): method is number => method !== 'nuclear');
  const lines = methods.map((method, index): LineSeries => {
    const aggregated = series(cells, method, measure);
    return {
      name: methodName(method),
      x: aggregated.counts,
      y: aggregated.mean,
      error: { lower: aggregated.min, upper: aggregated.max, style: 'bars' },
      dashed: method === 'nuclear',
      markers: true,
      color: method === 'nuclear' ? '#333333' : seriesColor(index),
    };
  });
  return [...lines, ...notConvergedSeries(unconvergedPoints(cells, depths, measure))];
}

function methodsOf(depths: readonly number[]): Method[] {
  return [...depths, 'nuclear'];
}

/** A horizontal reference line across the counts. */
function reference(name: string, counts: readonly number[], value: number): LineSeries {
  return { name, x: [counts[0], counts[counts.length - 1]], y: [value, value], dashed: true, color: '#999999' };
}

/** figure file name → SVG text. */
export function completionFigures(result: FamilyResult, config: CompletionConfig): Record<string, string> {
  const { depths, rank, seeds, learningRates } = config;
  const methods = methodsOf(depths);
  const counts = [...new Set(result.cells.map((cell) => cell.count))].sort((a, b) => a - b);
  const targetNorm = result.cells.reduce((total, cell) => total + cell.targetNuclearNorm, 0) / result.cells.length;
  const figures: Record<string, string> = {
    'completion-error.svg': linePlot({
      title: `Matrix completion: reconstruction error (mean over ${seeds} seeds, bars: range)`,
      xLabel: 'number of observed entries',
      yLabel: 'reconstruction error mean (W − W*)²',
      series: methodLines(result.cells, methods, (solution) => solution.error),
      logY: true,
    }),
    'completion-effective-rank.svg': linePlot({
      title: 'Matrix completion: effective rank of the solution',
      xLabel: 'number of observed entries',
      yLabel: 'effective rank (Roy & Vetterli)',
      series: [
        ...methodLines(result.cells, methods, (solution) => solution.effectiveRank),
        reference(`rank of W* (${rank})`, counts, rank),
      ],
      logY: true,
    }),
    'completion-nuclear-norm.svg': linePlot({
      title: 'Matrix completion: nuclear norm of the solution',
      xLabel: 'number of observed entries',
      yLabel: 'nuclear norm ‖W‖*',
      series: [
        ...methodLines(result.cells, methods, (solution) => solution.nuclearNorm),
        reference('‖W*‖* (mean)', counts, targetNorm),
      ],
    }),
  };
  for (const [depth, trajectory] of Object.entries(result.trajectories)) {
    const tracked = trajectory.singularValues.length;
    figures[`singular-values-depth-${depth}.svg`] = linePlot({
      title: `Singular values of W_e during gradient descent, depth ${depth} (η = ${learningRates[Number(depth)]})`,
      xLabel: 'step',
      yLabel: 'singular value (log scale)',
      logY: true,
      series: trajectory.singularValues.map((values, k) => ({
        name: k < rank ? `σ${k + 1}` : k === rank ? `σ${rank + 1}…σ${tracked}` : '',
        x: trajectory.steps,
        y: values,
        color: k < rank ? seriesColor(k) : '#bbbbbb',
      })),
    });
  }
  const checks = Object.entries(result.trajectories).filter(
    ([, trajectory]) => trajectory.theorem3.predicted.length > 0,
  );
  if (checks.length > 0) {
    figures['theorem3-singular-value-steps.svg'] = scatterPlot({
      title: 'Theorem 3: one-step change of σ_r, predicted vs measured',
      xLabel: 'predicted −η·N·σ_r^(2−2/N)·⟨∇ℓ(W_e), u_r v_rᵀ⟩',
      yLabel: 'measured σ_r(t+1) − σ_r(t)',
      series: checks.map(([depth, trajectory]) => ({
        name: `depth ${depth}`,
        x: trajectory.theorem3.predicted,
        y: trajectory.theorem3.measured,
      })),
      diagonal: true,
    });
  }
  return figures;
}

/** The sensing counterpart of completion-error.svg. */
export function sensingFigures(
  result: FamilyResult,
  { depths, size, rank, seeds }: SensingConfig,
): Record<string, string> {
  return {
    'sensing-error.svg': linePlot({
      title: `Matrix sensing (n = ${size}, rank ${rank}): reconstruction error (mean over ${seeds} seeds)`,
      xLabel: 'number of Gaussian measurements',
      yLabel: 'reconstruction error mean (W − W*)²',
      series: methodLines(result.cells, methodsOf(depths), (solution) => solution.error),
      logY: true,
    }),
  };
}

const captions: Record<string, string> = {
  'completion-error.svg':
    "Completion: reconstruction error against the number of observed entries, per depth and for the minimum nuclear norm solution (the paper's Figure 1).",
  'completion-effective-rank.svg':
    'Completion: effective rank of the solutions; deeper factorizations find lower effective rank with few observations.',
  'completion-nuclear-norm.svg':
    "Completion: nuclear norm of the solutions; the minimum nuclear norm solution is the lowest by construction, yet not the most accurate with few observations (the paper's Figure 2 argument).",
  'theorem3-singular-value-steps.svg':
    'Theorem 3 on single GD steps: predicted against measured change of the leading singular values.',
  'sensing-error.svg':
    'Sensing with Gaussian measurements at a smaller size: reconstruction error against the number of measurements.',
};

function caption(file: string, rank: number): string {
  const depth = /^singular-values-depth-(\d+)\.svg$/.exec(file)?.[1];
  return depth !== undefined
    ? `Singular values of W_e during gradient descent, depth ${depth} (the paper's Figure 3), on a log axis so the gap between the top ${rank} and the rest shows.`
    : (captions[file] ?? initScaleCaptions(file));
}

/** Every figure of the run, captioned. */
export function figures(
  completion: FamilyResult,
  initScales: InitScaleSweep,
  sensing: FamilyResult,
  config: Config,
): PaperFigure[] {
  const svgs = {
    ...completionFigures(completion, config.completion),
    ...initScaleFigures(initScales, config.initScales),
    ...sensingFigures(sensing, config.sensing),
  };
  return Object.entries(svgs).map(([name, svg]) => ({ name, caption: caption(name, config.completion.rank), svg }));
}
