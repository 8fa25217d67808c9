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

/** Every entry within `relative` of the largest expected magnitude (λ ≈ 1 entries rule out an entrywise bound). */
export function expectMatrixClose(actual: Matrix, expected: ArrayLike<number>, relative: number, what: string): void {
  if (actual.data.length !== expected.length)
    throw new Error(`${what}: ${actual.data.length} entries, expected ${expected.length}`);
  const scale = Math.max(...Array.from(expected, Math.abs));
  actual.data.forEach((value, i) => {
    if (!(Math.abs(value - expected[i]) <= relative * scale))
      throw new Error(`${what}: entry ${i} is ${value}, expected ${expected[i]} (largest ${scale})`);
  });
}
