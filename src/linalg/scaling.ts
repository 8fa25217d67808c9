/**
 * Exact rescaling by powers of two (internal to linalg/). Eigen and SVD routines bring
 * max|A| near 1 before iterating, as LAPACK's dsyev and dgesvj do, so that squares of
 * entries neither overflow nor underflow; a power of two changes no significand bits.
 */

/**
 * The exponent e with 2^e·largest near 1 (0 for largest = 0).
 * @example normalizingExponent(1024) === -10
 */
export function normalizingExponent(largest: number): number {
  return largest > 0 ? -Math.round(Math.log2(largest)) : 0;
}

/**
 * x·2^exponent, applied in two halves: 2^exponent alone overflows for exponents past 1023
 * (needed to lift subnormal entries) even where the product is representable.
 * @example multiplyByPowerOfTwo(5e-324, 1074) === 1
 */
export function multiplyByPowerOfTwo(x: number, exponent: number): number {
  const half = Math.trunc(exponent / 2);
  return x * 2 ** half * 2 ** (exponent - half);
}
