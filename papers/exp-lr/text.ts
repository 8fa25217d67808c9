/**
 * The prose of exp-lr's summary.md (the harness adds the title, the run line, the claims
 * table and the figures): the setup, what we measured, and what does not reproduce. The
 * prose lives in papers/exp-lr/text/*.md; here are the numbers that fill it and the short
 * choices between wordings.
 */
import { formatNumber, markdownTable, markdownTemplate, type PaperOutput } from '../../src/report/index.ts';
import type { Config } from './config.ts';
import { percent, type PairSummary, type summarizeRuns } from './summaries.ts';
import type { ToyResult } from './toy.ts';

export interface RunDescription {
  alpha: number;
  config: Config;
  pairs: PairSummary[];
  float32: PairSummary;
  schedules: ReturnType<typeof summarizeRuns>['schedules'];
  scheduleDifferences: ReturnType<typeof summarizeRuns>['scheduleDifferences'];
  /** The network of the schedule comparison, and its training-set size. */
  scheduleNetwork: string;
  scheduleTrain: number;
  scheduleTest: number;
  toy: ToyResult;
  withCifar: boolean;
  seconds: number;
  backend: string;
}

const text = (name: string, values: Parameters<typeof markdownTemplate>[2] = {}): string =>
  markdownTemplate(import.meta.url, `text/${name}.md`, values);

/** The setup: networks, data, hyper-parameters, why eps = 0, precise BN. */
function description({ alpha, config, withCifar, seconds, backend }: RunDescription): string {
  const cifarSetup = withCifar
    ? text('cifar-setup', { cifarTrain: config.cifar.train, channels: config.cifar.channels.join('/') })
    : 'CIFAR-10 was not found (THEORYGRAD_DATA), so its part was skipped';
  return text('description', {
    backend,
    seconds: seconds.toFixed(0),
    mnistTrain: config.mnist.train,
    width: config.mnist.width,
    cifarSetup,
    alpha: formatNumber(alpha, 10),
    alphaSquaredInverse: formatNumber(alpha ** -2, 10),
    epochGrowth: (alpha ** -782).toFixed(4),
    equivalenceSteps: config.equivalenceSteps,
    equivalenceEpochs: (config.equivalenceSteps / 391).toFixed(2),
    mnistCalibration: config.mnist.calibration,
    cifarCalibration: config.cifar.calibration,
  });
}

/** Per pair: gaps, growths against α^−(T−1), accuracies, time. */
function pairTable({ alpha, pairs, float32 }: RunDescription): string {
  return markdownTable(
    {
      columns: [
        'run',
        'steps T',
        'max output gap',
        'max weight gap',
        '‖w‖ growth',
        '‖w̃‖ growth',
        'ratio',
        'α^−(T−1)',
        'η̃ growth',
        'test acc.',
        'twin test acc.',
        'seconds',
      ],
      rows: [...pairs, float32].map((pair) => [
        pair.label,
        pair.steps,
        pair.maxOutputGap,
        pair.maxWeightGap,
        pair.normGrowth,
        pair.twinNormGrowth,
        pair.twinNormGrowth / pair.normGrowth,
        alpha ** -(pair.steps - 1),
        pair.twinLrGrowth,
        percent(pair.accuracy),
        percent(pair.twinAccuracy),
        Math.round(pair.seconds),
      ]),
    },
    { precision: 3 },
  );
}

/** Per schedule arm: final accuracies over seeds, the difference to step decay and its noise, the output gap, ‖w‖ growth and final LR. */
function scheduleTable({ schedules, scheduleDifferences }: RunDescription): string {
  const points = (value: number): string => `${(100 * value).toFixed(2)}`;
  return markdownTable({
    columns: [
      'arm',
      'final test accuracy per seed',
      'mean',
      'sd',
      'Δ vs step decay (pt)',
      '2σ (pt)',
      'output gap to step decay at the end, per seed',
      '‖w‖ growth, per seed',
      'LR at the last step',
    ],
    rows: schedules.map((arm, index) => {
      const difference = scheduleDifferences[index - 1];
      return [
        arm.name,
        arm.finalAccuracy.map(percent).join(', '),
        percent(arm.mean),
        percent(arm.std),
        difference ? points(difference.difference) : '—',
        difference ? points(2 * difference.noise) : '—',
        index === 0 ? '—' : arm.finalOutputGap.map((gap) => gap.toExponential(1)).join(', '),
        arm.weightNormGrowth.map((growth) => growth.toFixed(2)).join(', '),
        arm.finalLr.toExponential(2),
      ];
    }),
  });
}

/** The toy's setting and each run's end. */
function toyText({ config, toy }: RunDescription): string {
  const [wd, bn, both] = toy.runs;
  const last = (values: readonly number[]): number => values[values.length - 1];
  const secondHalf = (values: readonly number[]): number[] => values.slice(values.length / 2);
  const setting = text('toy-setting', {
    ...config.toy,
    bnMinimum: formatNumber(toy.bnMinimum, 8),
    wdMinimum: formatNumber(toy.wdMinimum, 8),
  });
  // The list follows the paragraph directly (a separate template: Prettier would put a blank line between).
  const ends = text('toy-runs', {
    wdName: wd.name,
    wdExcess: last(wd.excess).toExponential(1),
    bnName: bn.name,
    bnExcess: last(bn.excess).toExponential(1),
    bnNorm: last(bn.weightNorm).toFixed(3),
    bothName: both.name,
    bothNormLow: Math.min(...secondHalf(both.weightNorm)).toExponential(1),
    bothNormHigh: Math.max(...secondHalf(both.weightNorm)).toExponential(1),
    bothExcess: Math.max(...secondHalf(both.excess)).toExponential(1),
  });
  return `${setting}\n${ends}`;
}

/** A float64 pair whose gap passed 1e-9: how fast, and against its control. */
function driftCaveat(pair: PairSummary): string {
  return text('caveat-drift', {
    label: pair.label,
    stepsWithin: pair.stepsWithin1e9,
    steps: pair.steps,
    maxGap: pair.maxOutputGap.toExponential(1),
    flipSteps: pair.stepsWithReluFlips,
    controlPace: pair.finalControlGap >= pair.finalOutputGap ? 'as fast or faster' : 'too, if more slowly',
    controlGap: pair.finalControlGap.toExponential(1),
    twinGap: pair.finalOutputGap.toExponential(1),
    controlGapRounded: pair.finalControlGap.toExponential(0),
  });
}

/** float32: at the rounding floor throughout, or until a ReLU sign flip. */
function float32Caveat({ pairs, float32 }: RunDescription): string {
  const earlyMedian = float32.earlyMedianOutputGap.toExponential(1);
  if (float32.firstReluFlip === null)
    return text('caveat-float32-no-flip', {
      earlyMedian,
      maxGap: float32.maxOutputGap.toExponential(1),
      steps: float32.steps,
    });
  return text('caveat-float32-flip', {
    earlyMedian,
    maxGapBeforeFlip: float32.maxOutputGapBeforeFlip.toExponential(1),
    firstFlip: float32.firstReluFlip,
    finalGap: float32.finalOutputGap.toExponential(1),
    flipSteps: float32.stepsWithReluFlips,
    controlFate:
      float32.controlStepsWithReluFlips === 0 ? 'met no flip in this run and stayed' : 'met flips too and ended',
    controlGap: float32.finalControlGap.toExponential(1),
    float64Flips: pairs.every((pair) => pair.stepsWithReluFlips === 0)
      ? 'in float64 (~1e-16) no pair had a flip'
      : `in float64, steps with flips: ${pairs.map((pair) => `${pair.label} ${pair.stepsWithReluFlips}`).join(', ')}`,
  });
}

const gapsOf = (gaps: readonly number[]): string => gaps.map((gap) => gap.toExponential(1)).join(', ');

/** Passes over the comparison's training images. */
const epochsOf = ({ config, scheduleTrain }: RunDescription): string =>
  ((config.schedules.steps * config.schedules.batchSize) / scheduleTrain).toFixed(1);

/** Where an arm's difference to step decay lies against 2σ, in words. */
function verdictWords(difference: RunDescription['scheduleDifferences'][number]): string {
  if (difference.difference > 2 * difference.noise) return 'above (beyond 2σ)';
  if (difference.difference < -2 * difference.noise) return 'below (beyond 2σ)';
  return 'within noise of';
}

/** The accuracy comparison's outcome in one bullet. */
function accuracyCaveat({ config, scheduleNetwork, scheduleDifferences }: RunDescription): string {
  const [texp, cosine] = scheduleDifferences;
  const points = (value: number): string => (100 * value).toFixed(2);
  return text('caveat-accuracy', {
    network: scheduleNetwork,
    seeds: config.schedules.seeds,
    texpVerdict: verdictWords(texp),
    texpDifference: points(texp.difference),
    texpNoise: points(2 * texp.noise),
    cosineVerdict: verdictWords(cosine),
    cosineDifference: points(cosine.difference),
    cosineNoise: points(2 * cosine.noise),
  });
}

/** What does not reproduce, and caveats, one bullet each. */
function caveats(run: RunDescription): string {
  const { config, pairs, schedules } = run;
  const lines = [
    accuracyCaveat(run),
    text('caveat-running-averages', {
      runningAverageGaps: pairs
        .map((pair) => `${pair.label} ${pair.runningAverageLogitGap.toExponential(1)}`)
        .join(', '),
      preciseGaps: pairs.map((pair) => pair.maxLogitGap.toExponential(1)).join(', '),
    }),
    ...pairs.filter((pair) => pair.maxOutputGap >= 1e-9).map(driftCaveat),
    float32Caveat(run),
    text('caveat-texp-alone', {
      texpGaps: gapsOf(schedules[1].finalOutputGap),
      cosineGaps: gapsOf(schedules[2].finalOutputGap),
    }),
    text('caveat-exp-cosine'),
    text('caveat-scale', {
      channels: config.schedules.channels.join('/'),
      steps: config.schedules.steps,
      epochs: epochsOf(run),
      seeds: config.schedules.seeds,
      stepAccuracy: percent(schedules[0].mean),
    }),
    text('caveat-toy'),
    text('caveat-theorem-numbers'),
  ];
  return lines.map((line) => `- ${line}`).join('\n');
}

/** The description and sections of summary.md. @example describeRun(run).sections[0].heading */
export function describeRun(run: RunDescription): Required<PaperOutput['summary']> {
  const { config } = run;
  return {
    description: description(run),
    sections: [
      { heading: 'What we measured: WD run vs exponential-LR twin', body: text('pairs', { table: pairTable(run) }) },
      {
        heading: 'Step decay vs the exponential schedules: accuracy',
        body: text('schedules', {
          network: run.scheduleNetwork,
          seeds: config.schedules.seeds,
          steps: config.schedules.steps,
          batchSize: config.schedules.batchSize,
          train: run.scheduleTrain,
          epochs: epochsOf(run),
          milestones: config.schedules.milestones.join(' and '),
          testCount: run.scheduleTest,
          curveCount: Math.min(config.schedules.curveTest, run.scheduleTest),
          table: scheduleTable(run),
        }),
      },
      { heading: 'Toy example', body: toyText(run) },
      { heading: 'What does not reproduce, and caveats', body: caveats(run) },
    ],
  };
}
