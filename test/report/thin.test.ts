/** Thinning long series (src/report/thin.ts): at most about `maximum` points, evenly strided, the last always kept. */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { thin, thinnedSteps } from '../../src/report/thin.ts';

it('keeps 0, k, 2k, … and the last step, at most maximum + 1 of them', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 700 }), (length, maximum) => {
      const steps = thinnedSteps(length, maximum);
      if (length === 0) {
        expect(steps).toEqual([]);
        return;
      }
      const stride = Math.max(1, Math.ceil(length / maximum));
      expect(steps[0]).toBe(0);
      expect(steps.at(-1)).toBe(length - 1);
      expect(steps.length).toBeLessThanOrEqual(maximum + 1);
      for (let i = 1; i < steps.length - 1; i++) expect(steps[i] - steps[i - 1]).toBe(stride);
      if (length <= maximum) expect(steps.length).toBe(length);
    }),
  );
});

it('pairs the kept steps with their values, and rejects sizes that are not counts', () => {
  expect(thin([5, 4, 3, 2, 1], 2)).toEqual({ x: [0, 3, 4], y: [5, 2, 1] });
  expect(() => thinnedSteps(3, 0)).toThrow('thinnedSteps: maximum must be a positive integer, got 0');
  expect(() => thinnedSteps(-1, 2)).toThrow('thinnedSteps: length must be a non-negative integer, got -1');
});
