/** The verdict rules of the deep-matrix-factorization claims, each shown failing on an input built to fail it. */
import { describe, expect, it } from 'vitest';
import { allOf, separatedBelow } from '../../../papers/deep-matrix-factorization/claims.ts';
import { fitTolerance, initScaleClaims } from '../../../papers/deep-matrix-factorization/init-scale-claims.ts';
import type { InitScaleConfig } from '../../../papers/deep-matrix-factorization/config.ts';
import type { InitScaleSweep, SweepRun } from '../../../papers/deep-matrix-factorization/init-scale.ts';

const config: InitScaleConfig = {
  size: 50,
  rank: 3,
  scales: [1e-3, 1e-4],
  observations: [600, 1500],
  depths: [2],
  seeds: 2,
  learningRates: { 2: 4 },
  maxSteps: { 2: 100 },
  targetLoss: 1e-6,
};

/** A sweep whose depth-2 solutions at 600 observations have `gaps[scale][seed]` and `errors[scale][seed]`. */
function sweep(gaps: number[][], errors: number[][], converged = true): InitScaleSweep {
  const runs: SweepRun[] = [];
  const baselines = [600, 1500].flatMap((count) =>
    [0, 1].map((seed) => ({
      count,
      seed,
      error: count === 600 ? 0.05 : 1e-8,
      nuclearNorm: 80,
      targetNuclearNorm: 85,
      effectiveRank: 3,
      topSingularValues: [],
      iterations: 10,
      converged: true,
      primalResidual: 0,
      dualResidual: 0,
    })),
  );
  config.scales.forEach((initScale, s) =>
    [600, 1500].forEach((count) =>
      [0, 1].forEach((seed) =>
        runs.push({
          initScale,
          count,
          seed,
          depth: 2,
          learningRate: 4,
          steps: 50,
          trainLoss: 1e-6,
          converged,
          halvings: 0,
          millisecondsPerStep: 1,
          error: count === 600 ? errors[s][seed] : 1e-6,
          nuclearNorm: 80 + (count === 600 ? gaps[s][seed] : 0),
          effectiveRank: 3,
          topSingularValues: [],
        }),
      ),
    ),
  );
  return { runs, baselines };
}

describe('separatedBelow and allOf', () => {
  it('decide on separated seed ranges and say "not resolved" when they overlap', () => {
    expect(separatedBelow([1, 2], [3, 4])).toBe(true);
    expect(separatedBelow([3, 4], [1, 2])).toBe(false);
    expect(separatedBelow([1, 3], [2, 4])).toBe('not resolved');
    expect(allOf([true, 'not resolved', false])).toBe(false);
    expect(allOf([true, 'not converged'])).toBe('not converged');
    expect(() => separatedBelow([], [1])).toThrow(/separatedBelow/);
  });
});

describe('the Figure 2 rows', () => {
  const holds = (s: InitScaleSweep) => initScaleClaims(s, config).map((claim) => claim.holds);

  it('hold when the error ends below the minimum and the nuclear norm gap stays open', () => {
    expect(
      holds(
        sweep(
          [
            [2, 2.2],
            [2.1, 2.3],
          ],
          [
            [0.06, 0.07],
            [0.01, 0.02],
          ],
        ),
      ),
    ).toEqual([true, true, true]);
  });

  it('read "no" when GD behaves as Conjecture 1 predicts: the gap closes and the error meets the minimum', () => {
    const tolerance = fitTolerance(50, 600, 1e-6);
    const closing = sweep(
      [
        [2, 2.2],
        [tolerance / 2, tolerance / 2],
      ],
      [
        [0.06, 0.07],
        [0.06, 0.07],
      ],
    );
    expect(holds(closing).slice(0, 2)).toEqual([false, false]);
    // Still falling by more than the fit tolerance at every seed over the last decade: "no" too.
    expect(
      holds(
        sweep(
          [
            [2, 2.2],
            [1, 1.1],
          ],
          [
            [0.06, 0.07],
            [0.01, 0.02],
          ],
        ),
      )[1],
    ).toBe(false);
  });

  it('read "not resolved" when the seeds disagree', () => {
    expect(
      holds(
        sweep(
          [
            [2, 2.2],
            [2.1, 2.3],
          ],
          [
            [0.06, 0.07],
            [0.01, 0.06],
          ],
        ),
      )[0],
    ).toBe('not resolved');
  });

  it('read "not converged" when the deciding runs stopped at the step cap', () => {
    expect(
      holds(
        sweep(
          [
            [2, 2.2],
            [2.1, 2.3],
          ],
          [
            [0.06, 0.07],
            [0.01, 0.02],
          ],
          false,
        ),
      ),
    ).toEqual(['not converged', 'not converged', 'not converged']);
  });
});
