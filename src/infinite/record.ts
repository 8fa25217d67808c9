/**
 * The kernel record a block of image pairs carries through an infinite-width network
 * (neural-tangents' `Kernel`, DESIGN.md style 4 and 6): immutable; each layer returns a new
 * record (`{ ...record, nngp, ntk }`).
 *
 * Layouts (gpu/infinite.ts describes the band layout):
 * - nngp Σ and ntk Θ: [pairs, rowEntries, columnEntries], i.e. [n1, n2, H, H′, W, W′] along
 *   the diagonals, keeping the offsets |i − i′|, |j − j′| ≤ geometry.window. A record without
 *   positions (flat inputs, or after a readout) has the 1×1 geometry: [pairs].
 * - ntk is undefined where Θ = 0 (the raw inputs).
 * - variances1/2: Σ(x, x) at each position, [count1, H, W] and [count2, H, W] (the diagonal
 *   the ReLU step divides by); undefined after a readout, which pools positions.
 */
import type { Data, DType } from '../../gpu/backend.ts';
import {
  bandLayout,
  pairCount,
  type CovarianceGeometry,
  type InfiniteKernels,
  type PairBlock,
} from '../../gpu/infinite.ts';
import { currentBackend } from '../../gpu/registry.ts';

/** The state of a block of pairs between two layers. */
export interface KernelRecord {
  readonly nngp: Data;
  /** undefined for Θ = 0 (the raw inputs), so the first layer does not filter zeros. */
  readonly ntk: Data | undefined;
  readonly variances1: Data | undefined;
  readonly variances2: Data | undefined;
  readonly pairs: PairBlock;
  readonly geometry: CovarianceGeometry;
  readonly dtype: DType;
  readonly kernels: InfiniteKernels;
  /** Where the layers write their results (reused across layers and blocks). */
  readonly workspace: Workspace;
}

/** The geometry of a record without positions. */
export const FLAT: CovarianceGeometry = Object.freeze({ height: 1, width: 1, padding: 'zero', window: 0 });

/**
 * Reusable storage for a block's layers: each step writes into a buffer that none of its
 * inputs live in, so two or three buffers serve a whole computation (fresh memory costs a
 * page fault per 4 KiB, gpu/infinite.ts).
 * @example const workspace = new Workspace(kernels, 'float32'); workspace.take(1024, [record.nngp])
 */
export class Workspace {
  readonly #buffers: Data[] = [];

  constructor(
    readonly kernels: InfiniteKernels,
    readonly dtype: DType,
  ) {}

  /** `size` elements of storage sharing no memory with `inUse` (contents are left over: not zeroed). */
  take(size: number, inUse: readonly (Data | undefined)[]): Data {
    const free = (buffer: Data): boolean => !inUse.some((data) => data !== undefined && data.buffer === buffer.buffer);
    const fitting = this.#buffers.find((buffer) => buffer.length >= size && free(buffer));
    if (fitting) return fitting.subarray(0, size);
    const small = this.#buffers.findIndex(free);
    if (small >= 0) this.#buffers.splice(small, 1); // too small: replace it
    const fresh = this.kernels.allocate(size, this.dtype);
    this.#buffers.push(fresh);
    return fresh;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.#buffers.reduce((sum, buffer) => sum + buffer.byteLength, 0);
  }
}

/**
 * Θ of a record, zeros written into the workspace where it is undefined (Θ = 0).
 * @example ntkOf(inputRecord(...)) // zeros
 */
export function ntkOf(record: KernelRecord): Data {
  if (record.ntk) return record.ntk;
  return record.workspace.take(record.nngp.length, [record.nngp]).fill(0);
}

/** One block's inputs: the two image sets (or feature vectors) and what the network needs. */
export interface BlockInput {
  /** [count1, channels, H, W] (or [count1, channels] for flat inputs, H = W = 1). */
  x1: Data;
  x2: Data;
  pairs: PairBlock;
  channels: number;
  /** Positions and offsets kept; FLAT for inputs without positions. */
  geometry: CovarianceGeometry;
  /** Σ⁰ = scale·Σ_c x_c·x′_c: 1/channels (the mean, as neural-tangents) or 1 (the sum, as the authors' code). */
  scale: number;
}

/** Σ(x, x)_p = scale·Σ_c x_c(p)² for each image and position: [count, H, W]. */
function inputVariances(x: Data, count: number, channels: number, plane: number, scale: number, dtype: DType): Data {
  const out = dtype === 'float64' ? new Float64Array(count * plane) : new Float32Array(count * plane);
  for (let image = 0; image < count; image++) {
    for (let c = 0; c < channels; c++) {
      const from = (image * channels + c) * plane;
      for (let p = 0; p < plane; p++) out[image * plane + p] += x[from + p] * x[from + p];
    }
  }
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}

/** Σ⁰ of flat inputs, x1·x2ᵀ·scale by the backend's matmul, packed to the block's pair order. */
function flatCovariance(input: BlockInput, out: Data): void {
  const { x1, x2, pairs, channels, scale } = input;
  const { count1, count2, triangle } = pairs;
  const gram = currentBackend().matmul(x1, x2, {
    batch: 1,
    m: count1,
    k: channels,
    n: count2,
    transposeA: false,
    transposeB: true,
    strideA: 0,
    strideB: 0,
  });
  let pair = 0;
  for (let a = 0; a < count1; a++) {
    for (let b = triangle ? a : 0; b < count2; b++) out[pair++] = scale * gram[a * count2 + b];
  }
}

/**
 * The record of a block's inputs: Σ⁰(x, x′)_{p,p′} = scale·Σ_c x_c(p)·x′_c(p′) (on the band
 * layout's entries), Θ⁰ = 0 (ntk undefined), and the variances Σ⁰(x, x)_p.
 * @example inputRecord({ x1, x2, pairs, channels: 3, geometry, scale: 1 / 3 }, kernels, workspace)
 */
export function inputRecord(input: BlockInput, kernels: InfiniteKernels, workspace: Workspace): KernelRecord {
  const { x1, x2, pairs, channels, geometry, scale } = input;
  const dtype: DType = x1 instanceof Float64Array ? 'float64' : 'float32';
  const plane = geometry.height * geometry.width;
  const count = pairCount(pairs);
  const size = count * bandLayout(geometry).entries;
  for (const [name, x, images] of [
    ['x1', x1, pairs.count1],
    ['x2', x2, pairs.count2],
  ] as const) {
    if (x.length !== images * channels * plane || x instanceof Float64Array !== (dtype === 'float64')) {
      throw new Error(
        `inputRecord: ${name} must be ${dtype} [${images},${channels},${geometry.height},${geometry.width}], got ${x.length} values`,
      );
    }
  }
  const nngp = workspace.take(size, []);
  if (geometry === FLAT) flatCovariance(input, nngp);
  else kernels.inputCovariance(x1, x2, channels, pairs, geometry, scale, nngp);
  const variances1 = inputVariances(x1, pairs.count1, channels, plane, scale, dtype);
  const variances2 = x2 === x1 ? variances1 : inputVariances(x2, pairs.count2, channels, plane, scale, dtype);
  return { nngp, ntk: undefined, variances1, variances2, pairs, geometry, dtype, kernels, workspace };
}
