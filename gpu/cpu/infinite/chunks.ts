/**
 * The loops of the cpu's covariance steps (gpu/cpu/infinite/), each a chunk of a block's pairs
 * that the calling thread or a helper thread runs (threads.ts). Helpers run them from their
 * source text, so everything here uses only its arguments and the functions of this file:
 * a name imported from another module would be rewritten by the loader (tsx, vitest) into a
 * module reference that does not exist in the helper.
 *
 * float32 storage takes arccos from a polynomial (Abramowitz & Stegun 4.4.46:
 * arccos|λ| = √(1 − |λ|)·p(|λ|), |error| ≤ 2·10⁻⁸, below float32's resolution of the
 * angle); float64 storage takes Math.acos.
 */
import type { Data } from '../../backend.ts';
import { defineTask } from '../threads.ts';

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

/** The chunk's pairs [from, to) (every chunk function cuts its share this way). */
function chunkRange(pairs: number, chunks: number, chunk: number): [number, number] {
  return [Math.floor((pairs * chunk) / chunks), Math.floor((pairs * (chunk + 1)) / chunks)];
}

/**
 * target[(plane·height + i)·columns + k] = source[(first + plane)·height·width + i·width + column[k]]
 * for `planes` consecutive planes: a block's image rows laid out along the band layout's
 * column entries, so the inner loops read contiguous memory.
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

/** out[at] = scale·totalS + shift and out[thetaAt] = scale·totalT (+ shift when trainable): a summed LinearStep. */
function writeSums(out: Data, at: number, thetaAt: number, totalS: number, totalT: number, scale: number, shift: number, trainable: boolean): void {
  out[at] = scale * totalS + shift;
  out[thetaAt] = scale * totalT + (trainable ? shift : 0);
}

/** row[k] += u[at1 + k]·v[at2 + k]. */
function multiplyAdd(row: Float64Array, u: Float64Array, at1: number, v: Float64Array, at2: number, columns: number): void {
  for (let k = 0; k < columns; k++) row[k] += u[at1 + k] * v[at2 + k];
}

export interface InputArgs {
  x1: Data; x2: Data; out: Data; channels: number; height: number; width: number; entries: number; count2: number; triangle: boolean;
  rowFirst: Int32Array; rowSecond: Int32Array; columnFirst: Int32Array; columnSecond: Int32Array; scale: number; pairs: number; chunks: number;
}

/** Σ⁰ for the chunk's pairs, one row entry (i, i′) at a time: Σ_c x1[c, i, j(k)]·x2[c, i′, j′(k)]. */
function inputChunk(args: InputArgs, chunk: number): void {
  const { x1, x2, out, channels, height, width, entries, count2, triangle, rowFirst, rowSecond, columnFirst, columnSecond, scale } = args;
  const columns = columnFirst.length;
  const [from, to] = chunkRange(args.pairs, args.chunks, chunk);
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

/**
 * The neighbour tables of a step's filter. Rows: each row entry's neighbours as an index within
 * its group (starts[g] … starts[g + 1]), padding redirected to row `groupRows` (a zero row after
 * the largest group); columns: padding redirected to the zero slot `columns`. Without a 3×3
 * filter every neighbour is padding.
 */
export interface Filter {
  rowPrevious: Int32Array; rowNext: Int32Array; rowStarts: Int32Array; groupRows: number;
  columnPrevious: Int32Array; columnNext: Int32Array;
  /** filter 'sum' with weights: each entry's weight is rowWeights[r]·columnWeights[k]. */
  rowWeights: Float64Array | undefined; columnWeights: Float64Array | undefined;
}

export interface LinearArgs extends Filter {
  out: Data; rows: number; columns: number; scale: number; shift: number; trainable: boolean; pairs: number; chunks: number;
  /** filter 3 (else no neighbours, so the lines are written out or summed directly). */
  spatial: boolean;
  /** filter 'sum': one value per pair, the scaled (weighted) sum of its entries. */
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
 * The second half of the patch sum for the rows [start, end) of one group, once rowStage has
 * put their row sums in sumsS / sumsT (row r at (r − start)·columns; the row after the largest
 * group is zero): Σ′ = scale·F(Σ) + shift at out[pair], Θ′ = scale·F(Θ [+ Σ]) [+ shift] at
 * out[pairs + pair].
 */
function finishGroup(args: LinearArgs, pair: number, start: number, end: number, sumsS: Float64Array, sumsT: Float64Array): void {
  const { out, rows, columns, rowPrevious, rowNext, scale, shift, trainable } = args;
  const entries = rows * columns;
  const thetaShift = trainable ? shift : 0;
  for (let r = start; r < end; r++) {
    const at = (r - start) * columns, up = rowPrevious[r] * columns, down = rowNext[r] * columns;
    const target = pair * entries + r * columns, thetaTarget = (args.pairs + pair) * entries + r * columns;
    for (let k = 0; k < columns; k++) {
      out[target + k] = scale * (sumsS[at + k] + sumsS[up + k] + sumsS[down + k]) + shift;
      out[thetaTarget + k] = scale * (sumsT[at + k] + sumsT[up + k] + sumsT[down + k]) + thetaShift;
    }
  }
}

export interface ConvolutionArgs extends LinearArgs { nngp: Data; ntk: Data | undefined }

/** out[at + e] = scale·P(nngp)[at + e] + shift for one pair's covariance, without a Θ (the first layer, or variances). */
function sigmaOnly(nngp: Data, at: number, out: Data, args: LinearArgs, line: Float64Array, sums: Float64Array): void {
  const { columns, rowPrevious, rowNext, rowStarts, columnPrevious, columnNext, scale, shift } = args;
  for (let g = 0; g + 1 < rowStarts.length; g++) {
    const start = rowStarts[g], end = rowStarts[g + 1];
    for (let r = start; r < end; r++) {
      const from = at + r * columns, to = (r - start) * columns;
      for (let k = 0; k < columns; k++) line[k] = nngp[from + k];
      for (let k = 0; k < columns; k++) sums[to + k] = line[k] + line[columnPrevious[k]] + line[columnNext[k]];
    }
    for (let r = start; r < end; r++) {
      const to = (r - start) * columns, up = rowPrevious[r] * columns, down = rowNext[r] * columns, target = at + r * columns;
      for (let k = 0; k < columns; k++) out[target + k] = scale * (sums[to + k] + sums[up + k] + sums[down + k]) + shift;
    }
  }
}

/**
 * The patch sum's scratch (slots 0–3): a line of Σ and of Θ (columns + 1, the last the zero
 * padding slot) and their row sums for one row group (groupRows + 1 rows, the last zero).
 */
function patchSumScratch(columns: number, groupRows: number): Float64Array[] {
  const lineS = scratch(0, columns + 1), lineT = scratch(1, columns + 1);
  const sumsS = scratch(2, (groupRows + 1) * columns), sumsT = scratch(3, (groupRows + 1) * columns);
  lineS[columns] = lineT[columns] = 0;
  sumsS.fill(0, groupRows * columns);
  sumsT.fill(0, groupRows * columns);
  return [lineS, lineT, sumsS, sumsT];
}

/** A 3×3 LinearStep on stored covariances, for the chunk's pairs (without Θ: Σ only, into out[0 … pairs)). */
function convolutionChunk(args: ConvolutionArgs, chunk: number): void {
  const { nngp, ntk, rows, columns, rowStarts, groupRows, columnPrevious, columnNext, trainable } = args;
  const entries = rows * columns;
  const [lineS, lineT, sumsS, sumsT] = patchSumScratch(columns, groupRows);
  const [from, to] = chunkRange(args.pairs, args.chunks, chunk);
  for (let pair = from; pair < to; pair++) {
    if (!ntk) {
      sigmaOnly(nngp, pair * entries, args.out, args, lineS, sumsS);
      continue;
    }
    for (let g = 0; g + 1 < rowStarts.length; g++) {
      const start = rowStarts[g], end = rowStarts[g + 1];
      for (let r = start; r < end; r++) {
        const at = pair * entries + r * columns;
        for (let k = 0; k < columns; k++) lineS[k] = nngp[at + k];
        if (trainable) for (let k = 0; k < columns; k++) lineT[k] = ntk[at + k] + lineS[k];
        else for (let k = 0; k < columns; k++) lineT[k] = ntk[at + k];
        rowStage(lineS, lineT, columnPrevious, columnNext, sumsS, sumsT, (r - start) * columns, columns);
      }
      finishGroup(args, pair, start, end, sumsS, sumsT);
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
  const [first, last] = chunkRange(args.pairs, args.chunks, chunk);
  const from = first * entries, to = last * entries;
  const thetaAt = args.pairs * entries;
  const add = trainable ? 1 : 0;
  for (let e = from; e < to; e++) out[e] = scale * nngp[e] + shift;
  if (ntk) for (let e = from; e < to; e++) out[thetaAt + e] = scale * ntk[e] + add * out[e];
}

/** Σ_{r,k} rowWeights[r]·columnWeights[k]·values[at + r·columns + k] (plain sum without weights). */
function weightedSum(values: Data, at: number, rows: number, columns: number, rowWeights: Float64Array | undefined, columnWeights: Float64Array | undefined): number {
  let total = 0;
  if (!rowWeights || !columnWeights) {
    for (let e = at, end = at + rows * columns; e < end; e++) total += values[e];
    return total;
  }
  for (let r = 0; r < rows; r++) {
    let line = 0;
    for (let k = 0, e = at + r * columns; k < columns; k++, e++) line += columnWeights[k] * values[e];
    total += rowWeights[r] * line;
  }
  return total;
}

/**
 * A summed LinearStep (a readout) on stored covariances: Σ′ = scale·Σ_e w_e·Σ + shift,
 * Θ′ = scale·Σ_e w_e·Θ + (trainable ? Σ′ : 0), one value per pair.
 */
function sumChunk(args: ConvolutionArgs, chunk: number): void {
  const { nngp, ntk, out, rows, columns, scale, shift, trainable, rowWeights, columnWeights } = args;
  const entries = rows * columns;
  const [from, to] = chunkRange(args.pairs, args.chunks, chunk);
  for (let p = from; p < to; p++) {
    const totalS = weightedSum(nngp, p * entries, rows, columns, rowWeights, columnWeights);
    if (!ntk) {
      out[p] = scale * totalS + shift;
      continue;
    }
    const totalT = weightedSum(ntk, p * entries, rows, columns, rowWeights, columnWeights);
    writeSums(out, p, args.pairs + p, totalS, totalT + (trainable ? totalS : 0), scale, shift, trainable);
  }
}


export interface ReluArgs extends LinearArgs {
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
    // arcsin|λ| = π/2 − arccos|λ|; p(x) by Estrin's scheme (shorter dependency chains than Horner's, ≈ 6 % faster here)
    const x2 = x * x, x4 = x2 * x2;
    const p = (1.5707963050 - 0.2145988016 * x) + x2 * (0.0889789874 - 0.0501743046 * x)
      + x4 * ((0.0308918810 - 0.0170881256 * x) + x2 * (0.0066700901 - 0.0012624911 * x));
    const arcsine = 1.5707963267948966 - Math.sqrt(1 - x) * p;
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

/** Σ_k weights[k]·line[k] (the plain sum without weights). */
function lineSum(line: Float64Array, weights: Float64Array | undefined, columns: number): number {
  let total = 0;
  if (weights) for (let k = 0; k < columns; k++) total += weights[k] * line[k];
  else for (let k = 0; k < columns; k++) total += line[k];
  return total;
}

/** The ReLU step and the LinearStep after it, for the chunk's pairs (InfiniteKernels.relu). */
function reluChunk(args: ReluArgs, chunk: number): void {
  const { nngp, ntk, deviations1, deviations2, inverses1, inverses2, out, height, width, rows, columns, count2, triangle, trainable, spatial, summed } = args;
  const { rowFirst, rowSecond, columnFirst, columnSecond, columnPrevious, columnNext, rowStarts, groupRows, rowWeights, columnWeights, identity } = args;
  const row = out instanceof Float64Array ? reluRowExact : reluRow;
  const entries = rows * columns;
  const [lineS, lineT, sumsS, sumsT] = patchSumScratch(columns, groupRows);
  // the deviations along the column entries, [height, columns] per image (in place for window 0)
  const deviation1 = identity ? deviations1 : scratch(4, height * columns), inverse1 = identity ? inverses1 : scratch(5, height * columns);
  const deviation2 = identity ? deviations2 : scratch(6, height * columns), inverse2 = identity ? inverses2 : scratch(7, height * columns);
  const plane = identity ? height * width : 0;
  const [from, to] = chunkRange(args.pairs, args.chunks, chunk);
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
    for (let g = 0; g + 1 < rowStarts.length; g++) {
      const start = rowStarts[g], end = rowStarts[g + 1];
      for (let r = start; r < end; r++) {
        const at = pair * entries + r * columns;
        row(nngp, ntk, at, trainable, columns, lineS, lineT, deviation1, inverse1, base1 + rowFirst[r] * columns, deviation2, inverse2, base2 + rowSecond[r] * columns);
        if (spatial) rowStage(lineS, lineT, columnPrevious, columnNext, sumsS, sumsT, (r - start) * columns, columns);
        else if (summed) {
          const weight = rowWeights ? rowWeights[r] : 1;
          totalS += weight * lineSum(lineS, columnWeights, columns);
          totalT += weight * lineSum(lineT, columnWeights, columns);
        } else writeLines(lineS, lineT, out, at, args.pairs * entries + at, args.scale, args.shift, trainable ? args.shift : 0, columns);
      }
      if (spatial) finishGroup(args, pair, start, end, sumsS, sumsT);
    }
    if (summed) writeSums(out, pair, args.pairs + pair, totalS, totalT, args.scale, args.shift, trainable);
    if (++b === count2) {
      a++;
      b = triangle ? a : 0;
    }
  }
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
  let [pair, to] = chunkRange(args.pairs, args.chunks, chunk);
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

/** The tasks, one per chunk function, with the helpers each one calls. */
export const inputTask = defineTask('infinite.inputCovariance', inputChunk, [chunkRange, pairAt, scratch, expandColumns, multiplyAdd]);
export const convolutionTask = defineTask('infinite.convolution', convolutionChunk, [chunkRange, scratch, patchSumScratch, rowStage, finishGroup, sigmaOnly]);
export const sumTask = defineTask('infinite.sum', sumChunk, [chunkRange, weightedSum, writeSums]);
export const elementwiseTask = defineTask('infinite.elementwise', elementwiseChunk, [chunkRange]);
export const reluTask = defineTask('infinite.relu', reluChunk, [chunkRange, pairAt, scratch, patchSumScratch, expandColumns, reluRow, reluRowExact, rowStage, finishGroup, writeLines, lineSum, writeSums]);
export const reluFlatTask = defineTask('infinite.reluFlat', reluFlatChunk, [chunkRange, pairAt, scratch, reluRow, reluRowExact, writeLines]);
