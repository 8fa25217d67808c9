/**
 * fine-grained's SVG figures, mirroring the paper's (Arora et al. 2019): training loss of true vs
 * random labels against the eigen-formula (its Figure 1), the label projections on H∞'s
 * eigenvectors, ‖W(K) − W(0)‖_F against √(yᵀ(H∞)⁻¹y) at convergence, test error against the bound
 * across corruption levels, and the complexity over n for Theorem 6.1's targets (figures-growth.ts).
 */
import {
  linePlot,
  scatterPlot,
  seriesColor,
  thinnedSteps,
  type LineSeries,
  type PaperFigure,
} from '../../src/report/index.ts';
import type { DatasetResult } from './experiment.ts';
import { growthFigure } from './figures-growth.ts';
import type { GrowthResult } from './growth.ts';

const label = (corruption: number) =>
  corruption === 0 ? 'true labels' : corruption === 1 ? 'random labels' : `corruption ${corruption}`;
/** Runs with true and with fully random labels, when the configuration has both. */
const extremes = (result: DatasetResult) => result.runs.filter((run) => run.corruption === 0 || run.corruption === 1);

function trainingFigure(result: DatasetResult, slug: string): PaperFigure {
  const steps = thinnedSteps(result.steps + 1, 300);
  const at = (values: readonly number[]) => steps.map((k) => values[k]);
  return {
    name: `${slug}-training.svg`,
    caption: `${result.name}: training loss ‖y − u(k)‖ of GD (solid) and the eigen-formula √(Σ_i (1 − ηλ_i)^{2k}(v_iᵀy)²) from H∞ (dashed, same color), for each label-corruption level; true labels converge faster than random ones.`,
    svg: linePlot({
      title: `${result.name}: training loss, m = ${result.width}`,
      xLabel: 'GD step k',
      yLabel: '‖y − u(k)‖',
      logY: true,
      series: result.runs.flatMap((run, index): LineSeries[] => [
        { name: label(run.corruption), x: steps, y: at(run.residual), color: seriesColor(index) },
        { name: '', x: steps, y: at(run.predicted), color: seriesColor(index), dashed: true },
      ]),
    }),
  };
}

function projectionFigure(result: DatasetResult, slug: string): PaperFigure {
  const n = result.trainCount;
  const rank = result.eigenvalues.map((_, i) => i + 1);
  const lambdaMax = result.eigenvalues[n - 1];
  /** Σ_{j ≤ i} (v_jᵀy)²/‖y‖² over the eigenvectors of the i largest eigenvalues. */
  const cumulative = (projections: readonly number[]) => {
    const squares = [...projections].reverse().map((p) => p * p);
    const total = squares.reduce((sum, value) => sum + value, 0);
    let running = 0;
    return squares.map((value) => (running += value) / total);
  };
  return {
    name: `${slug}-label-projections.svg`,
    caption: `${result.name}: the fraction of ‖y‖² on the eigenvectors of H∞'s i largest eigenvalues, Σ_{j ≤ i}(v_jᵀy)²/‖y‖², with true and with random labels, and λ_i/λ_max (dashed). True labels lie mostly in the top eigen-directions, which GD fits fastest (rate ηλ_i); random labels spread over all of them.`,
    svg: linePlot({
      title: `${result.name}: labels on H∞'s eigenvectors`,
      xLabel: 'eigenvalue rank i (largest first)',
      yLabel: 'fraction of ‖y‖²; λ_i/λ_max',
      logX: true,
      yDomain: [0, 1],
      series: [
        ...extremes(result).map((run, index) => ({
          name: `Σ_{j≤i}(v_jᵀy)²/‖y‖², ${label(run.corruption)}`,
          x: rank,
          y: cumulative(run.labelProjections),
          color: seriesColor(index),
        })),
        {
          name: 'λ_i/λ_max',
          x: rank,
          y: [...result.eigenvalues].reverse().map((value) => value / lambdaMax),
          dashed: true,
          color: '#333333',
        },
      ],
    }),
  };
}

function residualProjectionFigure(result: DatasetResult, slug: string): PaperFigure {
  const runs = extremes(result);
  const largest = Math.max(
    ...runs.flatMap((run) => [...run.residualProjections.measured, ...run.residualProjections.predicted].map(Math.abs)),
  );
  const domain = [largest * 1e-5, largest * 2] as const; // directions GD has already fitted (down to rounding) lie below
  return {
    name: `${slug}-residual-projections.svg`,
    caption: `${result.name}: after ${result.steps} steps, |v_iᵀ(y − u(k))| measured against (1 − ηλ_i)^k |v_iᵀ(y − u(0))|, one point per eigenvector (those below 10⁻⁵ of the largest, already fitted, are off the axes); on the diagonal, each component decays at its own rate 1 − ηλ_i.`,
    svg: scatterPlot({
      title: `${result.name}: residual projections, k = ${result.steps}`,
      xLabel: '(1 − ηλ_i)^k |v_iᵀ(y − u(0))| (predicted)',
      yLabel: '|v_iᵀ(y − u(k))| (measured)',
      logX: true,
      logY: true,
      diagonal: true,
      xDomain: domain,
      yDomain: domain,
      series: runs.map((run, index) => ({
        name: label(run.corruption),
        x: run.residualProjections.predicted.map(Math.abs),
        y: run.residualProjections.measured.map(Math.abs),
        color: seriesColor(index),
        radius: 2.5,
      })),
    }),
  };
}

/** ‖W(K) − W(0)‖_F measured, predicted at step K, and √(yᵀ(H∞)⁻¹y), against corruption, for every dataset. */
export function distanceFigure(results: readonly DatasetResult[]): PaperFigure {
  return {
    name: 'distance.svg',
    caption: `‖W(K) − W(0)‖_F after GD has converged (K ≈ 3λ_max/λ_min steps; solid), its linearized prediction √(Σ_i (1 − (1 − ηλ_i)^K)²(v_iᵀy)²/λ_i) at that step (dashed), and its K → ∞ limit √(yᵀ(H∞)⁻¹y) (dashed with markers), against the fraction of corrupted labels.`,
    svg: linePlot({
      title: 'Distance from initialization vs label corruption',
      xLabel: 'label corruption p',
      yLabel: '‖W − W(0)‖_F',
      logY: true,
      series: results.flatMap((result, index): LineSeries[] => {
        const x = result.runs.map((run) => run.corruption);
        const last = (run: DatasetResult['runs'][number]) => run.distance[run.distance.length - 1];
        return [
          {
            name: `${result.name}: measured, k = ${result.steps}`,
            x,
            y: result.runs.map((run) => last(run).measured),
            markers: true,
            color: seriesColor(index),
          },
          {
            name: `${result.name}: predicted at k = ${result.steps}`,
            x,
            y: result.runs.map((run) => last(run).predicted),
            dashed: true,
            color: seriesColor(index),
          },
          {
            name: `${result.name}: √(yᵀ(H∞)⁻¹y)`,
            x,
            y: result.runs.map((run) => Math.sqrt(run.complexity)),
            dashed: true,
            markers: true,
            color: seriesColor(index + 2),
          },
        ];
      }),
    }),
  };
}

function generalizationFigure(result: DatasetResult, slug: string): PaperFigure {
  const x = result.runs.map((run) => run.corruption);
  return {
    name: `${slug}-generalization.svg`,
    caption: `${result.name}: the bound √(2yᵀ(H∞)⁻¹y/n) and the test errors of the net trained to convergence (${result.steps} steps) against label corruption: 0-1 error against the true test labels, and 0-1 error and ramp loss min(1, |u − y|) against test labels corrupted at the same level (the distribution the bound is about).`,
    svg: linePlot({
      title: `${result.name}: bound and test error`,
      xLabel: 'label corruption p',
      yLabel: 'bound; test error or loss',
      series: [
        {
          name: 'bound √(2yᵀ(H∞)⁻¹y/n)',
          x,
          y: result.runs.map((run) => run.bound),
          markers: true,
          color: seriesColor(0),
        },
        {
          name: 'test ramp loss (corrupted labels)',
          x,
          y: result.runs.map((run) => run.testRampCorrupted),
          markers: true,
          color: seriesColor(1),
        },
        {
          name: 'test 0-1 error (corrupted labels)',
          x,
          y: result.runs.map((run) => run.testErrorCorrupted),
          markers: true,
          dashed: true,
          color: seriesColor(2),
        },
        {
          name: 'test 0-1 error (true labels)',
          x,
          y: result.runs.map((run) => run.testError),
          markers: true,
          dashed: true,
          color: seriesColor(3),
        },
      ],
    }),
  };
}

/** The per-dataset figures; `slug` prefixes their file names. */
export function datasetFigures(result: DatasetResult, slug: string): PaperFigure[] {
  return [
    trainingFigure(result, slug),
    projectionFigure(result, slug),
    residualProjectionFigure(result, slug),
    generalizationFigure(result, slug),
  ];
}

/**
 * Every figure of the run, captioned: each dataset's four (prefixed mnist-, then cifar-), the distance figure and Theorem 6.1's.
 * @example figures(results, growth).map((figure) => figure.name) // ['mnist-training.svg', …, 'distance.svg', 'complexity-growth.svg']
 */
export function figures(results: readonly DatasetResult[], growth: GrowthResult): PaperFigure[] {
  return [
    ...results.flatMap((result, index) => datasetFigures(result, index === 0 ? 'mnist' : 'cifar')),
    distanceFigure(results),
    growthFigure(growth),
  ];
}
