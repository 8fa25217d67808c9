/**
 * exp-lr's claims table (claim | paper's figure | ours | holds?): the main theorem per pair
 * (output gap, weight-norm growth, twin vs ±1-ulp control), α's growth per CIFAR-10 epoch,
 * float32's rounding floor, test accuracy, TEXP across drops and against step decay, the toy.
 */
import type { Claim } from '../../src/report/index.ts';
import { maximum, percent, type summarizeRuns } from './summaries.ts';

/** What the claims are read from. */
export interface ClaimInputs extends ReturnType<typeof summarizeRuns> {
  alpha: number;
  /** How many seeds step decay and TEXP were compared over, and the MNIST test set's size. */
  scheduleSeeds: number;
  testCount: number;
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
