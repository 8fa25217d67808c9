/**
 * The blocked matrix product on the WebAssembly SIMD microkernels (gemm-kernel.ts), behind the
 * same GemmPlan interface as the plain TypeScript gemm.ts (which picks this one when
 * `wasmEnabled()`): operands are packed (pack.ts) into the shared wasm memory, the tiles are
 * computed by the kernel in chunks that the worker pool shares (threads.ts; each helper
 * instantiates the same module on the same memory), and the products are copied out.
 * float32 plans pack, multiply and sum in float32; float64 plans in float64.
 */
import type { Data } from '../../backend.ts';
import type { GemmPlan } from '../gemm.ts';
import { KC, packA, packB, scheduleGemm, unitTiles, type GemmSchedule, type MatrixView } from '../pack.ts';
import { defineTask, runParallel, threadCount } from '../threads.ts';
import { F32_TILE, F64_TILE, gemmModule, type TilesFunction } from './gemm-kernel.ts';
import { packPanels, type PanelTarget } from './gemm-pack.ts';
import type { PackFunction } from './gemm-pack-kernel.ts';
import {
  allocateScratch,
  float32View,
  float64View,
  instance,
  memoryHandle,
  memoryIsShared,
  releaseScratch,
  scratchMark,
  type MemoryHandle,
} from './runtime.ts';

/**
 * Everything a chunk needs (it may run on a helper thread): the schedule that gemm.ts's chunks
 * use too (pack.ts), the memory, and byte addresses in it.
 */
export interface WasmGemmArgs extends GemmSchedule {
  memory: MemoryHandle;
  float64: boolean;
  packedA: number;
  packedB: number;
  work: number;
  /** Bytes between consecutive products' packed A (B); 0 shares one. */
  aStride: number;
  bStride: number;
}

/** A wasm GemmPlan with its arguments, for packing routines that write its panels in wasm (im2col.ts). */
export interface WasmGemmPlan extends GemmPlan {
  readonly args: WasmGemmArgs;
}

/**
 * Units [firstUnit, endUnit) of the schedule, each rowTilesPerUnit × colTilesPerUnit tiles of one
 * product over all of k, one kernel call per k-block (Goto's loop order inside the kernel: row
 * tile, then column tile, so the A panel stays in L1 and the block of B panels in L2). Product t's
 * units are [t·U, (t + 1)·U) with U = rowBlocks · colBlocks (im2col.ts runs one product at a time).
 * @example multiplyUnits(plan.args, 0, plan.args.units); // what plan.multiply() does on one thread
 */
export function multiplyUnits(args: WasmGemmArgs, firstUnit: number, endUnit: number): void {
  const exports = instance(gemmModule, args.memory).exports;
  const tiles = (args.float64 ? exports.tilesF64 : exports.tilesF32) as TilesFunction;
  const size = args.float64 ? 8 : 4;
  const { k, tileRows, tileCols, paddedRows, paddedCols } = args;
  for (let unit = firstUnit; unit < endUnit; unit++) {
    const { t, firstRow, endRow, firstCol, endCol } = unitTiles(args, unit);
    const rows = endRow - firstRow,
      cols = endCol - firstCol;
    const c = args.work + (t * paddedRows * paddedCols + firstRow * tileRows * paddedCols + firstCol * tileCols) * size;
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      const a = args.packedA + t * args.aStride + (p0 * paddedRows + firstRow * tileRows * kc) * size;
      const b = args.packedB + t * args.bStride + (p0 * paddedCols + firstCol * tileCols * kc) * size;
      tiles(a, b, c, kc, rows, cols, paddedCols * size, p0 > 0 ? 1 : 0);
    }
  }
}

/** One chunk of plan.multiply(): a run of unitsPerChunk units. */
function multiplyChunk(args: WasmGemmArgs, chunk: number): void {
  multiplyUnits(args, chunk * args.unitsPerChunk, Math.min(args.units, (chunk + 1) * args.unitsPerChunk));
}

const wasmGemmTask = defineTask('wasm-gemm', import.meta.url, multiplyChunk);

/** Column tiles per unit: at most 32 rows × 256 columns of C per unit (scheduleGemm in pack.ts). */
const COL_TILES = 32;
/** Products with fewer multiply-adds run on the calling thread alone (waking helpers costs tens of µs). */
const PARALLEL_MIN_MULTIPLY_ADDS = 1 << 18;

/**
 * Plans `batch` products of [m, k] · [k, n] on the wasm kernels (see GemmPlan in gemm.ts); its
 * buffers are scratch of the wasm memory until `release()`.
 * @example const plan = planWasmGemm(1, m, k, n, false, false, false); plan.packA(…); plan.packB(…); plan.multiply(); plan.readC(0, out, 0, n, 1); plan.release();
 */
export function planWasmGemm(
  batch: number,
  m: number,
  k: number,
  n: number,
  shareA: boolean,
  shareB: boolean,
  float64: boolean,
): WasmGemmPlan {
  const size = float64 ? 8 : 4;
  const view = float64 ? float64View : float32View;
  const parallel = batch * m * n * k >= PARALLEL_MIN_MULTIPLY_ADDS && threadCount() > 1 && memoryIsShared();
  const schedule = scheduleGemm(batch, m, k, n, float64 ? F64_TILE : F32_TILE, COL_TILES, parallel ? threadCount() : 1);
  const { tileCols, paddedRows, paddedCols, units, unitsPerChunk } = schedule;
  const aElements = paddedRows * k,
    bElements = paddedCols * k,
    cElements = paddedRows * paddedCols;
  const mark = scratchMark();
  const packedA = allocateScratch((shareA ? 1 : batch) * aElements * size);
  const packedB = allocateScratch((shareB ? 1 : batch) * bElements * size);
  const work = allocateScratch(batch * cElements * size);
  // Views of the memory, remade when it has grown (packing stages operands in fresh scratch, and a
  // memory that is not shared detaches its old buffer when it grows).
  let buffer: ArrayBufferLike | undefined;
  let panelsA: Data, panelsB: Data, products: Data;
  const views = () => {
    if (buffer !== memoryHandle().memory.buffer) {
      buffer = memoryHandle().memory.buffer;
      panelsA = view(packedA, (shareA ? 1 : batch) * aElements);
      panelsB = view(packedB, (shareB ? 1 : batch) * bElements);
      products = view(work, batch * cElements);
    }
    return { panelsA, panelsB, products };
  };
  const kernels = instance(gemmModule).exports as Record<string, PackFunction>;
  const suffix = float64 ? 'F64' : 'F32';
  const target = (operand: 'A' | 'B', t: number): PanelTarget => ({
    float64,
    lanes: operand === 'A' ? schedule.tileRows : tileCols,
    padded: operand === 'A' ? paddedRows : paddedCols,
    k,
    base:
      operand === 'A' ? packedA + t * (shareA ? 0 : aElements * size) : packedB + t * (shareB ? 0 : bElements * size),
    copy: kernels[`copy${operand}${suffix}`],
    transpose: kernels[`transpose${operand}${suffix}`],
  });
  const packATs = (t: number, source: MatrixView, rowStart: number, rows: number, kStart: number, kCount: number) =>
    packA(
      views().panelsA,
      t * (shareA ? 0 : aElements),
      paddedRows,
      k,
      source,
      rowStart,
      rows,
      kStart,
      kCount,
      schedule.tileRows,
    );
  const packBTs = (t: number, source: MatrixView, kStart: number, kCount: number, colStart: number, cols: number) =>
    packB(
      views().panelsB,
      t * (shareB ? 0 : bElements),
      paddedCols,
      k,
      source,
      kStart,
      kCount,
      colStart,
      cols,
      tileCols,
    );
  /** The view from step p on (its element (0, 0) at step p), for the transposes' TypeScript tails. */
  const fromStep = (source: MatrixView, steps: number, stride: number): MatrixView => ({
    ...source,
    offset: source.offset + steps * stride,
  });
  const args: WasmGemmArgs = {
    ...schedule,
    memory: memoryHandle(),
    float64,
    packedA,
    packedB,
    work,
    aStride: shareA ? 0 : aElements * size,
    bStride: shareB ? 0 : bElements * size,
  };
  return {
    batch,
    args,
    // Whole operands (every row of A, every column of B) take the wasm packing (gemm-pack.ts).
    packA: (t, source, rowStart, rows, kStart, kCount) => {
      const whole = rowStart === 0 && rows === m;
      const operand = {
        data: source.data,
        offset: source.offset,
        laneStride: source.rowStride,
        stepStride: source.colStride,
        count: m,
      };
      const tail = (p: number, steps: number) =>
        packATs(t, fromStep(source, p - kStart, source.colStride), 0, m, p, steps);
      if (!(whole && packPanels(target('A', t), operand, kStart, kCount, tail)))
        packATs(t, source, rowStart, rows, kStart, kCount);
    },
    packB: (t, source, kStart, kCount, colStart, cols) => {
      const whole = colStart === 0 && cols === n;
      const operand = {
        data: source.data,
        offset: source.offset,
        laneStride: source.colStride,
        stepStride: source.rowStride,
        count: n,
      };
      const tail = (p: number, steps: number) =>
        packBTs(t, fromStep(source, p - kStart, source.rowStride), p, steps, 0, n);
      if (!(whole && packPanels(target('B', t), operand, kStart, kCount, tail)))
        packBTs(t, source, kStart, kCount, colStart, cols);
    },
    multiply: () => {
      if (k === 0) views().products.fill(0);
      else if (m > 0 && n > 0) runParallel(wasmGemmTask, args, Math.ceil(units / unitsPerChunk), parallel);
    },
    row: (t, i) => views().products.subarray(t * cElements + i * paddedCols, t * cElements + i * paddedCols + n),
    readC(t, out: Data, offset, rowStride, colStride, add = false) {
      const { products } = views();
      for (let i = 0; i < m; i++) {
        const from = t * cElements + i * paddedCols;
        let to = offset + i * rowStride;
        if (!add && colStride === 1) out.set(products.subarray(from, from + n), to);
        else if (add) for (let j = 0; j < n; j++, to += colStride) out[to] += products[from + j];
        else for (let j = 0; j < n; j++, to += colStride) out[to] = products[from + j];
      }
    },
    release: () => releaseScratch(mark),
  };
}
