/**
 * The chunk functions of the cpu's linear steps (InfiniteKernels.inputCovariance and linear):
 * Σ⁰ of a block, and a LinearStep (3×3 patch sum, elementwise, or a readout's weighted sum)
 * on stored covariances; the definitions they compute are in src/infinite/reference.ts. The
 * calling thread and the helper threads run them (threads.ts: helpers import this module).
 */
import type { Data } from '../../backend.ts';
import { defineTask } from '../threads.ts';
import {
  chunkRange,
  expandColumns,
  finishGroup,
  pairAt,
  patchSumScratch,
  rowStage,
  scratch,
  writeSums,
  type LinearArgs,
} from './common.ts';
import { wasmInputChunk, type WasmInput } from './wasm-input.ts';
import { pairBatch, WasmRows, type WasmRegions } from './wasm-rows.ts';

/** row[k] += u[at1 + k]·v[at2 + k]. */
function multiplyAdd(
  row: Float64Array,
  u: Float64Array,
  at1: number,
  v: Float64Array,
  at2: number,
  columns: number,
): void {
  for (let k = 0; k < columns; k++) row[k] += u[at1 + k] * v[at2 + k];
}

export interface InputArgs {
  x1: Data;
  x2: Data;
  out: Data;
  channels: number;
  height: number;
  width: number;
  entries: number;
  count2: number;
  triangle: boolean;
  rowFirst: Int32Array;
  rowSecond: Int32Array;
  columnFirst: Int32Array;
  columnSecond: Int32Array;
  scale: number;
  pairs: number;
  chunks: number;
  /** The images and regions for the wasm kernel (wasm-input.ts; float32), else TypeScript. */
  wasm?: WasmInput;
}

/** Σ⁰ for the chunk's pairs, one row entry (i, i′) at a time: Σ_c x1[c, i, j(k)]·x2[c, i′, j′(k)]. */
function inputChunk(args: InputArgs, chunk: number): void {
  if (args.wasm) {
    const shape = { ...args, columns: args.columnFirst.length, rows: args.rowFirst.length };
    return wasmInputChunk(args.wasm, args.out, shape, args.pairs, args.chunks, chunk);
  }
  const {
    x1,
    x2,
    out,
    channels,
    height,
    width,
    entries,
    count2,
    triangle,
    rowFirst,
    rowSecond,
    columnFirst,
    columnSecond,
    scale,
  } = args;
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
      for (let c = 0; c < channels; c++)
        multiplyAdd(
          row,
          expanded1,
          (c * height + rowFirst[r]) * columns,
          expanded2,
          (c * height + rowSecond[r]) * columns,
          columns,
        );
      const at = pair * entries + r * columns;
      for (let k = 0; k < columns; k++) out[at + k] = scale * row[k];
    }
    if (++b === count2) {
      a++;
      b = triangle ? a : 0;
    }
  }
}

export interface ConvolutionArgs extends LinearArgs {
  nngp: Data;
  ntk: Data | undefined;
  /** Regions for the wasm patch sum (wasm-rows.ts; float32, filter 3), else TypeScript. */
  wasm?: WasmRegions;
}

/** out[at + e] = scale·P(nngp)[at + e] + shift for one pair's covariance, without a Θ (the first layer, or variances). */
function sigmaOnly(nngp: Data, at: number, out: Data, args: LinearArgs, line: Float64Array, sums: Float64Array): void {
  const { columns, rowPrevious, rowNext, rowStarts, columnPrevious, columnNext, scale, shift } = args;
  for (let g = 0; g + 1 < rowStarts.length; g++) {
    const start = rowStarts[g],
      end = rowStarts[g + 1];
    for (let r = start; r < end; r++) {
      const from = at + r * columns,
        to = (r - start) * columns;
      for (let k = 0; k < columns; k++) line[k] = nngp[from + k];
      for (let k = 0; k < columns; k++) sums[to + k] = line[k] + line[columnPrevious[k]] + line[columnNext[k]];
    }
    for (let r = start; r < end; r++) {
      const to = (r - start) * columns,
        up = rowPrevious[r] * columns,
        down = rowNext[r] * columns,
        target = at + r * columns;
      for (let k = 0; k < columns; k++)
        out[target + k] = scale * (sums[to + k] + sums[up + k] + sums[down + k]) + shift;
    }
  }
}

/** A 3×3 LinearStep on stored covariances, for the chunk's pairs (without Θ: Σ only, into out[0 … pairs)). */
function convolutionChunk(args: ConvolutionArgs, chunk: number): void {
  if (args.wasm) {
    const entries = args.rows * args.columns;
    const wasm = new WasmRows(args.wasm, entries * pairBatch(entries), 0, args.columns, args.groupRows);
    try {
      wasmConvolution(args, chunk, wasm);
    } finally {
      wasm.release();
    }
    return;
  }
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
      const start = rowStarts[g],
        end = rowStarts[g + 1];
      for (let r = start; r < end; r++) {
        const at = pair * entries + r * columns;
        for (let k = 0; k < columns; k++) lineS[k] = nngp[at + k];
        if (trainable) for (let k = 0; k < columns; k++) lineT[k] = ntk[at + k] + lineS[k];
        else for (let k = 0; k < columns; k++) lineT[k] = ntk[at + k];
        rowStage(lineS, lineT, 0, columnPrevious, columnNext, sumsS, sumsT, (r - start) * columns, columns);
      }
      finishGroup(args, pair, start, end, sumsS, sumsT);
    }
  }
}

/**
 * convolutionChunk through the wasm lines and patch sum (the same additions, wasm-rows.ts), with
 * Θ or Σ only, pairBatch(entries) consecutive pairs copied in and out at once.
 */
function wasmConvolution(args: ConvolutionArgs, chunk: number, wasm: WasmRows): void {
  const { nngp, ntk, out, rows, columns, rowStarts, scale, shift, trainable } = args;
  const entries = rows * columns;
  const [from, to] = chunkRange(args.pairs, args.chunks, chunk);
  for (let first = from; first < to; first += pairBatch(entries)) {
    const count = Math.min(to - first, pairBatch(entries)) * entries;
    if (ntk) wasm.load(nngp, ntk, first * entries, count);
    else wasm.nngp.set(nngp.subarray(first * entries, first * entries + count));
    for (let offset = 0; offset < count; offset += entries) {
      wasm.select(offset);
      for (let g = 0; g + 1 < rowStarts.length; g++) {
        const start = rowStarts[g],
          end = rowStarts[g + 1];
        if (ntk) {
          wasm.widenRows(start, end, columns, trainable);
          wasm.patchSum(start, end, columns, scale, shift, trainable ? shift : 0);
        } else {
          wasm.widenSigmaRows(start, end, columns);
          wasm.patchSumSigma(start, end, columns, scale, shift);
        }
      }
    }
    if (ntk) wasm.store(out, first * entries, (args.pairs + first) * entries, count);
    else wasm.storeSigma(out, first * entries, count);
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
  const from = first * entries,
    to = last * entries;
  const thetaAt = args.pairs * entries;
  const add = trainable ? 1 : 0;
  for (let e = from; e < to; e++) out[e] = scale * nngp[e] + shift;
  if (ntk) for (let e = from; e < to; e++) out[thetaAt + e] = scale * ntk[e] + add * out[e];
}

/** Σ_{r,k} rowWeights[r]·columnWeights[k]·values[at + r·columns + k] (plain sum without weights). */
function weightedSum(
  values: Data,
  at: number,
  rows: number,
  columns: number,
  rowWeights: Float64Array | undefined,
  columnWeights: Float64Array | undefined,
): number {
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

export const inputTask = defineTask('infinite.inputCovariance', import.meta.url, inputChunk);
export const convolutionTask = defineTask('infinite.convolution', import.meta.url, convolutionChunk);
export const sumTask = defineTask('infinite.sum', import.meta.url, sumChunk);
export const elementwiseTask = defineTask('infinite.elementwise', import.meta.url, elementwiseChunk);
