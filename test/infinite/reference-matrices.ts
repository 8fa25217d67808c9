/**
 * Kernel matrices by the dense reference (src/infinite/reference.ts), pair by pair, for the
 * tests that hold every fast path against it, and the comparison they share.
 */
import type { Tensor } from '../../autodiff/index.ts';
import { referenceCntk, type ReferenceCntkOptions, type ReferenceImage } from '../../src/infinite/reference.ts';
import type { Matrix } from '../../src/linalg/matrix.ts';

/** Image i of a batch [n, C, H, W] as float64 (a float32 batch's values, exactly). */
export function imageOf(x: Tensor, i: number): ReferenceImage {
  const [, channels, height, width] = x.shape;
  const size = channels * height * width;
  return { data: Float64Array.from(x.data.subarray(i * size, (i + 1) * size)), channels, height, width };
}

/** The reference CNN-GP and CNTK matrices between the images of x and y (y omitted: x with itself). */
export function referenceCntkMatrices(
  options: ReferenceCntkOptions,
  x: Tensor,
  y: Tensor = x,
): { nngp: Float64Array; ntk: Float64Array } {
  const rows = x.shape[0],
    cols = y.shape[0];
  const nngp = new Float64Array(rows * cols),
    ntk = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const kernels = referenceCntk(imageOf(x, i), imageOf(y, j), options);
      nngp[i * cols + j] = kernels.nngp;
      ntk[i * cols + j] = kernels.ntk;
    }
  }
  return { nngp, ntk };
}

/**
 * The largest diagonal entries K(x_i, x_i), K(y_j, y_j) of the reference kernels: a PSD kernel's
 * entries obey |K(x, y)| ≤ √(K(x, x)·K(y, y)), so this is the magnitude every entry's rounding
 * error scales with, even where an entry cancels to 0 (λ = −1 gives κ₁(λ) = 0 exactly).
 */
export function referenceDiagonalScale(
  options: ReferenceCntkOptions,
  x: Tensor,
  y: Tensor = x,
): { nngp: number; ntk: number } {
  const images = [
    ...Array.from({ length: x.shape[0] }, (_, i) => imageOf(x, i)),
    ...Array.from({ length: y.shape[0] }, (_, j) => imageOf(y, j)),
  ];
  const diagonals = images.map((image) => referenceCntk(image, image, options));
  return {
    nngp: Math.max(...diagonals.map((kernels) => Math.abs(kernels.nngp))),
    ntk: Math.max(...diagonals.map((kernels) => Math.abs(kernels.ntk))),
  };
}

/**
 * Every entry within `relative` of the largest expected magnitude, or of `scale` where that is
 * larger (λ ≈ 1 entries rule out an entrywise bound).
 */
export function expectMatrixClose(
  actual: Matrix,
  expected: ArrayLike<number>,
  relative: number,
  what: string,
  scaleFloor = 0,
): void {
  if (actual.data.length !== expected.length)
    throw new Error(`${what}: ${actual.data.length} entries, expected ${expected.length}`);
  const scale = Math.max(scaleFloor, ...Array.from(expected, Math.abs));
  actual.data.forEach((value, i) => {
    if (!(Math.abs(value - expected[i]) <= relative * scale))
      throw new Error(`${what}: entry ${i} is ${value}, expected ${expected[i]} (largest ${scale})`);
  });
}
