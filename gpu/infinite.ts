/**
 * The covariance steps of the infinite-width kernels (src/infinite) as backend kernels:
 * the `InfiniteKernels` interface that gpu/cpu/infinite/ and gpu/gpujs/infinite.ts
 * implement, and the band layout both of them share. The recursion these steps add up to is
 * written out once, densely, in src/infinite/reference.ts (cited there by paper, section and
 * convention), and the tests hold both backends against it.
 *
 * Band layout. The covariance of an image pair, Σ(x, x′)[i, j, i′, j′] (position (i, j) of
 * x against (i′, j′) of x′), is stored as [n1, n2, H, H′, W, W′] reordered along the
 * diagonals: one axis enumerates the row pairs (i, i′), grouped by the offset δ = i − i′,
 * the other the column pairs (j, j′), grouped by ε = j − j′; a pair's covariance is the
 * 2-D array [rowEntries, columnEntries]. The patch sum P of a 3×3 convolution (patchSum in
 * src/infinite/reference.ts) adds the entries at joint shifts (i+a, j+b, i′+a, j′+b), so it
 * moves along these diagonals and never mixes offsets: in this layout it is a 3×3 box filter within each (δ, ε) block, and the
 * ReLU step is elementwise. Only the offsets |δ|, |ε| ≤ window are stored: window 0 (the
 * vanilla readout) keeps the H·W entries i = i′, j = j′, so its cost does not grow with
 * (H·W)²; LAP(c) keeps the (4c+1)² offsets its pooled trace reads; GAP keeps all of them.
 * - zero padding: offsets δ = −w … w (w = min(window, H − 1)); the δ group holds the
 *   H − |δ| row pairs with both rows inside the image, i′ ascending. A neighbour that
 *   leaves the group is padding (zero).
 * - circular padding: offsets are residues mod H; the group of δ holds the H pairs
 *   (i′ + δ mod H, i′), and neighbours wrap around within the group.
 * Stacks of pairs are [pairs, rowEntries, columnEntries], row-major.
 */
import type { Data, DType } from './backend.ts';

export type Padding = 'zero' | 'circular';

/** Where a block's covariances live: the image size, the padding and the offsets kept. */
export interface CovarianceGeometry {
  height: number;
  width: number;
  padding: Padding;
  /** Offsets |i − i′| and |j − j′| up to this are kept (0: vanilla; ≥ size − 1: all). */
  window: number;
}

/**
 * The image pairs of a block: every (a, b) with a < count1 and b < count2, pair index
 * a·count2 + b; or, when `triangle` (the two sides are the same images, count1 = count2),
 * only the pairs a ≤ b, row by row: (0,0), (0,1), …, (0,n−1), (1,1), ….
 */
export interface PairBlock {
  count1: number;
  count2: number;
  triangle: boolean;
}

/** The band layout along one spatial axis (see the file comment). */
export interface AxisBands {
  /** Number of (i, i′) entries along this axis. */
  size: number;
  /** Number of distinct offsets kept. */
  offsets: number;
  /** Where each offset's group of entries starts, and `size` last (offsets + 1 values). */
  starts: Int32Array;
  /** i of each entry (the position in the first image). */
  first: Int32Array;
  /** i′ of each entry (the position in the second image). */
  second: Int32Array;
  /** The entry of (i − 1, i′ − 1), or −1 where that is zero padding. */
  previous: Int32Array;
  /** The entry of (i + 1, i′ + 1), or −1 where that is zero padding. */
  next: Int32Array;
}

/** The offsets kept along an axis of `extent` positions, in storage order. */
function axisOffsets(extent: number, window: number, padding: Padding): number[] {
  const reach = Math.min(window, extent - 1);
  if (padding === 'zero') return Array.from({ length: 2 * reach + 1 }, (_, k) => k - reach);
  // circular: the distinct residues of −reach … reach, ascending
  if (2 * reach + 1 >= extent) return Array.from({ length: extent }, (_, k) => k);
  return [
    ...Array.from({ length: reach + 1 }, (_, k) => k),
    ...Array.from({ length: reach }, (_, k) => extent - reach + k),
  ];
}

/**
 * The band layout of one axis: for each kept offset δ, the entries (i, i′) with i − i′ = δ
 * (mod extent for circular padding), and each entry's diagonal neighbours.
 * @example axisBands(3, 0, 'zero').first // Int32Array [0, 1, 2] (the vanilla band)
 */
export function axisBands(extent: number, window: number, padding: Padding): AxisBands {
  if (!Number.isInteger(extent) || extent < 1)
    throw new Error(`axisBands: extent must be a positive integer, got ${extent}`);
  if (!Number.isInteger(window) || window < 0)
    throw new Error(`axisBands: window must be a non-negative integer, got ${window}`);
  const offsets = axisOffsets(extent, window, padding);
  const lengths = offsets.map((delta) => (padding === 'zero' ? extent - Math.abs(delta) : extent));
  const size = lengths.reduce((sum, length) => sum + length, 0);
  const bands: AxisBands = {
    size,
    offsets: offsets.length,
    starts: new Int32Array(offsets.length + 1),
    first: new Int32Array(size),
    second: new Int32Array(size),
    previous: new Int32Array(size),
    next: new Int32Array(size),
  };
  let start = 0;
  offsets.forEach((delta, group) => {
    const length = lengths[group];
    bands.starts[group] = start;
    for (let r = 0; r < length; r++) {
      const entry = start + r;
      const second = padding === 'zero' ? r + Math.max(0, -delta) : r;
      bands.second[entry] = second;
      bands.first[entry] = padding === 'zero' ? second + delta : (second + delta) % extent;
      if (padding === 'zero') {
        bands.previous[entry] = r > 0 ? entry - 1 : -1;
        bands.next[entry] = r < length - 1 ? entry + 1 : -1;
      } else {
        bands.previous[entry] = start + ((r + length - 1) % length);
        bands.next[entry] = start + ((r + 1) % length);
      }
    }
    start += length;
  });
  bands.starts[offsets.length] = size;
  return bands;
}

/** Both axes of a geometry's band layout, and the entries of one pair. */
export interface BandLayout {
  rows: AxisBands;
  columns: AxisBands;
  /** rows.size · columns.size: the stored entries of one pair's covariance. */
  entries: number;
}

/**
 * The band layout of a geometry (see the file comment).
 * @example bandLayout({ height: 8, width: 8, padding: 'zero', window: 7 }).entries // 4096 = (8·8)²
 */
export function bandLayout(geometry: CovarianceGeometry): BandLayout {
  const { height, width, padding, window } = geometry;
  if (padding !== 'zero' && padding !== 'circular')
    throw new Error(`bandLayout: padding must be 'zero' or 'circular', got ${JSON.stringify(padding)}`);
  const rows = axisBands(height, window, padding);
  const columns = axisBands(width, window, padding);
  return { rows, columns, entries: rows.size * columns.size };
}

/**
 * Number of pairs in a block: count1·count2, or n(n+1)/2 for a triangle.
 * @example pairCount({ count1: 3, count2: 3, triangle: true }) // 6
 */
export function pairCount(block: PairBlock): number {
  const { count1, count2, triangle } = block;
  if (!Number.isInteger(count1) || !Number.isInteger(count2) || count1 < 0 || count2 < 0) {
    throw new Error(`pairCount: counts must be non-negative integers, got ${count1}×${count2}`);
  }
  if (triangle && count1 !== count2)
    throw new Error(`pairCount: a triangle block needs count1 = count2, got ${count1}×${count2}`);
  return triangle ? (count1 * (count1 + 1)) / 2 : count1 * count2;
}

/**
 * The (first, second) image indices of every pair of a block, in pair order.
 * @example pairIndices({ count1: 2, count2: 2, triangle: true }) // { first: [0, 0, 1], second: [0, 1, 1] }
 */
export function pairIndices(block: PairBlock): { first: Int32Array; second: Int32Array } {
  const count = pairCount(block);
  const first = new Int32Array(count);
  const second = new Int32Array(count);
  let pair = 0;
  for (let a = 0; a < block.count1; a++) {
    for (let b = block.triangle ? a : 0; b < block.count2; b++, pair++) {
      first[pair] = a;
      second[pair] = b;
    }
  }
  return { first, second };
}

/**
 * A linear layer after a step, in the NTK parameterization: F is the patch sum P of a 3×3
 * convolution (filter 3), nothing (filter 1: a dense layer on a record without positions,
 * or no layer at all with scale 1, shift 0, not trainable), or the sum over a pair's entries
 * ('sum': a readout, with its scale; the result has one entry per pair).
 */
export interface LinearStep {
  filter: 1 | 3 | 'sum';
  /** Σ′ = scale·F(Σ) + shift: σ_w² over the spatial fan-in (σ_w²/9 for a 3×3 convolution). */
  scale: number;
  /** σ_b², the bias variance. */
  shift: number;
  /** Whether the layer's parameters are trained, so that Θ′ gains Σ′ (its own tangent kernel). */
  trainable: boolean;
  /**
   * Filter 'sum' only: the sum weighs the entry (r, k) by rows[r]·columns[k] (r, k the row and
   * column entries of the band layout; LAP's weights, src/infinite/layers.ts); absent: all 1.
   */
  weights?: { rows: Float64Array; columns: Float64Array };
}

/**
 * Checks a step against the layout it runs on: its filter, and its weights' lengths.
 * @example checkLinearStep('cpu linear', { filter: 'sum', scale: 1, shift: 0, trainable: false }, layout)
 */
export function checkLinearStep(label: string, step: LinearStep, layout: BandLayout): void {
  if (step.filter !== 1 && step.filter !== 3 && step.filter !== 'sum')
    throw new Error(`${label}: step.filter must be 1, 3 or 'sum', got ${String(step.filter)}`);
  if (!Number.isFinite(step.scale) || !Number.isFinite(step.shift))
    throw new Error(`${label}: step.scale and step.shift must be finite, got ${step.scale} and ${step.shift}`);
  if (!step.weights) return;
  if (step.filter !== 'sum')
    throw new Error(`${label}: step.weights apply to filter 'sum' only, got filter ${step.filter}`);
  const { rows, columns } = step.weights;
  if (rows.length !== layout.rows.size || columns.length !== layout.columns.size) {
    throw new Error(
      `${label}: step.weights must have ${layout.rows.size} row and ${layout.columns.size} column values, got ${rows.length} and ${columns.length}`,
    );
  }
}

/**
 * Entries per pair after `step`: the layout's, or 1 after a sum.
 * @example entriesAfter(bandLayout(geometry), { filter: 'sum', scale: 1, shift: 0, trainable: false }) // 1
 */
export function entriesAfter(layout: BandLayout, step: LinearStep): number {
  return step.filter === 'sum' ? 1 : layout.entries;
}

/**
 * The covariance steps, on flat storage (float32 or float64, one dtype per call). Every
 * stack is [pairs, rowEntries, columnEntries] in the band layout of `geometry`. Each step
 * writes its result into `out` when given (of the inputs' dtype and the result's length,
 * not overlapping the inputs), else into fresh storage: a block's layers write into two
 * buffers by turns, because fresh memory costs a page fault per 4 KiB (10–20 µs each on the
 * machines measured, more than the arithmetic on it). Equations are those of the layers
 * that call them (src/infinite/layers.ts).
 */
export interface InfiniteKernels {
  /** 'cpu' or 'gpujs': the backend these kernels belong to. */
  readonly name: string;
  /** The largest array one call may produce or read (elements). */
  readonly maxElements: number;

  /** Zeroed storage the steps can write into (shared with the helper threads on the cpu). */
  allocate(size: number, dtype: DType): Data;

  /**
   * Σ⁰[p, (i,i′), (j,j′)] = scale · Σ_c x1[a, c, i, j] · x2[b, c, i′, j′] for each pair p = (a, b)
   * of `pairs`; x1 is [count1, channels, H, W], x2 is [count2, channels, H, W].
   */
  inputCovariance(
    x1: Data,
    x2: Data,
    channels: number,
    pairs: PairBlock,
    geometry: CovarianceGeometry,
    scale: number,
    out?: Data,
  ): Data;

  /**
   * A linear layer (`step`) on `count` pairs: Σ′ = scale·F(Σ) + shift, and when `ntk` is
   * given Θ′ = scale·F(Θ) + (trainable ? Σ′ : 0). Returns [Σ′] (count covariances, or count
   * values after a sum) or [Σ′; Θ′].
   */
  linear(
    nngp: Data,
    ntk: Data | undefined,
    count: number,
    geometry: CovarianceGeometry,
    step: LinearStep,
    out?: Data,
  ): Data;

  /**
   * The ReLU step and the linear layer `step` after it, in one pass: with K and K̇ of
   * reluStep in src/infinite/reference.ts at weight 1 (the expectations themselves, c_σ = 1),
   *   Σ′ = scale·F(K) + shift,  Θ′ = scale·F(Θ·K̇) + (trainable ? Σ′ : 0).
   * deviations1/2 are √a and √b (the variances of the two positions) per image and position,
   * [count1, H, W] and [count2, H, W]; a zero deviation gives λ = 0. Returns [Σ′; Θ′] (2·pairs covariances, or 2·pairs values
   * after a sum). The plain ReLU is the step { filter: 1, scale: 1, shift: 0, trainable: false }.
   */
  relu(
    nngp: Data,
    ntk: Data,
    deviations1: Data,
    deviations2: Data,
    pairs: PairBlock,
    geometry: CovarianceGeometry,
    step: LinearStep,
    out?: Data,
  ): Data;

  /**
   * Present where the backend keeps results on a device (gpujs in its WebGL modes): a block
   * whose input step (inputCovariance with the per-image variances) runs now and whose layers
   * then run there with no host round trip; only read() copies values back. Absent (cpu,
   * gpujs webasm), the layers run on host arrays through the methods above.
   */
  residentBlock?(
    x1: Data,
    x2: Data,
    channels: number,
    pairs: PairBlock,
    geometry: CovarianceGeometry,
    scale: number,
  ): ResidentSteps;
}

/** A block of pairs kept on a device (InfiniteKernels.residentBlock): the layer steps of src/infinite/layers.ts. */
export interface ResidentSteps {
  /** A linear layer (applyLinear in layers.ts). */
  linear(step: LinearStep): ResidentSteps;
  /** The ReLU step then `step`, one pass (reluThen in layers.ts). */
  reluThen(step: LinearStep): ResidentSteps;
  /**
   * A second chain from the current state, sharing its device memory (several readouts of
   * one block: depth sweeps, LAP windows). This chain takes no step until the branch is released.
   */
  branch(): ResidentSteps;
  /** Σ and Θ of every pair (Θ undefined where Θ = 0), copied to the host. */
  read(): { nngp: Data; ntk: Data | undefined };
  /** Frees the block's device memory. */
  release(): void;
}
