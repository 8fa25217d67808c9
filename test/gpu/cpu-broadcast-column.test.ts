/**
 * binary()'s column path (gpu/cpu/elementwise.ts: an operand of the output's shape against one
 * constant along a trailing block, [N, K] op [N, 1]) against broadcasting by index arithmetic,
 * bit for bit: every binary op, both sides, float32 and float64, random ranks and trailing blocks,
 * NaN, ±Inf, ±0 planted; and columnLength on shapes that are and are not columns.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { BinaryOp } from '../../gpu/backend.ts';
import { binary, binaryFunctions, columnLength } from '../../gpu/cpu/elementwise.ts';
import { valuesWithSpecials, expectIdentical } from '../helpers/wasm-checks.ts';

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** out[i] = a op b with b indexed through NumPy broadcasting of `shape` to `outShape`. */
function broadcastIndex(i: number, shape: readonly number[], outShape: readonly number[]): number {
  let index = 0,
    stride = 1,
    rest = i;
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

describe('binary: the column broadcast path', () => {
  it('equals broadcasting by index arithmetic bit for bit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(binaryFunctions) as BinaryOp[])),
        fc.constantFrom(Float32Array, Float64Array),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }),
        fc.nat(4),
        fc.nat(2),
        fc.boolean(),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 8 }),
        (op, type, outShape, keep, drop, right, seed, at) => {
          // the small operand: outShape's first `keep` axes, 1s after them, up to `drop` leading axes of extent 1 left out
          const kept = Math.min(keep, outShape.length);
          const shape = outShape.map((d, axis) => (axis < kept ? d : 1));
          let dropped = 0;
          while (dropped < Math.min(drop, shape.length) && shape[dropped] === 1 && outShape[dropped] === 1) dropped++;
          const small = shape.slice(dropped);
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

  it('columnLength: the block length of a column, 0 for other broadcasts', () => {
    expect(columnLength([128, 1], [128, 10])).toBe(10);
    expect(columnLength([4, 1, 1], [4, 3, 5])).toBe(15);
    expect(columnLength([], [3, 5])).toBe(15);
    expect(columnLength([1], [3, 5])).toBe(15);
    expect(columnLength([4, 1], [2, 4, 6])).toBe(0); // repeats along the leading axis too
    expect(columnLength([1, 6], [4, 6])).toBe(0); // a row, not a column
    expect(columnLength([4, 1, 6], [4, 3, 6])).toBe(0);
    expect(columnLength([2, 3, 4], [3, 4])).toBe(0);
  });
});
