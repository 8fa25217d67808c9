/**
 * A linear layer's step on the cpu (InfiniteKernels.linear; equations in gpu/infinite.ts):
 * the 3×3 patch sum as a box filter along the band layout's diagonals, the plain affine map
 * (filter 1), and the readout's (weighted) sum over a pair's entries. The patch sum runs one
 * row group (one offset δ) at a time, so the row sums it keeps stay in the cache: a 16×16
 * GAP pair holds 65,536 entries, a group 256.
 */
import type { Data } from '../../backend.ts';
import { bandLayout, checkLinearStep, entriesAfter, type BandLayout, type CovarianceGeometry, type LinearStep } from '../../infinite.ts';
import { defineTask, runParallel } from '../threads.ts';
import { chunkRange, expectLength, isFloat64, output, scratch, split, writeSums } from './shared.ts';

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

/** The filter tables of `step` on `layout` (see Filter). */
export function filterTables(layout: BandLayout, step: LinearStep): Filter {
  const { rows, columns } = layout;
  const spatial = step.filter === 3;
  const groupRows = Math.max(...Array.from({ length: rows.offsets }, (_, g) => rows.starts[g + 1] - rows.starts[g]));
  const groupOf = new Int32Array(rows.size);
  for (let g = 0; g < rows.offsets; g++) groupOf.fill(g, rows.starts[g], rows.starts[g + 1]);
  const rowTable = (neighbours: Int32Array) => neighbours.map((entry, r) => (spatial && entry >= 0 ? entry - rows.starts[groupOf[r]] : groupRows));
  const columnTable = (neighbours: Int32Array) => neighbours.map((entry) => (spatial && entry >= 0 ? entry : columns.size));
  return {
    rowPrevious: rowTable(rows.previous), rowNext: rowTable(rows.next), rowStarts: rows.starts, groupRows,
    columnPrevious: columnTable(columns.previous), columnNext: columnTable(columns.next),
    rowWeights: step.weights?.rows, columnWeights: step.weights?.columns,
  };
}

export interface LinearArgs extends Filter {
  out: Data; rows: number; columns: number; scale: number; shift: number; trainable: boolean; pairs: number; chunks: number;
  /** filter 3 (else no neighbours, so the lines are written out or summed directly). */
  spatial: boolean;
  /** filter 'sum': one value per pair, the scaled (weighted) sum of its entries. */
  summed: boolean;
}

/** sums[to + k] = line[k] + line[previous k] + line[next k] for the Σ and Θ lines (line[columns] is the zero padding slot). */
export function rowStage(lineS: Float64Array, lineT: Float64Array, previous: Int32Array, next: Int32Array, sumsS: Float64Array, sumsT: Float64Array, to: number, columns: number): void {
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
export function finishGroup(args: LinearArgs, pair: number, start: number, end: number, sumsS: Float64Array, sumsT: Float64Array): void {
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
export function patchSumScratch(columns: number, groupRows: number): Float64Array[] {
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
export function weightedSum(values: Data, at: number, rows: number, columns: number, rowWeights: Float64Array | undefined, columnWeights: Float64Array | undefined): number {
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

const convolutionTask = defineTask('infinite.convolution', convolutionChunk, [chunkRange, scratch, patchSumScratch, rowStage, finishGroup, sigmaOnly]);
const sumTask = defineTask('infinite.sum', sumChunk, [chunkRange, weightedSum, writeSums]);
const elementwiseTask = defineTask('infinite.elementwise', elementwiseChunk, [chunkRange]);

/**
 * A linear layer on `count` pairs' covariances (InfiniteKernels.linear), a readout too (filter 'sum').
 * @example linear(nngp, ntk, pairs, geometry, { filter: 3, scale: 2 / 9, shift: 0, trainable: true }) // [Σ′; Θ′]
 */
export function linear(nngp: Data, ntk: Data | undefined, count: number, geometry: CovarianceGeometry, step: LinearStep, out?: Data): Data {
  const layout = bandLayout(geometry);
  checkLinearStep('cpu linear', step, layout);
  const { rows, columns, entries } = layout;
  expectLength('linear', `nngp [${count},${rows.size},${columns.size}]`, nngp, count * entries);
  if (ntk) expectLength('linear', `ntk [${count},${rows.size},${columns.size}]`, ntk, count * entries);
  const float64 = isFloat64('linear', nngp, ntk);
  const { chunks, parallel } = split(count, entries * (ntk ? 2 : 1));
  const args: ConvolutionArgs = {
    ...filterTables(layout, step), spatial: step.filter === 3, summed: step.filter === 'sum', nngp, ntk,
    out: output('linear', (ntk ? 2 : 1) * count * entriesAfter(layout, step), float64, out),
    rows: rows.size, columns: columns.size, scale: step.scale, shift: step.shift, trainable: step.trainable, pairs: count, chunks,
  };
  if (count > 0) runParallel(step.filter === 3 ? convolutionTask : step.filter === 'sum' ? sumTask : elementwiseTask, args, chunks, parallel);
  return args.out;
}
