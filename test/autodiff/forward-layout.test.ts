/** Layout ops (reshape, permute, slice, pad, concat, gather, …): forward output against naive index arithmetic, on random shapes and values. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { sizeOf } from '../../gpu/shape.ts';
import {
  broadcastPairArb,
  broadcastRead,
  makeTensor,
  ravel,
  shapeArb,
  tensorArb,
  unravel,
  valuesArb,
} from '../helpers/arbitraries.ts';

const runs = { numRuns: 60 };

describe('layout ops', () => {
  it('permute moves axes', () => {
    const arb = tensorArb(shapeArb(4, 3)).chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.shuffledSubarray(
          x.shape.map((_, i) => i),
          { minLength: x.rank, maxLength: x.rank },
        ),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, perm]) => {
        const out = ad.permute(x, perm);
        expect(out.shape).toEqual(perm.map((a) => x.shape[a]));
        for (let i = 0; i < out.size; i++) {
          const index = unravel(i, out.shape);
          const source = new Array<number>(x.rank);
          perm.forEach((axis, j) => (source[axis] = index[j]));
          expect(out.data[i]).toBe(x.data[ravel(source, x.shape)]);
        }
      }),
      runs,
    );
  });
  it('pad then slice is the identity, and pad fills', () => {
    const arb = tensorArb(shapeArb(3, 3)).chain((x) =>
      fc.tuple(
        fc.constant(x),
        fc.array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: x.rank, maxLength: x.rank }),
        fc.double({ min: -5, max: 5, noNaN: true }),
      ),
    );
    fc.assert(
      fc.property(arb, ([x, padding, value]) => {
        const padded = ad.pad(x, padding, value);
        expect(padded.shape).toEqual(x.shape.map((e, a) => e + padding[a][0] + padding[a][1]));
        expect(
          ad
            .slice(
              padded,
              padding.map(([b]) => b),
              x.shape,
            )
            .toArray(),
        ).toEqual(x.toArray());
        const inside = padded
          .toArray()
          .filter((_, i) =>
            unravel(i, padded.shape).every((v, a) => v >= padding[a][0] && v < padding[a][0] + x.shape[a]),
          ).length;
        expect(padded.toArray().filter((v) => v === value).length).toBeGreaterThanOrEqual(padded.size - inside);
      }),
      runs,
    );
  });
  it('concat of slices rebuilds the tensor', () => {
    const arb = tensorArb(shapeArb(3, 4, 1).filter((s) => s.length > 0)).chain((x) =>
      fc
        .tuple(fc.constant(x), fc.nat(x.rank - 1))
        .chain(([t, axis]) => fc.tuple(fc.constant(t), fc.constant(axis), fc.nat(t.shape[axis]))),
    );
    fc.assert(
      fc.property(arb, ([x, axis, cut]) => {
        const first = ad.slice(
          x,
          x.shape.map(() => 0),
          x.shape.map((e, a) => (a === axis ? cut : e)),
        );
        const second = ad.slice(
          x,
          x.shape.map((_, a) => (a === axis ? cut : 0)),
          x.shape.map((e, a) => (a === axis ? e - cut : e)),
        );
        expect(ad.concat([first, second], axis).toArray()).toEqual(x.toArray());
      }),
      runs,
    );
  });
  it('gather reads along an axis and scatterAdd is its transpose', () => {
    const arb = tensorArb(shapeArb(3, 3, 1).filter((s) => s.length > 0)).chain((x) =>
      fc.nat(x.rank - 1).chain((axis) => {
        const indexShape = x.shape.map((e, a) => (a === axis ? 4 : e));
        return fc.tuple(
          fc.constant(x),
          fc.constant(axis),
          fc.array(fc.nat(x.shape[axis] - 1), { minLength: sizeOf(indexShape), maxLength: sizeOf(indexShape) }),
          valuesArb(indexShape),
        );
      }),
    );
    fc.assert(
      fc.property(arb, ([x, axis, indices, other]) => {
        const indexShape = x.shape.map((e, a) => (a === axis ? 4 : e));
        const out = ad.gather(x, axis, indices, indexShape);
        for (let i = 0; i < out.size; i++) {
          const index = unravel(i, indexShape);
          index[axis] = indices[i];
          expect(out.data[i]).toBe(x.data[ravel(index, x.shape)]);
        }
        // ⟨gather(x), y⟩ = ⟨x, scatterAdd(y)⟩
        const y = makeTensor(other, indexShape);
        const left = ad.mul(out, y).sum().item();
        const right = ad
          .mul(x, ad.scatterAdd(y, axis, indices, x.shape))
          .sum()
          .item();
        expect(Math.abs(left - right)).toBeLessThan(1e-12 * (1 + Math.abs(left)));
      }),
      runs,
    );
  });
  it('where chooses by condition with broadcasting', () => {
    const arb = broadcastPairArb().chain(([sa, sb]) =>
      fc.tuple(valuesArb(sa), valuesArb(sb)).map(([va, vb]) => [makeTensor(va, sa), makeTensor(vb, sb)] as const),
    );
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const out = ad.where(a.gt(0), a, b);
        for (let i = 0; i < out.size; i++) {
          const index = unravel(i, out.shape);
          const av = broadcastRead(a, index);
          expect(out.data[i]).toBe(av > 0 ? av : broadcastRead(b, index));
        }
      }),
      runs,
    );
  });
});

/** Direct convolution loops, the textbook definition (cross-correlation, zero padding). */
