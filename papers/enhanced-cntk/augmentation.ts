/**
 * GAP and LAP as translation augmentation (arXiv 1911.00809, §4, Theorems on GAP ≡ full
 * translation augmentation and LAP ≡ local translation augmentation; PAPERS.md §3), measured:
 * the vanilla kernel (trace readout) of shifted copies, averaged, against the LAP / GAP readout.
 * - LAP(c): K_LAP(x, x′) = mean over shifts g, g′ ∈ [−c, c]² of K_V(g·x, g′·x′);
 * - GAP: H·W·K_GAP(x, x′) = mean over the H·W cyclic shifts g of K_V(g·x, x′).
 * Both are exact with circular padding and cyclic shifts (the CNN is then equivariant to
 * them); with zero padding and zero-filled shifts the two sides differ near the border, and
 * that gap is what the run reports.
 */
import * as ad from '../../autodiff/index.ts';
import type { DType } from '../../gpu/backend.ts';
import { cntk, kernelMatrix, type KernelMatrices } from '../../src/infinite/index.ts';

/** Images [n, C, H, W] shifted by (down, right): wrapped (circular) or filled with zeros (zero). */
export function shiftImages(x: ad.Tensor, down: number, right: number, padding: 'zero' | 'circular'): ad.Tensor {
  if (x.rank !== 4) throw new Error(`shiftImages: images must be [n, C, H, W], got [${x.shape.join(',')}]`);
  const [n, channels, height, width] = x.shape;
  const out = x.dtype === 'float64' ? new Float64Array(x.data.length) : new Float32Array(x.data.length);
  for (let plane = 0; plane < n * channels; plane++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        let from = i - down,
          to = j - right;
        if (padding === 'circular') {
          from = ((from % height) + height) % height;
          to = ((to % width) + width) % width;
        } else if (from < 0 || from >= height || to < 0 || to >= width) continue;
        out[(plane * height + i) * width + j] = x.data[(plane * height + from) * width + to];
      }
    }
  }
  return ad.tensor(out, { shape: x.shape, dtype: x.dtype });
}

/** The shifts (down, right) of a window: [−c, c]², or every cyclic shift of an H×W image. */
function shiftsOf(window: number | 'all', height: number, width: number): [number, number][] {
  const shifts: [number, number][] = [];
  const [rows, columns] = window === 'all' ? [height, width] : [2 * window + 1, 2 * window + 1];
  const offset = window === 'all' ? 0 : window;
  for (let a = 0; a < rows; a++) for (let b = 0; b < columns; b++) shifts.push([a - offset, b - offset]);
  return shifts;
}

/** All shifted copies of each image, copy-major: [shifts·n, C, H, W]. */
function stacked(x: ad.Tensor, shifts: [number, number][], padding: 'zero' | 'circular'): ad.Tensor {
  const data =
    x.dtype === 'float64'
      ? new Float64Array(shifts.length * x.data.length)
      : new Float32Array(shifts.length * x.data.length);
  shifts.forEach(([down, right], s) => data.set(shiftImages(x, down, right, padding).data, s * x.data.length));
  return ad.tensor(data, { shape: [shifts.length * x.shape[0], ...x.shape.slice(1)], dtype: x.dtype });
}

/** The (n1·s1)×(n2·s2) matrix averaged over its s1×s2 copies: n1×n2 (copy-major rows and columns). */
function averageCopies(matrix: KernelMatrices['ntk'], n1: number, n2: number): Float64Array {
  const copies1 = matrix.rows / n1,
    copies2 = matrix.cols / n2;
  const out = new Float64Array(n1 * n2);
  for (let s = 0; s < copies1; s++)
    for (let a = 0; a < n1; a++)
      for (let t = 0; t < copies2; t++)
        for (let b = 0; b < n2; b++) out[a * n2 + b] += matrix.data[(s * n1 + a) * matrix.cols + t * n2 + b];
  return out.map((value) => value / (copies1 * copies2));
}

/** How far the pooled readout is from the augmented vanilla kernel. */
export interface AugmentationGap {
  window: number | 'all';
  padding: 'zero' | 'circular';
  /** max |pooled − augmented| / max |pooled| over the matrix, for the CNN-GP and the CNTK. */
  nngp: number;
  ntk: number;
}

/**
 * LAP(c) (window c) or GAP (window 'all', times H·W) of x1 against x2, beside the vanilla kernel
 * averaged over shifted copies (of both images for LAP, of the first for GAP).
 * @example augmentationGap({ x1, x2, depth: 3, window: 1, padding: 'circular', fix: false }).ntk // ≈ 1e-15 in float64
 */
export function augmentationGap(options: {
  x1: ad.Tensor;
  x2: ad.Tensor;
  depth: number;
  window: number | 'all';
  padding: 'zero' | 'circular';
  fix: boolean;
}): AugmentationGap {
  const { x1, x2, depth, window, padding, fix } = options;
  const [n1, , height, width] = x1.shape;
  const n2 = x2.shape[0];
  const quiet = { quiet: true };
  const readout = window === 'all' ? ('gap' as const) : { lap: window };
  const pooled = kernelMatrix(cntk({ depth, readout, fix, padding }), x1, x2, quiet);
  const shifts = shiftsOf(window, height, width);
  const vanilla = cntk({ depth, readout: 'vanilla', fix, padding });
  const augmented = kernelMatrix(
    vanilla,
    stacked(x1, shifts, padding),
    window === 'all' ? x2 : stacked(x2, shifts, padding),
    quiet,
  );
  const scale = window === 'all' ? height * width : 1;
  const gap = (name: 'nngp' | 'ntk'): number => {
    const average = averageCopies(augmented[name], n1, n2);
    const largest = Math.max(...pooled[name].data.map((value) => Math.abs(scale * value)));
    return Math.max(...average.map((value, i) => Math.abs(scale * pooled[name].data[i] - value))) / largest;
  };
  return { window, padding, nngp: gap('nngp'), ntk: gap('ntk') };
}

/**
 * The gaps of a run: LAP at `windows` and GAP, zero and circular padding, on a few images.
 * @example augmentationGaps(images, { depth: 4, windows: [1, 2], dtype: 'float32' })
 */
export function augmentationGaps(
  images: ad.Tensor,
  options: { depth: number; windows: readonly number[]; dtype: DType },
): AugmentationGap[] {
  const x =
    images.dtype === options.dtype
      ? images
      : ad.tensor(Float64Array.from(images.data), { shape: images.shape, dtype: 'float64' });
  const half = Math.max(1, Math.floor(x.shape[0] / 2));
  const [x1, x2] = [sliceRows(x, 0, half), sliceRows(x, half, x.shape[0])];
  return (['circular', 'zero'] as const).flatMap((padding) =>
    [...options.windows, 'all' as const].map((window) =>
      augmentationGap({ x1, x2, depth: options.depth, window, padding, fix: false }),
    ),
  );
}

/** Images [from, to) of [n, C, H, W]. */
function sliceRows(x: ad.Tensor, from: number, to: number): ad.Tensor {
  const size = x.shape[1] * x.shape[2] * x.shape[3];
  return ad.tensor(x.data.slice(from * size, to * size), { shape: [to - from, ...x.shape.slice(1)], dtype: x.dtype });
}
