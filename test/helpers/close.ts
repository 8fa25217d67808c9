/**
 * Closeness checks shared by the tests: elementwise within atol + rtol·|expected|, exact
 * (bit for bit), within a per-element bound, and the largest absolute difference.
 */
import { expect } from 'vitest';

/** |actual − expected| ≤ atol + rtol·|expected| elementwise; NaN equals NaN. @example expectClose(y.data, [1, 2], 1e-12, 1e-12) */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-12, rtol = 1e-12): void {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (a === e) continue;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`element ${i}: ${a} vs expected ${e}`);
  }
}

/** Same length, and every element equal (NaN equals NaN; +0 and −0 differ). @example expectExact(gpu, cpu, 'relu') */
export function expectExact(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
    throw new Error(`${what}: element ${i} is ${a}, expected ${e}`);
  }
}

/** |actual − expected| ≤ bound(i) elementwise; NaN and infinities must match exactly. @example expectWithin(a, b, () => 1e-6, 'sum') */
export function expectWithin(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  bound: (i: number) => number,
  what = '',
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: length ${actual.length}, expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (a === e || (Number.isNaN(a) && Number.isNaN(e))) continue;
    if (!Number.isFinite(e) || !(Math.abs(a - e) <= bound(i)))
      throw new Error(`${what}: element ${i} is ${a}, expected ${e} (bound ${bound(i)})`);
  }
}

/** The float32 unit roundoff's double, 2⁻²³ (the spacing of float32 numbers in [1, 2)). */
export const EPSILON32 = 2 ** -23;

/** |x| elementwise, for bounds of the form ε·Σ|a||b|. @example absolute([-1, 2]) // [1, 2] */
export const absolute = (x: ArrayLike<number>): Float64Array => Float64Array.from(x, Math.abs);

/** The largest |value|. @example maxAbs([1, -3]) // 3 */
export function maxAbs(values: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]));
  return largest;
}

/** The largest |a − b| over two arrays of one length. @example maxAbsDifference([1, 2], [1, 2.5]) // 0.5 */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let largest = 0;
  for (let i = 0; i < a.length; i++) largest = Math.max(largest, Math.abs(a[i] - b[i]));
  return largest;
}
