/**
 * From exp-lr's runs to numbers: per-pair summaries, the seed and paired test-set statistics of
 * step decay vs the exponential schedules, the toy's excesses, and what results.json holds of them (per-step series thinned).
 */
import { thin } from '../../src/report/index.ts';
import type { hyperparameters } from './config.ts';
import type { PairTrace } from './pair.ts';
import { scheduleArmNames, type ScheduleComparison } from './schedules.ts';
import type { ToyResult } from './toy.ts';

export const maximum = (values: readonly number[]): number => values.reduce((m, v) => Math.max(m, v), -Infinity);
const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
/** Sample standard deviation (n − 1). */
const deviation = (values: readonly number[]): number =>
  Math.sqrt(values.reduce((s, v) => s + (v - mean(values)) ** 2, 0) / Math.max(1, values.length - 1));
export const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;

/** The numbers of one WD-run/twin pair. */
export interface PairSummary {
  label: string;
  steps: number;
  maxOutputGap: number;
  /** Median of the output gap over the first and the last tenth of the steps. */
  earlyMedianOutputGap: number;
  lateMaxOutputGap: number;
  /** Output gap at the last step, of the twin and of the control (NaN without a control). */
  finalOutputGap: number;
  finalControlGap: number;
  /** Steps before the output gap first exceeds 1e-9 (all of them if it never does). */
  stepsWithin1e9: number;
  /** First step with a ReLU input of opposite sign in the twin (null if none), and the counts of such steps for the twin and the control. */
  firstReluFlip: number | null;
  stepsWithReluFlips: number;
  controlStepsWithReluFlips: number;
  /** Largest output gap before the first ReLU flip. */
  maxOutputGapBeforeFlip: number;
  maxWeightGap: number;
  /** max_t |‖w̃_t‖·s_t/‖w_t‖ − 1|: ‖w̃_t‖ follows ‖w_t‖·α^{−t}. */
  maxNormPredictionError: number;
  /** ‖w̃_T‖/‖w̃_0‖ and ‖w_T‖/‖w_0‖ over the run. */
  twinNormGrowth: number;
  normGrowth: number;
  /** η̃ at the last step over η̃ at the first. */
  twinLrGrowth: number;
  accuracy: number;
  twinAccuracy: number;
  /** Largest relative gap of the test logits (precise BN) over the evaluations. */
  maxLogitGap: number;
  /** The same with BN's running averages (momentum 0.1). */
  runningAverageLogitGap: number;
  seconds: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function firstIndex(values: readonly number[], predicate: (value: number) => boolean): number | null {
  const index = values.findIndex(predicate);
  return index === -1 ? null : index;
}

/** Summarizes a pair's trace. @example summarizePair(trace).maxOutputGap */
export function summarizePair(trace: PairTrace): PairSummary {
  const steps = trace.outputGap.length;
  const tenth = Math.max(1, Math.floor(steps / 10));
  const last = trace.evaluations[trace.evaluations.length - 1];
  const firstFlip = firstIndex(trace.reluFlips, (flips) => flips > 0);
  return {
    label: trace.label,
    steps,
    maxOutputGap: maximum(trace.outputGap),
    earlyMedianOutputGap: median(trace.outputGap.slice(1, tenth + 1)),
    lateMaxOutputGap: maximum(trace.outputGap.slice(steps - tenth)),
    finalOutputGap: trace.outputGap[steps - 1],
    finalControlGap: trace.controlGap.length > 0 ? trace.controlGap[steps - 1] : NaN,
    stepsWithin1e9: firstIndex(trace.outputGap, (gap) => gap > 1e-9) ?? steps,
    firstReluFlip: firstFlip,
    stepsWithReluFlips: trace.reluFlips.filter((flips) => flips > 0).length,
    controlStepsWithReluFlips: trace.controlReluFlips.filter((flips) => flips > 0).length,
    maxOutputGapBeforeFlip: maximum(trace.outputGap.slice(0, (firstFlip ?? steps - 1) + 1)),
    maxWeightGap: maximum(trace.weightGap),
    maxNormPredictionError: maximum(
      trace.twinWeightNorm.map((norm, t) => Math.abs((norm * trace.scale[t]) / trace.weightNorm[t] - 1)),
    ),
    twinNormGrowth: trace.twinWeightNorm[steps - 1] / trace.twinWeightNorm[0],
    normGrowth: trace.weightNorm[steps - 1] / trace.weightNorm[0],
    twinLrGrowth: trace.twinLr[steps - 1] / trace.twinLr[0],
    accuracy: last.accuracy,
    twinAccuracy: last.twinAccuracy,
    maxLogitGap: maximum(trace.evaluations.map((evaluation) => evaluation.logitGap)),
    runningAverageLogitGap: trace.runningAverageLogitGap,
    seconds: trace.seconds,
  };
}

/** Mean and sample standard deviation (n − 1; 0 for one value). */
function meanAndDeviation(values: readonly number[]): { mean: number; std: number } {
  return { mean: mean(values), std: values.length > 1 ? deviation(values) : 0 };
}

/**
 * Standard error of the mean of the paired differences a_i − b_i (per test image, 0/1 correct),
 * the test-set noise of an accuracy difference when both classifiers see the same images.
 * @example pairedStandardError([1, 0, 1, 1], [1, 1, 0, 1]) // ≈ 0.41
 */
export function pairedStandardError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  if (n !== b.length || n < 2)
    throw new Error(`pairedStandardError: needs two sets of ≥ 2 equal length, got ${n} and ${b.length}`);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const d = a[i] - b[i];
    sum += d;
    squares += d * d;
  }
  const m = sum / n;
  return Math.sqrt(Math.max(0, (squares / n - m * m) * (n / (n - 1))) / n);
}

/**
 * An arm's final test accuracy against step decay's, seed by seed on the same test images:
 * the mean difference, its test-set noise √(Σ_s SE_s²)/S (paired standard errors), its seed
 * noise sd_s(Δ_s)/√S, and σ = √(test² + seed²), the noise a verdict is judged against.
 */
export function compareToStepDecay(comparisons: readonly ScheduleComparison[], arm: number) {
  const seeds = comparisons.length;
  const differences = comparisons.map((c) => c.arms[arm].finalAccuracy - c.arms[0].finalAccuracy);
  const testStandardError =
    Math.sqrt(
      comparisons.reduce(
        (sum, c) => sum + pairedStandardError(c.arms[arm].finalCorrect, c.arms[0].finalCorrect) ** 2,
        0,
      ),
    ) / seeds;
  const seedStandardError = meanAndDeviation(differences).std / Math.sqrt(seeds);
  return {
    name: scheduleArmNames[arm],
    differences,
    difference: mean(differences),
    testStandardError,
    seedStandardError,
    noise: Math.hypot(testStandardError, seedStandardError),
  };
}

/** Per schedule arm: final accuracies per seed, their mean and sd, the output gap to step decay and the weight-norm growth at the end. */
export function summarizeSchedules(comparisons: readonly ScheduleComparison[]) {
  const last = (values: readonly number[]): number => values[values.length - 1];
  return scheduleArmNames.map((name, arm) => {
    const final = comparisons.map((comparison) => comparison.arms[arm].finalAccuracy);
    return {
      name,
      finalAccuracy: final,
      ...meanAndDeviation(final),
      finalOutputGap: comparisons.map((comparison) => last(comparison.arms[arm].outputGap)),
      weightNormGrowth: comparisons.map((c) => last(c.arms[arm].weightNorm) / c.arms[arm].weightNorm[0]),
      finalLr: last(comparisons[0].arms[arm].lr),
    };
  });
}

/** The toy's numbers per run: final excess, the largest excess over the second half, and its spikes above 1e-2. */
export function summarizeToy(toy: ToyResult) {
  return toy.runs.map((run) => {
    const late = run.excess.slice(Math.floor(run.excess.length / 2));
    let spikes = 0;
    for (let i = 1; i < late.length; i++) if (late[i] > 1e-2 && late[i - 1] <= 1e-2) spikes++;
    return { name: run.name, finalExcess: run.excess[run.excess.length - 1], lateMaxExcess: maximum(late), spikes };
  });
}

/** Every run of the paper: the float64 pairs (MNIST, then CIFAR-10), the float32 and TEXP pairs, the schedule comparisons (and their network), the toy. */
export interface Runs {
  traces: PairTrace[];
  float32: PairTrace;
  texp: PairTrace;
  comparisons: ScheduleComparison[];
  comparisonLabel: string;
  toy: ToyResult;
}

/** The numbers of every run. @example summarizeRuns(runs).pairs[0].maxOutputGap */
export function summarizeRuns(runs: Runs) {
  return {
    pairs: runs.traces.map(summarizePair),
    float32: summarizePair(runs.float32),
    texp: summarizePair(runs.texp),
    schedules: summarizeSchedules(runs.comparisons),
    scheduleDifferences: [1, 2].map((arm) => compareToStepDecay(runs.comparisons, arm)),
    toy: summarizeToy(runs.toy),
  };
}

/** The per-step series of a pair kept in results.json, each thinned to about 100 points. */
const tracedSeries = [
  'loss',
  'twinLoss',
  'outputGap',
  'controlGap',
  'weightGap',
  'lr',
  'twinLr',
  'weightNorm',
  'twinWeightNorm',
] as const;

/** What results.json holds after the harness's envelope and the claims. */
export function resultsOf(
  runs: Runs,
  summaries: ReturnType<typeof summarizeRuns>,
  setting: { hyperparameters: typeof hyperparameters; alpha: number; cifar: boolean },
) {
  const { comparisons, toy } = runs;
  return {
    ...setting,
    pairs: summaries.pairs,
    float32: summaries.float32,
    texp: summaries.texp,
    schedules: {
      network: runs.comparisonLabel,
      seeds: comparisons.map((comparison) => comparison.seed),
      arms: summaries.schedules,
      differences: summaries.scheduleDifferences,
      evaluationSteps: comparisons[0].evaluationSteps,
      accuracy: comparisons.map((comparison) => comparison.arms.map((arm) => arm.accuracy)),
      perStep: comparisons[0].arms.map((arm) => ({
        name: arm.name,
        ...Object.fromEntries((['loss', 'lr', 'weightNorm'] as const).map((key) => [key, thin(arm[key], 100)])),
      })),
      seconds: comparisons.map((comparison) => comparison.seconds),
    },
    toy: { bnMinimum: toy.bnMinimum, wdMinimum: toy.wdMinimum, runs: summaries.toy },
    traces: [...runs.traces, runs.float32, runs.texp].map((trace) => ({
      label: trace.label,
      evaluations: trace.evaluations,
      perStep: Object.fromEntries(tracedSeries.map((key) => [key, thin(trace[key], 100)])),
    })),
  };
}
