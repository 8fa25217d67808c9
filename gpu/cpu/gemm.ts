/**
 * The blocked matrix product on packed panels (pack.ts): C[t] = A[t] · B[t] for a batch of
 * products, in float64, split into chunks that worker threads share (threads.ts).
 *
 * Use: `const plan = planGemm(batch, m, k, n, ...)`, pack each operand with plan.packA/packB
 * (from any strided view), `plan.multiply()`, then copy the products out with plan.readC.
 * The plan's buffers are reused by the next plan, so use one plan at a time.
 *
 * multiplyChunk also runs in the worker threads, which import this module (threads.ts), so
 * every size it needs travels in GemmArgs rather than in state the caller sets at run time.
 */
import type { Data, DType } from '../backend.ts';
import { KC, MR, NR, packA, packB, scheduleGemm, unitTiles, type GemmSchedule, type MatrixView } from './pack.ts';
import { defineTask, runParallel, sharedFloat64, threadCount } from './threads.ts';
import { planWasmGemm } from './wasm/gemm.ts';
import { wasmEnabled } from './wasm/runtime.ts';

/** Everything a chunk needs: the schedule, and typed arrays (SharedArrayBuffer-backed when threads help). */
interface GemmArgs extends GemmSchedule {
  packedA: Float64Array;
  packedB: Float64Array;
  work: Float64Array;
  /** Packed elements between consecutive products' A (B); 0 shares one packed A (B). */
  aStride: number;
  bStride: number;
}

/**
 * C[0..3][0..3] (+)= Σ_p A[r][p] · B[p][q] over one k-block: the whole cost of a product is here.
 * The first k-block assigns (`accumulate` false), later ones add, so running a chunk twice gives
 * the same result (the thread pool relies on that when it must redo a job).
 * The 16 sums live in local variables, which V8 keeps in (or, past 16 values, spills to the
 * L1-resident stack beside) registers, so each step of p costs 8 loads for 16 multiply-adds,
 * where the i-k-j loop costs 2 loads and a store per multiply-add.
 * Measured (GFLOP/s, one thread, 2-core AMD EPYC, Node 20, packed 512² operands): 4×4 ≈ 5.2,
 * 3×4 ≈ 5.5, 8×4 ≈ 4.6–5, 4×2 and 2×4 ≈ 3.9, 2×6 ≈ 3.5, 1×8 ≈ 2.6, 4×4 with p unrolled twice
 * ≈ 3.7; float32 panels instead of float64 ran alike (the conversion hides behind the load).
 */
function microKernel(
  a: Float64Array,
  ia: number,
  b: Float64Array,
  ib: number,
  kc: number,
  c: Float64Array,
  ic: number,
  ldc: number,
  accumulate: boolean,
): void {
  let c00 = 0,
    c01 = 0,
    c02 = 0,
    c03 = 0,
    c10 = 0,
    c11 = 0,
    c12 = 0,
    c13 = 0;
  let c20 = 0,
    c21 = 0,
    c22 = 0,
    c23 = 0,
    c30 = 0,
    c31 = 0,
    c32 = 0,
    c33 = 0;
  for (let p = 0; p < kc; p++, ia += 4, ib += 4) {
    const a0 = a[ia],
      a1 = a[ia + 1],
      a2 = a[ia + 2],
      a3 = a[ia + 3];
    const b0 = b[ib],
      b1 = b[ib + 1],
      b2 = b[ib + 2],
      b3 = b[ib + 3];
    c00 += a0 * b0;
    c01 += a0 * b1;
    c02 += a0 * b2;
    c03 += a0 * b3;
    c10 += a1 * b0;
    c11 += a1 * b1;
    c12 += a1 * b2;
    c13 += a1 * b3;
    c20 += a2 * b0;
    c21 += a2 * b1;
    c22 += a2 * b2;
    c23 += a2 * b3;
    c30 += a3 * b0;
    c31 += a3 * b1;
    c32 += a3 * b2;
    c33 += a3 * b3;
  }
  if (accumulate) {
    c00 += c[ic];
    c01 += c[ic + 1];
    c02 += c[ic + 2];
    c03 += c[ic + 3];
    c10 += c[ic + ldc];
    c11 += c[ic + ldc + 1];
    c12 += c[ic + ldc + 2];
    c13 += c[ic + ldc + 3];
    c20 += c[ic + 2 * ldc];
    c21 += c[ic + 2 * ldc + 1];
    c22 += c[ic + 2 * ldc + 2];
    c23 += c[ic + 2 * ldc + 3];
    c30 += c[ic + 3 * ldc];
    c31 += c[ic + 3 * ldc + 1];
    c32 += c[ic + 3 * ldc + 2];
    c33 += c[ic + 3 * ldc + 3];
  }
  c[ic] = c00;
  c[ic + 1] = c01;
  c[ic + 2] = c02;
  c[ic + 3] = c03;
  ic += ldc;
  c[ic] = c10;
  c[ic + 1] = c11;
  c[ic + 2] = c12;
  c[ic + 3] = c13;
  ic += ldc;
  c[ic] = c20;
  c[ic + 1] = c21;
  c[ic + 2] = c22;
  c[ic + 3] = c23;
  ic += ldc;
  c[ic] = c30;
  c[ic + 1] = c31;
  c[ic + 2] = c32;
  c[ic + 3] = c33;
}

/**
 * One chunk: a run of units, each a block of rowTilesPerUnit × colTilesPerUnit tiles of one
 * product, over all of k. Loop order (Goto's): k-block, then row tile (its MR×kc panel of A
 * stays in L1), then column tile (the block's kc×(NR·colTilesPerUnit) panel of B stays in L2).
 */
function multiplyChunk(args: GemmArgs, chunk: number): void {
  const { packedA, packedB, work, k, paddedRows, paddedCols } = args;
  const lastUnit = Math.min(args.units, (chunk + 1) * args.unitsPerChunk);
  for (let unit = chunk * args.unitsPerChunk; unit < lastUnit; unit++) {
    const { t, firstRow, endRow, firstCol, endCol } = unitTiles(args, unit);
    const workBase = t * paddedRows * paddedCols;
    for (let p0 = 0; p0 < k; p0 += KC) {
      const kc = Math.min(KC, k - p0);
      const aBase = t * args.aStride + p0 * paddedRows,
        bBase = t * args.bStride + p0 * paddedCols;
      for (let i = firstRow; i < endRow; i++) {
        const ia = aBase + i * MR * kc;
        const ic = workBase + i * MR * paddedCols;
        for (let j = firstCol; j < endCol; j++) {
          microKernel(packedA, ia, packedB, bBase + j * NR * kc, kc, work, ic + j * NR, paddedCols, p0 > 0);
        }
      }
    }
  }
}

/** Column tiles per unit of work: at most 32 rows × 256 columns of C (scheduleGemm in pack.ts). */
const COL_TILES = 64;
/** Products with fewer multiply-adds than this run on the calling thread alone (waking a helper
 * and sharing the buffers costs tens of microseconds). */
const PARALLEL_MIN_MULTIPLY_ADDS = 1 << 20;

const gemmTask = defineTask('gemm', import.meta.url, multiplyChunk);
if (MR !== 4 || NR !== 4) throw new Error('gemm: microKernel is written for 4×4 tiles (pack.ts MR, NR)');

/** Reused buffers (kept only while modest, so one huge product does not pin its memory). */
const RETAIN_LIMIT = 1 << 21;
const scratch: Record<'a' | 'b' | 'work', Float64Array | null> = { a: null, b: null, work: null };

function buffer(name: 'a' | 'b' | 'work', length: number, shared: boolean): Float64Array {
  const current = scratch[name];
  const isShared =
    current !== null && typeof SharedArrayBuffer !== 'undefined' && current.buffer instanceof SharedArrayBuffer;
  if (current !== null && current.length >= length && (isShared || !shared)) return current;
  const fresh = shared ? sharedFloat64(length) : new Float64Array(length);
  if (length <= RETAIN_LIMIT) scratch[name] = fresh;
  return fresh;
}

export interface GemmPlan {
  readonly batch: number;
  /** Pack rows [rowStart, +rows) × steps [kStart, +kCount) of A[t] from `source` (element (0,0) = A[t][rowStart][kStart]). */
  packA(t: number, source: MatrixView, rowStart: number, rows: number, kStart: number, kCount: number): void;
  /** Pack steps [kStart, +kCount) × columns [colStart, +cols) of B[t] from `source`. */
  packB(t: number, source: MatrixView, kStart: number, kCount: number, colStart: number, cols: number): void;
  /** C[t] = A[t] · B[t] for every t. */
  multiply(): void;
  /** Row i of C[t], as a view of n values (float64, or float32 in a wasm float32 plan; valid until release). */
  row(t: number, i: number): Data;
  /** Copies (or with `add`, adds) C[t] into `out` at the strided view. */
  readC(t: number, out: Data, offset: number, rowStride: number, colStride: number, add?: boolean): void;
  /** Frees the plan's buffers (the wasm plan's scratch memory); call it after the last row/readC. */
  release(): void;
}

function addRow(
  work: Float64Array,
  from: number,
  out: Data,
  to: number,
  stride: number,
  n: number,
  add: boolean,
): void {
  if (add) for (let j = 0; j < n; j++, to += stride) out[to] += work[from + j];
  else for (let j = 0; j < n; j++, to += stride) out[to] = work[from + j];
}

/**
 * Plans `batch` products of [m, k] · [k, n]. With shareA (shareB) one packed A (B) serves every
 * product: pack it for t = 0 only. With WebAssembly SIMD (wasm/runtime.ts) the plan runs on the
 * wasm kernels in `dtype` (float32 sums in float32); else on the TypeScript kernel below, in float64.
 */
export function planGemm(
  batch: number,
  m: number,
  k: number,
  n: number,
  shareA = false,
  shareB = false,
  dtype: DType = 'float64',
): GemmPlan {
  if (wasmEnabled()) return planWasmGemm(batch, m, k, n, shareA, shareB, dtype === 'float64');
  const parallel = batch * m * n * k >= PARALLEL_MIN_MULTIPLY_ADDS && threadCount() > 1;
  const schedule = scheduleGemm(batch, m, k, n, { rows: MR, cols: NR }, COL_TILES, parallel ? threadCount() : 1);
  const { paddedRows, paddedCols, units, unitsPerChunk } = schedule;
  const aStride = shareA ? 0 : paddedRows * k,
    bStride = shareB ? 0 : paddedCols * k;
  const workStride = paddedRows * paddedCols;
  const args: GemmArgs = {
    ...schedule,
    packedA: buffer('a', Math.max(1, shareA ? paddedRows * k : batch * aStride), parallel),
    packedB: buffer('b', Math.max(1, shareB ? paddedCols * k : batch * bStride), parallel),
    work: buffer('work', Math.max(1, batch * workStride), parallel),
    aStride,
    bStride,
  };
  return {
    batch,
    packA: (t, source, rowStart, rows, kStart, kCount) =>
      packA(args.packedA, t * aStride, paddedRows, k, source, rowStart, rows, kStart, kCount),
    packB: (t, source, kStart, kCount, colStart, cols) =>
      packB(args.packedB, t * bStride, paddedCols, k, source, kStart, kCount, colStart, cols),
    multiply: () => {
      if (k === 0) args.work.fill(0, 0, batch * workStride);
      else if (m > 0 && n > 0) runParallel(gemmTask, args, Math.ceil(units / unitsPerChunk), parallel);
    },
    row: (t, i) => args.work.subarray(t * workStride + i * paddedCols, t * workStride + i * paddedCols + n),
    readC(t, out, offset, rowStride, colStride, add = false) {
      const work = args.work;
      for (let i = 0; i < m; i++) {
        const from = t * workStride + i * paddedCols,
          to = offset + i * rowStride;
        // A contiguous row is one native copy (with the float64 → float32 rounding built in).
        if (!add && colStride === 1) out.set(work.subarray(from, from + n), to);
        else addRow(work, from, out, to, colStride, n, add);
      }
    },
    release: () => {},
  };
}
