/**
 * enhanced-cntk's claim arithmetic: the verdict of a paired difference, and the test-image count
 * at which two standard errors (falling as 1/√test) would shrink to the difference observed.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { testImagesToResolve, verdict } from '../../../papers/enhanced-cntk/claims.ts';

it('the verdict is yes beyond two standard errors, no below minus two, not resolved between', () => {
  expect(verdict({ difference: 0.03, standardError: 0.01 })).toBe(true);
  expect(verdict({ difference: -0.03, standardError: 0.01 })).toBe(false);
  expect(verdict({ difference: 0.019, standardError: 0.01 })).toBe('not resolved');
});

it('testImagesToResolve is the fewest test images at which two scaled standard errors fit inside the difference', () => {
  fc.assert(
    fc.property(
      fc.double({ min: 1e-4, max: 0.5, noNaN: true }),
      fc.boolean(),
      fc.double({ min: 1e-3, max: 0.1, noNaN: true }),
      fc.integer({ min: 10, max: 10_000 }),
      (size, negative, standardError, test) => {
        const difference = negative ? -size : size;
        const images = testImagesToResolve({ difference, standardError }, test);
        const scaled = (n: number) => standardError * Math.sqrt(test / n);
        expect(2 * scaled(images)).toBeLessThanOrEqual(size * (1 + 1e-12));
        if (images > 1) expect(2 * scaled(images - 1)).toBeGreaterThan(size * (1 - 1e-12));
      },
    ),
  );
  expect(testImagesToResolve({ difference: 0.01, standardError: 0.01 }, 1000)).toBe(4000);
  expect(testImagesToResolve({ difference: 0, standardError: 0.01 }, 1000)).toBe(Infinity);
});
