/** Algebraic laws that hold for any input: a second, independent check on the ops. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { makeTensor, shapeArb, tensorArb, valuesArb } from '../helpers/arbitraries.ts';
import { expectClose } from '../helpers/close.ts';

const runs = { numRuns: 50 };

describe('laws', () => {
  it('transpose ∘ transpose = id, and permute by a permutation then its inverse = id', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb(4, 3).filter((s) => s.length >= 2)), (x) => {
        expect(x.transpose().transpose().toArray()).toEqual(x.toArray());
        const perm = x.shape.map((_, i) => i).reverse();
        expect(ad.permute(ad.permute(x, perm), perm).toArray()).toEqual(x.toArray());
      }),
      runs,
    );
  });
  it('the sum is invariant under reshape, and sum over all axes = sum of per-axis sums', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb(3, 4)), (x) => {
        const total = x.sum().item();
        expect(x.reshape([-1]).sum().item()).toBeCloseTo(total, 12);
        let partial = x;
        while (partial.rank > 0) partial = partial.sum(0);
        expect(partial.item()).toBeCloseTo(total, 12);
      }),
      runs,
    );
  });
  it('matmul is associative within float64 rounding', () => {
    const dims = fc.tuple(...[0, 1, 2, 3].map(() => fc.integer({ min: 1, max: 5 })));
    const arb = dims.chain(([a, b, c, d]) =>
      fc
        .tuple(valuesArb([a, b]), valuesArb([b, c]), valuesArb([c, d]))
        .map(([x, y, z]) => [makeTensor(x, [a, b]), makeTensor(y, [b, c]), makeTensor(z, [c, d])] as const),
    );
    fc.assert(
      fc.property(arb, ([a, b, c]) => {
        expectClose(a.matmul(b).matmul(c).data, a.matmul(b.matmul(c)).data, 1e-12, 1e-12);
      }),
      runs,
    );
  });
  it('(AB)ᵀ = BᵀAᵀ, and the transpose flags agree with explicit transposes', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .chain(([m, k, n]) =>
        fc
          .tuple(valuesArb([m, k]), valuesArb([k, n]))
          .map(([x, y]) => [makeTensor(x, [m, k]), makeTensor(y, [k, n])] as const),
      );
    fc.assert(
      fc.property(arb, ([a, b]) => {
        expectClose(a.matmul(b).transpose().data, b.transpose().matmul(a.transpose()).data, 1e-13, 1e-13);
        expectClose(
          ad.matmul(a.transpose(), b.transpose(), { transposeA: true, transposeB: true }).data,
          a.matmul(b).data,
          1e-13,
          1e-13,
        );
      }),
      runs,
    );
  });
  it('exp ∘ log = id on positives, and sigmoid(x) + sigmoid(−x) = 1', () => {
    fc.assert(
      fc.property(tensorArb(shapeArb(), 0.01, 10), (x) => {
        expectClose(x.log().exp().data, x.data, 1e-14, 1e-14);
        expectClose(x.sigmoid().add(x.neg().sigmoid()).data, Array(x.size).fill(1), 1e-15, 0);
      }),
      runs,
    );
  });
  it('conv2d is linear in the input and in the weights', () => {
    const arb = fc.tuple(
      valuesArb([2, 2, 5, 5]),
      valuesArb([2, 2, 5, 5]),
      valuesArb([3, 2, 3, 3]),
      fc.double({ min: -2, max: 2, noNaN: true }),
    );
    fc.assert(
      fc.property(arb, ([xa, xb, wv, scale]) => {
        const [a, b, w] = [makeTensor(xa, [2, 2, 5, 5]), makeTensor(xb, [2, 2, 5, 5]), makeTensor(wv, [3, 2, 3, 3])];
        const left = ad.conv2d(a.mul(scale).add(b), w, { padding: 1 });
        const right = ad
          .conv2d(a, w, { padding: 1 })
          .mul(scale)
          .add(ad.conv2d(b, w, { padding: 1 }));
        expectClose(left.data, right.data, 1e-12, 1e-12);
      }),
      { numRuns: 20 },
    );
  });
});
