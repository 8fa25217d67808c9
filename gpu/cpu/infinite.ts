/**
 * The covariance steps of the infinite-width kernels on the CPU (the InfiniteKernels of
 * gpu/infinite.ts, whose file comment describes the band layout): plain loops over typed
 * arrays, float32 or float64 storage, float64 arithmetic, split over pairs into chunks that
 * worker threads share (threads.ts).
 *
 * The chunk functions also run in the workers from their source text, so they use only
 * their arguments (no imported or module-level names), like gemm.ts's.
 *
 * float32 storage takes arccos from a polynomial (Abramowitz & Stegun 4.4.46:
 * arccos|λ| = √(1 − |λ|)·p(|λ|), |error| ≤ 2·10⁻⁸, below float32's resolution of the
 * angle); float64 storage takes Math.acos.
 */
import type { Data, DType } from '../backend.ts';
import { bandLayout, entriesAfter, pairCount, type BandLayout, type CovarianceGeometry, type InfiniteKernels, type LinearStep, type PairBlock } from '../infinite.ts';
import { defineTask, runParallel, threadCount, threadsAvailable } from './threads.ts';

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
  if (out instanceof Float64Array !== float64) throw new Error(`cpu ${label}: out must have the inputs' dtype (${float64 ? 'float64' : 'float32'})`);
  if (out.length !== size) throw new Error(`cpu ${label}: out has ${out.length} elements, expected ${size}`);
  return out;
}

/** (a, b) of pair `pair` of a block (gpu/infinite.ts, PairBlock). */
function pairAt(pair: number, count2: number, triangle: boolean): [number, number] {
  if (!triangle) return [Math.floor(pair / count2), pair % count2];
  let a = 0;
  let rest = pair;
  while (rest >= count2 - a) rest -= count2 - a++;
  return [a, a + rest];
}

/**
 * A Float64Array of `length` from slot `slot` of this thread's pool (every worker has its own
 * globalThis): fresh memory costs a page fault per 4 KiB, 10–20 µs each on the machines
 * measured here, more than the arithmetic it would hold. Contents are left over from earlier use.
 */
function scratch(slot: number, length: number): Float64Array {
  const holder = globalThis as { theorygradInfiniteScratch?: Float64Array[] };
  const pool = (holder.theorygradInfiniteScratch ??= []);
  if (!pool[slot] || pool[slot].length < length) pool[slot] = new Float64Array(length);
  return pool[slot].subarray(0, length);
}

interface Split { pairs: number; chunks: number; parallel: boolean }

function split(pairs: number, workPerPair: number): Split {
  const parallel = pairs > 1 && pairs * workPerPair >= PARALLEL_MIN_WORK && threadCount() > 1;
  return { pairs, chunks: parallel ? Math.min(pairs, CHUNKS_PER_THREAD * threadCount()) : 1, parallel };
}

/**
 * target[(plane·height + i)·columns + k] = source[(first + plane)·height·width + i·width + column[k]]
 * for `planes` consecutive planes: a block's image rows laid out along the band layout's
 * column entries, so the inner loops below read contiguous memory.
 */
function expandColumns(source: Data, first: number, planes: number, height: number, width: number, column: Int32Array, target: Float64Array): void {
  const columns = column.length;
  for (let plane = 0; plane < planes; plane++) {
    for (let i = 0; i < height; i++) {
      const from = ((first + plane) * height + i) * width;
      const to = (plane * height + i) * columns;
      for (let k = 0; k < columns; k++) target[to + k] = source[from + column[k]];
    }
  }
}

/** row[k] += u[at1 + k]·v[at2 + k]. */
function multiplyAdd(row: Float64Array, u: Float64Array, at1: number, v: Float64Array, at2: number, columns: number): void {
  for (let k = 0; k < columns; k++) row[k] += u[at1 + k] * v[at2 + k];
}

interface InputArgs {
  x1: Data; x2: Data; out: Data; channels: number; height: number; width: number; entries: number; count2: number; triangle: boolean;
  rowFirst: Int32Array; rowSecond: Int32Array; columnFirst: Int32Array; columnSecond: Int32Array; scale: number; pairs: number; chunks: number;
}

/** Σ⁰ for the chunk's pairs, one row entry (i, i′) at a time: Σ_c x1[c, i, j(k)]·x2[c, i′, j′(k)]. */
function inputChunk(args: InputArgs, chunk: number): void {
  const { x1, x2, out, channels, height, width, entries, count2, triangle, rowFirst, rowSecond, columnFirst, columnSecond, scale } = args;
  const columns = columnFirst.length;
  const from = Math.floor((args.pairs * chunk) / args.chunks);
  const to = Math.floor((args.pairs * (chunk + 1)) / args.chunks);
  const expanded1 = scratch(0, channels * height * columns);
  const expanded2 = scratch(1, channels * height * columns);
  const row = scratch(2, columns);
  let [a, b] = pairAt(from, count2, triangle);
  let expandedA = -1;
  for (let pair = from; pair < to; pair++) {
    if (a !== expandedA) expandColumns(x1, a * channels, channels, height, width, columnFirst, expanded1);
    expandedA = a;
    expandColumns(x2, b * channels, channels, height, width, columnSecond, expanded2);
    for (let r = 0; r < rowFirst.length; r++) {
      row.fill(0);
      for (let c = 0; c < channels; c++) multiplyAdd(row, expanded1, (c * height + rowFirst[r]) * columns, expanded2, (c * height + rowSecond[r]) * columns, columns);
      const at = pair * entries + r * columns;
      for (let k = 0; k < columns; k++) out[at + k] = scale * row[k];
    }
    if (++b === count2) {
      a++;
      b = triangle ? a : 0;
    }
  }
}

/** The band layout's neighbour tables of a LinearStep's filter, padding (−1) redirected to a zero slot / row. */
interface Filter { rowPrevious: Int32Array; rowNext: Int32Array; columnPrevious: Int32Array; columnNext: Int32Array }

interface LinearArgs extends Filter {
  out: Data; rows: number; columns: number; scale: number; shift: number; trainable: boolean; pairs: number; chunks: number;
  /** filter 3 (else no neighbours, so the lines are written out or summed directly). */
  spatial: boolean;
  /** filter 'sum': one value per pair, the scaled sum of its entries. */
  summed: boolean;
}

/** sums[to + k] = line[k] + line[previous k] + line[next k] for the Σ and Θ lines (line[columns] is the zero padding slot). */
function rowStage(lineS: Float64Array, lineT: Float64Array, previous: Int32Array, next: Int32Array, sumsS: Float64Array, sumsT: Float64Array, to: number, columns: number): void {
  for (let k = 0; k < columns; k++) {
    const left = previous[k], right = next[k];
    sumsS[to + k] = lineS[k] + lineS[left] + lineS[right];
    sumsT[to + k] = lineT[k] + lineT[left] + lineT[right];
  }
}

/**
 * out[target + k] = scale·(sums[at + k] + sums[up + k] + sums[down + k]) + constant for the Σ
 * sums, and likewise for the Θ sums at thetaTarget (the last row of the sums is zero).
 */
function columnStage(
  sumsS: Float64Array, sumsT: Float64Array, at: number, up: number, down: number, out: Data, target: number, thetaTarget: number,
  scale: number, constant: number, thetaConstant: number, columns: number,
): void {
  for (let k = 0; k < columns; k++) {
    out[target + k] = scale * (sumsS[at + k] + sumsS[up + k] + sumsS[down + k]) + constant;
    out[thetaTarget + k] = scale * (sumsT[at + k] + sumsT[up + k] + sumsT[down + k]) + thetaConstant;
  }
}

/**
 * The second half of a LinearStep for one pair, once rowStage has filled sumsS (from the Σ
 * rows) and sumsT (from the Θ rows, Σ added when trainable): Σ′ = scale·F(Σ) + shift at
 * out[pair], Θ′ = scale·F(Θ [+ Σ]) [+ shift] at out[pairs + pair].
 */
function finishPair(args: LinearArgs, pair: number, sumsS: Float64Array, sumsT: Float64Array): void {
  const { out, rows, columns, rowPrevious, rowNext, scale, shift, trainable } = args;
  const entries = rows * columns;
  for (let r = 0; r < rows; r++) {
    const at = r * columns;
    columnStage(sumsS, sumsT, at, rowPrevious[r] * columns, rowNext[r] * columns, out, pair * entries + at, (args.pairs + pair) * entries + at,
      scale, shift, trainable ? shift : 0, columns);
  }
}

interface ConvolutionArgs extends LinearArgs { nngp: Data; ntk: Data | undefined }

/** A LinearStep on stored covariances, for the chunk's pairs (without Θ: Σ only, into out[0 … pairs)). */
function convolutionChunk(args: ConvolutionArgs, chunk: number): void {
  const { nngp, ntk, out, rows, columns, columnPrevious, columnNext, trainable } = args;
  const entries = rows * columns;
  const lineS = scratch(0, columns + 1), lineT = scratch(1, columns + 1);
  const sumsS = scratch(2, entries + columns), sumsT = scratch(3, entries + columns);
  lineS[columns] = lineT[columns] = 0; // the padding slot and row
  sumsS.fill(0, entries);
  sumsT.fill(0, entries);
  const from = Math.floor((args.pairs * chunk) / args.chunks);
  const to = Math.floor((args.pairs * (chunk + 1)) / args.chunks);
  for (let pair = from; pair < to; pair++) {
    if (!ntk) {
      sigmaOnly(nngp, pair * entries, out, args, lineS, sumsS);
      continue;
    }
    for (let r = 0; r < rows; r++) {
      const at = pair * entries + r * columns;
      for (let k = 0; k < columns; k++) lineS[k] = nngp[at + k];
      if (trainable) for (let k = 0; k < columns; k++) lineT[k] = ntk[at + k] + lineS[k];
      else for (let k = 0; k < columns; k++) lineT[k] = ntk[at + k];
      rowStage(lineS, lineT, columnPrevious, columnNext, sumsS, sumsT, r * columns, columns);
    }
    finishPair(args, pair, sumsS, sumsT);
  }
}

/** out[at + e] = scale·P(nngp)[at + e] + shift for one pair's covariance, without a Θ (the first layer, or variances). */
function sigmaOnly(nngp: Data, at: number, out: Data, args: LinearArgs, line: Float64Array, sums: Float64Array): void {
  const { rows, columns, rowPrevious, rowNext, columnPrevious, columnNext, scale, shift } = args;
  for (let r = 0; r < rows; r++) {
    const from = at + r * columns, to = r * columns;
    for (let k = 0; k < columns; k++) line[k] = nngp[from + k];
    for (let k = 0; k < columns; k++) sums[to + k] = line[k] + line[columnPrevious[k]] + line[columnNext[k]];
  }
  for (let r = 0; r < rows; r++) {
    const to = r * columns, up = rowPrevious[r] * columns, down = rowNext[r] * columns, target = at + to;
    for (let k = 0; k < columns; k++) out[target + k] = scale * (sums[to + k] + sums[up + k] + sums[down + k]) + shift;
  }
}

interface ReluArgs extends LinearArgs {
  nngp: Data; ntk: Data; height: number; width: number; count2: number; triangle: boolean;
  /** √a per image and position in float64, and 1/√a (0 for a zero deviation, so λ = 0). */
  deviations1: Float64Array; inverses1: Float64Array; deviations2: Float64Array; inverses2: Float64Array;
  rowFirst: Int32Array; rowSecond: Int32Array; columnFirst: Int32Array; columnSecond: Int32Array;
  /** The column entries are the positions j = j′ (window 0), so the deviations are read in place. */
  identity: boolean;
}

/**
 * One row entry of the ReLU step: for k < columns, with λ = Σ·(1/√a)(1/√b) clipped to [−1, 1],
 * lineS[k] = K = √a√b·κ1(λ)/2 and lineT[k] = Θ·K̇ (+ K when `addK`), K̇ = κ0(λ)/2. This is the
 * float32 version, arccos|λ| by A&S 4.4.46; reluRowExact is the same with Math.acos (a
 * branch between the two inside the loop costs ≈ 10 %).
 */
function reluRow(
  nngp: Data, ntk: Data, at: number, addK: boolean, columns: number, lineS: Float64Array, lineT: Float64Array,
  deviation1: Float64Array, inverse1: Float64Array, at1: number, deviation2: Float64Array, inverse2: Float64Array, at2: number,
): void {
  const add = addK ? 1 : 0;
  for (let k = 0; k < columns; k++) {
    const ratio = nngp[at + k] * inverse1[at1 + k] * inverse2[at2 + k];
    const lambda = ratio > 1 ? 1 : ratio < -1 ? -1 : ratio;
    const x = Math.abs(lambda);
    // arcsin|λ| = π/2 − arccos|λ|
    const arcsine = 1.5707963267948966
      - Math.sqrt(1 - x) * (((((((-0.0012624911 * x + 0.0066700901) * x - 0.0170881256) * x + 0.0308918810) * x - 0.0501743046) * x + 0.0889789874) * x - 0.2145988016) * x + 1.5707963050);
    const complement = 1.5707963267948966 + (lambda < 0 ? -arcsine : arcsine); // π − arccos λ
    // √(ab)·κ1(λ)/2 and κ0(λ)/2, with 1/(2π) folded in
    const nngpOut = deviation1[at1 + k] * deviation2[at2 + k] * (lambda * complement + Math.sqrt(1 - lambda * lambda)) * 0.15915494309189535;
    lineS[k] = nngpOut;
    lineT[k] = ntk[at + k] * complement * 0.15915494309189535 + add * nngpOut;
  }
}

/** reluRow with arccos from Math.acos, for float64 storage. */
function reluRowExact(
  nngp: Data, ntk: Data, at: number, addK: boolean, columns: number, lineS: Float64Array, lineT: Float64Array,
  deviation1: Float64Array, inverse1: Float64Array, at1: number, deviation2: Float64Array, inverse2: Float64Array, at2: number,
): void {
  const add = addK ? 1 : 0;
  for (let k = 0; k < columns; k++) {
    const ratio = nngp[at + k] * inverse1[at1 + k] * inverse2[at2 + k];
    const lambda = ratio > 1 ? 1 : ratio < -1 ? -1 : ratio;
    const complement = 3.141592653589793 - Math.acos(lambda);
    const nngpOut = deviation1[at1 + k] * deviation2[at2 + k] * (lambda * complement + Math.sqrt(1 - lambda * lambda)) * 0.15915494309189535;
    lineS[k] = nngpOut;
    lineT[k] = ntk[at + k] * complement * 0.15915494309189535 + add * nngpOut;
  }
}

/** out[at + k] = scale·lineS[k] + shift, out[thetaAt + k] = scale·lineT[k] + thetaShift (a LinearStep without neighbours). */
function writeLines(lineS: Float64Array, lineT: Float64Array, out: Data, at: number, thetaAt: number, scale: number, shift: number, thetaShift: number, columns: number): void {
  for (let k = 0; k < columns; k++) {
    out[at + k] = scale * lineS[k] + shift;
    out[thetaAt + k] = scale * lineT[k] + thetaShift;
  }
}

/** out[at] = scale·totalS + shift and out[thetaAt] = scale·totalT (+ shift when trainable): a summed LinearStep. */
function writeSums(out: Data, at: number, thetaAt: number, totalS: number, totalT: number, scale: number, shift: number, trainable: boolean): void {
  out[at] = scale * totalS + shift;
  out[thetaAt] = scale * totalT + (trainable ? shift : 0);
}

/** The ReLU step and the LinearStep after it, for the chunk's pairs (InfiniteKernels.relu). */
function reluChunk(args: ReluArgs, chunk: number): void {
  const { nngp, ntk, deviations1, deviations2, inverses1, inverses2, out, height, width, rows, columns, count2, triangle, trainable, spatial, summed } = args;
  const { rowFirst, rowSecond, columnFirst, columnSecond, columnPrevious, columnNext, identity } = args;
  const accurate = out instanceof Float64Array;
  const entries = rows * columns;
  const lineS = scratch(0, columns + 1), lineT = scratch(1, columns + 1);
  const sumsS = scratch(2, entries + columns), sumsT = scratch(3, entries + columns);
  lineS[columns] = lineT[columns] = 0; // the padding slot and row
  sumsS.fill(0, entries);
  sumsT.fill(0, entries);
  // the deviations along the column entries, [height, columns] per image (in place for window 0)
  const deviation1 = identity ? deviations1 : scratch(4, height * columns), inverse1 = identity ? inverses1 : scratch(5, height * columns);
  const deviation2 = identity ? deviations2 : scratch(6, height * columns), inverse2 = identity ? inverses2 : scratch(7, height * columns);
  const plane = identity ? height * width : 0;
  const from = Math.floor((args.pairs * chunk) / args.chunks);
  const to = Math.floor((args.pairs * (chunk + 1)) / args.chunks);
  let [a, b] = pairAt(from, count2, triangle);
  let expandedA = -1;
  for (let pair = from; pair < to; pair++) {
    if (!identity && a !== expandedA) {
      expandColumns(deviations1, a, 1, height, width, columnFirst, deviation1);
      expandColumns(inverses1, a, 1, height, width, columnFirst, inverse1);
      expandedA = a;
    }
    if (!identity) {
      expandColumns(deviations2, b, 1, height, width, columnSecond, deviation2);
      expandColumns(inverses2, b, 1, height, width, columnSecond, inverse2);
    }
    const base1 = a * plane, base2 = b * plane;
    let totalS = 0, totalT = 0;
    for (let r = 0; r < rows; r++) {
      const at = pair * entries + r * columns;
      (accurate ? reluRowExact : reluRow)(nngp, ntk, at, trainable, columns, lineS, lineT,
        deviation1, inverse1, base1 + rowFirst[r] * columns, deviation2, inverse2, base2 + rowSecond[r] * columns);
      if (spatial) rowStage(lineS, lineT, columnPrevious, columnNext, sumsS, sumsT, r * columns, columns);
      else if (summed) for (let k = 0; k < columns; k++) { totalS += lineS[k]; totalT += lineT[k]; }
      else writeLines(lineS, lineT, out, at, args.pairs * entries + at, args.scale, args.shift, trainable ? args.shift : 0, columns);
    }
    if (spatial) finishPair(args, pair, sumsS, sumsT);
    else if (summed) writeSums(out, pair, args.pairs + pair, totalS, totalT, args.scale, args.shift, trainable);
    if (++b === count2) {
      a++;
      b = triangle ? a : 0;
    }
  }
}

/**
 * A LinearStep without spatial mixing (filter 1), elementwise over the chunk's pairs:
 * Σ′ = scale·Σ + shift, Θ′ = scale·Θ + (trainable ? Σ′ : 0).
 */
function elementwiseChunk(args: ConvolutionArgs, chunk: number): void {
  const { nngp, ntk, out, rows, columns, scale, shift, trainable } = args;
  const entries = rows * columns;
  const from = Math.floor((args.pairs * chunk) / args.chunks) * entries;
  const to = Math.floor((args.pairs * (chunk + 1)) / args.chunks) * entries;
  const thetaAt = args.pairs * entries;
  const add = trainable ? 1 : 0;
  for (let e = from; e < to; e++) out[e] = scale * nngp[e] + shift;
  if (ntk) for (let e = from; e < to; e++) out[thetaAt + e] = scale * ntk[e] + add * out[e];
}

/**
 * The ReLU step and a LinearStep without spatial mixing on pairs without positions (one entry
 * per pair, as the fully connected kernels): runs of pairs (a, b), (a, b + 1), … share a, so
 * each run is one reluRow with the first deviation repeated.
 */
function reluFlatChunk(args: ReluArgs, chunk: number): void {
  const { nngp, ntk, deviations1, deviations2, inverses1, inverses2, out, count2, triangle, scale, shift, trainable } = args;
  const row = out instanceof Float64Array ? reluRowExact : reluRow;
  const lineS = scratch(0, count2), lineT = scratch(1, count2);
  const deviation1 = scratch(4, count2), inverse1 = scratch(5, count2);
  let pair = Math.floor((args.pairs * chunk) / args.chunks);
  const to = Math.floor((args.pairs * (chunk + 1)) / args.chunks);
  let [a, b] = pairAt(pair, count2, triangle);
  while (pair < to) {
    const run = Math.min(to - pair, count2 - b);
    deviation1.fill(deviations1[a], 0, run);
    inverse1.fill(inverses1[a], 0, run);
    row(nngp, ntk, pair, trainable, run, lineS, lineT, deviation1, inverse1, 0, deviations2, inverses2, b);
    writeLines(lineS, lineT, out, pair, args.pairs + pair, scale, shift, trainable ? shift : 0, run);
    pair += run;
    b += run;
    if (b === count2) {
      a++;
      b = triangle ? a : 0;
    }
  }
}

/**
 * A summed LinearStep (a readout) on stored covariances: Σ′ = scale·Σ_e Σ + shift,
 * Θ′ = scale·Σ_e Θ + (trainable ? Σ′ : 0), one value per pair.
 */
function sumChunk(args: ConvolutionArgs, chunk: number): void {
  const { nngp, ntk, out, rows, columns, scale, shift, trainable } = args;
  const entries = rows * columns;
  const from = Math.floor((args.pairs * chunk) / args.chunks);
  const to = Math.floor((args.pairs * (chunk + 1)) / args.chunks);
  for (let p = from; p < to; p++) {
    let totalS = 0, totalT = 0;
    for (let e = p * entries, end = e + entries; e < end; e++) totalS += nngp[e];
    if (ntk) for (let e = p * entries, end = e + entries; e < end; e++) totalT += ntk[e];
    if (ntk) writeSums(out, p, args.pairs + p, totalS, totalT + (trainable ? totalS : 0), scale, shift, trainable);
    else out[p] = scale * totalS + shift;
  }
}

const inputTask = defineTask('infinite.inputCovariance', inputChunk, [pairAt, scratch, expandColumns, multiplyAdd]);
const convolutionTask = defineTask('infinite.convolution', convolutionChunk, [scratch, rowStage, columnStage, finishPair, sigmaOnly]);
const reluTask = defineTask('infinite.relu', reluChunk, [pairAt, scratch, expandColumns, reluRow, reluRowExact, rowStage, columnStage, finishPair, writeLines, writeSums]);
const sumTask = defineTask('infinite.sum', sumChunk, [writeSums]);
const elementwiseTask = defineTask('infinite.elementwise', elementwiseChunk, []);
const reluFlatTask = defineTask('infinite.reluFlat', reluFlatChunk, [pairAt, scratch, reluRow, reluRowExact, writeLines]);

function expectLength(label: string, what: string, data: Data, size: number): void {
  if (data.length !== size) throw new Error(`cpu ${label}: ${what} has ${data.length} elements, expected ${size}`);
}

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
export function inputCovariance(x1: Data, x2: Data, channels: number, pairs: PairBlock, geometry: CovarianceGeometry, scale: number, out?: Data): Data {
  const { rows, columns, entries } = bandLayout(geometry);
  const plane = geometry.height * geometry.width;
  expectLength('inputCovariance', `x1 [${pairs.count1},${channels},${geometry.height},${geometry.width}]`, x1, pairs.count1 * channels * plane);
  expectLength('inputCovariance', `x2 [${pairs.count2},${channels},${geometry.height},${geometry.width}]`, x2, pairs.count2 * channels * plane);
  const float64 = isFloat64('inputCovariance', x1, x2);
  const { pairs: count, chunks, parallel } = split(pairCount(pairs), entries * channels);
  const args: InputArgs = {
    x1, x2, out: output('inputCovariance', count * entries, float64, out), channels, height: geometry.height, width: geometry.width, entries, count2: pairs.count2, triangle: pairs.triangle,
    rowFirst: rows.first, rowSecond: rows.second, columnFirst: columns.first, columnSecond: columns.second, scale, pairs: count, chunks,
  };
  if (count > 0) runParallel(inputTask, args, chunks, parallel);
  return args.out;
}

/** The neighbour tables of a step's filter: the band layout's (3×3) or all padding (no spatial mixing). */
function filterTables(layout: BandLayout, filter: LinearStep['filter']): Filter {
  const table = (neighbours: Int32Array, slot: number): Int32Array => filter === 3 ? neighbours.map((entry) => (entry < 0 ? slot : entry)) : new Int32Array(neighbours.length).fill(slot);
  const { rows, columns } = layout;
  return {
    rowPrevious: table(rows.previous, rows.size), rowNext: table(rows.next, rows.size),
    columnPrevious: table(columns.previous, columns.size), columnNext: table(columns.next, columns.size),
  };
}

function checkStep(label: string, step: LinearStep): void {
  if (step.filter !== 1 && step.filter !== 3 && step.filter !== 'sum') throw new Error(`cpu ${label}: step.filter must be 1, 3 or 'sum', got ${String(step.filter)}`);
}

/**
 * A linear layer on `count` pairs' covariances (InfiniteKernels.linear), a readout too (filter 'sum').
 * @example linear(nngp, ntk, pairs, geometry, { filter: 3, scale: 2 / 9, shift: 0, trainable: true }) // [Σ′; Θ′]
 */
export function linear(nngp: Data, ntk: Data | undefined, count: number, geometry: CovarianceGeometry, step: LinearStep, out?: Data): Data {
  checkStep('linear', step);
  const layout = bandLayout(geometry);
  const { rows, columns, entries } = layout;
  expectLength('linear', `nngp [${count},${rows.size},${columns.size}]`, nngp, count * entries);
  if (ntk) expectLength('linear', `ntk [${count},${rows.size},${columns.size}]`, ntk, count * entries);
  const float64 = isFloat64('linear', nngp, ntk);
  const { chunks, parallel } = split(count, entries * (ntk ? 2 : 1));
  const args: ConvolutionArgs = {
    ...filterTables(layout, step.filter), spatial: step.filter === 3, summed: step.filter === 'sum', nngp, ntk,
    out: output('linear', (ntk ? 2 : 1) * count * entriesAfter(layout, step), float64, out),
    rows: rows.size, columns: columns.size, scale: step.scale, shift: step.shift, trainable: step.trainable, pairs: count, chunks,
  };
  if (count > 0) runParallel(step.filter === 3 ? convolutionTask : step.filter === 'sum' ? sumTask : elementwiseTask, args, chunks, parallel);
  return args.out;
}

/**
 * The ReLU step of a block and the linear layer after it (InfiniteKernels.relu).
 * @example relu(nngp, ntk, deviations, deviations, { count1: 2, count2: 2, triangle: true }, geometry, { filter: 3, scale: 2 / 9, shift: 0, trainable: true })
 */
export function relu(nngp: Data, ntk: Data, deviations1: Data, deviations2: Data, pairs: PairBlock, geometry: CovarianceGeometry, step: LinearStep, out?: Data): Data {
  checkStep('relu', step);
  const layout = bandLayout(geometry);
  const { rows, columns, entries } = layout;
  const plane = geometry.height * geometry.width;
  const count = pairCount(pairs);
  expectLength('relu', `nngp [${count},${rows.size},${columns.size}]`, nngp, count * entries);
  expectLength('relu', `ntk [${count},${rows.size},${columns.size}]`, ntk, count * entries);
  expectLength('relu', `deviations1 [${pairs.count1},${geometry.height},${geometry.width}]`, deviations1, pairs.count1 * plane);
  expectLength('relu', `deviations2 [${pairs.count2},${geometry.height},${geometry.width}]`, deviations2, pairs.count2 * plane);
  const float64 = isFloat64('relu', nngp, ntk, deviations1, deviations2);
  const { chunks, parallel } = split(count, 8 * entries);
  // √a and 1/√a once per image and position, in float64 (a few thousand values; the pairs are many)
  const inverse = (deviations: Float64Array) => deviations.map((value) => (value > 0 ? 1 / value : 0));
  const wide1 = Float64Array.from(deviations1), inverses1 = inverse(wide1);
  const wide2 = deviations2 === deviations1 ? wide1 : Float64Array.from(deviations2), inverses2 = wide2 === wide1 ? inverses1 : inverse(wide2);
  const args: ReluArgs = {
    ...filterTables(layout, step.filter), spatial: step.filter === 3, summed: step.filter === 'sum', nngp, ntk,
    deviations1: wide1, inverses1, deviations2: wide2, inverses2,
    identity: rows.size === geometry.height && columns.size === geometry.width,
    out: output('relu', 2 * count * entriesAfter(layout, step), float64, out),
    height: geometry.height, width: geometry.width, rows: rows.size, columns: columns.size, count2: pairs.count2, triangle: pairs.triangle,
    rowFirst: rows.first, rowSecond: rows.second, columnFirst: columns.first, columnSecond: columns.second,
    scale: step.scale, shift: step.shift, trainable: step.trainable, pairs: count, chunks,
  };
  // one entry per pair, and no spatial mixing (a 1×1 image's patch sum is itself under zero padding)
  const flat = entries === 1 && (step.filter !== 3 || geometry.padding === 'zero');
  if (count > 0) runParallel(flat ? reluFlatTask : reluTask, args, chunks, parallel);
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
