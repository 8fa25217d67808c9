/**
 * exp-lr's claims table (claim | paper's figure | ours | holds?): the main theorem per pair
 * (output gap, twin vs ±1-ulp control), float32's rounding floor, TEXP across drops, step
 * decay vs the exponential schedules in accuracy, and the toy. Each row names the result that
 * would make it "no"; accuracy differences are judged against 2σ, σ combining the paired
 * standard error on the test set and the spread between seeds ("not resolved" inside it).
 * Identities the code enforces (α^−782 = 1.481, ‖w̃_t‖ = ‖w_t‖·α^−t given the weight gap,
 * equal accuracy given equal logits) are in the prose and the tests, not here.
 */
import type { Claim } from '../../src/report/index.ts';
import { percent, type summarizeRuns } from './summaries.ts';

/** What the claims are read from. */
export interface ClaimInputs extends ReturnType<typeof summarizeRuns> {
  /** The network of the schedule comparison, and how many seeds it ran. */
  scheduleNetwork: string;
  scheduleSeeds: number;
}

const points = (value: number): string => `${(100 * value).toFixed(2)} pt`;

/** The claims table. */
export function buildClaims(inputs: ClaimInputs): Claim[] {
  const { pairs, float32, texp, schedules, scheduleDifferences, toy } = inputs;
  const claims: Claim[] = pairs.map((pair) => ({
    claim: `WD run ≡ exp-LR twin, ${pair.label}: max relative output gap over ${pair.steps} steps${pair.stepsWithin1e9 < pair.steps ? ` (≤ 1e-9 for the first ${pair.stepsWithin1e9})` : ''}`,
    paper: 'same function every step (Main Thm); 1e-9 asked',
    ours: pair.maxOutputGap,
    holds: pair.maxOutputGap < 1e-9,
  }));
  for (const pair of [...pairs, float32].filter((summary) => Number.isFinite(summary.finalControlGap))) {
    claims.push({
      claim: `${pair.label}: output gap to the WD run at the last step, twin vs control (the WD run from weights ±1 ulp)`,
      paper: 'twin exact in exact arithmetic',
      ours: `${pair.finalOutputGap.toExponential(1)} vs ${pair.finalControlGap.toExponential(1)} (steps with a ReLU flip: ${pair.stepsWithReluFlips} vs ${pair.controlStepsWithReluFlips})`,
      holds: pair.finalOutputGap <= 10 * pair.finalControlGap || pair.finalOutputGap < 1e-12,
    });
  }
  const floor32 = 100 * 2 ** -23;
  const flip = float32.firstReluFlip;
  claims.push({
    // Whether and where a ReLU sign flips is itself decided by rounding (another summation order moves it),
    // so the claim is the floor up to the first flip, and the flip is data; the end is the twin-vs-control row above.
    claim: `${float32.label}: output gap at the rounding floor (below 100·2⁻²³) until the first ReLU sign flip, if any (max before it; at the end)`,
    paper: 'float32 rounding',
    ours: `${float32.maxOutputGapBeforeFlip.toExponential(1)}; ${float32.finalOutputGap.toExponential(1)} (${flip === null ? 'no ReLU sign flip' : `first ReLU sign flip at step ${flip}`})`,
    holds: float32.maxOutputGapBeforeFlip < floor32,
  });
  claims.push({
    claim: `TEXP with the momentum correction ≡ step decay across LR drops (${texp.label}): max output gap`,
    paper: 'same function every step (TEXP Thm)',
    ours: texp.maxOutputGap,
    holds: texp.maxOutputGap < 1e-9,
  });
  const [step, texpAlone, cosine] = schedules;
  const [texpDifference, cosineDifference] = scheduleDifferences;
  const compared = (difference: (typeof scheduleDifferences)[number]): string =>
    `Δ = ${points(difference.difference)}, 2σ = ${points(2 * difference.noise)} (paired SE ${points(difference.testStandardError)}, seeds ${points(difference.seedStandardError)})`;
  const setting = `${inputs.scheduleNetwork}, float32, ${inputs.scheduleSeeds} seeds`;
  claims.push(
    {
      claim: `${setting}: the TEXP schedule alone (no WD) reaches the final test accuracy of step decay + WD (${percent(texpAlone.mean)} vs ${percent(step.mean)}); no if lower by more than 2σ`,
      paper: 'same accuracy (TEXP Thm; §4, PreResNet32)',
      ours: compared(texpDifference),
      holds: texpDifference.difference >= -2 * texpDifference.noise,
    },
    {
      claim: `${setting}: the exponential cosine schedule (no WD) beats step decay + WD in final test accuracy (${percent(cosine.mean)} vs ${percent(step.mean)}); no if lower by more than 2σ, not resolved within ±2σ`,
      paper: 'higher accuracy (§4; recalled)',
      ours: compared(cosineDifference),
      holds:
        cosineDifference.difference > 2 * cosineDifference.noise
          ? true
          : cosineDifference.difference < -2 * cosineDifference.noise
            ? false
            : 'not resolved',
    },
  );
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
