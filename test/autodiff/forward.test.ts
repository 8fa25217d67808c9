/** Maps, broadcasting binary ops, reductions, matmul and creation: forward output against a naive float64 reference, on random shapes and values. */
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
import { expectClose } from '../helpers/close.ts';

const runs = { numRuns: 60 };

describe('unary maps match Math', () => {
  const cases: [string, (x: ad.Tensor) => ad.Tensor, (v: number) => number, number, number][] = [
    ['neg', ad.neg, (v) => -v, -3, 3],
    ['exp', ad.exp, Math.exp, -3, 3],
    ['log', ad.log, Math.log, 0.01, 3],
    ['sqrt', ad.sqrt, Math.sqrt, 0, 3],
    ['abs', ad.abs, Math.abs, -3, 3],
    ['relu', ad.relu, (v) => Math.max(v, 0), -3, 3],
    ['sigmoid', ad.sigmoid, (v) => 1 / (1 + Math.exp(-v)), -30, 30],
    ['tanh', ad.tanh, Math.tanh, -3, 3],
    ['sin', ad.sin, Math.sin, -3, 3],
    ['cos', ad.cos, Math.cos, -3, 3],
    ['arccos', ad.arccos, Math.acos, -1, 1],
    ['sign', ad.sign, Math.sign, -3, 3],
    ['step', ad.step, (v) => (v > 0 ? 1 : 0), -3, 3],
  ];
  for (const [name, op, reference, min, max] of cases) {
    it(name, () => {
      fc.assert(
        fc.property(tensorArb(shapeArb(), min, max), (x) => {
          expectClose(op(x).data, Array.from(x.data, reference), 1e-15, 1e-14);
        }),
        runs,
      );
    });
  }
  it('keeps NaN and follows IEEE for ±Infinity', () => {
    const x = ad.tensor([NaN, Infinity, -Infinity], { dtype: 'float64' });
    expect(ad.relu(x).toArray()).toEqual([NaN, Infinity, 0]);
    expect(ad.exp(x).toArray()).toEqual([NaN, Infinity, 0]);
    expect(ad.sigmoid(x).toArray()).toEqual([NaN, 1, 0]);
  });
});

describe('binary ops broadcast like NumPy', () => {
  const cases: [string, (a: ad.Tensor, b: ad.Tensor) => ad.Tensor, (a: number, b: number) => number][] = [
    ['add', ad.add, (a, b) => a + b],
    ['sub', ad.sub, (a, b) => a - b],
    ['mul', ad.mul, (a, b) => a * b],
    ['div', ad.div, (a, b) => a / b],
    ['pow', ad.pow, Math.pow],
    ['maximum', ad.maximum, Math.max],
    ['minimum', ad.minimum, Math.min],
    ['eq', ad.eq, (a, b) => Number(a === b)],
    ['ne', ad.ne, (a, b) => Number(a !== b)],
    ['lt', ad.lt, (a, b) => Number(a < b)],
    ['le', ad.le, (a, b) => Number(a <= b)],
    ['gt', ad.gt, (a, b) => Number(a > b)],
    ['ge', ad.ge, (a, b) => Number(a >= b)],
  ];
  for (const [name, op, reference] of cases) {
    it(name, () => {
      const arb = broadcastPairArb().chain(([sa, sb]) =>
        fc
          .tuple(
            valuesArb(sa, 0.1, 2),
            valuesArb(sb, -2, 2).map((v) => v.map((x) => Math.round(x * 2) / 2)),
          )
          .map(([va, vb]) => [makeTensor(va, sa), makeTensor(vb, sb)] as const),
      );
      fc.assert(
        fc.property(arb, ([a, b]) => {
          const out = op(a, b);
          const expected = Array.from({ length: out.size }, (_, i) => {
            const index = unravel(i, out.shape);
            return reference(broadcastRead(a, index), broadcastRead(b, index));
          });
          expectClose(out.data, expected, 1e-15, 1e-14);
        }),
        runs,
      );
    });
  }
});

/** Naive reduction over axes with keepDims, by visiting every input element. */
function naiveReduce(
  x: ad.Tensor,
  axes: number[],
  fold: (acc: number, v: number) => number,
  init: number,
): { shape: number[]; values: number[] } {
  const shape = x.shape.map((extent, axis) => (axes.includes(axis) ? 1 : extent));
  const values = new Array<number>(sizeOf(shape)).fill(init);
  for (let i = 0; i < x.size; i++) {
    const index = unravel(i, x.shape).map((v, axis) => (axes.includes(axis) ? 0 : v));
    const k = ravel(index, shape);
    values[k] = fold(values[k], x.data[i]);
  }
  return { shape, values };
}

const axesArb = (rank: number) => fc.subarray(Array.from({ length: rank }, (_, i) => i));

describe('reductions', () => {
  it('sum, mean, max, min over any axes, with and without keepDims', () => {
    const arb = tensorArb(shapeArb(3, 4, 1)).chain((x) => fc.tuple(fc.constant(x), axesArb(x.rank), fc.boolean()));
    fc.assert(
      fc.property(arb, ([x, axes, keepDims]) => {
        const count = axes.reduce((p, a) => p * x.shape[a], 1);
        const sum = naiveReduce(x, axes, (a, v) => a + v, 0);
        const max = naiveReduce(x, axes, Math.max, -Infinity);
        const min = naiveReduce(x, axes, Math.min, Infinity);
        const expectedShape = keepDims ? sum.shape : x.shape.filter((_, a) => !axes.includes(a));
        for (const [out, values] of [
          [ad.sum(x, axes, keepDims), sum.values],
          [ad.mean(x, axes, keepDims), sum.values.map((v) => v / count)],
          [ad.max(x, axes, keepDims), max.values],
          [ad.min(x, axes, keepDims), min.values],
        ] as const) {
          expect(out.shape).toEqual(expectedShape);
          expectClose(out.data, values, 1e-13, 1e-13);
        }
      }),
      runs,
    );
  });
  it('sum over an empty axis is 0, and max over one is an error', () => {
    const x = ad.zeros([2, 0, 3], { dtype: 'float64' });
    expect(ad.sum(x, 1).toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => ad.max(x, 1)).toThrow(/max: cannot reduce over an empty axis, got shape \[2,0,3\]/);
  });
  it('argmax returns the first maximum', () => {
    const arb = tensorArb(
      shapeArb(3, 4, 1).filter((s) => s.length > 0),
      -2,
      2,
    ).chain((x) => fc.tuple(fc.constant(x), fc.nat(x.rank - 1)));
    fc.assert(
      fc.property(arb, ([x, axis]) => {
        const out = ad.argmax(x, axis);
        for (let i = 0; i < out.size; i++) {
          const index = unravel(i, out.shape);
          const values = Array.from(
            { length: x.shape[axis] },
            (_, j) => x.data[ravel([...index.slice(0, axis), j, ...index.slice(axis)], x.shape)],
          );
          expect(out.data[i]).toBe(values.indexOf(Math.max(...values)));
        }
      }),
      runs,
    );
  });
});

describe('matmul', () => {
  it('matches the triple loop, with batch broadcasting and vectors', () => {
    const arb = fc
      .tuple(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        broadcastPairArb(2, 3),
      )
      .chain(([m, k, n, [ba, bb]]) =>
        fc
          .tuple(valuesArb([...ba, m, k]), valuesArb([...bb, k, n]))
          .map(([va, vb]) => [makeTensor(va, [...ba, m, k]), makeTensor(vb, [...bb, k, n])] as const),
      );
    fc.assert(
      fc.property(arb, ([a, b]) => {
        const out = ad.matmul(a, b);
        const [m, k] = a.shape.slice(-2);
        const n = b.shape[b.rank - 1];
        const expected = Array.from({ length: out.size }, (_, flat) => {
          const index = unravel(flat, out.shape);
          const batch = index.slice(0, -2);
          const [i, j] = index.slice(-2);
          let total = 0;
          for (let p = 0; p < k; p++) {
            total += broadcastRead(a, [...batch, i, p]) * broadcastRead(b, [...batch, p, j]);
          }
          return total;
        });
        expect(out.shape.slice(-2)).toEqual([m, n]);
        expectClose(out.data, expected, 1e-12, 1e-12);
      }),
      runs,
    );
  });
  it('treats rank-1 operands as vectors', () => {
    const a = ad.tensor([1, 2, 3], { dtype: 'float64' });
    const m = ad.tensor(
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      { dtype: 'float64' },
    );
    expect(ad.matmul(a, m).toArray()).toEqual([4, 5]);
    expect(ad.matmul(a, a).shape).toEqual([]);
    expect(ad.matmul(a, a).item()).toBe(14);
  });
});

describe('creation', () => {
  it('random draws are reproducible by seed and differ across seeds', () => {
    const a = ad.randomNormal([100], { seed: 7 });
    expect(ad.randomNormal([100], { seed: 7 }).toArray()).toEqual(a.toArray());
    expect(ad.randomNormal([100], { seed: 8 }).toArray()).not.toEqual(a.toArray());
    const u = ad.randomUniform([1000], { seed: 3, low: -2, high: 5, dtype: 'float64' }).toArray();
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...u)).toBeLessThan(5);
  });
  it('random normal has the right moments', () => {
    const values = ad.randomNormal([20000], { seed: 11, mean: 1, std: 2, dtype: 'float64' }).toArray();
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
    // 20000 draws: the standard error of the mean is 2/√20000 ≈ 0.014
    expect(Math.abs(mean - 1)).toBeLessThan(0.06);
    expect(Math.abs(variance - 4)).toBeLessThan(0.25);
  });
});
