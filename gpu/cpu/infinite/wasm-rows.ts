/**
 * The wasm path of the ReLU step's rows and of the 3×3 patch sums (gpu/cpu/wasm/relu-row.ts,
 * cntk-patch-sum.ts) as the chunk functions of relu.ts and linear.ts use it: the caller lays the
 * shared tables and every image's deviations out once in the shared WebAssembly memory
 * (gpu/cpu/wasm/runtime.ts); each running chunk claims one of the regions the caller reserved,
 * copies its pair's Σ and Θ there (one memcpy each), has the wasm rows write the Σ and Θ lines
 * there and the wasm patch sum read them, and copies the float32 results out. Float32 storage
 * only (see relu-row.ts); on float64 storage, with THEORYGRAD_WASM=0 or without SIMD, relu.ts
 * and linear.ts run their TypeScript loops.
 */
import type { Data } from '../../backend.ts';
import type { Filter } from './common.ts';
import { reluRowModule } from '../wasm/relu-row.ts';
import { instance, memoryHandle, memoryIsShared, wasmEnabled, type MemoryHandle } from '../wasm/runtime.ts';

/** The regions a call reserved, one per thread that may run its chunks at once. */
export interface WasmRegions {
  memory: MemoryHandle;
  /** Byte addresses, 16-byte aligned, `bytes` long each. */
  addresses: number[];
  bytes: number;
  /** locks[i] = 1 while a chunk uses region i. */
  locks: Int32Array;
  /**
   * The byte address of all images' deviations and inverses along the column entries
   * ([height, columns] per image; the images themselves for window 0), [√a | 1/√a] of the first
   * images then of the second, copied once per call and read by every chunk; the regions then
   * hold no deviation rows (the flat rows keep theirs).
   */
  deviations?: { address: number; length1: number; length2: number };
  /** Byte addresses of two i32 tables: each row entry's deviation row as a byte offset, in the first and second image. */
  rowTables?: { first: number; second: number };
  /**
   * Byte addresses of the filter's neighbour tables (common.ts, Filter) and of its interior
   * column runs (interiorRuns, `runCount` of them), for the wasm patch sum (shareFilter).
   */
  filter?: { previous: number; next: number; up: number; down: number; runs: number; runCount: number };
}

let override: boolean | undefined;
/**
 * Turns the wasm covariance steps (the ReLU rows, the patch sums, Σ⁰ in wasm-input.ts) on or
 * off in this process (bench/kernels.ts and the tests compare both paths in one run);
 * undefined restores the default, wasmEnabled().
 * @example useWasmRows(false) // the TypeScript rows from now on
 */
export function useWasmRows(enabled: boolean | undefined): void {
  override = enabled;
}

/**
 * The most bytes of regions a call may reserve: the shared memory never shrinks and holds at most
 * 2 GiB (runtime.ts), so larger pairs (a 64×64 GAP pair: 16 M entries) keep the TypeScript rows.
 */
const MAX_REGION_BYTES = 2 ** 28;

/**
 * Whether a call on this storage takes the wasm kernels: float32, wasm on, helpers able to share
 * the memory, and its regions and shared copies (`bytes` in all) within MAX_REGION_BYTES.
 */
export function wasmRowsFor(out: Data, parallel: boolean, bytes: number): boolean {
  return (
    out instanceof Float32Array &&
    (override ?? wasmEnabled()) &&
    (!parallel || memoryIsShared()) &&
    bytes <= MAX_REGION_BYTES
  );
}

/** Σ and Θ entries a region holds at once: a pair's copy in and out costs ≈ 0.6 µs besides its bytes. */
const BATCH_ENTRIES = 8192;

/**
 * How many pairs of `entries` each a region loads and stores at once (consecutive pairs are
 * contiguous in the storage), so small pairs (a 32×32 CNTK-V pair: 1024 entries) share one copy.
 * @example pairBatch(1024) // 8
 */
export function pairBatch(entries: number): number {
  return Math.max(1, Math.floor(BATCH_ENTRIES / entries));
}

/**
 * Bytes of one region: a batch of pairs' Σ and Θ (entries float32 each, pairBatch pairs'
 * entries for the batched steps), the four deviation rows (planeEntries float64 each) and
 * `lines` Σ and Θ lines (columns + 1 float64 each, the last the zero padding slot the patch sum
 * reads).
 */
export function regionBytes(entries: number, planeEntries: number, columns: number, lines: number): number {
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const inputs = 2 * align(4 * entries) + 4 * align(8 * planeEntries) + 2 * align(8 * lines * (columns + 1));
  // the patch sum's row sums (a zero row after the group) and its float32 results
  return inputs + 2 * align(8 * (lines + 1) * columns) + 2 * align(4 * entries);
}

/** Copies i32 tables into memory from `alloc`, returning their byte addresses. */
export function shareTables<K extends string>(
  alloc: (bytes: number) => number,
  tables: Record<K, Int32Array>,
): Record<K, number> {
  const addresses = {} as Record<K, number>;
  for (const name in tables) {
    const table = tables[name];
    addresses[name] = alloc(4 * table.length);
    new Int32Array(memoryHandle().memory.buffer, addresses[name], table.length).set(table);
  }
  return addresses;
}

/**
 * The column ranges [start, end), ascending, of length ≥ 2, where previous[k] = k − 1 and
 * next[k] = k + 1 (inside the image, away from the padding), flattened as (start, end) pairs:
 * there the wasm patch sum reads the neighbours of two entries as one f64x2 step, without the tables.
 * @example interiorRuns(Int32Array.of(4, 0, 1, 2), Int32Array.of(1, 2, 3, 4)) // Int32Array [1, 4]
 */
export function interiorRuns(previous: Int32Array, next: Int32Array): Int32Array {
  const runs: number[] = [];
  for (let k = 0; k < previous.length;) {
    let end = k;
    while (end < previous.length && previous[end] === end - 1 && next[end] === end + 1) end++;
    if (end - k >= 2) runs.push(k, end);
    k = Math.max(end, k + 1);
  }
  return Int32Array.from(runs);
}

/**
 * The filter's neighbour tables and interior runs (WasmRegions.filter) from `alloc`, for the
 * wasm patch sums of the linear and ReLU steps.
 * @example regions.filter = shareFilter(alloc, filterTables(layout, step))
 */
export function shareFilter(alloc: (bytes: number) => number, filter: Filter): NonNullable<WasmRegions['filter']> {
  const runs = interiorRuns(filter.columnPrevious, filter.columnNext);
  const tables = shareTables(alloc, {
    previous: filter.columnPrevious,
    next: filter.columnNext,
    up: filter.rowPrevious,
    down: filter.rowNext,
    runs,
  });
  return { ...tables, runCount: runs.length / 2 };
}

/**
 * The row tables (WasmRegions.rowTables) from `alloc`: row r's deviation rows start at byte
 * offsets 8·first[r]·columns and 8·second[r]·columns of an image's plane.
 */
export function shareRowTables(
  alloc: (bytes: number) => number,
  first: Int32Array,
  second: Int32Array,
  columns: number,
): NonNullable<WasmRegions['rowTables']> {
  const table = (rows: Int32Array) => {
    const address = alloc(4 * rows.length);
    new Int32Array(memoryHandle().memory.buffer, address, rows.length).set(rows.map((row) => 8 * row * columns));
    return address;
  };
  return { first: table(first), second: table(second) };
}

/**
 * `slots` regions of `bytes` from `alloc` (withScratch's allocator), for the call's chunks.
 * @example withScratch((alloc) => reserveRegions(alloc, threadCount(), regionBytes(4096, 64, 64)))
 */
export function reserveRegions(alloc: (bytes: number) => number, slots: number, bytes: number): WasmRegions {
  const addresses = Array.from({ length: slots }, () => alloc(bytes));
  const locks = new Int32Array(
    typeof SharedArrayBuffer === 'undefined' ? new ArrayBuffer(4 * slots) : new SharedArrayBuffer(4 * slots),
  );
  return { memory: memoryHandle(), addresses, bytes, locks };
}

/**
 * Copies every image's deviations and inverses (along the column entries) into memory from
 * `alloc`, once for the call (WasmRegions.deviations), for the rows that read them in place.
 * @example regions.deviations = shareDeviations(alloc, wide1, inverses1, wide2, inverses2)
 */
export function shareDeviations(
  alloc: (bytes: number) => number,
  deviations1: Float64Array,
  inverses1: Float64Array,
  deviations2: Float64Array,
  inverses2: Float64Array,
): NonNullable<WasmRegions['deviations']> {
  const length1 = deviations1.length,
    length2 = deviations2.length;
  const address = alloc(8 * 2 * (length1 + length2));
  const all = new Float64Array(memoryHandle().memory.buffer, address, 2 * (length1 + length2));
  all.set(deviations1, 0);
  all.set(inverses1, length1);
  all.set(deviations2, 2 * length1);
  all.set(inverses2, 2 * length1 + length2);
  return { address, length1, length2 };
}

/**
 * Claims a free slot of `locks` (one exists: no more chunks run at once than there are slots);
 * release it with Atomics.store(locks, slot, 0).
 */
export function claimSlot(locks: Int32Array): number {
  let slot = 0;
  while (Atomics.compareExchange(locks, slot, 0, 1) !== 0) slot = (slot + 1) % locks.length;
  return slot;
}

type RowFunction = (...pointers: number[]) => void;

/** One claimed region, viewed as the arrays a chunk needs. */
export class WasmRows {
  readonly nngp: Float32Array;
  readonly ntk: Float32Array;
  readonly deviation1: Float64Array;
  readonly inverse1: Float64Array;
  readonly deviation2: Float64Array;
  readonly inverse2: Float64Array;
  readonly lineS: Float64Array;
  readonly lineT: Float64Array;
  private readonly row: RowFunction;
  private readonly rows: RowFunction;
  private readonly patch: RowFunction;
  private readonly widen: RowFunction;
  private readonly widenSigma: RowFunction;
  private readonly patchSigma: RowFunction;
  private readonly sumsS: Float64Array;
  private readonly sumsT: Float64Array;
  private readonly outS: Float32Array;
  private readonly outT: Float32Array;
  private readonly slot: number;
  /** The entry offset of the selected pair within the loaded batch (select). */
  private at = 0;

  /**
   * Claims a free region (one exists: no more chunks run at once than there are regions), viewed
   * for `entries` Σ and Θ entries (a batch of pairs; regionBytes with the same arguments).
   */
  constructor(
    private readonly regions: WasmRegions,
    entries: number,
    planeEntries: number,
    columns: number,
    lines: number,
  ) {
    this.slot = claimSlot(regions.locks);
    this.row = instance(reluRowModule, regions.memory).exports.row as RowFunction;
    const buffer = regions.memory.memory.buffer; // fetched now: the caller may have grown the memory
    let at = regions.addresses[this.slot];
    const take = <T>(make: (at: number) => T, bytes: number): T => {
      const view = make(at);
      at += Math.ceil(bytes / 16) * 16;
      return view;
    };
    this.nngp = take((a) => new Float32Array(buffer, a, entries), 4 * entries);
    this.ntk = take((a) => new Float32Array(buffer, a, entries), 4 * entries);
    const shared = regions.deviations;
    if (shared) {
      const { address, length1, length2 } = shared;
      this.deviation1 = new Float64Array(buffer, address, length1);
      this.inverse1 = new Float64Array(buffer, address + 8 * length1, length1);
      this.deviation2 = new Float64Array(buffer, address + 16 * length1, length2);
      this.inverse2 = new Float64Array(buffer, address + 16 * length1 + 8 * length2, length2);
    } else {
      const plane = () => take((a) => new Float64Array(buffer, a, planeEntries), 8 * planeEntries);
      this.deviation1 = plane();
      this.inverse1 = plane();
      this.deviation2 = plane();
      this.inverse2 = plane();
    }
    const length = lines * (columns + 1);
    this.lineS = take((a) => new Float64Array(buffer, a, length), 8 * length).fill(0);
    this.lineT = take((a) => new Float64Array(buffer, a, length), 8 * length).fill(0);
    this.sumsS = take((a) => new Float64Array(buffer, a, (lines + 1) * columns), 8 * (lines + 1) * columns).fill(0);
    this.sumsT = take((a) => new Float64Array(buffer, a, (lines + 1) * columns), 8 * (lines + 1) * columns).fill(0);
    this.outS = take((a) => new Float32Array(buffer, a, entries), 4 * entries);
    this.outT = take((a) => new Float32Array(buffer, a, entries), 4 * entries);
    const exports = instance(reluRowModule, regions.memory).exports;
    this.rows = exports.rows as RowFunction;
    this.patch = exports.patchSum as RowFunction;
    this.widen = exports.widen as RowFunction;
    this.widenSigma = exports.widenSigma as RowFunction;
    this.patchSigma = exports.patchSumSigma as RowFunction;
  }

  /** Selects the pair whose entries start at `offset` in the loaded batch, for the calls below that take rows. */
  select(offset: number): void {
    this.at = offset;
  }

  /** Copies `count` entries of Σ and Θ from `at` into the region (the rows then index from 0). */
  load(nngp: Data, ntk: Data, at: number, count: number): void {
    this.nngp.set(nngp.subarray(at, at + count));
    this.ntk.set(ntk.subarray(at, at + count));
  }

  /**
   * The lines of one row: entries from `at` of the loaded Σ and Θ, deviations from at1 / at2
   * (reluRow in relu.ts, on the region's arrays).
   */
  compute(at: number, at1: number, at2: number, columns: number, add: boolean): void {
    const f32 = 4,
      f64 = 8;
    this.row(
      this.nngp.byteOffset + f32 * at,
      this.ntk.byteOffset + f32 * at,
      this.deviation1.byteOffset + f64 * at1,
      this.inverse1.byteOffset + f64 * at1,
      this.deviation2.byteOffset + f64 * at2,
      this.inverse2.byteOffset + f64 * at2,
      this.lineS.byteOffset,
      this.lineT.byteOffset,
      columns,
      add ? 1 : 0,
    );
  }

  /**
   * The lines of the rows [start, end) of the loaded pair, (columns + 1) apart from 0, their
   * deviation rows from the images at base1 and base2 (entries) through the row tables.
   */
  computeRows(start: number, end: number, base1: number, base2: number, columns: number, add: boolean): void {
    const tables = this.regions.rowTables!;
    this.rows(
      this.nngp.byteOffset + 4 * (this.at + start * columns),
      this.ntk.byteOffset + 4 * (this.at + start * columns),
      this.deviation1.byteOffset + 8 * base1,
      this.inverse1.byteOffset + 8 * base1,
      this.deviation2.byteOffset + 8 * base2,
      this.inverse2.byteOffset + 8 * base2,
      this.lineS.byteOffset,
      this.lineT.byteOffset,
      columns,
      add ? 1 : 0,
      tables.first + 4 * start,
      tables.second + 4 * start,
      end - start,
    );
  }

  /** The lines of the loaded pair's rows [start, end) for a linear step: Σ, and Θ (+ Σ when trainable). */
  widenRows(start: number, end: number, columns: number, trainable: boolean): void {
    this.widen(
      this.nngp.byteOffset + 4 * (this.at + start * columns),
      this.ntk.byteOffset + 4 * (this.at + start * columns),
      this.lineS.byteOffset,
      this.lineT.byteOffset,
      end - start,
      columns,
      trainable ? 1 : 0,
    );
  }

  /** widenRows without Θ: the Σ lines of the loaded pair's rows [start, end). */
  widenSigmaRows(start: number, end: number, columns: number): void {
    this.widenSigma(
      this.nngp.byteOffset + 4 * (this.at + start * columns),
      this.lineS.byteOffset,
      end - start,
      columns,
    );
  }

  /** patchSum without Θ: scale·P(Σ) + shift of the Σ lines of rows [start, end) (sigmaOnly in linear.ts). */
  patchSumSigma(start: number, end: number, columns: number, scale: number, shift: number): void {
    const tables = this.regions.filter!;
    this.patchSigma(
      this.lineS.byteOffset,
      end - start,
      columns,
      tables.previous,
      tables.next,
      tables.runs,
      tables.runCount,
      this.sumsS.byteOffset,
      tables.up + 4 * start,
      tables.down + 4 * start,
      this.outS.byteOffset + 4 * (this.at + start * columns),
      scale,
      shift,
    );
  }

  /**
   * The 3×3 patch sum of the lines of rows [start, end) (computeRows or widenRows), into the region's
   * results: scale·P(Σ) + shift and scale·P(Θ) + thetaShift (rowStage and finishGroup in common.ts).
   */
  patchSum(start: number, end: number, columns: number, scale: number, shift: number, thetaShift: number): void {
    const tables = this.regions.filter!;
    this.patch(
      this.lineS.byteOffset,
      this.lineT.byteOffset,
      end - start,
      columns,
      tables.previous,
      tables.next,
      tables.runs,
      tables.runCount,
      this.sumsS.byteOffset,
      this.sumsT.byteOffset,
      tables.up + 4 * start,
      tables.down + 4 * start,
      this.outS.byteOffset + 4 * (this.at + start * columns),
      this.outT.byteOffset + 4 * (this.at + start * columns),
      scale,
      shift,
      thetaShift,
    );
  }

  /** Copies the batch's patch sums out (`count` entries): Σ′ to out[at …], Θ′ to out[thetaAt …]. */
  store(out: Data, at: number, thetaAt: number, count: number): void {
    out.set(this.outS.subarray(0, count), at);
    out.set(this.outT.subarray(0, count), thetaAt);
  }

  /** Copies the batch's Σ′ alone out (after patchSumSigma): `count` entries to out[at …]. */
  storeSigma(out: Data, at: number, count: number): void {
    out.set(this.outS.subarray(0, count), at);
  }

  /** Frees the region for the next chunk. */
  release(): void {
    Atomics.store(this.regions.locks, this.slot, 0);
  }
}
