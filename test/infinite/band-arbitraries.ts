/** The covariance-step tests' random inputs: a band geometry and a block of image pairs. */
import fc from 'fast-check';
import type { PairBlock } from '../../gpu/infinite.ts';

/** Image sides 1…maxSide, zero or circular padding, a pooling window 0…maxSide. */
export const bandGeometryArb = (maxSide: number) =>
  fc.record({
    height: fc.integer({ min: 1, max: maxSide }),
    width: fc.integer({ min: 1, max: maxSide }),
    padding: fc.constantFrom('zero' as const, 'circular' as const),
    window: fc.integer({ min: 0, max: maxSide }),
  });

/** 1–3 images on each side, or one set against itself (the triangle). */
export const pairBlockArb: fc.Arbitrary<PairBlock> = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean())
  .map(([count1, count2, triangle]): PairBlock => ({ count1, count2: triangle ? count1 : count2, triangle }));
