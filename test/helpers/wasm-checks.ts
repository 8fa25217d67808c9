/**
 * What the wasm kernel tests share: operands with special values planted, bit-for-bit
 * comparison (NaN equal to NaN, −0 distinct from +0), and the check that a module's emitted
 * bytes are valid and equal to their pinned SHA-256.
 */
import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { moduleBytes, webAssembly, type WasmModule } from '../../gpu/cpu/wasm/runtime.ts';

/** NaN, the infinities, signed zeros, float32's extremes (largest, smallest subnormal) and float64 ones. */
export const SPECIAL_VALUES = [NaN, Infinity, -Infinity, 0, -0, 3.4e38, 1e-45, -1e-300, 1e308];

/** n values of `type` from `seed` (magnitudes 10⁻³…10³), with specials[k] at position at[k] mod n. */
export function valuesWithSpecials(
  type: Float32ArrayConstructor | Float64ArrayConstructor,
  n: number,
  seed: number,
  at: number[],
  specials: readonly number[] = SPECIAL_VALUES,
): Float32Array | Float64Array {
  const out = new type(n);
  for (let i = 0; i < n; i++) {
    const value = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
    out[i] = (value - Math.floor(value) - 0.5) * 10 ** ((i % 7) - 3);
  }
  at.forEach((position, k) => n > 0 && (out[position % n] = specials[k % specials.length]));
  return out;
}

/** Throws at the first entry that is not the same value (Object.is) in both arrays. */
export function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++)
    if (!Object.is(actual[i], expected[i]))
      throw new Error(`${what}: entry ${i} is ${actual[i]}, expected ${expected[i]}`);
}

/** The module's bytes validate and hash to `pin` (so the emitter writes the same module every time). */
export function expectPinnedModule(module: WasmModule, pin: string): void {
  const bytes = moduleBytes(module);
  expect(webAssembly!.validate(bytes), module.name).toBe(true);
  expect(createHash('sha256').update(bytes).digest('hex'), module.name).toBe(pin);
}
