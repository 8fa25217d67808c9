/**
 * The chunk functions of the cpu's ReLU step fused with the LinearStep after it
 * (InfiniteKernels.relu); the step they compute is written out in src/infinite/reference.ts
 * (reluStep). The calling thread and the helper threads run them (threads.ts: helpers import
 * this module).
 *
 * float32 storage takes arccos from a polynomial (Abramowitz & Stegun 4.4.46:
 * arccos|λ| = √(1 − |λ|)·p(|λ|), |error| ≤ 2·10⁻⁸, below float32's resolution of the
 * angle); float64 storage takes Math.acos.
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
import { pairBatch, WasmRows, type WasmRegions } from './wasm-rows.ts';

export interface ReluArgs extends LinearArgs {
  nngp: Data;
  ntk: Data;
  height: number;
  width: number;
  count2: number;
  triangle: boolean;
  /** √a per image and position in float64, and 1/√a (0 for a zero deviation, so λ = 0). */
  deviations1: Float64Array;
  inverses1: Float64Array;
  deviations2: Float64Array;
  inverses2: Float64Array;
  rowFirst: Int32Array;
  rowSecond: Int32Array;
  columnFirst: Int32Array;
  columnSecond: Int32Array;
  /** The column entries are the positions j = j′ (window 0), so the deviations are read in place. */
  identity: boolean;
  /** Regions for the wasm rows (wasm-rows.ts), when they run; else the TypeScript rows do. */
  wasm?: WasmRegions;
}

/**
 * π − arccos λ for float32 storage: arcsin|λ| = π/2 − √(1 − |λ|)·p(|λ|) (A&S 4.4.46), p by
 * Estrin's scheme (shorter dependency chains than Horner's, ≈ 6 % faster here).
 */
function polynomialComplement(lambda: number): number {
  const x = Math.abs(lambda);
  const x2 = x * x,
    x4 = x2 * x2;
  const p =
    1.570796305 -
    0.2145988016 * x +
    x2 * (0.0889789874 - 0.0501743046 * x) +
    x4 * (0.030891881 - 0.0170881256 * x + x2 * (0.0066700901 - 0.0012624911 * x));
  const arcsine = 1.5707963267948966 - Math.sqrt(1 - x) * p;
  return 1.5707963267948966 + (lambda < 0 ? -arcsine : arcsine);
}

/** λ = Σ·(1/√a)(1/√b) clipped to [−1, 1]. */
function clipped(ratio: number): number {
  return ratio > 1 ? 1 : ratio < -1 ? -1 : ratio;
}

/**
 * The ReLU step of one entry, given λ, complement = π − arccos λ and norm = √a√b:
 * lineS[k] = K, lineT[k] = Θ·K̇ + add·K, K and K̇ of reluStep in src/infinite/reference.ts at
 * weight 1 (√(ab)·κ1(λ)/2 and κ0(λ)/2, with 1/(2π) folded in).
 */
function reluEntry(
  lineS: Float64Array,
  lineT: Float64Array,
  k: number,
  lambda: number,
  complement: number,
  norm: number,
  theta: number,
  add: number,
): void {
  const nngpOut = norm * (lambda * complement + Math.sqrt(1 - lambda * lambda)) * 0.15915494309189535;
  lineS[k] = nngpOut;
  lineT[k] = theta * complement * 0.15915494309189535 + add * nngpOut;
}

/**
 * One row entry of the ReLU step: reluEntry for k < columns, λ from Σ and the inverse
 * deviations 1/√a, 1/√b, arccos exact (float64 storage) or polynomial (float32). One loop per
 * arccos, since a branch inside the loop costs ≈ 5 %; V8 inlines the helpers into both.
 * Exported as the definition the wasm row (gpu/cpu/wasm/relu-row.ts) is fuzzed against.
 * @example reluRow(nngp, ntk, 0, true, false, columns, lineS, lineT, dev1, inv1, 0, dev2, inv2, 0)
 */
export function reluRow(
  nngp: Data,
  ntk: Data,
  at: number,
  addK: boolean,
  exact: boolean,
  columns: number,
  lineS: Float64Array,
  lineT: Float64Array,
  deviation1: Float64Array,
  inverse1: Float64Array,
  at1: number,
  deviation2: Float64Array,
  inverse2: Float64Array,
  at2: number,
): void {
  const add = addK ? 1 : 0;
  if (exact) {
    for (let k = 0; k < columns; k++) {
      const lambda = clipped(nngp[at + k] * inverse1[at1 + k] * inverse2[at2 + k]);
      reluEntry(
        lineS,
        lineT,
        k,
        lambda,
        Math.PI - Math.acos(lambda),
        deviation1[at1 + k] * deviation2[at2 + k],
        ntk[at + k],
        add,
      );
    }
  } else {
    for (let k = 0; k < columns; k++) {
      const lambda = clipped(nngp[at + k] * inverse1[at1 + k] * inverse2[at2 + k]);
      reluEntry(
        lineS,
        lineT,
        k,
        lambda,
        polynomialComplement(lambda),
        deviation1[at1 + k] * deviation2[at2 + k],
        ntk[at + k],
        add,
      );
    }
  }
}

/** out[at + k] = scale·lineS[from + k] + shift, out[thetaAt + k] = scale·lineT[from + k] + thetaShift (a LinearStep without neighbours). */
function writeLines(
  lineS: Float64Array,
  lineT: Float64Array,
  from: number,
  out: Data,
  at: number,
  thetaAt: number,
  scale: number,
  shift: number,
  thetaShift: number,
  columns: number,
): void {
  for (let k = 0; k < columns; k++) {
    out[at + k] = scale * lineS[from + k] + shift;
    out[thetaAt + k] = scale * lineT[from + k] + thetaShift;
  }
}

/** Σ_k weights[k]·line[from + k] (the plain sum without weights). */
function lineSum(line: Float64Array, from: number, weights: Float64Array | undefined, columns: number): number {
  let total = 0;
  if (weights) for (let k = 0; k < columns; k++) total += weights[k] * line[from + k];
  else for (let k = 0; k < columns; k++) total += line[from + k];
  return total;
}

/** The ReLU step and the LinearStep after it, for the chunk's pairs (InfiniteKernels.relu). */
function reluChunk(args: ReluArgs, chunk: number): void {
  const entries = args.rows * args.columns;
  const wasm =
    args.wasm &&
    new WasmRows(args.wasm, entries * pairBatch(entries), args.height * args.columns, args.columns, args.groupRows);
  try {
    reluPairs(args, chunk, wasm);
  } finally {
    wasm?.release();
  }
}

/** reluChunk's loop, with the rows in wasm when `wasm` holds a claimed region. */
function reluPairs(args: ReluArgs, chunk: number, wasm: WasmRows | undefined): void {
  const {
    nngp,
    ntk,
    deviations1,
    deviations2,
    inverses1,
    inverses2,
    out,
    height,
    width,
    rows,
    columns,
    count2,
    triangle,
    trainable,
    spatial,
    summed,
  } = args;
  const {
    rowFirst,
    rowSecond,
    columnFirst,
    columnSecond,
    columnPrevious,
    columnNext,
    rowStarts,
    groupRows,
    rowWeights,
    columnWeights,
    identity,
  } = args;
  const exact = out instanceof Float64Array;
  const entries = rows * columns;
  const [scratchS, scratchT, sumsS, sumsT] = patchSumScratch(columns, groupRows);
  // the wasm rows read the pair's Σ, Θ and deviations from their region and write the lines there
  const lineS = wasm ? wasm.lineS : scratchS,
    lineT = wasm ? wasm.lineT : scratchT;
  // the deviations along the column entries, [height, columns] per image (in place for window 0;
  // the wasm rows read every image's, laid out once per call in their memory)
  const deviation1 = wasm?.deviation1 ?? (identity ? deviations1 : scratch(4, height * columns)),
    inverse1 = wasm?.inverse1 ?? (identity ? inverses1 : scratch(5, height * columns));
  const deviation2 = wasm?.deviation2 ?? (identity ? deviations2 : scratch(6, height * columns)),
    inverse2 = wasm?.inverse2 ?? (identity ? inverses2 : scratch(7, height * columns));
  // in place: window 0, or the wasm rows' copies of every image's deviations along the columns
  const inPlace = identity || args.wasm?.deviations !== undefined;
  const plane = inPlace ? height * columns : 0;
  const [from, to] = chunkRange(args.pairs, args.chunks, chunk);
  let batchStart = from,
    batchEnd = Math.min(to, from + pairBatch(entries));
  let [a, b] = pairAt(from, count2, triangle);
  let expandedA = -1;
  for (let pair = from; pair < to; pair++) {
    if (!inPlace && a !== expandedA) {
      expandColumns(deviations1, a, 1, height, width, columnFirst, deviation1);
      expandColumns(inverses1, a, 1, height, width, columnFirst, inverse1);
      expandedA = a;
    }
    if (!inPlace) {
      expandColumns(deviations2, b, 1, height, width, columnSecond, deviation2);
      expandColumns(inverses2, b, 1, height, width, columnSecond, inverse2);
    }
    // the wasm rows copy pairBatch(entries) consecutive pairs in (and their patch sums out) at once
    if (wasm && pair === batchStart) wasm.load(nngp, ntk, pair * entries, (batchEnd - pair) * entries);
    wasm?.select((pair - batchStart) * entries);
    const base1 = a * plane,
      base2 = b * plane;
    let totalS = 0,
      totalT = 0;
    for (let g = 0; g + 1 < rowStarts.length; g++) {
      const start = rowStarts[g],
        end = rowStarts[g + 1];
      // the wasm rows write the group's lines (columns + 1) apart; the TypeScript row one line at 0
      if (wasm) wasm.computeRows(start, end, base1, base2, columns, trainable);
      if (wasm && spatial) {
        wasm.patchSum(start, end, columns, args.scale, args.shift, trainable ? args.shift : 0);
        continue;
      }
      for (let r = start; r < end; r++) {
        const at = pair * entries + r * columns;
        const line = wasm ? (r - start) * (columns + 1) : 0;
        if (!wasm)
          reluRow(
            nngp,
            ntk,
            at,
            trainable,
            exact,
            columns,
            lineS,
            lineT,
            deviation1,
            inverse1,
            base1 + rowFirst[r] * columns,
            deviation2,
            inverse2,
            base2 + rowSecond[r] * columns,
          );
        if (spatial)
          rowStage(lineS, lineT, line, columnPrevious, columnNext, sumsS, sumsT, (r - start) * columns, columns);
        else if (summed) {
          const weight = rowWeights ? rowWeights[r] : 1;
          totalS += weight * lineSum(lineS, line, columnWeights, columns);
          totalT += weight * lineSum(lineT, line, columnWeights, columns);
        } else
          writeLines(
            lineS,
            lineT,
            line,
            out,
            at,
            args.pairs * entries + at,
            args.scale,
            args.shift,
            trainable ? args.shift : 0,
            columns,
          );
      }
      if (spatial) finishGroup(args, pair, start, end, sumsS, sumsT);
    }
    if (wasm && pair + 1 === batchEnd) {
      const count = (batchEnd - batchStart) * entries;
      if (spatial) wasm.store(out, batchStart * entries, (args.pairs + batchStart) * entries, count);
      batchStart = batchEnd;
      batchEnd = Math.min(to, batchEnd + pairBatch(entries));
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
  const wasm = args.wasm && new WasmRows(args.wasm, args.count2, args.count2, args.count2, 1);
  try {
    reluFlatPairs(args, chunk, wasm);
  } finally {
    wasm?.release();
  }
}

/** reluFlatChunk's loop, with the rows in wasm when `wasm` holds a claimed region. */
function reluFlatPairs(args: ReluArgs, chunk: number, wasm: WasmRows | undefined): void {
  const { nngp, ntk, deviations1, deviations2, inverses1, inverses2, out, count2, triangle, scale, shift, trainable } =
    args;
  const exact = out instanceof Float64Array;
  const lineS = wasm?.lineS ?? scratch(0, count2),
    lineT = wasm?.lineT ?? scratch(1, count2);
  const deviation1 = wasm?.deviation1 ?? scratch(4, count2),
    inverse1 = wasm?.inverse1 ?? scratch(5, count2);
  let [pair, to] = chunkRange(args.pairs, args.chunks, chunk);
  let [a, b] = pairAt(pair, count2, triangle);
  while (pair < to) {
    const run = Math.min(to - pair, count2 - b);
    deviation1.fill(deviations1[a], 0, run);
    inverse1.fill(inverses1[a], 0, run);
    if (wasm) {
      wasm.load(nngp, ntk, pair, run);
      wasm.deviation2.set(deviations2.subarray(b, b + run));
      wasm.inverse2.set(inverses2.subarray(b, b + run));
      wasm.compute(0, 0, 0, run, trainable);
    } else
      reluRow(nngp, ntk, pair, trainable, exact, run, lineS, lineT, deviation1, inverse1, 0, deviations2, inverses2, b);
    writeLines(lineS, lineT, 0, out, pair, args.pairs + pair, scale, shift, trainable ? shift : 0, run);
    pair += run;
    b += run;
    if (b === count2) {
      a++;
      b = triangle ? a : 0;
    }
  }
}

export const reluTask = defineTask('infinite.relu', import.meta.url, reluChunk);
export const reluFlatTask = defineTask('infinite.reluFlat', import.meta.url, reluFlatChunk);
