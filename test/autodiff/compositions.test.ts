/**
 * The composed ops (logsumexp, logSoftmax, softmax, stridedSlice, indexSelect, avgPool2d with
 * countIncludePad: false): forward against float64 loops written here, stability at extreme
 * values, gradcheck on random shapes, and their errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { makeTensor, ravel, shapeArb, tensorArb, unravel, valuesArb } from '../helpers/arbitraries.ts';
import { expectClose } from '../helpers/close.ts';

const runs = { numRuns: 60 };
const gradRuns = { numRuns: 30 };
const tolerance = { atol: 1e-6, rtol: 1e-4 };

/** A tensor and a subset of its axes. */
const axesCaseArb = (minExtent = 0) =>
  tensorArb(shapeArb(3, 4, minExtent), -5, 5).chain((x) =>
    fc.tuple(fc.constant(x), fc.subarray(x.shape.map((_, axis) => axis)), fc.boolean()),
  );

/** A tensor of rank ≥ 1 and one of its axes. */
const axisCaseArb = tensorArb(
  shapeArb(3, 4, 1).filter((shape) => shape.length > 0),
  -5,
  5,
).chain((x) => fc.tuple(fc.constant(x), fc.nat(x.rank - 1)));

/** The values of x grouped by the cell they reduce into when `axes` are summed out (cells in row-major order). */
function slicesOver(x: ad.Tensor, axes: readonly number[]): number[][] {
  const kept = x.shape.map((extent, axis) => (axes.includes(axis) ? 1 : extent));
  const groups = Array.from({ length: sizeOf(kept) }, () => [] as number[]);
  for (let i = 0; i < x.size; i++) {
    const index = unravel(i, x.shape).map((v, axis) => (axes.includes(axis) ? 0 : v));
    groups[ravel(index, kept)].push(x.data[i]);
  }
  return groups;
}

/** log Σ exp(v) by the textbook shift, in plain float64. */
function referenceLogSumExp(values: readonly number[]): number {
  if (values.length === 0) return -Infinity;
  const m = Math.max(...values);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(values.reduce((total, v) => total + Math.exp(v - m), 0));
}

describe('logsumexp', () => {
  it('matches the float64 reference over any axes, with and without keepDims', () => {
    fc.assert(
      fc.property(axesCaseArb(), ([x, axes, keepDims]) => {
        const out = ad.logsumexp(x, axes, keepDims);
        expect(out.shape).toEqual(
          keepDims ? x.shape.map((e, a) => (axes.includes(a) ? 1 : e)) : x.shape.filter((_, a) => !axes.includes(a)),
        );
        expectClose(out.data, slicesOver(x, axes).map(referenceLogSumExp), 1e-14, 1e-14);
      }),
      runs,
    );
  });
  it('is stable at ±1000 and gives −∞ for a slice of −∞ or an empty axis', () => {
    const x = ad.tensor(
      [
        [1000, 1000],
        [-1000, -1000],
        [-Infinity, -Infinity],
      ],
      { dtype: 'float64' },
    );
    expect(ad.logsumexp(x, 1).toArray()).toEqual([1000 + Math.log(2), -1000 + Math.log(2), -Infinity]);
    expect(ad.logsumexp(ad.zeros([2, 0], { dtype: 'float64' }), 1).toArray()).toEqual([-Infinity, -Infinity]);
    expect(ad.logsumexp(ad.tensor([Infinity, 0], { dtype: 'float64' })).item()).toBe(Infinity);
  });
  it('gradcheck, first and second order (its gradient is softmax)', () => {
    fc.assert(
      fc.property(axesCaseArb(), ([x, axes, keepDims]) => {
        ad.gradcheck((t) => ad.logsumexp(t, axes, keepDims), [x], tolerance);
      }),
      gradRuns,
    );
    fc.assert(
      fc.property(axesCaseArb(1), ([x, axes]) => {
        ad.gradcheck(
          (t) =>
            ad
              .grad((u: ad.Tensor) => ad.logsumexp(u, axes).sum())(t)
              .square(),
          [x],
          tolerance,
        );
      }),
      { numRuns: 15 },
    );
  });
});

describe('logSoftmax and softmax', () => {
  it('match the float64 reference along any axis; softmax sums to 1', () => {
    fc.assert(
      fc.property(axisCaseArb, ([x, axis]) => {
        const expected = new Float64Array(x.size);
        const lse = slicesOver(x, [axis]).map(referenceLogSumExp);
        const kept = x.shape.map((e, a) => (a === axis ? 1 : e));
        for (let i = 0; i < x.size; i++) {
          const index = unravel(i, x.shape);
          index[axis] = 0;
          expected[i] = x.data[i] - lse[ravel(index, kept)];
        }
        expectClose(ad.logSoftmax(x, axis).data, expected, 1e-14, 1e-13);
        expectClose(ad.softmax(x, axis).sum(axis).data, Array(x.size / x.shape[axis]).fill(1), 1e-14, 0);
      }),
      runs,
    );
  });
  it('is exact at the maximum of logits ±1000', () => {
    expect(
      ad
        .logSoftmax(
          ad.tensor(
            [
              [1000, 0],
              [-1000, -3000],
            ],
            { dtype: 'float64' },
          ),
        )
        .toArray(),
    ).toEqual([0, -1000, 0, -2000]);
  });
  it('gradcheck', () => {
    fc.assert(
      fc.property(axisCaseArb, ([x, axis]) => {
        ad.gradcheck((t) => ad.logSoftmax(t, axis).square(), [x], tolerance);
        ad.gradcheck((t) => ad.softmax(t, axis).square(), [x], tolerance);
      }),
      gradRuns,
    );
  });
});

/** Python's x[begin:end:step] indices along an axis of `extent`, by walking them. */
function pythonIndices(extent: number, begin: number, end: number, step: number): number[] {
  const bound = (b: number) =>
    b === Infinity ? extent : b === -Infinity ? 0 : b < 0 ? Math.max(b + extent, 0) : Math.min(b, extent);
  const indices: number[] = [];
  for (let i = bound(begin); i < bound(end); i += step) indices.push(i);
  return indices;
}

const boundArb = (extent: number) =>
  fc.oneof(fc.integer({ min: -extent - 2, max: extent + 2 }), fc.constantFrom(Infinity, -Infinity));

/** A tensor and per-axis begin, end and step. */
const stridedCaseArb = tensorArb(shapeArb(3, 6)).chain((x) =>
  fc.tuple(
    fc.constant(x),
    fc.tuple(...x.shape.map((e) => boundArb(e))),
    fc.tuple(...x.shape.map((e) => boundArb(e))),
    fc.tuple(...x.shape.map(() => fc.integer({ min: 1, max: 4 }))),
  ),
);

describe('stridedSlice', () => {
  it('follows Python slicing with positive steps', () => {
    const x = makeTensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10]);
    expect(ad.stridedSlice(x, [1], [Infinity], [3]).toArray()).toEqual([1, 4, 7]);
    expect(ad.stridedSlice(x, [-3], [Infinity], [1]).toArray()).toEqual([7, 8, 9]);
    expect(ad.stridedSlice(x, [2], [-1], [2]).toArray()).toEqual([2, 4, 6, 8]);
    expect(ad.stridedSlice(x, [8], [2], [1]).toArray()).toEqual([]);
    expect(ad.stridedSlice(x, [-100], [100], [4]).toArray()).toEqual([0, 4, 8]);
  });
  it('matches index walking on random shapes, bounds and steps', () => {
    fc.assert(
      fc.property(stridedCaseArb, ([x, begin, end, steps]) => {
        const picked = x.shape.map((extent, a) => pythonIndices(extent, begin[a], end[a], steps[a]));
        const out = ad.stridedSlice(x, begin, end, steps);
        expect(out.shape).toEqual(picked.map((indices) => indices.length));
        for (let i = 0; i < out.size; i++) {
          const index = unravel(i, out.shape).map((j, a) => picked[a][j]);
          expect(out.data[i]).toBe(x.data[ravel(index, x.shape)]);
        }
      }),
      runs,
    );
  });
  it('gradcheck', () => {
    fc.assert(
      fc.property(stridedCaseArb, ([x, begin, end, steps]) => {
        ad.gradcheck((t) => ad.stridedSlice(t, begin, end, steps).square(), [x], tolerance);
      }),
      gradRuns,
    );
  });
  it('rejects non-positive steps and bounds that are not integers', () => {
    const x = ad.zeros([4, 4]);
    expect(() => ad.stridedSlice(x, [0, 0], [4, 4], [1, 0])).toThrow(
      'stridedSlice: steps must hold positive integers, got [1,0]',
    );
    expect(() => ad.stridedSlice(x, [0, 0.5], [4, 4], [1, 1])).toThrow(
      'stridedSlice: begin must hold integers (or -Infinity, Infinity), got [0,0.5]',
    );
    expect(() => ad.stridedSlice(x, [0], [4], [1])).toThrow(
      /stridedSlice: begin \[0\], end \[4\] and steps \[1\] must each have one entry per axis of \[4,4\]/,
    );
  });
});

/** A tensor, an axis, and indices into it (repeats and an empty list included). */
const selectCaseArb = tensorArb(shapeArb(3, 4, 1).filter((shape) => shape.length > 0)).chain((x) =>
  fc
    .nat(x.rank - 1)
    .chain((axis) =>
      fc.tuple(fc.constant(x), fc.constant(axis), fc.array(fc.nat(x.shape[axis] - 1), { maxLength: 6 })),
    ),
);

describe('indexSelect', () => {
  it('picks the slices at the indices, in order', () => {
    fc.assert(
      fc.property(selectCaseArb, ([x, axis, indices]) => {
        const out = ad.indexSelect(x, axis, indices);
        expect(out.shape).toEqual(x.shape.map((e, a) => (a === axis ? indices.length : e)));
        for (let i = 0; i < out.size; i++) {
          const index = unravel(i, out.shape);
          index[axis] = indices[index[axis]];
          expect(out.data[i]).toBe(x.data[ravel(index, x.shape)]);
        }
      }),
      runs,
    );
  });
  it('gradcheck (a repeated index sums its gradients)', () => {
    fc.assert(
      fc.property(selectCaseArb, ([x, axis, indices]) => {
        ad.gradcheck((t) => ad.indexSelect(t, axis, indices).square(), [x], tolerance);
      }),
      gradRuns,
    );
    const gradient = ad.grad((t: ad.Tensor) => ad.indexSelect(t, 0, [2, 0, 2]).sum())(makeTensor([1, 2, 3], [3]));
    expect(gradient.toArray()).toEqual([1, 0, 2]);
  });
  it('rejects indices out of range', () => {
    expect(() => ad.indexSelect(ad.zeros([2, 3]), 1, [0, 3])).toThrow(
      'indexSelect: index 3 at position 1 is out of range [0, 3) on axis 1 of [2,3]',
    );
    expect(() => ad.indexSelect(ad.zeros([2, 3]), 0, [0.5])).toThrow(
      'indexSelect: indices must hold integers, got [0.5]',
    );
  });
});

/** Average pooling by window loops, dividing each sum by the taps inside the input (count_include_pad=False). */
function referenceAvgPoolInside(
  x: ad.Tensor,
  kernel: [number, number],
  stride: [number, number],
  padding: [number, number],
): number[] {
  const [n, c, h, w] = x.shape;
  const oh = Math.floor((h + 2 * padding[0] - kernel[0]) / stride[0]) + 1;
  const ow = Math.floor((w + 2 * padding[1] - kernel[1]) / stride[1]) + 1;
  const out: number[] = [];
  for (let plane = 0; plane < n * c; plane++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        let total = 0;
        let inside = 0;
        for (let p = 0; p < kernel[0]; p++)
          for (let q = 0; q < kernel[1]; q++) {
            const row = i * stride[0] - padding[0] + p;
            const col = j * stride[1] - padding[1] + q;
            if (row < 0 || row >= h || col < 0 || col >= w) continue;
            total += x.data[(plane * h + row) * w + col];
            inside++;
          }
        out.push(total / inside);
      }
  return out;
}

const pair = (max: number, min = 1) => fc.tuple(fc.integer({ min, max }), fc.integer({ min, max }));
const poolCaseArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    channels: fc.integer({ min: 1, max: 2 }),
    size: pair(6, 2),
    kernel: pair(3),
    stride: pair(3),
    padding: pair(1, 0),
  })
  .filter((c) => [0, 1].every((d) => 2 * c.padding[d] <= c.kernel[d] && c.size[d] >= c.kernel[d]))
  .chain((c) =>
    valuesArb([c.batch, c.channels, ...c.size]).map((values) => ({
      ...c,
      x: makeTensor(values, [c.batch, c.channels, ...c.size]),
    })),
  );

describe('avgPool2d with countIncludePad: false', () => {
  it('divides each window by its taps inside the input; without padding it is the default', () => {
    fc.assert(
      fc.property(poolCaseArb, ({ x, kernel, stride, padding }) => {
        const out = ad.avgPool2d(x, { kernel, stride, padding, countIncludePad: false });
        expectClose(out.data, referenceAvgPoolInside(x, kernel, stride, padding), 1e-14, 1e-14);
        const unpadded = { kernel, stride, countIncludePad: false };
        expectClose(ad.avgPool2d(x, unpadded).data, ad.avgPool2d(x, { kernel, stride }).data, 1e-15, 1e-14);
      }),
      runs,
    );
  });
  it('gradcheck', () => {
    fc.assert(
      fc.property(poolCaseArb, ({ x, kernel, stride, padding }) => {
        ad.gradcheck(
          (t) => ad.avgPool2d(t, { kernel, stride, padding, countIncludePad: false }).square(),
          [x],
          tolerance,
        );
      }),
      gradRuns,
    );
  });
  it('needs padding at most half the kernel', () => {
    expect(() => ad.avgPool2d(ad.zeros([1, 1, 4, 4]), { kernel: 1, padding: 1, countIncludePad: false })).toThrow(
      'avgPool2d: padding 1,1 must be at most half the kernel 1x1',
    );
  });
});

describe('the compositions on the gpujs backend (float32) agree with cpu', () => {
  it('logsumexp, logSoftmax, stridedSlice, indexSelect and avgPool2d without padding counts', () => {
    const run = () => {
      const logits = ad.tensor([
        [1000, 999, -1000],
        [-Infinity, -Infinity, -Infinity],
        [0.5, -0.25, 2],
      ]);
      const images = ad.randomNormal([2, 3, 5, 4], { seed: 7 });
      return [
        ad.logsumexp(logits, 1),
        ad.logSoftmax(ad.slice(logits, [0, 0], [1, 3])),
        ad.logSoftmax(images, 1),
        ad.stridedSlice(images, [0, -2, 1, 0], [Infinity, Infinity, -1, 4], [1, 1, 2, 3]),
        ad.indexSelect(images, 2, [4, 0, 4]),
        ad.avgPool2d(images, { kernel: [3, 2], stride: [2, 1], padding: 1, countIncludePad: false }),
      ].map((t) => t.toArray());
    };
    const cpu = run();
    const gpu = ad.withBackend('gpujs', run);
    // the maps exp and log differ by a few float32 ulps between the backends; the layout ops are exact
    cpu.forEach((values, i) => expectClose(gpu[i], values, 1e-5, 1e-5));
  });
});
