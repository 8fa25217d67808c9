/**
 * The wasm broadcast loops (gpu/cpu/wasm/broadcast.ts: a row or a scalar against an operand of
 * the output's shape) against the scalar definitions of gpu/cpu/elementwise.ts, bit for bit:
 * random row counts and row lengths around the vector steps and the widening of short rows
 * (1, primes, not multiples of 4), both sides, float32 and float64, NaN, ±Inf, ±0; and binary()
 * with and without wasm on random broadcast shapes (leading 1s, scalars, rows, columns).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binary, binaryFunctions } from '../../gpu/cpu/elementwise.ts';
import { WASM_BINARY_OPS } from '../../gpu/cpu/wasm/binary.ts';
import { rowLength, wasmBroadcastModule, wasmBroadcastRow } from '../../gpu/cpu/wasm/broadcast.ts';
import { setWasmEnabled, wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { valuesWithSpecials, expectIdentical, expectPinnedModule } from '../helpers/wasm-checks.ts';

const wasmPresent = wasmEnabled();

describe.runIf(wasmPresent)('wasm broadcast loops', () => {
  it('emits the same module bytes every time (SHA-256 pinned)', () => {
    expectPinnedModule(wasmBroadcastModule, '2e14e7d19b50ba0db2f9fe0b246dff178815300e0ab8e9c62a22f275e2bf5131');
  });

  it('equal the scalar definitions bit for bit (both sides, float32 and float64, specials, short rows)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WASM_BINARY_OPS),
        fc.constantFrom(Float32Array, Float64Array),
        fc.constantFrom('left' as const, 'right' as const),
        fc.integer({ min: 1, max: 40 }),
        fc.oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 150 })),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 12 }),
        (op, type, side, rows, n, seed, at) => {
          const full = valuesWithSpecials(type, rows * n, seed, at),
            row = valuesWithSpecials(
              type,
              n,
              seed + 1,
              at.map((p) => p * 7 + 1),
            );
          const out = new type(rows * n);
          wasmBroadcastRow(op, full, row, side, out);
          const f = binaryFunctions[op];
          const expected = full.map((x, i) => (side === 'right' ? f(x, row[i % n]) : f(row[i % n], x)));
          expectIdentical(out, expected, `${op} ${side} ${type.name} rows=${rows} n=${n}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('binary() gives the same bits with and without wasm on broadcast shapes above the threshold', () => {
    const shapes = fc
      .tuple(fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 3 }))
      .map(([lead, tail]) => [lead * 64, ...tail]);
    fc.assert(
      fc.property(
        fc.constantFrom(...WASM_BINARY_OPS, 'maximum' as const),
        fc.constantFrom(Float32Array, Float64Array),
        shapes,
        fc.nat(),
        fc.boolean(),
        fc.nat(1000),
        (op, type, outShape, keep, swap, seed) => {
          // the other operand: outShape with some leading axes dropped and some axes set to 1
          const rank = outShape.length;
          const drop = keep % (rank + 1);
          const small = outShape.slice(drop).map((d, i) => ((keep >> (i + 2)) & 1 ? 1 : d));
          const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
          const full = valuesWithSpecials(type, size(outShape), seed, [3, 17]);
          const other = valuesWithSpecials(type, size(small), seed + 5, [1]);
          const [a, aShape, b, bShape] = swap ? [other, small, full, outShape] : [full, outShape, other, small];
          const viaWasm = binary(op, a, aShape, b, bShape, outShape);
          setWasmEnabled(false);
          try {
            const plain = binary(op, a, aShape, b, bShape, outShape);
            expectIdentical(viaWasm, plain, `${op} ${type.name} [${aShape}] with [${bShape}]`);
          } finally {
            setWasmEnabled(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('recognizes rows and scalars, and rejects what is not a trailing block', () => {
    expect(rowLength([512], [128, 512])).toBe(512);
    expect(rowLength([1, 512], [128, 512])).toBe(512);
    expect(rowLength([], [128, 512])).toBe(1);
    expect(rowLength([1, 1], [3, 4])).toBe(1);
    expect(rowLength([4, 5], [3, 4, 5])).toBe(20);
    expect(rowLength([128, 1], [128, 10])).toBe(0);
    expect(rowLength([3, 1, 5], [3, 4, 5])).toBe(0);
    expect(rowLength([2, 3], [3])).toBe(0);
  });

  it('says what is wrong with mismatched operands', () => {
    expect(() =>
      wasmBroadcastRow('add', new Float32Array(6), new Float32Array(4), 'right', new Float32Array(6)),
    ).toThrow(
      /wasmBroadcastRow: add needs full and out of one length, a multiple of the row's, one dtype; got full 6, row 4, out 6/,
    );
    expect(() =>
      wasmBroadcastRow('mul', new Float32Array(4), new Float64Array(2), 'left', new Float32Array(4)),
    ).toThrow(/wasmBroadcastRow: mul/);
  });
});
