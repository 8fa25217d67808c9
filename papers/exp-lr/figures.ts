/** The SVG figures of exp-lr, mirroring the paper's: training curves, LR, weight norms, accuracy, toy. */
import { linePlot, seriesColor, thin, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import type { PairTrace } from './pair.ts';
import { scheduleArmNames, type ScheduleComparison } from './schedules.ts';
import type { Runs } from './summaries.ts';
import type { ToyResult } from './toy.ts';

/** A line of at most about `maximum` points (every k-th step and the last). */
function series(name: string, values: readonly number[], extra: Partial<LineSeries> = {}, maximum = 600): LineSeries {
  return { name, ...thin(values, maximum), ...extra };
}

/** Figures of one WD-run/twin pair: training loss, LR, weight norms. */
export function pairFigures(trace: PairTrace, slug: string, alphaPerStep: number): PaperFigure[] {
  const predicted = trace.weightNorm.map((norm, t) => norm / trace.scale[t]);
  return [
    {
      name: `${slug}-loss.svg`,
      caption: `${trace.label}: training loss per step of SGD + WD (solid) and its exponential-LR twin (dashed); the curves coincide.`,
      svg: linePlot({
        title: `${trace.label}: training loss, WD run vs exponential-LR twin`,
        xLabel: 'step',
        yLabel: 'minibatch cross-entropy',
        series: [
          series('SGD + WD (η = 0.1, λ = 5e-4)', trace.loss),
          series('twin: no WD, η̃_t = η·α^(−2t−1)', trace.twinLoss, { dashed: true }),
        ],
      }),
    },
    {
      name: `${slug}-lr.svg`,
      caption: `${trace.label}: learning rates; the twin's grows by α^(−2) = ${(alphaPerStep ** -2).toFixed(6)} per step.`,
      svg: linePlot({
        title: `${trace.label}: learning rate`,
        xLabel: 'step',
        yLabel: 'learning rate',
        logY: true,
        series: [series('SGD + WD: η', trace.lr), series('twin: η̃_t', trace.twinLr, { dashed: true })],
      }),
    },
    {
      name: `${slug}-weight-norms.svg`,
      caption: `${trace.label}: ‖w_t‖ of the WD run, ‖w̃_t‖ of the twin, and the prediction ‖w_t‖·α^(−t) (dotted under the twin's line).`,
      svg: linePlot({
        title: `${trace.label}: weight norms`,
        xLabel: 'step',
        yLabel: 'norm of the trained weights',
        logY: true,
        series: [
          series('‖w_t‖ (SGD + WD)', trace.weightNorm),
          series('‖w̃_t‖ (twin)', trace.twinWeightNorm),
          series('‖w_t‖·α^(−t)', predicted, { dashed: true }),
        ],
      }),
    },
  ];
}

/** ‖w̃_t‖/‖w_t‖ of constant-LR pairs against the theorem's α^−t. */
export function normRatioFigure(traces: readonly PairTrace[], alpha: number): string {
  const steps = Math.max(...traces.map((trace) => trace.weightNorm.length));
  const predicted = Array.from({ length: steps }, (_, t) => alpha ** -t);
  return linePlot({
    title: "The twin's weights grow like α^−t",
    xLabel: 'step',
    yLabel: '‖w̃_t‖ / ‖w_t‖',
    logY: true,
    series: [
      ...traces.map((trace) =>
        series(
          trace.label,
          trace.twinWeightNorm.map((norm, t) => norm / trace.weightNorm[t]),
        ),
      ),
      series(`α^−t, α = ${alpha.toFixed(7)}`, predicted, { dashed: true, color: '#333333' }),
    ],
  });
}

/**
 * Per-step relative output gap of several pairs (solid), their controls' gap (dashed, same
 * color: the WD run against itself from one-ulp-perturbed weights), and the float32 unit roundoff.
 */
export function gapFigure(traces: readonly PairTrace[]): string {
  const epsilon32 = 2 ** -24;
  const steps = Math.max(...traces.map((trace) => trace.outputGap.length));
  return linePlot({
    title: 'Relative gap between the outputs of the WD run and its twin',
    xLabel: 'step',
    yLabel: '‖f_t(x) − f̃_t(x)‖ / ‖f_t(x)‖',
    logY: true,
    height: 480,
    series: [
      ...traces.flatMap((trace, index) => [
        series(`${trace.label}: twin`, trace.outputGap, { color: seriesColor(index) }),
        ...(trace.controlGap.length > 0
          ? [
              series(`${trace.label}: control (WD run, weights ±1 ulp)`, trace.controlGap, {
                color: seriesColor(index),
                dashed: true,
              }),
            ]
          : []),
      ]),
      {
        name: 'float32 unit roundoff 2^−24',
        x: [0, steps - 1],
        y: [epsilon32, epsilon32],
        dashed: true,
        color: '#888888',
      },
      { name: '1e-9 (the float64 target)', x: [0, steps - 1], y: [1e-9, 1e-9], dashed: true, color: '#bbbbbb' },
    ],
  });
}

/** Test accuracy of the three schedule arms: mean over seeds, band from the lowest to the highest seed. */
export function scheduleAccuracyFigure(comparisons: readonly ScheduleComparison[], network: string): string {
  const steps = comparisons[0].evaluationSteps;
  return linePlot({
    title: `${network}: step decay vs exponential schedules, test accuracy (precise BN)`,
    xLabel: 'step',
    yLabel: 'test accuracy',
    series: scheduleArmNames.map((name, arm) => {
      const perSeed = comparisons.map((comparison) => comparison.arms[arm].accuracy);
      const at = (k: number) => perSeed.map((accuracies) => accuracies[k]);
      return {
        name,
        x: steps,
        y: steps.map((_, k) => at(k).reduce((s, v) => s + v, 0) / perSeed.length),
        dashed: arm > 0,
        markers: true,
        error: { lower: steps.map((_, k) => Math.min(...at(k))), upper: steps.map((_, k) => Math.max(...at(k))) },
      };
    }),
  });
}

/** One per-step series of the three arms (first seed) on a log axis: the LR or the weight norm. */
export function scheduleSeriesFigure(
  comparison: ScheduleComparison,
  key: 'lr' | 'weightNorm',
  title: string,
  yLabel: string,
): string {
  return linePlot({
    title,
    xLabel: 'step',
    yLabel,
    logY: true,
    series: comparison.arms.map((arm, index) => series(arm.name, arm[key], { dashed: index > 0 })),
  });
}

/** The toy: objective minus its global minimum (infimum for BN + WD), and ‖w_t‖. */
export function toyFigures(toy: ToyResult): PaperFigure[] {
  const floor = 1e-17; // excesses at or below rounding, drawn at the floor of the log axis
  return [
    {
      name: 'toy-excess.svg',
      caption:
        'Toy: objective minus its global minimum (for BN + WD: minus the infimum L*); WD alone and BN alone converge to rounding, BN + WD spikes again and again.',
      svg: linePlot({
        title: 'Toy: distance to the global minimum',
        xLabel: 'GD step',
        yLabel: 'objective − minimum',
        logY: true,
        yDomain: [floor, 10],
        series: toy.runs.map((run) =>
          series(
            run.name,
            run.excess.map((value) => Math.max(value, floor)),
            {},
            Math.max(1, run.excess.length),
          ),
        ), // every step: spikes are short
      }),
    },
    {
      name: 'toy-weight-norm.svg',
      caption:
        'Toy: ‖w_t‖. Without WD the norm only grows (effective LR η/‖w‖² decays); with BN + WD it collapses, the effective LR explodes, GD leaves the minimum and the norm jumps back up.',
      svg: linePlot({
        title: 'Toy: weight norm',
        xLabel: 'GD step',
        yLabel: '‖w_t‖',
        logY: true,
        series: toy.runs.map((run) => series(run.name, run.weightNorm)),
      }),
    },
  ];
}

/** Every figure of the run, captioned: per float64 pair (MNIST, then CIFAR-10), the norm ratio and output gaps, the schedule comparison, the toy. */
export function figures(runs: Runs, alpha: number): PaperFigure[] {
  const { traces, float32, texp, comparisons, comparisonLabel, toy } = runs;
  return [
    ...traces.flatMap((trace, index) => pairFigures(trace, index === 0 ? 'mnist' : 'cifar', alpha)),
    {
      name: 'norm-ratio.svg',
      caption:
        "‖w̃_t‖/‖w_t‖ of the twin and the WD run against α^−t: the twin's weights grow exponentially while the WD run's stay bounded.",
      svg: normRatioFigure(traces, alpha),
    },
    {
      name: 'output-gap.svg',
      caption:
        'Per-step relative gap between the outputs of the WD run and its twin on the same minibatch (solid), and between the WD run and a copy started from weights perturbed by ±1 ulp (dashed, "control"); grey lines: float32 unit roundoff and the 1e-9 target.',
      svg: gapFigure([...traces, float32, texp]),
    },
    {
      name: 'schedules-accuracy.svg',
      caption: `Step decay + WD vs the TEXP schedule alone and the exponential cosine schedule (both without WD), ${comparisonLabel}, float32: test accuracy on the curve's test images, mean over seeds with the range between seeds.`,
      svg: scheduleAccuracyFigure(comparisons, comparisonLabel),
    },
    {
      name: 'schedules-lr.svg',
      caption:
        "The three learning rates (first seed): step decay; its TEXP schedule, divided by the drop factor once at each drop and growing by the phase's α^−2 per step; the exponential cosine schedule, cosine annealing times ∏α(η_k)^−2.",
      svg: scheduleSeriesFigure(comparisons[0], 'lr', `${comparisonLabel}: learning rates`, 'learning rate'),
    },
    {
      name: 'schedules-weight-norms.svg',
      caption:
        'Norm of the trained weights (first seed): bounded under step decay + WD, growing without WD as the exponential schedules grow the LR (the network function ignores the scale).',
      svg: scheduleSeriesFigure(comparisons[0], 'weightNorm', `${comparisonLabel}: weight norms`, '‖w_t‖'),
    },
    ...toyFigures(toy),
  ];
}
