/**
 * The wasm reductions (gpu/cpu/wasm/reduce.ts) against the TypeScript walk of gpu/cpu/reduce.ts:
 * the column loops (sum, max, min over a run of axes with a kept inner block) bit for bit, NaN,
 * ±Inf and ±0 included; the row sum (inner block 1), whose order differs, against the exact sum
 * (BigInt fixed point) within the bound for any summation order, |fl(Σ) − Σ| ≤ γ_{n−1} Σ|x_i|,
 * γ_k = k·u/(1 − k·u), u = 2⁻⁵³ (the accumulator is float64; a float32 result adds its rounding,
 * 2⁻²⁴ relative); and reduce() with and without wasm on random shapes and axes.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { reduce } from '../../gpu/cpu/reduce.ts';
import { wasmReduceAxis, wasmReduceModule, WASM_COLUMN_OPS } from '../../gpu/cpu/wasm/reduce.ts';
import { setWasmEnabled, wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { valuesWithSpecials, expectIdentical, expectPinnedModule } from '../helpers/wasm-checks.ts';

/** The specials without 1e308: two of them overflow a float64 sum that the exact-sum bound compares with. */
const special = [NaN, Infinity, -Infinity, 0, -0, 3.4e38, 1e-45, -1e-300];
const values = (type: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number, at: number[]) =>
  valuesWithSpecials(type, n, seed, at, special);

/** The exact sum of finite doubles, rounded once to float64: each is m·2^e, summed as integers at 2⁻¹¹⁰⁰. */
function exactSum(xs: ArrayLike<number>): number {
  const view = new DataView(new ArrayBuffer(8));
  let total = 0n;
  for (let i = 0; i < xs.length; i++) {
    view.setFloat64(0, xs[i]);
    const bits = view.getBigUint64(0);
    const exponent = Number((bits >> 52n) & 0x7ffn);
    let mantissa = bits & ((1n << 52n) - 1n);
    if (exponent > 0) mantissa |= 1n << 52n;
    const scaled = mantissa << BigInt(Math.max(exponent, 1) - 1075 + 1100);
    total += bits >> 63n ? -scaled : scaled;
  }
  const negative = total < 0n;
  const magnitude = negative ? -total : total;
  // to float64 with one rounding: keep 64 significant bits (the rest could only break an exact tie at bit 54),
  // scaled in two steps so that 2⁻¹¹⁰⁰ never underflows to 0
  const shift = Math.max(0, magnitude.toString(2).length - 64);
  const value = Number(magnitude >> BigInt(shift)) * 2 ** (shift - 550) * 2 ** -550;
  return negative ? -value : value;
}

const gamma = (k: number, u: number) => (k * u) / (1 - k * u);

/** Checks a row sum against the exact sum: the bound for finite data, the IEEE special for NaN/Inf. */
function expectRowSum(actual: number, row: ArrayLike<number>, roundTo32: boolean, what: string): void {
  const xs = Array.from(row);
  if (xs.some((x) => x !== x) || (xs.includes(Infinity) && xs.includes(-Infinity))) {
    expect(actual, what).toBeNaN();
    return;
  }
  if (xs.includes(Infinity) || xs.includes(-Infinity)) {
    expect(actual, what).toBe(xs.includes(Infinity) ? Infinity : -Infinity);
    return;
  }
  const exact = exactSum(xs);
  const absolute = xs.reduce((s, x) => s + Math.abs(x), 0) * (1 + gamma(xs.length, 2 ** -53));
  let bound = gamma(Math.max(xs.length - 1, 0), 2 ** -53) * absolute;
  if (roundTo32) bound += 2 ** -24 * (Math.abs(exact) + bound);
  if (!(Math.abs(actual - exact) <= bound))
    throw new Error(`${what}: ${actual} differs from the exact ${exact} by ${Math.abs(actual - exact)} > ${bound}`);
}

const wasmPresent = wasmEnabled();

describe.runIf(wasmPresent)('wasm reductions', () => {
  it('emits the same module bytes every time (SHA-256 pinned)', () => {
    expectPinnedModule(wasmReduceModule, '009baabea4e4f70d3c3a3901701e4885e74384883fdb82c0cd883b8a356d0c7d');
  });

  it('column loops equal the TypeScript walk bit for bit (sum, max, min; specials; odd inner blocks)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WASM_COLUMN_OPS),
        fc.constantFrom(Float32Array, Float64Array),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 2, max: 37 }),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 12 }),
        (op, type, outer, extent, inner, seed, at) => {
          const x = values(type, outer * extent * inner, seed, at);
          const accumulator = new Float64Array(outer * inner).fill(
            op === 'max' ? -Infinity : op === 'min' ? Infinity : 0,
          );
          wasmReduceAxis(op, x, outer, extent, inner, accumulator);
          setWasmEnabled(false);
          try {
            const expected = reduce(op, x, [outer, extent, inner], [1]);
            expectIdentical(new type(accumulator), expected, `${op} ${type.name} [${outer}, ${extent}, ${inner}]`);
          } finally {
            setWasmEnabled(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the row sum is within γ_{n−1} Σ|x| of the exact sum (float64 accumulator), NaN/Inf as IEEE says', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(Float32Array, Float64Array),
        fc.integer({ min: 1, max: 6 }),
        fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 400 })),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 4 }),
        (type, outer, extent, seed, at) => {
          const x = values(type, outer * extent, seed, at);
          const accumulator = new Float64Array(outer);
          wasmReduceAxis('sum', x, outer, extent, 1, accumulator);
          for (let o = 0; o < outer; o++)
            expectRowSum(accumulator[o], x.subarray(o * extent, (o + 1) * extent), false, `row ${o} of ${extent}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reduce() agrees with and without wasm on random shapes and axes (bit for bit but for row sums)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sum' as const, 'mean' as const, 'max' as const, 'min' as const),
        fc.constantFrom(Float32Array, Float64Array),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 15 }),
        fc.nat(1000),
        (op, type, tail, axisBits, seed) => {
          const shape = [Math.ceil(4096 / tail.reduce((p, d) => p * d, 1)), ...tail];
          const axes = shape.map((_, axis) => axis).filter((axis) => (axisBits >> axis) & 1);
          const x = values(
            type,
            shape.reduce((p, d) => p * d, 1),
            seed,
            [5, 9],
          );
          const viaWasm = reduce(op, x, shape, axes);
          setWasmEnabled(false);
          let plain;
          try {
            plain = reduce(op, x, shape, axes);
          } finally {
            setWasmEnabled(true);
          }
          const what = `${op} ${type.name} [${shape}] over [${axes}]`;
          // the row loop runs where the axes are one run ending at an inner block of 1 (reduce.ts's reduceInWasm)
          const run = axes.length > 0 && axes[axes.length - 1] - axes[0] + 1 === axes.length;
          const rowLoop = run && shape.slice(axes[axes.length - 1] + 1).every((d) => d === 1);
          if (!rowLoop || op === 'max' || op === 'min') return expectIdentical(viaWasm, plain, what);
          if (op === 'mean') return; // the mean of a row sum: the sum below, times 1/n
          const extent = shape.slice(axes[0]).reduce((p, d) => p * d, 1);
          for (let o = 0; o < viaWasm.length; o++)
            expectRowSum(
              viaWasm[o],
              x.subarray(o * extent, (o + 1) * extent),
              type === Float32Array,
              `${what}, cell ${o}`,
            );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('says what is wrong with a mismatched accumulator', () => {
    expect(() => wasmReduceAxis('sum', new Float32Array(6), 2, 3, 1, new Float64Array(3))).toThrow(
      /wasmReduceAxis: sum needs x of outer·extent·inner = 2·3·1 elements and an accumulator of outer·inner, got 6 and 3/,
    );
  });
});
