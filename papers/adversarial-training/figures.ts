/**
 * The SVG figures (the paper has none; these show its statements on data): the step-function
 * approximation error and the movement from initialization against width (§4), and for each data set
 * the robust training loss and the relative movement against width for adversarial and standard
 * training, and the training curves (§3, Algorithm 1).
 */
import { linePlot, seriesColor, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import type { ApproximationRun } from './approximation.ts';
import type { WidthSweep } from './experiments.ts';
import { widthSeries, type Seeded } from './statistics.ts';
import type { TrainingRun } from './training.ts';

function line<R extends Seeded>(
  name: string,
  records: readonly R[],
  measure: (record: R) => number,
  index: number,
  dashed = false,
): LineSeries {
  const series = widthSeries(records, measure);
  return {
    name,
    x: series.widths,
    y: series.mean,
    error: { lower: series.min, upper: series.max, style: 'bars' },
    markers: true,
    dashed,
    color: seriesColor(index),
  };
}

function sweepFigures(sweep: WidthSweep, prefix: string): PaperFigure[] {
  const adversarial = sweep.runs.filter((run) => run.method === 'adversarial');
  const standard = sweep.runs.filter((run) => run.method === 'standard');
  const seeds = new Set(sweep.runs.map((run) => run.seed)).size;
  const firstSeed = Math.min(...adversarial.map((run) => run.seed));
  const curves = adversarial
    .filter((run) => run.seed === firstSeed)
    .map((run: TrainingRun, index): LineSeries => ({
      name: `m = ${run.width}`,
      x: run.curve.steps,
      y: run.curve.loss,
      color: seriesColor(index),
    }));
  return [
    {
      name: `${prefix}-robust-loss.svg`,
      caption: `${sweep.name}: the robust training loss L*(W) (PGD estimate) against width m after adversarial and after standard training, and the clean training loss (dashed); mean over ${seeds} seeds, bars: range. Lower is better; the paper's theorem says adversarial training's L* falls to ε at polynomial width.`,
      svg: linePlot({
        title: `${sweep.name}: robust training loss vs width (ρ = ${sweep.radius.toFixed(3)})`,
        xLabel: 'width m',
        yLabel: 'loss (logistic)',
        logX: true,
        logY: true,
        series: [
          line('adversarial: robust L*', adversarial, (run) => run.robustLoss, 0),
          line('standard: robust L*', standard, (run) => run.robustLoss, 1),
          line('adversarial: clean', adversarial, (run) => run.cleanLoss, 0, true),
          line('standard: clean', standard, (run) => run.cleanLoss, 1, true),
        ],
      }),
    },
    {
      name: `${prefix}-movement.svg`,
      caption: `${sweep.name}: the relative movement ‖θ − θ₀‖_F/‖θ₀‖_F of the first layer against width (log-log; slope −1/2 is the NTK regime's rate). Mean over ${seeds} seeds, bars: range.`,
      svg: linePlot({
        title: `${sweep.name}: distance from initialization vs width`,
        xLabel: 'width m',
        yLabel: '‖θ − θ₀‖_F / ‖θ₀‖_F',
        logX: true,
        logY: true,
        series: [
          line('adversarial training', adversarial, (run) => run.relativeMovement, 0),
          line('standard training', standard, (run) => run.relativeMovement, 1),
        ],
      }),
    },
    {
      name: `${prefix}-training-curves.svg`,
      caption: `${sweep.name}: adversarial training's objective (the loss at the training attack's points) against the gradient step, one line per width, seed ${firstSeed}.`,
      svg: linePlot({
        title: `${sweep.name}: adversarial training objective`,
        xLabel: 'gradient step',
        yLabel: 'loss at PGD points',
        logY: true,
        series: curves,
      }),
    },
  ];
}

/** Every figure of the run. */
export function figures(approximation: readonly ApproximationRun[], sweeps: readonly WidthSweep[]): PaperFigure[] {
  const seeds = new Set(approximation.map((run) => run.seed)).size;
  return [
    {
      name: 'step-approximation-error.svg',
      caption: `The approximation lemma: mean |f_W(x) − sign(⟨x, u⟩ − τ)| over fresh points of the sphere outside the band, for the net at θ₀ + Δθ (solid) and for its linearization (dashed), against width; and the share of sign errors (0 drawn at 1e-4). Mean over ${seeds} seeds, bars: range.`,
      svg: linePlot({
        title: 'Step function approximated near initialization: error outside the band',
        xLabel: 'width m',
        yLabel: 'error outside the band',
        logX: true,
        logY: true,
        series: [
          line('mean |f − h|, net', approximation, (run) => run.meanError, 0),
          line('mean |f − h|, linearized', approximation, (run) => run.linearizedMeanError, 0, true),
          line('95th percentile |f − h|, net', approximation, (run) => run.error95, 1),
          line('sign errors (share)', approximation, (run) => Math.max(run.signError, 1e-4), 2),
        ],
      }),
    },
    {
      name: 'step-approximation-movement.svg',
      caption: `The approximation lemma: how far the approximating first layer is from initialization, ‖Δθ‖_F/‖θ₀‖_F, against width (log-log). Mean over ${seeds} seeds, bars: range.`,
      svg: linePlot({
        title: 'Step function approximated near initialization: relative movement',
        xLabel: 'width m',
        yLabel: '‖Δθ‖_F / ‖θ₀‖_F',
        logX: true,
        logY: true,
        series: [line('relative movement', approximation, (run) => run.relativeMovement, 0)],
      }),
    },
    ...sweeps.flatMap((sweep, index) => sweepFigures(sweep, index === 0 ? 'sphere' : 'mnist')),
  ];
}
