/**
 * The covariance steps of the infinite-width kernels on the CPU (the InfiniteKernels of
 * gpu/infinite.ts, whose file comment describes the band layout; the recursion the steps add
 * up to is written out once, densely, in src/infinite/reference.ts): the checks, the tables and
 * the split of a block's pairs into chunks, here on the calling thread; the loops themselves,
 * shared with the helper threads, in linear.ts and relu.ts (common.ts: what they share; on
 * float32 storage their wasm kernels through wasm-rows.ts and wasm-input.ts).
 * Storage is float32 or float64, arithmetic float64. The ReLU step is fused with the linear
 * layer after it (its K and Θ·K̇ go straight into the patch sum, the readout's sum or the
 * affine map), so its output is never stored; the patch sum runs one row group (one offset δ)
 * at a time, so the row sums it keeps stay in the cache (a 16×16 GAP pair holds 65,536
 * entries, a group at most 256).
 */
import type { Data, DType } from '../../backend.ts';
import {
  bandLayout,
  checkLinearStep,
  entriesAfter,
  pairCount,
  type BandLayout,
  type CovarianceGeometry,
  type InfiniteKernels,
  type LinearStep,
  type PairBlock,
} from '../../infinite.ts';
import { runParallel, threadCount, threadsAvailable } from '../threads.ts';
import { expandColumns, type Filter } from './common.ts';
import {
  convolutionTask,
  elementwiseTask,
  inputTask,
  sumTask,
  type ConvolutionArgs,
  type InputArgs,
} from './linear.ts';
import { reluFlatTask, reluTask, type ReluArgs } from './relu.ts';
import {
  pairBatch,
  regionBytes,
  reserveRegions,
  shareDeviations,
  shareFilter,
  shareRowTables,
  wasmRowsFor,
} from './wasm-rows.ts';
import { withScratch } from '../wasm/runtime.ts';
import { inputBytes, shareInput } from './wasm-input.ts';

/** Below this many entry-steps a call runs on the calling thread alone (waking helpers costs ≈ 0.1 ms). */
const PARALLEL_MIN_WORK = 1 << 16;
/** Chunks per thread, so that a slow thread (the machine is shared) does not hold up the others. */
const CHUNKS_PER_THREAD = 16;

/**
 * Zeroed storage that helper threads can write (a SharedArrayBuffer when threads exist).
 * @example allocate(1024, 'float32').length // 1024
 */
export function allocate(size: number, dtype: DType): Data {
  const float64 = dtype === 'float64';
  if (!threadsAvailable()) return float64 ? new Float64Array(size) : new Float32Array(size);
  const buffer = new SharedArrayBuffer(size * (float64 ? 8 : 4));
  return float64 ? new Float64Array(buffer) : new Float32Array(buffer);
}

/** `out` (checked: dtype and length) or fresh storage for a kernel's result. */
function output(label: string, size: number, float64: boolean, out: Data | undefined): Data {
  if (!out) return allocate(size, float64 ? 'float64' : 'float32');
  if (out instanceof Float64Array !== float64)
    throw new Error(`cpu ${label}: out must have the inputs' dtype (${float64 ? 'float64' : 'float32'})`);
  if (out.length !== size) throw new Error(`cpu ${label}: out has ${out.length} elements, expected ${size}`);
  return out;
}

/** How a call's pairs are cut into chunks, and whether the helper threads take part. */
interface Split {
  pairs: number;
  chunks: number;
  parallel: boolean;
}

/** The split of `pairs` pairs of `workPerPair` entry-steps each. */
function split(pairs: number, workPerPair: number): Split {
  const parallel = pairs > 1 && pairs * workPerPair >= PARALLEL_MIN_WORK && threadCount() > 1;
  return { pairs, chunks: parallel ? Math.min(pairs, CHUNKS_PER_THREAD * threadCount()) : 1, parallel };
}

function expectLength(label: string, what: string, data: Data, size: number): void {
  if (data.length !== size) throw new Error(`cpu ${label}: ${what} has ${data.length} elements, expected ${size}`);
}

/** Whether the arguments are float64 (an error unless they share one dtype). */
function isFloat64(label: string, ...arrays: (Data | undefined)[]): boolean {
  const float64 = arrays[0] instanceof Float64Array;
  if (arrays.some((array) => array !== undefined && array instanceof Float64Array !== float64)) {
    throw new Error(`cpu ${label}: all arguments must share one dtype (float32 or float64)`);
  }
  return float64;
}

/**
 * Σ⁰ of a block (InfiniteKernels.inputCovariance).
 * @example inputCovariance(x, x, 3, { count1: 2, count2: 2, triangle: true }, { height: 8, width: 8, padding: 'zero', window: 0 }, 1 / 3)
 */
export function inputCovariance(
  x1: Data,
  x2: Data,
  channels: number,
  pairs: PairBlock,
  geometry: CovarianceGeometry,
  scale: number,
  out?: Data,
): Data {
  const { rows, columns, entries } = bandLayout(geometry);
  const plane = geometry.height * geometry.width;
  expectLength(
    'inputCovariance',
    `x1 [${pairs.count1},${channels},${geometry.height},${geometry.width}]`,
    x1,
    pairs.count1 * channels * plane,
  );
  expectLength(
    'inputCovariance',
    `x2 [${pairs.count2},${channels},${geometry.height},${geometry.width}]`,
    x2,
    pairs.count2 * channels * plane,
  );
  const float64 = isFloat64('inputCovariance', x1, x2);
  const { pairs: count, chunks, parallel } = split(pairCount(pairs), entries * channels);
  const args: InputArgs = {
    x1,
    x2,
    out: output('inputCovariance', count * entries, float64, out),
    channels,
    height: geometry.height,
    width: geometry.width,
    entries,
    count2: pairs.count2,
    triangle: pairs.triangle,
    rowFirst: rows.first,
    rowSecond: rows.second,
    columnFirst: columns.first,
    columnSecond: columns.second,
    scale,
    pairs: count,
    chunks,
  };
  if (count === 0) return args.out;
  // the images laid out once in the shared wasm memory, a result region per thread (wasm-input.ts)
  const slots = parallel ? threadCount() : 1;
  const images = pairs.count1 + pairs.count2;
  const bytes = inputBytes(images, channels, geometry.height, columns.size, rows.size, entries, slots);
  if (!wasmRowsFor(args.out, parallel, bytes)) runParallel(inputTask, args, chunks, parallel);
  else
    withScratch((alloc) => {
      args.wasm = shareInput(alloc, args, pairs.count1, pairs.count2, slots);
      runParallel(inputTask, args, chunks, parallel);
    });
  return args.out;
}

/** The filter tables of `step` on `layout` (see Filter). */
function filterTables(layout: BandLayout, step: LinearStep): Filter {
  const { rows, columns } = layout;
  const spatial = step.filter === 3;
  const groupRows = Math.max(...Array.from({ length: rows.offsets }, (_, g) => rows.starts[g + 1] - rows.starts[g]));
  const groupOf = new Int32Array(rows.size);
  for (let g = 0; g < rows.offsets; g++) groupOf.fill(g, rows.starts[g], rows.starts[g + 1]);
  const rowTable = (neighbours: Int32Array) =>
    neighbours.map((entry, r) => (spatial && entry >= 0 ? entry - rows.starts[groupOf[r]] : groupRows));
  const columnTable = (neighbours: Int32Array) =>
    neighbours.map((entry) => (spatial && entry >= 0 ? entry : columns.size));
  return {
    rowPrevious: rowTable(rows.previous),
    rowNext: rowTable(rows.next),
    rowStarts: rows.starts,
    groupRows,
    columnPrevious: columnTable(columns.previous),
    columnNext: columnTable(columns.next),
    rowWeights: step.weights?.rows,
    columnWeights: step.weights?.columns,
  };
}

/**
 * A linear layer on `count` pairs' covariances (InfiniteKernels.linear), a readout too (filter 'sum').
 * @example linear(nngp, ntk, pairs, geometry, { filter: 3, scale: 2 / 9, shift: 0, trainable: true }) // [Σ′; Θ′]
 */
export function linear(
  nngp: Data,
  ntk: Data | undefined,
  count: number,
  geometry: CovarianceGeometry,
  step: LinearStep,
  out?: Data,
): Data {
  const layout = bandLayout(geometry);
  checkLinearStep('cpu linear', step, layout);
  const { rows, columns, entries } = layout;
  expectLength('linear', `nngp [${count},${rows.size},${columns.size}]`, nngp, count * entries);
  if (ntk) expectLength('linear', `ntk [${count},${rows.size},${columns.size}]`, ntk, count * entries);
  const float64 = isFloat64('linear', nngp, ntk);
  const { chunks, parallel } = split(count, entries * (ntk ? 2 : 1));
  const args: ConvolutionArgs = {
    ...filterTables(layout, step),
    spatial: step.filter === 3,
    summed: step.filter === 'sum',
    nngp,
    ntk,
    out: output('linear', (ntk ? 2 : 1) * count * entriesAfter(layout, step), float64, out),
    rows: rows.size,
    columns: columns.size,
    scale: step.scale,
    shift: step.shift,
    trainable: step.trainable,
    pairs: count,
    chunks,
  };
  if (count === 0) return args.out;
  const task = step.filter === 3 ? convolutionTask : step.filter === 'sum' ? sumTask : elementwiseTask;
  // the patch sum in wasm (wasm-rows.ts): a region per thread, freed when the call returns
  const slots = parallel ? threadCount() : 1;
  const bytes = regionBytes(entries * pairBatch(entries), 0, columns.size, args.groupRows);
  if (step.filter !== 3 || !wasmRowsFor(args.out, parallel, slots * bytes)) runParallel(task, args, chunks, parallel);
  else
    withScratch((alloc) => {
      const wasm = reserveRegions(alloc, slots, bytes);
      wasm.filter = shareFilter(alloc, args);
      args.wasm = wasm;
      runParallel(task, args, chunks, parallel);
    });
  return args.out;
}

/**
 * The ReLU step of a block and the linear layer after it (InfiniteKernels.relu).
 * @example relu(nngp, ntk, deviations, deviations, { count1: 2, count2: 2, triangle: true }, geometry, { filter: 3, scale: 2 / 9, shift: 0, trainable: true })
 */
export function relu(
  nngp: Data,
  ntk: Data,
  deviations1: Data,
  deviations2: Data,
  pairs: PairBlock,
  geometry: CovarianceGeometry,
  step: LinearStep,
  out?: Data,
): Data {
  const layout = bandLayout(geometry);
  checkLinearStep('cpu relu', step, layout);
  const { rows, columns, entries } = layout;
  const plane = geometry.height * geometry.width;
  const count = pairCount(pairs);
  expectLength('relu', `nngp [${count},${rows.size},${columns.size}]`, nngp, count * entries);
  expectLength('relu', `ntk [${count},${rows.size},${columns.size}]`, ntk, count * entries);
  expectLength(
    'relu',
    `deviations1 [${pairs.count1},${geometry.height},${geometry.width}]`,
    deviations1,
    pairs.count1 * plane,
  );
  expectLength(
    'relu',
    `deviations2 [${pairs.count2},${geometry.height},${geometry.width}]`,
    deviations2,
    pairs.count2 * plane,
  );
  const float64 = isFloat64('relu', nngp, ntk, deviations1, deviations2);
  const { chunks, parallel } = split(count, 8 * entries);
  // √a and 1/√a once per image and position, in float64 (a few thousand values; the pairs are
  // many). Plain loops and the typed-array copy constructor: TypedArray.from and .map call back
  // per element, ≈ 10–20 ns each, a few percent of a CNTK-V pair's time
  const inverse = (deviations: Float64Array) => {
    const out = new Float64Array(deviations.length);
    for (let i = 0; i < deviations.length; i++) out[i] = deviations[i] > 0 ? 1 / deviations[i] : 0;
    return out;
  };
  const wide1 = new Float64Array(deviations1),
    inverses1 = inverse(wide1);
  const wide2 = deviations2 === deviations1 ? wide1 : new Float64Array(deviations2),
    inverses2 = wide2 === wide1 ? inverses1 : inverse(wide2);
  const args: ReluArgs = {
    ...filterTables(layout, step),
    spatial: step.filter === 3,
    summed: step.filter === 'sum',
    nngp,
    ntk,
    deviations1: wide1,
    inverses1,
    deviations2: wide2,
    inverses2,
    identity: rows.size === geometry.height && columns.size === geometry.width,
    out: output('relu', 2 * count * entriesAfter(layout, step), float64, out),
    height: geometry.height,
    width: geometry.width,
    rows: rows.size,
    columns: columns.size,
    count2: pairs.count2,
    triangle: pairs.triangle,
    rowFirst: rows.first,
    rowSecond: rows.second,
    columnFirst: columns.first,
    columnSecond: columns.second,
    scale: step.scale,
    shift: step.shift,
    trainable: step.trainable,
    pairs: count,
    chunks,
  };
  // one entry per pair, and no spatial mixing (a 1×1 image's patch sum is itself under zero padding)
  const flat = entries === 1 && (step.filter !== 3 || geometry.padding === 'zero') && !step.weights;
  if (count === 0) return args.out;
  const task = flat ? reluFlatTask : reluTask;
  // a region per thread that may run chunks at once (wasm-rows.ts), freed when the call returns
  const slots = parallel ? threadCount() : 1;
  const bytes = flat
    ? regionBytes(pairs.count2, pairs.count2, pairs.count2, 1)
    : regionBytes(entries * pairBatch(entries), 0, columns.size, args.groupRows);
  // every image's deviations along the column entries, shared by the chunks (WasmRegions.deviations)
  const deviationBytes = flat ? 0 : 16 * (pairs.count1 + pairs.count2) * geometry.height * columns.size;
  if (!wasmRowsFor(args.out, parallel, slots * bytes + deviationBytes)) runParallel(task, args, chunks, parallel);
  else {
    withScratch((alloc) => {
      const wasm = reserveRegions(alloc, slots, bytes);
      if (!flat) {
        const along = (values: Float64Array, count: number, column: Int32Array) => {
          if (args.identity) return values;
          const expanded = new Float64Array(count * geometry.height * columns.size);
          expandColumns(values, 0, count, geometry.height, geometry.width, column, expanded);
          return expanded;
        };
        wasm.deviations = shareDeviations(
          alloc,
          along(wide1, pairs.count1, columns.first),
          along(inverses1, pairs.count1, columns.first),
          along(wide2, pairs.count2, columns.second),
          along(inverses2, pairs.count2, columns.second),
        );
      }
      if (!flat) wasm.rowTables = shareRowTables(alloc, rows.first, rows.second, columns.size);
      if (!flat && args.spatial) wasm.filter = shareFilter(alloc, args);
      args.wasm = wasm;
      runParallel(task, args, chunks, parallel);
    });
  }
  return args.out;
}

/** The CPU's InfiniteKernels (gpu/infinite.ts). */
export const cpuInfiniteKernels: InfiniteKernels = {
  name: 'cpu',
  maxElements: 2 ** 31 - 1,
  allocate,
  inputCovariance,
  linear,
  relu,
};
