/**
 * The wasm ReLU row (gpu/cpu/wasm/relu-row.ts, `row`) called directly against reluRow in
 * gpu/cpu/infinite/relu.ts (its definition, float32 storage: the polynomial arccos): the same
 * float64 operations in the same order, so bit for bit equal (Object.is: NaN where the
 * TypeScript gives NaN), on every column count from 0 to 41 (the kernel's four-entry steps and
 * its two- and one-entry tails), λ near ±1 and beyond (the clip), zero, NaN and ±Inf operands.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { reluRow } from '../../gpu/cpu/infinite/relu.ts';
import { reluRowModule } from '../../gpu/cpu/wasm/relu-row.ts';
import { instance, memoryHandle, wasmEnabled, withScratch } from '../../gpu/cpu/wasm/runtime.ts';
import { expectIdentical } from '../helpers/wasm-checks.ts';

type Row = (...args: number[]) => void;

/** A float32 value: mostly in [−1.2, 1.2] (λ clipped beyond ±1), some at ±1 ± an ulp, some special. */
const entryArb = fc.oneof(
  { weight: 6, arbitrary: fc.float({ min: Math.fround(-1.2), max: Math.fround(1.2), noNaN: true }) },
  { weight: 2, arbitrary: fc.constantFrom(1, -1, Math.fround(1 - 2 ** -24), Math.fround(-1 + 2 ** -24), 0, -0) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity) },
);
/** A deviation √a: positive, zero (inverse 0 by convention), or special. */
const deviationArb = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: 0.05, max: 20, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, NaN, Infinity) },
);

describe.skipIf(!wasmEnabled())('wasm ReLU row equals reluRow (float32 storage)', () => {
  it('bit for bit on every column count, with clipped, boundary and special values', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 41 })
          .chain((columns) =>
            fc.tuple(
              fc.constant(columns),
              fc.array(entryArb, { minLength: columns, maxLength: columns }),
              fc.array(fc.float({ noNaN: false }), { minLength: columns, maxLength: columns }),
              fc.array(fc.tuple(deviationArb, deviationArb), { minLength: columns, maxLength: columns }),
              fc.boolean(),
            ),
          ),
        ([columns, lambdas, thetas, deviations, add]) => {
          const dev1 = Float64Array.from(deviations, ([a]) => a),
            dev2 = Float64Array.from(deviations, ([, b]) => b);
          const inverse = (d: number) => (d === 0 ? 0 : 1 / d);
          const inv1 = dev1.map(inverse),
            inv2 = dev2.map(inverse);
          // Σ = λ·√a√b, so λ comes back (up to rounding) after the inverses
          const nngp = Float32Array.from(lambdas, (l, k) => l * dev1[k] * dev2[k]);
          const ntk = Float32Array.from(thetas);
          const lineS = new Float64Array(columns),
            lineT = new Float64Array(columns);
          reluRow(nngp, ntk, 0, add, false, columns, lineS, lineT, dev1, inv1, 0, dev2, inv2, 0);
          const [wasmS, wasmT] = withScratch((alloc) => {
            const put = <T extends Float32Array | Float64Array>(array: T): number => {
              const address = alloc(Math.max(16, array.byteLength));
              const view = new (array.constructor as new (b: ArrayBufferLike, o: number, l: number) => T)(
                memoryHandle().memory.buffer,
                address,
                array.length,
              );
              view.set(array);
              return address;
            };
            const lines = [alloc(8 * columns + 16), alloc(8 * columns + 16)];
            const row = instance(reluRowModule).exports.row as Row;
            row(put(nngp), put(ntk), put(dev1), put(inv1), put(dev2), put(inv2), ...lines, columns, add ? 1 : 0);
            const buffer = memoryHandle().memory.buffer;
            return lines.map((at) => new Float64Array(buffer, at, columns).slice());
          });
          expectIdentical(wasmS, lineS, 'lineS');
          expectIdentical(wasmT, lineT, 'lineT');
        },
      ),
      { numRuns: 300 },
    );
  });
});
