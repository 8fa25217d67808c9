/** Convolution and pooling: forward output against a naive float64 loop, on random shapes, strides, padding, dilation and groups. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { convCaseArb, makeTensor, valuesArb } from '../helpers/arbitraries.ts';
import { expectClose } from '../helpers/close.ts';

const runs = { numRuns: 60 };

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
