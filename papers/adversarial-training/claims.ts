/**
 * The claims table (claim | paper's figure | ours | holds?). The paper has no experiments, so the
 * "paper" column states its claims (abstract [V]); every verdict compares paired-by-seed differences
 * with twice their standard error over seeds ("not resolved" inside that noise), and each claim says
 * which result would have made it "no".
 */
import { formatNumber, type Claim } from '../../src/report/index.ts';
import type { ApproximationRun } from './approximation.ts';
import type { WidthSweep } from './experiments.ts';
import { bySeed, logLogSlope, pairedDifference, verdict, widthSeries } from './statistics.ts';
import type { TrainingRun } from './training.ts';

/** The robust loss below which we call it "small" (a seventh of log 2, the loss of the zero function). */
export const smallRobustLoss = 0.1;

const f = (value: number, digits = 3) => formatNumber(value, digits);
const pm = (difference: { mean: number; standardError: number }) =>
  `${f(difference.mean)} ± ${f(difference.standardError, 2)}`;

function both(verdicts: readonly (boolean | string)[]): boolean | string {
  if (verdicts.every((value) => value === true)) return true;
  if (verdicts.some((value) => value === false)) return false;
  return 'not resolved';
}

/** The claims for one training sweep (sphere or MNIST). */
export function trainingClaims(sweep: WidthSweep): Claim[] {
  const adversarial = sweep.runs.filter((run) => run.method === 'adversarial');
  const standard = sweep.runs.filter((run) => run.method === 'standard');
  const widths = [...new Set(adversarial.map((run) => run.width))].sort((a, b) => a - b);
  const [narrow, wide] = [widths[0], widths[widths.length - 1]];
  const robust = (run: TrainingRun) => run.robustLoss;
  const logMovement = (run: TrainingRun) => Math.log(run.relativeMovement);
  const falls = pairedDifference(bySeed(adversarial, narrow, robust), bySeed(adversarial, wide, robust));
  const series = widthSeries(adversarial, robust);
  const wideRobust = series.mean[series.mean.length - 1];
  const wideError = widthSeries(adversarial, (run) => run.robustError).mean.at(-1)!;
  const movement = widthSeries(adversarial, (run) => run.relativeMovement);
  const movementFalls = pairedDifference(
    bySeed(adversarial, narrow, logMovement),
    bySeed(adversarial, wide, logMovement),
  );
  const gap = pairedDifference(bySeed(standard, wide, robust), bySeed(adversarial, wide, robust));
  const standardSeries = widthSeries(standard, robust);
  const standardClean = widthSeries(standard, (run) => run.cleanLoss).mean.at(-1)!;
  const name = sweep.name;
  return [
    {
      claim: `${name}, ρ ${new Set(sweep.radii).size > 1 ? '≈' : '='} ${f(sweep.radius)}: adversarial training's robust loss L* falls with width (m = ${narrow} → ${wide}; "no" if L* at m = ${wide} is higher beyond 2 s.e.)`,
      paper: 'low robust loss at polynomial width (Thm, abstract [V])',
      ours: `${series.mean.map((value) => f(value)).join(' → ')} (paired drop ${pm(falls)})`,
      holds: verdict(falls),
    },
    {
      claim: `${name}: L* becomes small at moderate width ("no" if mean L* at m = ${wide} ≥ ${smallRobustLoss})`,
      paper: 'L* ≤ ε (Thm [V])',
      ours: `L* ${f(wideRobust)}, robust error ${f(100 * wideError, 3)}%`,
      holds: wideRobust < smallRobustLoss,
    },
    {
      claim: `${name}: the weights move less, relatively, as width grows: ‖θ − θ₀‖_F/‖θ₀‖_F (log-log slope; "no" if it grows beyond 2 s.e.)`,
      paper: 'stays near initialization (proof, §4 [V])',
      ours: `${movement.mean.map((value) => f(value)).join(' → ')} (slope ${f(logLogSlope(movement.widths, movement.mean), 2)})`,
      holds: verdict(movementFalls),
    },
    {
      claim: `${name}: standard training leaves a higher robust loss than adversarial training (m = ${wide}; "no" if not higher beyond 2 s.e.)`,
      paper: 'adversarial training needed (§1 [V])',
      ours: `standard L* ${standardSeries.mean.map((value) => f(value)).join(' → ')} (clean loss ${f(standardClean)} at m = ${wide}); standard − adversarial ${pm(gap)}`,
      holds: verdict(gap),
    },
  ];
}

/** The claims of the approximation experiment. */
export function approximationClaims(runs: readonly ApproximationRun[]): Claim[] {
  const widths = [...new Set(runs.map((run) => run.width))].sort((a, b) => a - b);
  const [narrow, wide] = [widths[0], widths[widths.length - 1]];
  const error = (run: ApproximationRun) => run.meanError;
  const series = widthSeries(runs, error);
  const falls = pairedDifference(bySeed(runs, narrow, error), bySeed(runs, wide, error));
  const signError = widthSeries(runs, (run) => run.signError);
  const logMovement = (run: ApproximationRun) => Math.log(run.relativeMovement);
  const movement = widthSeries(runs, (run) => run.relativeMovement);
  const slope = logLogSlope(movement.widths, movement.mean);
  const movementFalls = pairedDifference(bySeed(runs, narrow, logMovement), bySeed(runs, wide, logMovement));
  const linearGap = (run: ApproximationRun) => Math.abs(run.meanError - run.linearizedMeanError);
  const gapFalls = pairedDifference(bySeed(runs, narrow, linearGap), bySeed(runs, wide, linearGap));
  return [
    {
      claim: `ReLU nets near initialization approximate the step sign(⟨x, u⟩ − τ) outside the band: mean |f − h| on fresh points falls with width ("no" if higher at m = ${wide} beyond 2 s.e.)`,
      paper: 'error → small at polynomial width (§4 lemma [V])',
      ours: `${series.mean.map((value) => f(value)).join(' → ')} (sign errors ${signError.mean.map((value) => `${f(100 * value, 2)}%`).join(' → ')})`,
      holds: verdict(falls),
    },
    {
      claim: `…with a first layer that moves less, relatively, as width grows: ‖Δθ‖_F/‖θ₀‖_F ("no" if it grows beyond 2 s.e.)`,
      paper: 'near initialization (§4 [V])',
      ours: `${movement.mean.map((value) => f(value)).join(' → ')} (log-log slope ${f(slope, 2)})`,
      holds: verdict(movementFalls),
    },
    {
      claim: `…and the net at θ₀ + Δθ tracks its linearization more closely as width grows: |error(net) − error(linearized)| ("no" if larger at m = ${wide} beyond 2 s.e.)`,
      paper: 'implied by "near initialization" [V]',
      ours: `${widthSeries(runs, linearGap)
        .mean.map((value) => f(value))
        .join(' → ')}`,
      holds: both([verdict(gapFalls)]),
    },
  ];
}
