/**
 * src/saliency: the similarity measures (ranks with averaged ties, Spearman, SSIM), the competition
 * rule on hand-made scores, the cascading randomization of a module's layers, and the errors that
 * name the function and the shapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import * as nn from '../../src/nn/index.ts';
import {
  cascadingRandomization,
  competitionMask,
  gradientMap,
  mapSimilarity,
  ranks,
  spearman,
  ssim,
} from '../../src/saliency/index.ts';

const valuesArb = fc.array(
  fc.integer({ min: -1000, max: 1000 }).map((v) => v / 10),
  { minLength: 3, maxLength: 40 },
);

describe('ranks and spearman', () => {
  it('ranks sum to n(n + 1)/2, tied values share their average rank', () => {
    fc.assert(
      fc.property(valuesArb, (values) => {
        const r = ranks(values);
        expect(r.reduce((a, b) => a + b, 0)).toBeCloseTo((values.length * (values.length + 1)) / 2, 9);
        values.forEach((v, i) => values.forEach((w, j) => v === w && expect(r[i]).toBe(r[j])));
      }),
    );
    expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
  });

  it('is 1 under a strictly increasing transform, −1 under a decreasing one, 0 for a constant map', () => {
    fc.assert(
      fc.property(valuesArb, (values) => {
        if (new Set(values).size < 2) return;
        expect(
          spearman(
            values,
            values.map((v) => Math.exp(v / 50) + 3 * v),
          ),
        ).toBeCloseTo(1, 12);
        expect(
          spearman(
            values,
            values.map((v) => -v),
          ),
        ).toBeCloseTo(-1, 12);
        expect(
          spearman(
            values,
            values.map(() => 0),
          ),
        ).toBe(0);
      }),
    );
  });
});

describe('ssim', () => {
  it('is 1 for identical maps, symmetric, and at most 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 3, max: 10 }), (seed, side) => {
        const a = ad.randomUniform([side * side], { seed, dtype: 'float64' }).data;
        const b = ad.randomUniform([side * side], { seed: seed + 1, dtype: 'float64' }).data;
        expect(ssim(a, a, side, side)).toBeCloseTo(1, 12);
        expect(ssim(a, b, side, side)).toBeCloseTo(ssim(b, a, side, side), 12);
        expect(ssim(a, b, side, side)).toBeLessThanOrEqual(1 + 1e-12);
        const same = mapSimilarity(a, a, side, side);
        expect([same.spearmanAbsolute, same.spearmanSigned, same.ssim].map((v) => +v.toFixed(12))).toEqual([1, 1, 1]);
      }),
    );
  });

  it('names the shapes when the maps do not fit', () => {
    expect(() => ssim([1, 2, 3], [1, 2, 3], 2, 2)).toThrow(/ssim: maps of 3 and 3 values do not fit 2×2/);
  });
});

describe('competitionMask', () => {
  it('keeps a pixel when the label has the largest positive or the most negative score; zero scores win nothing', () => {
    // k = 3 labels, one example, 4 pixels (rank-2 inputs: each feature is a pixel).
    const scores = ad.tensor([[[2, -1, 0, 1]], [[1, -3, 0, 1]], [[-5, 2, 0, 0.5]]], { dtype: 'float64' });
    expect(Array.from(competitionMask(scores, [0]))).toEqual([1, 0, 0, 1]);
    expect(Array.from(competitionMask(scores, [1]))).toEqual([0, 1, 0, 1]);
    expect(Array.from(competitionMask(scores, [2]))).toEqual([1, 1, 0, 0]);
  });

  it('sums the channels of a colour pixel before the competition', () => {
    // k = 2, one example, [C = 3, 1, 2]: label 0's channels sum to 1 and −1, label 1's to 0.5 and −3.
    const scores = ad.tensor([[[[[2, 1]], [[-2, -1]], [[1, -1]]]], [[[[0.5, -1]], [[0, -1]], [[0, -1]]]]], {
      dtype: 'float64',
    });
    expect(Array.from(competitionMask(scores, [0]))).toEqual([1, 0]);
    expect(Array.from(competitionMask(scores, [1]))).toEqual([0, 1]);
  });
});

describe('cascadingRandomization', () => {
  it('replaces the listed layers top first and leaves the others trained', () => {
    const make = (seed: number) =>
      new nn.Sequential(new nn.Linear(4, 3, { seed }), new nn.ReLU(), new nn.Linear(3, 2, { seed: seed + 1 }));
    const trained = make(0);
    const fresh = make(10);
    const steps = cascadingRandomization(trained, fresh, ['2', '0']);
    expect(steps.map((step) => step.randomized)).toEqual([[], ['2'], ['2', '0']]);
    const same = (a: ad.Tensor, b: ad.Tensor) => Array.from(a.data).every((v, i) => v === b.data[i]);
    const trainedState = trained.stateDict();
    const freshState = fresh.stateDict();
    expect(same(steps[1].state.get('2.weight')!, freshState.get('2.weight')!)).toBe(true);
    expect(same(steps[1].state.get('0.weight')!, trainedState.get('0.weight')!)).toBe(true);
    expect(same(steps[2].state.get('0.bias')!, freshState.get('0.bias')!)).toBe(true);
    expect(() => cascadingRandomization(trained, fresh, ['5'])).toThrow(/randomizedState: no parameter of layer '5'/);
  });
});

describe('errors', () => {
  it('name the function and the sizes', () => {
    const w = ad.ones([3, 2]);
    expect(() => gradientMap((x) => x.matmul(w), ad.ones([2, 3]), [0])).toThrow(/gradientMap: 2 examples but 1 labels/);
    expect(() => gradientMap((x) => x.matmul(w), ad.ones([2, 3]), [0, 2])).toThrow(
      /gradientMap: labels\[1\] must be an integer in 0 … 1, got 2/,
    );
  });
});
