/**
 * Packed panels for the blocked matrix product (Goto & van de Geijn 2008, "Anatomy of
 * High-Performance Matrix Multiplication"), on Float64Array for the TypeScript kernel (gemm.ts),
 * and on float32 or float64 views of the WebAssembly memory for the SIMD kernels (wasm/gemm.ts,
 * which pass their own tile sizes).
 *
 * Why pack: the micro-kernel (gemm.ts) reads MR values of A and NR values of B per step of k.
 * Packing lays exactly those values next to each other, in the order the kernel reads them,
 * whatever the source layout was (row-major, transposed, an im2col row), so the kernel's loads
 * are unit-stride and its code never depends on strides or transposes. Packing also converts
 * float32 to float64 once per element, instead of once per use (a Float32Array load costs a
 * conversion in V8, which computes in doubles), and makes the kernel monomorphic: it only ever
 * sees Float64Array.
 *
 * Layout, for k split into blocks [p0, p0 + kc) of at most KC steps (KC = k_block_size):
 *   packed A: block p0 starts at p0 · paddedRows; in it, row tile i (rows i·MR ... i·MR + MR − 1)
 *             starts at i · MR · kc and holds A[i·MR + r, p0 + p] at p · MR + r.
 *   packed B: block p0 starts at p0 · paddedCols; in it, column tile j starts at j · NR · kc and
 *             holds B[p0 + p, j·NR + q] at p · NR + q.
 * paddedRows (paddedCols) rounds m (n) up to a multiple of MR (NR). The padding lanes are never
 * zeroed: they only feed rows (columns) of the product that are never read back.
 */
import type { Data } from '../backend.ts';

/** Rows of A and columns of B per micro-kernel call: a 4×4 tile of C in 16 local variables. */
export const MR = 4;
export const NR = 4;
/** Steps of k per block: an MR×KC panel of A (8 KiB) stays in L1 while B panels stream by. */
export const KC = 256;

export const roundUp = (x: number, multiple: number) => Math.ceil(x / multiple) * multiple;

/** A strided view: element (i, j) of the matrix is data[offset + i · rowStride + j · colStride]. */
export interface MatrixView {
  data: Data;
  offset: number;
  rowStride: number;
  colStride: number;
}

/** A row-major matrix with `cols` columns stored from `offset`. */
export const rowMajor = (data: Data, offset: number, cols: number): MatrixView => ({
  data,
  offset,
  rowStride: cols,
  colStride: 1,
});
/** The transpose of a row-major [cols, rows] matrix stored from `offset` (a view with `rows` rows). */
export const transposed = (data: Data, offset: number, rows: number): MatrixView => ({
  data,
  offset,
  rowStride: 1,
  colStride: rows,
});
/** One row, as a 1 × length matrix. */
export const singleRow = (data: Data): MatrixView => ({ data, offset: 0, rowStride: 0, colStride: 1 });

/** Start of k-block containing step p, and that block's length. */
function block(p: number, k: number): { start: number; length: number } {
  const start = p - (p % KC);
  return { start, length: Math.min(KC, k - start) };
}

/**
 * Writes rows [rowStart, rowStart + rows) × steps [kStart, kStart + kCount) of A, read from
 * `source` (whose element (0, 0) is A[rowStart, kStart]), into packed A of a product with depth k,
 * in row tiles of tileRows rows (the wasm kernels pass their own tile height; `packed` may be float32).
 */
export function packA(
  packed: Data,
  base: number,
  paddedRows: number,
  k: number,
  source: MatrixView,
  rowStart: number,
  rows: number,
  kStart: number,
  kCount: number,
  tileRows = MR,
): void {
  const { data, offset, rowStride, colStride } = source;
  for (let p = kStart; p < kStart + kCount;) {
    const { start, length } = block(p, k);
    const end = Math.min(start + length, kStart + kCount);
    const blockBase = base + start * paddedRows;
    for (let i = rowStart; i < rowStart + rows; i++) {
      const lane = i % tileRows;
      let to = blockBase + (i - lane) * length + (p - start) * tileRows + lane;
      let from = offset + (i - rowStart) * rowStride + (p - kStart) * colStride;
      for (let q = p; q < end; q++, to += tileRows, from += colStride) packed[to] = data[from];
    }
    p = end;
  }
}

/**
 * Writes steps [kStart, kStart + kCount) × columns [colStart, colStart + cols) of B, read from
 * `source` (whose element (0, 0) is B[kStart, colStart]), into packed B of a product with depth k,
 * in column tiles of tileCols columns.
 */
export function packB(
  packed: Data,
  base: number,
  paddedCols: number,
  k: number,
  source: MatrixView,
  kStart: number,
  kCount: number,
  colStart: number,
  cols: number,
  tileCols = NR,
): void {
  const { data, offset, rowStride, colStride } = source;
  for (let p = kStart; p < kStart + kCount; p++) {
    const { start, length } = block(p, k);
    const rowBase = base + start * paddedCols + (p - start) * tileCols;
    let from = offset + (p - kStart) * rowStride;
    // Column j goes to lane j mod tileCols of tile ⌊j/tileCols⌋; tiles are tileCols·length apart.
    // Copied a run of lanes at a time (one tile's part), without a per-element branch.
    let lane = colStart % tileCols;
    let tileStart = rowBase + (colStart - lane) * length;
    for (let j = 0; j < cols;) {
      const run = Math.min(tileCols - lane, cols - j);
      const to = tileStart + lane;
      for (let q = 0; q < run; q++, from += colStride) packed[to + q] = data[from];
      j += run;
      lane = 0;
      tileStart += tileCols * length;
    }
  }
}

/**
 * How a batch of products over packed panels is cut into units of work for the worker pool: the
 * part of the chunk arguments that the TypeScript kernel (gemm.ts) and the wasm kernels
 * (wasm/gemm.ts) share; each adds its buffers (typed arrays, or byte addresses) and strides.
 */
export interface GemmSchedule {
  k: number;
  /** Tile of C per microkernel call (pack.ts's MR × NR, or the wasm kernels' own). */
  tileRows: number;
  tileCols: number;
  /** m and n rounded up to whole tiles. */
  paddedRows: number;
  paddedCols: number;
  /** Units: the work of product t is split into rowBlocks × colBlocks units of tiles. */
  rowBlocks: number;
  colBlocks: number;
  rowTilesPerUnit: number;
  colTilesPerUnit: number;
  units: number;
  unitsPerChunk: number;
}

/** Row tiles per unit at most, and units wanted per thread (fewer rows per unit until there are that many). */
const ROW_TILES_PER_UNIT = 8;
const UNITS_PER_THREAD = 8;
/** Cap on chunks per job (claiming a chunk costs an atomic operation). */
const MAX_JOB_CHUNKS = 1024;

/**
 * The schedule of `batch` products [m, k] · [k, n] in tiles of tile.rows × tile.cols, with units of
 * at most 8 row tiles × colTilesPerUnit column tiles (fewer rows when `threads` threads would
 * otherwise run out of units before the end).
 * @example scheduleGemm(1, 512, 512, 512, { rows: 4, cols: 4 }, 64, 2).units; // 32 (16 row blocks × 2 column blocks)
 */
export function scheduleGemm(
  batch: number,
  m: number,
  k: number,
  n: number,
  tile: { rows: number; cols: number },
  colTilesPerUnit: number,
  threads: number,
): GemmSchedule {
  const paddedRows = roundUp(m, tile.rows),
    paddedCols = roundUp(n, tile.cols);
  const rowTiles = paddedRows / tile.rows;
  const colBlocks = Math.max(1, Math.ceil(paddedCols / tile.cols / colTilesPerUnit));
  let rowTilesPerUnit = ROW_TILES_PER_UNIT;
  while (rowTilesPerUnit > 1 && batch * Math.ceil(rowTiles / rowTilesPerUnit) * colBlocks < UNITS_PER_THREAD * threads)
    rowTilesPerUnit /= 2;
  const rowBlocks = Math.max(1, Math.ceil(rowTiles / rowTilesPerUnit));
  const units = batch * rowBlocks * colBlocks;
  return {
    k,
    tileRows: tile.rows,
    tileCols: tile.cols,
    paddedRows,
    paddedCols,
    rowBlocks,
    colBlocks,
    rowTilesPerUnit,
    colTilesPerUnit,
    units,
    unitsPerChunk: Math.max(1, Math.ceil(units / MAX_JOB_CHUNKS)),
  };
}

/**
 * Unit `unit` of a schedule: its product t and its tiles, rows [firstRow, endRow) × columns [firstCol, endCol).
 * @example unitTiles(scheduleGemm(2, 8, 8, 8, { rows: 4, cols: 4 }, 64, 1), 1).t; // 0
 */
export function unitTiles(s: GemmSchedule, unit: number) {
  const t = Math.floor(unit / (s.rowBlocks * s.colBlocks));
  const rowBlock = Math.floor(unit / s.colBlocks) % s.rowBlocks,
    colBlock = unit % s.colBlocks;
  const firstRow = rowBlock * s.rowTilesPerUnit,
    firstCol = colBlock * s.colTilesPerUnit;
  return {
    t,
    firstRow,
    endRow: Math.min(s.paddedRows / s.tileRows, firstRow + s.rowTilesPerUnit),
    firstCol,
    endCol: Math.min(s.paddedCols / s.tileCols, firstCol + s.colTilesPerUnit),
  };
}
