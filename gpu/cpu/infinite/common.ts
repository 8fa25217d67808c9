/**
 * What the cpu's covariance steps (gpu/cpu/infinite/) share: a block's pair order, each
 * thread's scratch memory, the chunk split, the band layout's column expansion, and the two
 * halves of the 3×3 patch sum P (gpu/infinite.ts describes the layout; the recursion they
 * serve is written out in src/infinite/reference.ts). The chunk functions in linear.ts and
 * relu.ts import these; helper threads import those modules (gpu/cpu/threads.ts), so keep
 * this file free of imports with side effects.
 */
import type { Data } from '../../backend.ts';

/** (a, b) of pair `pair` of a block (gpu/infinite.ts, PairBlock). */
export function pairAt(pair: number, count2: number, triangle: boolean): [number, number] {
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
export function scratch(slot: number, length: number): Float64Array {
  const holder = globalThis as { theorygradInfiniteScratch?: Float64Array[] };
  const pool = (holder.theorygradInfiniteScratch ??= []);
  if (!pool[slot] || pool[slot].length < length) pool[slot] = new Float64Array(length);
  return pool[slot].subarray(0, length);
}

/** The chunk's pairs [from, to) (every chunk function cuts its share this way). */
export function chunkRange(pairs: number, chunks: number, chunk: number): [number, number] {
  return [Math.floor((pairs * chunk) / chunks), Math.floor((pairs * (chunk + 1)) / chunks)];
}

/**
 * target[(plane·height + i)·columns + k] = source[(first + plane)·height·width + i·width + column[k]]
 * for `planes` consecutive planes: a block's image rows laid out along the band layout's
 * column entries, so the inner loops read contiguous memory.
 */
export function expandColumns(
  source: Data,
  first: number,
  planes: number,
  height: number,
  width: number,
  column: Int32Array,
  target: Float64Array,
): void {
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
export function writeSums(
  out: Data,
  at: number,
  thetaAt: number,
  totalS: number,
  totalT: number,
  scale: number,
  shift: number,
  trainable: boolean,
): void {
  out[at] = scale * totalS + shift;
  out[thetaAt] = scale * totalT + (trainable ? shift : 0);
}

/**
 * The neighbour tables of a step's filter. Rows: each row entry's neighbours as an index within
 * its group (starts[g] … starts[g + 1]), padding redirected to row `groupRows` (a zero row after
 * the largest group); columns: padding redirected to the zero slot `columns`. Without a 3×3
 * filter every neighbour is padding.
 */
export interface Filter {
  rowPrevious: Int32Array;
  rowNext: Int32Array;
  rowStarts: Int32Array;
  groupRows: number;
  columnPrevious: Int32Array;
  columnNext: Int32Array;
  /** filter 'sum' with weights: each entry's weight is rowWeights[r]·columnWeights[k]. */
  rowWeights: Float64Array | undefined;
  columnWeights: Float64Array | undefined;
}

export interface LinearArgs extends Filter {
  out: Data;
  rows: number;
  columns: number;
  scale: number;
  shift: number;
  trainable: boolean;
  pairs: number;
  chunks: number;
  /** filter 3 (else no neighbours, so the lines are written out or summed directly). */
  spatial: boolean;
  /** filter 'sum': one value per pair, the scaled (weighted) sum of its entries. */
  summed: boolean;
}

/**
 * sums[to + k] = line[k] + line[previous k] + line[next k] for the Σ and Θ lines that start at
 * `from` (line[from + columns] is the zero padding slot).
 */
export function rowStage(
  lineS: Float64Array,
  lineT: Float64Array,
  from: number,
  previous: Int32Array,
  next: Int32Array,
  sumsS: Float64Array,
  sumsT: Float64Array,
  to: number,
  columns: number,
): void {
  for (let k = 0; k < columns; k++) {
    const left = from + previous[k],
      right = from + next[k];
    sumsS[to + k] = lineS[from + k] + lineS[left] + lineS[right];
    sumsT[to + k] = lineT[from + k] + lineT[left] + lineT[right];
  }
}

/**
 * The second half of the patch sum for the rows [start, end) of one group, once rowStage has
 * put their row sums in sumsS / sumsT (row r at (r − start)·columns; the row after the largest
 * group is zero): Σ′ = scale·F(Σ) + shift at out[pair], Θ′ = scale·F(Θ [+ Σ]) [+ shift] at
 * out[pairs + pair].
 */
export function finishGroup(
  args: LinearArgs,
  pair: number,
  start: number,
  end: number,
  sumsS: Float64Array,
  sumsT: Float64Array,
): void {
  const { out, rows, columns, rowPrevious, rowNext, scale, shift, trainable } = args;
  const entries = rows * columns;
  const thetaShift = trainable ? shift : 0;
  for (let r = start; r < end; r++) {
    const at = (r - start) * columns,
      up = rowPrevious[r] * columns,
      down = rowNext[r] * columns;
    const target = pair * entries + r * columns,
      thetaTarget = (args.pairs + pair) * entries + r * columns;
    for (let k = 0; k < columns; k++) {
      out[target + k] = scale * (sumsS[at + k] + sumsS[up + k] + sumsS[down + k]) + shift;
      out[thetaTarget + k] = scale * (sumsT[at + k] + sumsT[up + k] + sumsT[down + k]) + thetaShift;
    }
  }
}

/**
 * The patch sum's scratch (slots 0–3): a line of Σ and of Θ (columns + 1, the last the zero
 * padding slot) and their row sums for one row group (groupRows + 1 rows, the last zero).
 */
export function patchSumScratch(columns: number, groupRows: number): Float64Array[] {
  const lineS = scratch(0, columns + 1),
    lineT = scratch(1, columns + 1);
  const sumsS = scratch(2, (groupRows + 1) * columns),
    sumsT = scratch(3, (groupRows + 1) * columns);
  lineS[columns] = lineT[columns] = 0;
  sumsS.fill(0, groupRows * columns);
  sumsT.fill(0, groupRows * columns);
  return [lineS, lineT, sumsS, sumsT];
}
