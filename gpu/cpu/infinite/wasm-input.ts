/**
 * The wasm path of the input covariance Σ⁰ (gpu/cpu/wasm/cntk-covariance.ts) as inputChunk in
 * linear.ts uses it: the caller lays every image of the block out along the column entries
 * once, widened to float64 (as inputChunk does) in the shared WebAssembly memory, with the
 * row tables; each running chunk claims a region for one pair's result, has the kernel fill it
 * and copies it out. Float32 storage only (wasmRowsFor in wasm-rows.ts), as the ReLU rows.
 */
import type { Data } from '../../backend.ts';
import { covarianceModule } from '../wasm/cntk-covariance.ts';
import { instance, memoryHandle, type MemoryHandle } from '../wasm/runtime.ts';
import { chunkRange, expandColumns, pairAt } from './common.ts';
import { claimSlot, reserveRegions, shareTables } from './wasm-rows.ts';

/** What the chunks of one call share: the expanded images, the row tables, a result region per thread. */
export interface WasmInput {
  memory: MemoryHandle;
  /** Byte addresses of the images along the column entries, [count, channels, height, columns] float64. */
  expanded1: number;
  expanded2: number;
  /** Byte addresses of the i32 tables of each row entry's image row, as byte offsets 8·i·columns. */
  first: number;
  second: number;
  /** Byte addresses of the result regions (entries float32 each), one per thread, and their locks. */
  addresses: number[];
  locks: Int32Array;
}

/** Bytes a call reserves (the images of both sides, the tables, `slots` results), for wasmRowsFor. */
export function inputBytes(
  images: number,
  channels: number,
  height: number,
  columns: number,
  rows: number,
  entries: number,
  slots: number,
): number {
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  return align(8 * images * channels * height * columns) + 2 * align(4 * rows) + slots * align(4 * entries);
}

/** The block's images along the column entries, as float64 at a fresh address from `alloc`. */
function expandImages(
  alloc: (bytes: number) => number,
  x: Data,
  count: number,
  channels: number,
  height: number,
  width: number,
  column: Int32Array,
): number {
  const length = count * channels * height * column.length;
  const address = alloc(8 * length);
  expandColumns(
    x,
    0,
    count * channels,
    height,
    width,
    column,
    new Float64Array(memoryHandle().memory.buffer, address, length),
  );
  return address;
}

/**
 * Shares a call's images and tables from `alloc` (withScratch's allocator) with `slots` result regions.
 * @example args.wasm = shareInput(alloc, args, pairs.count1, threadCount())
 */
export function shareInput(
  alloc: (bytes: number) => number,
  args: {
    x1: Data;
    x2: Data;
    channels: number;
    height: number;
    width: number;
    entries: number;
    rowFirst: Int32Array;
    rowSecond: Int32Array;
    columnFirst: Int32Array;
    columnSecond: Int32Array;
  },
  count1: number,
  count2: number,
  slots: number,
): WasmInput {
  const { x1, x2, channels, height, width, entries, rowFirst, rowSecond, columnFirst, columnSecond } = args;
  const columns = columnFirst.length;
  const expanded1 = expandImages(alloc, x1, count1, channels, height, width, columnFirst);
  const same = x2 === x1 && columnSecond.every((entry, k) => entry === columnFirst[k]);
  const expanded2 = same ? expanded1 : expandImages(alloc, x2, count2, channels, height, width, columnSecond);
  const offsets = (rows: Int32Array) => rows.map((row) => 8 * row * columns);
  const tables = shareTables(alloc, { first: offsets(rowFirst), second: offsets(rowSecond) });
  const { addresses, locks } = reserveRegions(alloc, slots, 4 * entries);
  return { memory: memoryHandle(), expanded1, expanded2, ...tables, addresses, locks };
}

type Covariance = (...args: number[]) => void;

/** inputChunk through the wasm kernel: Σ⁰ of the chunk's pairs into out, pair by pair. */
export function wasmInputChunk(
  wasm: WasmInput,
  out: Data,
  shape: {
    channels: number;
    height: number;
    columns: number;
    rows: number;
    count2: number;
    triangle: boolean;
    scale: number;
  },
  pairs: number,
  chunks: number,
  chunk: number,
): void {
  const { channels, height, columns, rows, count2, triangle, scale } = shape;
  const covariance = instance(covarianceModule, wasm.memory).exports.covariance as Covariance;
  const slot = claimSlot(wasm.locks);
  try {
    const entries = rows * columns;
    const imageBytes = 8 * channels * height * columns;
    const address = wasm.addresses[slot];
    const result = new Float32Array(wasm.memory.memory.buffer, address, entries);
    const [from, to] = chunkRange(pairs, chunks, chunk);
    let [a, b] = pairAt(from, count2, triangle);
    for (let pair = from; pair < to; pair++) {
      const x1 = wasm.expanded1 + a * imageBytes,
        x2 = wasm.expanded2 + b * imageBytes;
      covariance(x1, x2, wasm.first, wasm.second, rows, columns, channels, 8 * height * columns, scale, address);
      out.set(result, pair * entries);
      if (++b === count2) {
        a++;
        b = triangle ? a : 0;
      }
    }
  } finally {
    Atomics.store(wasm.locks, slot, 0);
  }
}
