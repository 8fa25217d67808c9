/**
 * What the cpu's covariance steps (gpu/cpu/infinite/) share: storage the helper threads can
 * write, the split of a block's pairs into chunks, per-thread scratch, and the checks.
 *
 * The chunk functions run in the workers from their source text (threads.ts), so they and
 * the helpers exported here for them use only their arguments (no imported or module-level
 * names), like gemm.ts's.
 */
import type { Data, DType } from '../../backend.ts';
import { threadCount, threadsAvailable } from '../threads.ts';

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
export function output(label: string, size: number, float64: boolean, out: Data | undefined): Data {
  if (!out) return allocate(size, float64 ? 'float64' : 'float32');
  if (out instanceof Float64Array !== float64) throw new Error(`cpu ${label}: out must have the inputs' dtype (${float64 ? 'float64' : 'float32'})`);
  if (out.length !== size) throw new Error(`cpu ${label}: out has ${out.length} elements, expected ${size}`);
  return out;
}

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

/** How a call's pairs are cut into chunks, and whether the helper threads take part. */
export interface Split { pairs: number; chunks: number; parallel: boolean }

/** The split of `pairs` pairs of `workPerPair` entry-steps each. */
export function split(pairs: number, workPerPair: number): Split {
  const parallel = pairs > 1 && pairs * workPerPair >= PARALLEL_MIN_WORK && threadCount() > 1;
  return { pairs, chunks: parallel ? Math.min(pairs, CHUNKS_PER_THREAD * threadCount()) : 1, parallel };
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
export function expandColumns(source: Data, first: number, planes: number, height: number, width: number, column: Int32Array, target: Float64Array): void {
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
export function writeSums(out: Data, at: number, thetaAt: number, totalS: number, totalT: number, scale: number, shift: number, trainable: boolean): void {
  out[at] = scale * totalS + shift;
  out[thetaAt] = scale * totalT + (trainable ? shift : 0);
}

export function expectLength(label: string, what: string, data: Data, size: number): void {
  if (data.length !== size) throw new Error(`cpu ${label}: ${what} has ${data.length} elements, expected ${size}`);
}

/** Whether the arguments are float64 (an error unless they share one dtype). */
export function isFloat64(label: string, ...arrays: (Data | undefined)[]): boolean {
  const float64 = arrays[0] instanceof Float64Array;
  if (arrays.some((array) => array !== undefined && array instanceof Float64Array !== float64)) {
    throw new Error(`cpu ${label}: all arguments must share one dtype (float32 or float64)`);
  }
  return float64;
}
