/**
 * From exp-lr's runs to numbers: per-pair summaries, the claims table (claim | paper's
 * figure | ours | holds?) and the seed statistics of step decay vs TEXP.
 */
import type { Claim } from '../../src/report/index.ts';
import type { PairTrace } from './pair.ts';
import { scheduleArmNames, type ScheduleComparison } from './schedules.ts';
import type { ToyResult } from './toy.ts';

const maximum = (values: readonly number[]): number => values.reduce((m, v) => Math.max(m, v), -Infinity);
const mean = (values: readonly number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
/** Sample standard deviation (n − 1). */
const deviation = (values: readonly number[]): number =>
  Math.sqrt(values.reduce((s, v) => s + (v - mean(values)) ** 2, 0) / Math.max(1, values.length - 1));
const percent = (value: number): string => `${(100 * value).toFixed(2)}%`;

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

/** Final test accuracies of the schedule arms: per seed, mean and standard deviation over seeds. */
export function summarizeSchedules(comparisons: readonly ScheduleComparison[]) {
  return scheduleArmNames.map((name, arm) => {
    const final = comparisons.map(
      (comparison) => comparison.arms[arm].accuracy[comparison.arms[arm].accuracy.length - 1],
    );
    const gaps = comparisons.map(
      (comparison) => comparison.arms[arm].outputGap[comparison.arms[arm].outputGap.length - 1],
    );
    return { name, finalAccuracy: final, mean: mean(final), std: deviation(final), finalOutputGap: gaps };
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

export interface ClaimInputs {
  alpha: number;
  pairs: PairSummary[]; // float64 pairs first, then the float32 pair
  float32: PairSummary;
  texp: PairSummary;
  schedules: ReturnType<typeof summarizeSchedules>;
  scheduleSeeds: number;
  testCount: number;
  toy: ReturnType<typeof summarizeToy>;
}

/** The claims table. */
export function buildClaims(inputs: ClaimInputs): Claim[] {
  const { alpha, pairs, float32, texp, schedules, toy } = inputs;
  const claims: Claim[] = pairs.map((pair) => ({
    claim: `WD run ≡ exp-LR twin, ${pair.label}: max relative output gap over ${pair.steps} steps${pair.stepsWithin1e9 < pair.steps ? ` (≤ 1e-9 for the first ${pair.stepsWithin1e9})` : ''}`,
    paper: 'same function every step (Main Thm); 1e-9 asked',
    ours: pair.maxOutputGap,
    holds: pair.maxOutputGap < 1e-9,
  }));
  claims.push(
    ...pairs.map((pair) => ({
      claim: `${pair.label}: ‖w̃_t‖ = ‖w_t‖·α^−t (max relative error); ‖w̃‖ grew ×${pair.twinNormGrowth.toFixed(3)}, ‖w‖ ×${pair.normGrowth.toFixed(3)}`,
      paper: 'weights grow like α^−t',
      ours: pair.maxNormPredictionError,
      holds: pair.maxNormPredictionError < 1e-9,
    })),
  );
  for (const pair of [...pairs, float32].filter((summary) => Number.isFinite(summary.finalControlGap))) {
    claims.push({
      claim: `${pair.label}: output gap to the WD run at the last step, twin vs control (the WD run from weights ±1 ulp)`,
      paper: 'twin exact in exact arithmetic',
      ours: `${pair.finalOutputGap.toExponential(1)} vs ${pair.finalControlGap.toExponential(1)} (steps with a ReLU flip: ${pair.stepsWithReluFlips} vs ${pair.controlStepsWithReluFlips})`,
      holds: pair.finalOutputGap <= 10 * pair.finalControlGap || pair.finalOutputGap < 1e-12,
    });
  }
  claims.push({
    claim: 'η̃ growth per 391 steps (one CIFAR-10 epoch at batch 128): α^−782, α for η = 0.1, λ = 5e-4, γ = 0.9',
    paper: 1.481,
    ours: alpha ** -782,
    holds: Math.abs(alpha ** -782 - 1.481) < 5e-4,
  });
  const floor32 = 100 * 2 ** -23;
  const flip = float32.firstReluFlip;
  claims.push({
    claim: `${float32.label}: output gap at the rounding floor (max ${flip === null ? 'over all steps' : `until the first ReLU sign flip, at step ${flip}`}; at the end)`,
    paper: 'float32 rounding',
    ours: `${float32.maxOutputGapBeforeFlip.toExponential(1)}; ${float32.finalOutputGap.toExponential(1)}`,
    holds: float32.maxOutputGap < floor32 ? true : float32.maxOutputGapBeforeFlip < floor32 ? 'until the flip' : false,
  });
  claims.push({
    claim: `test accuracy (precise BN), WD run vs twin: ${pairs.map((pair) => `${pair.label} ${percent(pair.accuracy)} vs ${percent(pair.twinAccuracy)}`).join('; ')} (ours: largest test-logit gap)`,
    paper: 'identical',
    ours: maximum(pairs.map((pair) => pair.maxLogitGap)),
    holds: pairs.every((pair) => pair.accuracy === pair.twinAccuracy),
  });
  claims.push({
    claim: `TEXP with the momentum correction ≡ step decay across LR drops (${texp.label}): max output gap`,
    paper: 'same function every step (TEXP Thm)',
    ours: texp.maxOutputGap,
    holds: texp.maxOutputGap < 1e-9,
  });
  const [step, ...texps] = schedules;
  for (const arm of texps) {
    const difference = arm.mean - step.mean;
    const noise = Math.max(step.std, 1 / inputs.testCount);
    claims.push({
      claim: `final test accuracy, step decay ${percent(step.mean)} ± ${percent(step.std)} vs ${arm.name} ${percent(arm.mean)} ± ${percent(arm.std)} (${inputs.scheduleSeeds} seeds): difference`,
      paper: 'same accuracy',
      ours: `${(100 * difference).toFixed(2)} pt (seed sd ${(100 * step.std).toFixed(2)} pt)`,
      holds: Math.abs(difference) <= 2 * noise,
    });
  }
  const [wd, bn, both] = toy;
  claims.push(
    {
      claim: `toy, ${wd.name}: objective − global minimum after the last step`,
      paper: 'reaches the global minimum',
      ours: wd.finalExcess,
      holds: Math.abs(wd.finalExcess) < 1e-8,
    },
    {
      claim: `toy, ${bn.name}: loss − global minimum after the last step`,
      paper: 'reaches the global minimum',
      ours: bn.finalExcess,
      holds: Math.abs(bn.finalExcess) < 1e-6,
    },
    {
      claim: `toy, ${both.name}: largest loss − infimum over the second half (${both.spikes} spikes above 1e-2)`,
      paper: 'convergence fails',
      ours: both.lateMaxExcess,
      holds: both.lateMaxExcess > 1e-2 && both.spikes >= 2,
    },
  );
  return claims;
}
