/**
 * cntk-exact's verdicts (papers/cntk-exact/claims.ts): a claim holds only when every paired
 * difference is resolved (above two standard errors), fails when one is resolved the other
 * way, and reads "not resolved" in between; the CNN rows read "n/a" when a baseline did not
 * fit its training set.
 */
import { describe, expect, it } from 'vitest';
import type { DepthRow } from '../../../papers/cntk-exact/accuracy.ts';
import { kernelClaims, resolvedVerdict } from '../../../papers/cntk-exact/claims.ts';
import { pairedDifference } from '../../../papers/cntk-exact/regression.ts';

const paired = (difference: number, standardError: number) => ({ difference, standardError });

describe('resolvedVerdict', () => {
  it('yes only when every difference is above 2 s.e.; no when one is below −2 s.e.; else not resolved', () => {
    expect(resolvedVerdict([paired(0.08, 0.03), paired(0.1, 0.02)])).toBe(true);
    expect(resolvedVerdict([paired(0.08, 0.03), paired(-0.07, 0.03)])).toBe(false);
    expect(resolvedVerdict([paired(0.08, 0.03), paired(0.05, 0.03)])).toBe('not resolved (1 of 2 above 2 s.e.)');
    // a deliberately wrong input, a positive difference inside the noise, does not pass as "yes"
    expect(resolvedVerdict([paired(0.059, 0.03)])).not.toBe(true);
  });
});

describe('pairedDifference', () => {
  it('is the mean and standard error of the per-image differences, and refuses unpaired outcomes', () => {
    const first = { correct: [1, 1, 0, 1] };
    const second = { correct: [0, 1, 0, 0] };
    const { difference, standardError } = pairedDifference(first, second);
    expect(difference).toBeCloseTo(0.5, 12);
    // differences 1, 0, 0, 1: sample variance 1/3, s.e. √(1/12)
    expect(standardError).toBeCloseTo(Math.sqrt(1 / 12), 12);
    expect(() => pairedDifference(first, { correct: [1] })).toThrow(/pairedDifference: 4 and 1 test images/);
  });
});

describe('kernelClaims', () => {
  const sizes = {
    vanilla: { train: 2000, test: 300, size: 32 },
    gap: { train: 200, test: 150, size: 16 },
    cnn: '16×16, 200 train',
  };
  const cnn = (depth: number, readout: 'vanilla' | 'gap', converged: boolean) => ({
    depth,
    readout,
    accuracy: 0.3,
    trainAccuracy: converged ? 1 : 0.3,
    converged,
    width: 16,
    epochs: 15,
    seconds: 1,
  });
  const row = (depth: number, gapOverVanilla = paired(0.1, 0.03), converged = true): DepthRow => ({
    depth,
    vanilla: { accuracy: 0.4, relativeJitter: 0 },
    smallVanilla: { accuracy: 0.3, relativeJitter: 0 },
    gap: { accuracy: 0.4, relativeJitter: 0 },
    gapOverVanilla,
    cnnV: cnn(depth, 'vanilla', true),
    cnnGap: cnn(depth, 'gap', converged),
    kernelOverCnnV: paired(0.1, 0.03),
    kernelOverCnnGap: paired(-0.1, 0.03),
  });
  const spread = { ...paired(0.01, 0.01), best: 4, worst: 3 };

  it('GAP over V holds when resolved at every depth and fails when V is resolved ahead at one', () => {
    expect(kernelClaims([row(3), row(4)], spread, sizes)[0].holds).toBe(true);
    expect(kernelClaims([row(3), row(4, paired(-0.1, 0.03))], spread, sizes)[0].holds).toBe(false);
  });

  it('CNTK-V flat with depth fails when two depths differ by more than 2 paired s.e.', () => {
    expect(kernelClaims([row(3)], spread, sizes)[1].holds).toBe(true);
    expect(kernelClaims([row(3)], { ...spread, difference: 0.05 }, sizes)[1].holds).toBe(false);
  });

  it('the CNN rows read n/a when a baseline did not fit its training set', () => {
    const [, , cnnV, cnnGap] = kernelClaims([row(3), row(4, undefined, false), row(6)], spread, sizes);
    expect(cnnV.holds).toBe(true);
    expect(cnnGap.holds).toBe('n/a (baseline not converged at depth 4)');
    expect(kernelClaims([row(4), row(6)], spread, sizes)[3].holds).toBe(true);
  });
});
