/**
 * binary()'s channel-block path (gpu/cpu/elementwise.ts: an operand of the output's shape against
 * one whose values lie on one run of middle axes, BatchNorm's [N, C, H, W] op [1, C, 1, 1]) against
 * broadcasting by index arithmetic, bit for bit: every binary op, both sides, float32 and float64,
 * random ranks and runs, NaN, ±Inf, ±0 planted; and channelBlock on shapes that are and are not blocks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BinaryOp } from '../../gpu/backend.ts';
import { binary, binaryFunctions, channelBlock } from '../../gpu/cpu/elementwise.ts';
import { valuesWithSpecials, expectIdentical } from '../helpers/wasm-checks.ts';

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** The flat index into `shape` of output element i under NumPy broadcasting to `outShape`. */
function broadcastIndex(i: number, shape: readonly number[], outShape: readonly number[]): number {
  let [index, stride, rest] = [0, 1, i];
  for (let axis = outShape.length - 1; axis >= 0; axis--) {
    const coordinate = rest % outShape[axis];
    rest = Math.floor(rest / outShape[axis]);
    const own = axis - (outShape.length - shape.length);
    if (own >= 0) {
      if (shape[own] !== 1) index += coordinate * stride;
      stride *= shape[own];
    }
  }
  return index;
}

describe('binary: the channel-block broadcast path', () => {
  it('equals broadcasting by index arithmetic bit for bit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(binaryFunctions) as BinaryOp[])),
        fc.constantFrom(Float32Array, Float64Array),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        fc.nat(4),
        fc.nat(4),
        fc.boolean(),
        fc.boolean(),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 8 }),
        (op, type, outShape, from, length, dropLeading, right, seed, at) => {
          // the small operand keeps outShape's axes first … first + length, 1s elsewhere
          const first = Math.min(from, outShape.length - 1);
          const last = Math.min(first + length, outShape.length - 1);
          const shape = outShape.map((d, axis) => (axis >= first && axis <= last ? d : 1));
          const small = dropLeading ? shape.slice(first) : shape;
          const full = valuesWithSpecials(type, size(outShape), seed, at);
          const other = valuesWithSpecials(type, size(small), seed + 3, [1, 4]);
          const f = binaryFunctions[op];
          const expected = full.map((x, i) => {
            const y = other[broadcastIndex(i, small, outShape)];
            return right ? f(x, y) : f(y, x);
          });
          const got = right
            ? binary(op, full, outShape, other, small, outShape)
            : binary(op, other, small, full, outShape, outShape);
          expectIdentical(got, expected, `${op} ${type.name} [${outShape}] ${right ? 'op' : 'with'} [${small}]`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('channelBlock: [mid, inner] of a middle block, undefined for other broadcasts', () => {
    expect(channelBlock([1, 8, 1, 1], [32, 8, 16, 16])).toEqual([8, 256]);
    expect(channelBlock([8, 1, 1], [32, 8, 16, 16])).toEqual([8, 256]);
    expect(channelBlock([1, 3, 4, 1], [2, 3, 4, 5])).toEqual([12, 5]);
    expect(channelBlock([1, 1, 6], [4, 3, 6])).toEqual([6, 1]);
    expect(channelBlock([1, 1], [4, 3])).toBeUndefined(); // one element
    expect(channelBlock([1, 3, 1, 5], [2, 3, 4, 5])).toBeUndefined(); // two runs
    expect(channelBlock([1, 2, 1], [4, 3, 5])).toBeUndefined(); // extents differ
    expect(channelBlock([2, 3, 4, 5, 6], [3, 4, 5, 6])).toBeUndefined();
  });
});
