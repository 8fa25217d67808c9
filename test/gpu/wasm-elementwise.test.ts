/**
 * The wasm binary loops (gpu/cpu/wasm/binary.ts) and relu/step (unary.ts) against the scalar
 * definitions of gpu/cpu/elementwise.ts (binaryFunctions, unaryFunctions), which they must equal
 * bit for bit (NaN for NaN, +0 for relu(−0)):
 * random lengths around the four-lane steps (0, 1, odd, not multiples of 4), float32 and
 * float64 (relu/step: float32), NaN, ±Inf, ±0 and values that overflow or underflow; and
 * binary() and unary() of the cpu backend, which take the wasm loops for float32 from 2048
 * elements on, equal to them too.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { binary, binaryFunctions, unary, unaryFunctions } from '../../gpu/cpu/elementwise.ts';
import { WASM_BINARY_OPS, wasmBinary } from '../../gpu/cpu/wasm/binary.ts';
import { WASM_UNARY_OPS, wasmUnary } from '../../gpu/cpu/wasm/unary.ts';
import { wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { valuesWithSpecials, expectIdentical } from '../helpers/wasm-checks.ts';

describe.skipIf(!wasmEnabled())('wasm binary loops', () => {
  it('equal the scalar definitions bit for bit (float32 and float64, specials, edge lengths)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WASM_BINARY_OPS),
        fc.constantFrom(Float32Array, Float64Array),
        fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 300 })),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 12 }),
        (op, type, n, seed, at) => {
          const a = valuesWithSpecials(type, n, seed, at),
            b = valuesWithSpecials(
              type,
              n,
              seed + 1,
              at.map((p) => p * 7 + 1),
            );
          const out = new type(n);
          wasmBinary(op, a, b, out);
          const expected = new type(n);
          for (let i = 0; i < n; i++) expected[i] = binaryFunctions[op](a[i], b[i]);
          expectIdentical(out, expected, `${op} ${type.name} n=${n}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('binary() on float32 above the threshold takes them and gives the definition', () => {
    for (const n of [2048, 4099]) {
      for (const op of WASM_BINARY_OPS) {
        const a = valuesWithSpecials(Float32Array, n, n, [1, 5, 9, 400]),
          b = valuesWithSpecials(Float32Array, n, 3, [2, 6]);
        const out = binary(op, a, [n], b, [n], [n]);
        expectIdentical(
          out,
          Float32Array.from(a, (x, i) => binaryFunctions[op](x, b[i])),
          `binary ${op} n=${n}`,
        );
      }
    }
  });

  it('relu and step equal the scalar definitions bit for bit (float32, specials, edge lengths)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...WASM_UNARY_OPS),
        fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 10, max: 300 })),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 12 }),
        (op, n, seed, at) => {
          const x = valuesWithSpecials(Float32Array, n, seed, at);
          const out = new Float32Array(n);
          wasmUnary(op, x, out);
          expectIdentical(out, x.map(unaryFunctions[op]), `${op} n=${n}`);
        },
      ),
      { numRuns: 100 },
    );
    for (const n of [2048, 4099])
      for (const op of WASM_UNARY_OPS) {
        const x = valuesWithSpecials(Float32Array, n, n, [0, 3, 4, 7, 100]);
        expectIdentical(unary(op, x), x.map(unaryFunctions[op]), `unary ${op} n=${n}`);
      }
  });

  it('says what is wrong with mismatched operands', () => {
    expect(() => wasmBinary('add', new Float32Array(3), new Float64Array(3), new Float32Array(3))).toThrow(
      /wasmBinary: add needs a, b, out of one dtype and length/,
    );
    expect(() => wasmUnary('relu', new Float64Array(3), new Float32Array(3))).toThrow(
      /wasmUnary: relu needs float32 x and out of one length, got 3 and 3/,
    );
  });
});
