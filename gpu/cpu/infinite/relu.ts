/**
 * The ReLU step of the infinite-width kernels on the cpu, fused with the linear layer after it
 * (InfiniteKernels.relu; equations in gpu/infinite.ts): each row entry's K and Θ·K̇ go straight
 * into the 3×3 patch sum (one row group at a time, as in linear.ts), into the readout's sum, or
 * out through the affine map, so the ReLU's output is never stored.
 *
 * float32 storage takes arccos from a polynomial (Abramowitz & Stegun 4.4.46:
 * arccos|λ| = √(1 − |λ|)·p(|λ|), |error| ≤ 2·10⁻⁸, below float32's resolution of the
 * angle); float64 storage takes Math.acos.
 */
import type { Data } from '../../backend.ts';
import { bandLayout, checkLinearStep, entriesAfter, pairCount, type CovarianceGeometry, type LinearStep, type PairBlock } from '../../infinite.ts';
import { defineTask, runParallel } from '../threads.ts';
import { filterTables, finishGroup, patchSumScratch, rowStage, type LinearArgs } from './linear.ts';
import { chunkRange, expandColumns, expectLength, isFloat64, output, pairAt, scratch, split, writeSums } from './shared.ts';

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

const reluTask = defineTask('infinite.relu', reluChunk, [chunkRange, pairAt, scratch, patchSumScratch, expandColumns, reluRow, reluRowExact, rowStage, finishGroup, writeLines, lineSum, writeSums]);
const reluFlatTask = defineTask('infinite.reluFlat', reluFlatChunk, [chunkRange, pairAt, scratch, reluRow, reluRowExact, writeLines]);

/**
 * The ReLU step of a block and the linear layer after it (InfiniteKernels.relu).
 * @example relu(nngp, ntk, deviations, deviations, { count1: 2, count2: 2, triangle: true }, geometry, { filter: 3, scale: 2 / 9, shift: 0, trainable: true })
 */
export function relu(nngp: Data, ntk: Data, deviations1: Data, deviations2: Data, pairs: PairBlock, geometry: CovarianceGeometry, step: LinearStep, out?: Data): Data {
  const layout = bandLayout(geometry);
  checkLinearStep('cpu relu', step, layout);
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
    ...filterTables(layout, step), spatial: step.filter === 3, summed: step.filter === 'sum', nngp, ntk,
    deviations1: wide1, inverses1, deviations2: wide2, inverses2,
    identity: rows.size === geometry.height && columns.size === geometry.width,
    out: output('relu', 2 * count * entriesAfter(layout, step), float64, out),
    height: geometry.height, width: geometry.width, rows: rows.size, columns: columns.size, count2: pairs.count2, triangle: pairs.triangle,
    rowFirst: rows.first, rowSecond: rows.second, columnFirst: columns.first, columnSecond: columns.second,
    scale: step.scale, shift: step.shift, trainable: step.trainable, pairs: count, chunks,
  };
  // one entry per pair, and no spatial mixing (a 1×1 image's patch sum is itself under zero padding)
  const flat = entries === 1 && (step.filter !== 3 || geometry.padding === 'zero') && !step.weights;
  if (count > 0) runParallel(flat ? reluFlatTask : reluTask, args, chunks, parallel);
  return args.out;
}
