/**
 * Kernel matrices of an infinite-width network (layers.ts) on the active backend, computed
 * in blocks of image pairs: the n1×n2 pairs are tiled into square blocks that fit a memory
 * budget (and the backend's largest array); for the kernel of a set with itself only the
 * blocks on and above the diagonal are computed, the diagonal ones as triangles (a ≤ b),
 * and the matrix is filled by symmetry. A block's layers write into a workspace of two or
 * three buffers reused across layers and blocks (record.ts). With `flip`, K_flip(x, x′) =
 * ½[K(x, x′) + K(flip x, x′)] (horizontal flip; PAPERS.md §3).
 */
import type { Tensor } from '../../autodiff/index.ts';
import type { Data, DType } from '../../gpu/backend.ts';
import {
  bandLayout,
  pairCount,
  type CovarianceGeometry,
  type InfiniteKernels,
  type PairBlock,
} from '../../gpu/infinite.ts';
import type { Matrix } from '../linalg/matrix.ts';
import { formatDuration, progress, progressEnabled } from '../report/progress.ts';
import { infiniteKernels } from './backend.ts';
import { applyNetwork, pooledGeometry, requirements, type Network } from './layers.ts';
import { FLAT, inputRecord, Workspace, type KernelRecord } from './record.ts';
import { residentKernels, type BlockSegment } from './resident.ts';

export type { BlockSegment } from './resident.ts';

export interface KernelMatrixOptions {
  /** Bytes a block's buffers may take (default 256 MiB). */
  memoryBudget?: number;
  /** Average the kernel with that of the horizontally flipped first images. */
  flip?: boolean;
  /** Label of the progress bar (default 'kernel'). */
  label?: string;
  /** Receives the plan line before the work starts (default: stderr, where a progress bar would show). */
  log?: (line: string) => void;
  /** No plan line and no progress bar (benchmarks). */
  quiet?: boolean;
}

/** The NNGP (Σ) and NTK (Θ) matrices, rows the first images, columns the second. */
export interface KernelMatrices {
  nngp: Matrix;
  ntk: Matrix;
}

/** What a kernel matrix will cost, worked out before any pair is computed. */
export interface KernelPlan {
  geometry: CovarianceGeometry;
  /** Pairs computed (fewer than n1·n2 when the two sets are the same images). */
  pairs: number;
  blocks: number;
  /** Images per block side. */
  blockSide: number;
  /** Bytes of the workspace and the two result matrices. */
  bytes: number;
  /** Estimated seconds: pairs × the time per pair of a probe block of ≈ 2^16 covariance entries. */
  seconds: number;
}

interface Inputs {
  data: Data;
  count: number;
  channels: number;
  geometry: CovarianceGeometry;
  dtype: DType;
}

/** The images' layout for `network`: [n, C, H, W] with the network's window and padding, or [n, d] (FLAT). */
function inputsOf(network: Network, x: Tensor, caller: string): Inputs {
  const { window, padding } = requirements(network);
  if (x.rank === 4) {
    const [count, channels, height, width] = x.shape;
    return {
      data: x.data,
      count,
      channels,
      geometry: { height, width, padding, window: Math.min(window, Math.max(height, width) - 1) },
      dtype: x.dtype,
    };
  }
  if (x.rank === 2) return { data: x.data, count: x.shape[0], channels: x.shape[1], geometry: FLAT, dtype: x.dtype };
  throw new Error(`${caller}: inputs must be images [n, C, H, W] or vectors [n, d], got [${x.shape.join(',')}]`);
}

function checkPair(first: Inputs, second: Inputs, caller: string): void {
  const same =
    first.channels === second.channels &&
    first.geometry.height === second.geometry.height &&
    first.geometry.width === second.geometry.width;
  if (!same || first.dtype !== second.dtype) {
    throw new Error(
      `${caller}: the two inputs must share dtype and per-example shape, got ${first.dtype} [${first.channels},${first.geometry.height},${first.geometry.width}] and ${second.dtype} [${second.channels},${second.geometry.height},${second.geometry.width}]`,
    );
  }
}

/** The blocks of an n1×n2 (or symmetric n×n) kernel: image ranges and pair blocks. */
function tiles(count1: number, count2: number, symmetric: boolean, side: number) {
  const list: { first: number; second: number; pairs: PairBlock }[] = [];
  for (let first = 0; first < count1; first += side) {
    for (let second = symmetric ? first : 0; second < count2; second += side) {
      const pairs = {
        count1: Math.min(side, count1 - first),
        count2: Math.min(side, count2 - second),
        triangle: symmetric && first === second,
      };
      list.push({ first, second, pairs });
    }
  }
  return list;
}

/** Images per block side within the memory budget and the backend's largest array. */
function blockSide(inputs: Inputs, count1: number, count2: number, budget: number, maxElements: number): number {
  const entries = bandLayout(inputs.geometry).entries;
  const bytes = inputs.dtype === 'float64' ? 8 : 4;
  // two buffers of [2, pairs, entries] (the input step's, then each layer's by turns); at most
  // 2^20 pairs, since larger blocks only add first-touch page faults and the diagonal blocks'
  // wasted half of the flat inputs' Gram products
  const maxPairs = Math.max(
    1,
    Math.min(Math.floor(budget / (4 * entries * bytes)), Math.floor(maxElements / (2 * entries)), 2 ** 20),
  );
  return Math.max(1, Math.min(Math.max(count1, count2), Math.floor(Math.sqrt(maxPairs))));
}

/** Images [first, first + count) as a compact copy (helper threads receive copies of non-shared arrays). */
function imagesOf(inputs: Inputs, first: number, count: number): Data {
  const size = inputs.channels * inputs.geometry.height * inputs.geometry.width;
  return inputs.data.slice(first * size, (first + count) * size);
}

/** Horizontally flipped images (j → W − 1 − j). */
function flipped(inputs: Inputs): Inputs {
  const { height, width } = inputs.geometry;
  const data = inputs.data.slice();
  for (let row = 0; row < inputs.count * inputs.channels * height; row++)
    data.subarray(row * width, (row + 1) * width).reverse();
  return { ...inputs, data };
}

/** matrix[first + a, second + b] += weight·values[pair] for the block's pairs (row by row: sequential writes). */
function scatter(
  matrix: Matrix,
  values: Data,
  tile: { first: number; second: number; pairs: PairBlock },
  weight: number,
): void {
  const { count1, count2, triangle } = tile.pairs;
  const { data, cols } = matrix;
  let pair = 0;
  for (let a = 0; a < count1; a++) {
    const at = (tile.first + a) * cols + tile.second;
    for (let b = triangle ? a : 0; b < count2; b++, pair++) data[at + b] += weight * values[pair];
  }
}

/** Copies the upper triangle of a square matrix onto the lower one, in 64×64 tiles (a transpose touching few pages at a time). */
function mirrorUpper(matrix: Matrix): void {
  const { data, cols: n } = matrix;
  const tile = 64;
  for (let rows = 0; rows < n; rows += tile) {
    for (let columns = rows; columns < n; columns += tile) {
      for (let i = rows; i < Math.min(rows + tile, n); i++) {
        for (let j = Math.max(columns, i + 1); j < Math.min(columns + tile, n); j++) data[j * n + i] = data[i * n + j];
      }
    }
  }
}

/**
 * One workspace per backend and dtype (and one for the readouts that branch off), kept
 * between calls: its two or three buffers (each at most half the memory budget) are written again instead of allocated again, since
 * first-touch page faults cost more here than the arithmetic on them.
 */
const workspaces = new Map<string, Workspace>();

/**
 * A block's kernels as segments (resident.ts's BlockSegment): kernelMatrix's is one readout,
 * the network itself; cntkDepthSweep's branches off each depth's final layers. On the host the
 * trunk stays in the block's workspace and the readouts write into a side one (each copied
 * out, one value per pair), but the last, after which nothing is needed.
 */
function evaluateOnHost(segments: readonly BlockSegment[], input: KernelRecord, side: Workspace): KernelRecord[] {
  const out: KernelRecord[] = [];
  let record = input;
  segments.forEach((segment, s) => {
    record = applyNetwork(segment.trunk, record);
    segment.readouts.forEach((readout, r) => {
      if (s === segments.length - 1 && r === segment.readouts.length - 1) {
        out.push(applyNetwork(readout, record));
        return;
      }
      const pooled = applyNetwork(readout, { ...record, workspace: side });
      out.push({ ...pooled, nngp: pooled.nngp.slice(), ntk: pooled.ntk?.slice() });
    });
  });
  return out;
}

/** The workspace kept for `key` (kernels, dtype and use), created on first use. */
function workspaceFor(key: string, kernels: InfiniteKernels, dtype: DType): Workspace {
  const workspace = workspaces.get(key) ?? new Workspace(kernels, dtype);
  workspaces.set(key, workspace);
  return workspace;
}

/** Runs the blocks, adding weight·K of each evaluated kernel into its matrices (into the upper triangle only when symmetric). */
function accumulate(
  segments: readonly BlockSegment[],
  scale: number,
  first: Inputs,
  second: Inputs,
  symmetric: boolean,
  side: number,
  weight: number,
  outs: Partial<KernelMatrices>[],
  tick: (pairs: number) => void,
  caller: string,
): void {
  const kernels = infiniteKernels();
  const workspace = workspaceFor(`${kernels.name} ${first.dtype}`, kernels, first.dtype);
  const readouts = workspaceFor(`${kernels.name} ${first.dtype} readouts`, kernels, first.dtype);
  for (const tile of tiles(first.count, second.count, symmetric, side)) {
    const { pairs } = tile;
    const x1 = imagesOf(first, tile.first, pairs.count1);
    const x2 = pairs.triangle ? x1 : imagesOf(second, tile.second, pairs.count2);
    const input = { x1, x2, pairs, channels: first.channels, geometry: first.geometry, scale };
    // on a resident backend the block's layers stay on its device and only each readout's Σ, Θ come back
    const records =
      residentKernels(segments, kernels, input) ??
      evaluateOnHost(segments, inputRecord(input, kernels, workspace), readouts);
    records.forEach((record, i) => {
      pooledGeometry(record.geometry, caller);
      const out = outs[i];
      if (out.nngp) scatter(out.nngp, record.nngp, tile, weight);
      if (out.ntk && record.ntk) scatter(out.ntk, record.ntk, tile, weight); // undefined: Θ = 0
    });
    tick(pairCount(pairs));
  }
}

/** kernelMatrix's segments: no trunk, one readout, the network. */
function networkSegments(network: Network): BlockSegment[] {
  return [{ trunk: { ...network, layers: [] }, readouts: [network] }];
}

/** Σ⁰'s scale: the mean over input channels, or their sum (the authors' code). */
function inputScale(network: Network, channels: number): number {
  return network.input === 'sum' ? 1 : 1 / channels;
}

/**
 * Works out blocks, memory and (timing a probe block of ≈ 2^16 covariance entries) time of kernelMatrix.
 * @example planKernelMatrix(network, trainImages).seconds // ≈ 95
 */
export function planKernelMatrix(
  network: Network,
  x1: Tensor,
  x2?: Tensor,
  options: KernelMatrixOptions = {},
): KernelPlan {
  const first = inputsOf(network, x1, 'planKernelMatrix');
  const second = x2 ? inputsOf(network, x2, 'planKernelMatrix') : first;
  checkPair(first, second, 'planKernelMatrix');
  const symmetric = x2 === undefined;
  const side = blockSide(
    first,
    first.count,
    second.count,
    options.memoryBudget ?? 256 * 2 ** 20,
    infiniteKernels().maxElements,
  );
  const blocks = tiles(first.count, second.count, symmetric, side);
  const pairs = blocks.reduce((sum, tile) => sum + pairCount(tile.pairs), 0) * (options.flip ? (symmetric ? 3 : 2) : 1);
  const elementBytes = first.dtype === 'float64' ? 8 : 4;
  const bytes =
    4 * Math.min(pairs, side * side) * bandLayout(first.geometry).entries * elementBytes +
    2 * 8 * first.count * second.count;
  // a probe of ≈ 2^16 entries (at least one pair), so fixed per-block costs do not dominate it
  const probeSide = Math.max(1, Math.min(64, Math.round(Math.sqrt(2 ** 16 / bandLayout(first.geometry).entries))));
  const probe = { ...first, count: Math.min(probeSide, first.count) };
  const probeSecond = { ...second, count: Math.min(probeSide, second.count) };
  const scratch = {
    nngp: { rows: probe.count, cols: probeSecond.count, data: new Float64Array(probe.count * probeSecond.count) },
    ntk: { rows: probe.count, cols: probeSecond.count, data: new Float64Array(probe.count * probeSecond.count) },
  };
  const start = performance.now();
  accumulate(
    networkSegments(network),
    inputScale(network, first.channels),
    probe,
    probeSecond,
    false,
    probeSide,
    1,
    [scratch],
    () => {},
    'planKernelMatrix',
  );
  const seconds = ((performance.now() - start) / 1000) * (pairs / (probe.count * probeSecond.count));
  return { geometry: first.geometry, pairs, blocks: blocks.length, blockSide: side, bytes, seconds };
}

/**
 * The blocked pass behind kernelMatrix, for the readouts of `segments` (one set of matrices
 * each, in order), the inputs laid out for `network` (its window and padding; its depth times
 * the pairs for the time estimate). On a resident backend each block stays on the device and
 * each readout is read back once. Only the matrices in `wanted` are filled (fresh memory
 * costs a page fault per 4 KiB, so the one not needed is skipped).
 * @example blockedKernelMatrices(network, [{ trunk: chain, readouts: [gap, lap] }], x, undefined, {}, ['ntk'], 'lapSweep')[1].ntk
 */
export function blockedKernelMatrices(
  network: Network,
  segments: readonly BlockSegment[],
  x1: Tensor,
  x2: Tensor | undefined,
  options: KernelMatrixOptions,
  wanted: readonly (keyof KernelMatrices)[],
  caller: string,
): Partial<KernelMatrices>[] {
  const first = inputsOf(network, x1, caller);
  const second = x2 ? inputsOf(network, x2, caller) : first;
  checkPair(first, second, caller);
  const symmetric = x2 === undefined;
  const budget = options.memoryBudget ?? 256 * 2 ** 20;
  const side = blockSide(first, first.count, second.count, budget, infiniteKernels().maxElements);
  const label = options.label ?? 'kernel';
  const log = options.quiet
    ? undefined
    : (options.log ?? (progressEnabled() ? (line: string) => process.stderr.write(`${line}\n`) : undefined));
  if (log) {
    const plan = planKernelMatrix(network, x1, x2, options);
    log(
      `${label}: ${plan.pairs} pairs in ${plan.blocks} blocks of ≤ ${plan.blockSide}×${plan.blockSide} images, ≈ ${(plan.bytes / 2 ** 20).toFixed(0)} MiB, ≈ ${formatDuration(plan.seconds)} (${infiniteKernels().name}, ${first.dtype})`,
    );
  }
  const matrix = (): Matrix => ({
    rows: first.count,
    cols: second.count,
    data: new Float64Array(first.count * second.count),
  });
  const outs = Array.from(
    { length: segments.reduce((sum, segment) => sum + segment.readouts.length, 0) },
    () => Object.fromEntries(wanted.map((name) => [name, matrix()])) as Partial<KernelMatrices>,
  );
  const passes: [Inputs, boolean, number][] = options.flip
    ? [
        [first, symmetric, 0.5],
        [flipped(first), false, 0.5],
      ]
    : [[first, symmetric, 1]];
  const total = passes.reduce(
    (sum, [, same]) => sum + (same ? (first.count * (first.count + 1)) / 2 : first.count * second.count),
    0,
  );
  const bar = progress(label, total, { quiet: options.quiet });
  for (const [images, same, weight] of passes) {
    accumulate(
      segments,
      inputScale(network, first.channels),
      images,
      same ? images : second,
      same,
      side,
      weight,
      outs,
      (pairs) => bar.tick(pairs),
      caller,
    );
    // the symmetric pass comes first, so the lower triangle holds nothing yet
    if (same) for (const out of outs) for (const name of wanted) mirrorUpper(out[name]!);
  }
  bar.done();
  return outs;
}

/** The matrices of `network` asked for. */
function compute(
  network: Network,
  x1: Tensor,
  x2: Tensor | undefined,
  options: KernelMatrixOptions,
  wanted: (keyof KernelMatrices)[],
  caller: string,
): Partial<KernelMatrices> {
  return blockedKernelMatrices(network, networkSegments(network), x1, x2, options, wanted, caller)[0];
}

/**
 * The NNGP and NTK matrices of `network` between the rows of x1 and x2 (x2 omitted: x1 with
 * itself, by symmetry), in blocks on the active backend, with a progress bar.
 * @example const { nngp, ntk } = kernelMatrix(cntk({ depth: 3, readout: 'vanilla' }), images); // n×n
 */
export function kernelMatrix(
  network: Network,
  x1: Tensor,
  x2?: Tensor,
  options: KernelMatrixOptions = {},
): KernelMatrices {
  return compute(network, x1, x2, options, ['nngp', 'ntk'], 'kernelMatrix') as KernelMatrices;
}

/**
 * Only the NTK matrix Θ of kernelMatrix (half the output memory).
 * @example kernelRidgeFit(ntkMatrix(fullyConnected({ depth: 5, normalization: 'authors' }), train), targets, 0)
 */
export function ntkMatrix(network: Network, x1: Tensor, x2?: Tensor, options: KernelMatrixOptions = {}): Matrix {
  return compute(network, x1, x2, options, ['ntk'], 'ntkMatrix').ntk!;
}

/**
 * Only the NNGP matrix Σ of kernelMatrix (the CNN-GP / NNGP kernel; half the output memory).
 * @example nngpMatrix(cntk({ depth: 6, readout: 'gap' }), images)
 */
export function nngpMatrix(network: Network, x1: Tensor, x2?: Tensor, options: KernelMatrixOptions = {}): Matrix {
  return compute(network, x1, x2, options, ['nngp'], 'nngpMatrix').nngp!;
}
