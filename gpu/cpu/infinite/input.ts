/**
 * Σ⁰ of a block on the cpu (InfiniteKernels.inputCovariance): the channel sums of products
 * of two images' pixels, for the position pairs the band layout keeps (gpu/infinite.ts).
 */
import type { Data } from '../../backend.ts';
import { bandLayout, pairCount, type CovarianceGeometry, type PairBlock } from '../../infinite.ts';
import { defineTask, runParallel } from '../threads.ts';
import { chunkRange, expandColumns, expectLength, isFloat64, output, pairAt, scratch, split } from './shared.ts';

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

const inputTask = defineTask('infinite.inputCovariance', inputChunk, [chunkRange, pairAt, scratch, expandColumns, multiplyAdd]);

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
