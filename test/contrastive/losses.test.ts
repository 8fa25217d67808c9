/** The tensor contrastive losses against the float64 formulas, their gradients, and the tuple sampler's guarantees. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import {
  blockMargins,
  contrastiveLoss,
  contrastiveMargins,
  drawContrastiveTuples,
  groupByLabel,
  lossOfMargin,
  lossOfMargins,
} from '../../src/contrastive/index.ts';
import { Random } from '../../src/data/index.ts';

const margins = fc.record({
  batch: fc.integer({ min: 1, max: 4 }),
  k: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
  scale: fc.double({ min: 0.1, max: 30, noNaN: true }),
});

describe('contrastive losses', () => {
  it('the tensor losses equal the mean of lossOfMargins, and lossOfMargin at k = 1', () => {
    fc.assert(
      fc.property(
        margins,
        fc.constantFrom('logistic' as const, 'hinge' as const),
        ({ batch, k, seed, scale }, loss) => {
          const v = ad.randomNormal([batch, k], { seed, std: scale, dtype: 'float64' });
          const values = v.toArray();
          let expected = 0;
          for (let b = 0; b < batch; b++) expected += lossOfMargins(values.slice(b * k, b * k + k), loss) / batch;
          expect(contrastiveLoss(v, loss).item()).toBeCloseTo(expected, 10);
          if (k === 1)
            for (const value of values) expect(lossOfMargin(value, loss)).toBeCloseTo(lossOfMargins([value], loss), 12);
        },
      ),
    );
  });

  it('ℓ(0) = 1 for both losses, and the logistic loss is finite for margins of ±1e4', () => {
    expect(lossOfMargins([0], 'logistic')).toBe(1);
    expect(lossOfMargins([0, 5], 'hinge')).toBe(1);
    expect(contrastiveLoss(ad.tensor([[-1e4], [1e4]]), 'logistic').item()).toBeCloseTo(1e4 / Math.LN2 / 2, 0);
  });

  it('margins and both losses pass gradcheck (float64)', () => {
    const anchors = ad.randomNormal([3, 2], { seed: 1, dtype: 'float64' });
    const positives = ad.randomNormal([3, 2], { seed: 2, dtype: 'float64' });
    const negatives = ad.randomNormal([3, 4, 2], { seed: 3, dtype: 'float64' });
    for (const loss of ['logistic', 'hinge'] as const) {
      const error = ad.gradcheck(
        (a: ad.Tensor, p: ad.Tensor, n: ad.Tensor) => contrastiveLoss(contrastiveMargins(a, p, n), loss),
        [anchors, positives, negatives],
      );
      expect(error).toBeLessThan(1e-5);
    }
  });

  it('block margins are the margins of the mean positive and the mean negative', () => {
    const anchors = ad.randomNormal([2, 3], { seed: 4, dtype: 'float64' });
    const positives = ad.randomNormal([2, 3, 3], { seed: 5, dtype: 'float64' });
    const negatives = ad.randomNormal([2, 3, 3], { seed: 6, dtype: 'float64' });
    const expected = contrastiveMargins(anchors, positives.mean(1), negatives.mean(1).reshape([2, 1, 3]));
    expect(blockMargins(anchors, positives, negatives).toArray()).toEqual(expected.toArray());
    expect(() => contrastiveMargins(anchors, positives, negatives)).toThrow(/contrastiveMargins: need anchors/);
  });
});

describe('drawContrastiveTuples', () => {
  it('pairs distinct members of one class; block negatives share one class', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 1, max: 3 }), (seed, block) => {
        const labels = Int32Array.from({ length: 40 }, (_, i) => (i * 7) % 5);
        const groups = groupByLabel(labels, 5);
        const tuples = drawContrastiveTuples(groups, new Random(seed), { batch: 16, block });
        for (let row = 0; row < 16; row++) {
          const anchor = tuples.anchors[row];
          for (let j = 0; j < block; j++) {
            const positive = tuples.positives[row * block + j];
            expect(positive).not.toBe(anchor);
            expect(labels[positive]).toBe(labels[anchor]);
            expect(labels[tuples.negatives[row * block + j]]).toBe(labels[tuples.negatives[row * block]]);
          }
        }
      }),
      { numRuns: 50 },
    );
  });
});
