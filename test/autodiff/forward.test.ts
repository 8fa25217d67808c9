/** Every op's forward output against a naive float64 reference, on random shapes and values. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { sizeOf } from '../../gpu/shape.ts';
import {
  broadcastPairArb,
  broadcastRead,
  convCaseArb,
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
function naiveConv(
  x: ad.Tensor,
  w: ad.Tensor,
  stride: number,
  padding: number,
  dilation: number,
  groups: number,
): number[] {
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const oh = Math.floor((h + 2 * padding - dilation * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((wd + 2 * padding - dilation * (kw - 1) - 1) / stride) + 1;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let oc = 0; oc < o; oc++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          const group = Math.floor(oc / (o / groups));
          let total = 0;
          for (let ic = 0; ic < cg; ic++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const iy = y * stride - padding + ky * dilation;
                const ix = xx * stride - padding + kx * dilation;
                if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                total +=
                  x.data[((b * c + group * cg + ic) * h + iy) * wd + ix] * w.data[((oc * cg + ic) * kh + ky) * kw + kx];
              }
          out.push(total);
        }
  return out;
}

describe('convolution and pooling', () => {
  it('conv2d matches direct loops (stride, padding, dilation, groups)', () => {
    fc.assert(
      fc.property(convCaseArb, ({ x, w, stride, padding, dilation, groups }) => {
        const out = ad.conv2d(x, w, { stride, padding, dilation, groups });
        expectClose(out.data, naiveConv(x, w, stride, padding, dilation, groups), 1e-12, 1e-12);
      }),
      runs,
    );
  });
  it('maxPool2d and avgPool2d match window loops', () => {
    const arb = fc
      .record({
        size: fc.integer({ min: 2, max: 6 }),
        kernel: fc.integer({ min: 1, max: 3 }),
        stride: fc.integer({ min: 1, max: 3 }),
        padding: fc.integer({ min: 0, max: 1 }),
      })
      .filter((c) => 2 * c.padding <= c.kernel && c.size + 2 * c.padding >= c.kernel)
      .chain((c) => fc.tuple(fc.constant(c), valuesArb([2, 2, c.size, c.size])));
    fc.assert(
      fc.property(arb, ([{ size, kernel, stride, padding }, values]) => {
        const x = makeTensor(values, [2, 2, size, size]);
        const maxOut = ad.maxPool2d(x, { kernel, stride, padding });
        const avgOut = ad.avgPool2d(x, { kernel, stride, padding });
        const outSize = Math.floor((size + 2 * padding - kernel) / stride) + 1;
        const maxExpected: number[] = [];
        const avgExpected: number[] = [];
        for (let plane = 0; plane < 4; plane++)
          for (let y = 0; y < outSize; y++)
            for (let xx = 0; xx < outSize; xx++) {
              let best = -Infinity;
              let total = 0;
              for (let ky = 0; ky < kernel; ky++)
                for (let kx = 0; kx < kernel; kx++) {
                  const iy = y * stride - padding + ky;
                  const ix = xx * stride - padding + kx;
                  if (iy < 0 || iy >= size || ix < 0 || ix >= size) continue;
                  const v = x.data[(plane * size + iy) * size + ix];
                  best = Math.max(best, v);
                  total += v;
                }
              maxExpected.push(best);
              avgExpected.push(total / (kernel * kernel));
            }
        expectClose(maxOut.data, maxExpected, 0, 0);
        expectClose(avgOut.data, avgExpected, 1e-13, 1e-13);
      }),
      runs,
    );
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
