/**
 * The cpu backend's channel-block paths of reduce and broadcastTo (gpu/cpu/reduce.ts
 * reduceAroundBlock, gpu/cpu/layout.ts broadcastTo: BatchNorm's statistics over [0, 2, 3] and the
 * [1, C, 1, 1] → [N, C, H, W] broadcast of their gradients) against their definitions bit for bit:
 * the row-major walk's order for sums (a float64 total per row of the last axis, then into its
 * cell), NaN winning max/min, every value copied; float32 and float64, random ranks and kept runs,
 * specials planted.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import fc from 'fast-check';
import type { ReduceOp } from '../../gpu/backend.ts';
import { reduce } from '../../gpu/cpu/reduce.ts';
import { broadcastTo } from '../../gpu/cpu/layout.ts';
import { setWasmEnabled, wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { valuesWithSpecials, expectIdentical } from '../helpers/wasm-checks.ts';

const size = (shape: readonly number[]) => shape.reduce((p, d) => p * d, 1);

/** A shape of rank 2–5 and a kept run [first, last] with at least one reduced trailing axis. */
const blockCase = fc
  .array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 })
  .chain((shape) =>
    fc
      .tuple(fc.nat(shape.length - 2), fc.nat(shape.length - 2))
      .map(([a, b]) => ({ shape, first: Math.min(a, b), last: Math.max(a, b) })),
  );

/** The definition: walk x in row-major order; a sum adds each row's float64 total to its cell. */
function reference(op: ReduceOp, x: ArrayLike<number>, shape: number[], first: number, last: number): number[] {
  const mid = size(shape.slice(first, last + 1));
  const inner = size(shape.slice(last + 1));
  const row = shape[shape.length - 1];
  const cells = new Array<number>(mid).fill(op === 'max' ? -Infinity : op === 'min' ? Infinity : 0);
  for (let r = 0; r < x.length; r += row) {
    const m = Math.floor(r / inner) % mid;
    if (op === 'sum' || op === 'mean') {
      let total = 0;
      for (let j = r; j < r + row; j++) total += x[j];
      cells[m] += total;
    } else
      for (let j = r; j < r + row; j++) {
        const v = x[j];
        if ((op === 'max' ? v > cells[m] : v < cells[m]) || v !== v) cells[m] = v;
      }
  }
  const scale = op === 'mean' ? mid / x.length : 1;
  return cells.map((c) => c * scale);
}

describe('cpu reduce and broadcastTo around a channel block', () => {
  const wasmWas = wasmEnabled();
  // the wasm reduction takes contiguous runs of axes in its own order; the paths tested here are the TypeScript ones
  beforeAll(() => setWasmEnabled(false));
  afterAll(() => setWasmEnabled(wasmWas));

  it('reduce over the axes around a kept run equals the row-major walk bit for bit', () => {
    fc.assert(
      fc.property(
        blockCase,
        fc.constantFrom<ReduceOp>('sum', 'mean', 'max', 'min'),
        fc.constantFrom(Float32Array, Float64Array),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 4 }),
        ({ shape, first, last }, op, type, seed, at) => {
          const x = valuesWithSpecials(type, size(shape), seed, at);
          const axes = shape.map((_, axis) => axis).filter((axis) => axis < first || axis > last);
          const expected = new type(reference(op, x, shape, first, last));
          expectIdentical(reduce(op, x, shape, axes), expected, `${op} ${type.name} [${shape}] over [${axes}]`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('broadcastTo from a channel block copies every value to its place', () => {
    fc.assert(
      fc.property(
        blockCase,
        fc.boolean(),
        fc.constantFrom(Float32Array, Float64Array),
        fc.nat(1000),
        ({ shape: outShape, first, last }, dropLeading, type, seed) => {
          const kept = outShape.map((d, axis) => (axis >= first && axis <= last ? d : 1));
          const shape = dropLeading ? kept.slice(first) : kept;
          const x = valuesWithSpecials(type, size(shape), seed, [0, 3]);
          const inner = size(outShape.slice(last + 1));
          const expected = new type(size(outShape)).map((_, i) => x[Math.floor(i / inner) % x.length]);
          expectIdentical(broadcastTo(x, shape, outShape), expected, `${type.name} [${shape}] → [${outShape}]`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
