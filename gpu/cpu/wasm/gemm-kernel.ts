/**
 * The register-blocked GEMM microkernels in WebAssembly SIMD, float32 (f32x4) and float64
 * (f64x2), on the packed panels of pack.ts (Goto & van de Geijn 2008, "Anatomy of
 * High-Performance Matrix Multiplication", §4–5), in the module `gemmModule`.
 *
 * Exported functions `tilesF32` and `tilesF64` (and the operand packing of gemm-pack-kernel.ts), each
 *   (a, b, c, kc, rowTiles, colTiles, ldc, accumulate) → ()
 * compute, for one k-block of kc steps, the rowTiles × colTiles tiles of C whose packed A panels
 * start at byte address a (MR·kc elements each, one after another) and packed B panels at b
 * (NR·kc elements each): C[i·MR + r][j·NR + q] (+)= Σ_p A[p·MR + r] · B[p·NR + q], with C's row r
 * at byte address c + r·ldc. `accumulate` 0 assigns (the first k-block), 1 adds, so a chunk run
 * twice gives the same result (threads.ts redoes a failed job).
 *
 * Each step of p loads NR/L vectors of B (L lanes per vector) and splats MR values of A, then
 * does MR·NR/L vector multiply-adds into accumulators held in locals (registers): the tile of C
 * stays in registers for the whole k-block. float32 sums accumulate in float32, as BLAS and tfjs
 * do; the error bound is then the standard γ_k Σ|a||b| (Higham 2002, §3.1), u = 2⁻²⁴.
 * WebAssembly SIMD has no fused multiply-add, so each step is a mul then an add, both rounded.
 *
 * Tile shapes measured (GFLOP/s, one thread, 512³, packed panels, KC = 256, Intel Xeon with FMA
 * (unused: no fused multiply-add in WebAssembly SIMD), Node 20, best of 4 alternating rounds while
 * the 2-core machine ran other jobs, load average 11: only the ranking is trustworthy):
 *   float32: 4×8 15.3, 2×16 13.1, 6×8 11.7, 4×12 11.5, 4×16 11.1, 8×8 8.7 (past 16 vector registers it spills)
 *   float64: 4×4 6.2 and 4.8 in two runs, 2×8 4.3 and 13.7 (unstable), 4×6 8.2 / 3.5, 8×4 6.3, 6×4 4.4
 * so 4×8 (8 accumulators + 2 B vectors + 1 A splat = 11 of the 16 xmm registers) and 4×4.
 * Remeasured near idle (load average 1.0; Xeon Sapphire Rapids, 48 KiB L1d and 2 MiB L2 per core,
 * Node 20.20; median of 5 alternating rounds, 8 × 32 tiles per call as wasm/gemm.ts runs them):
 *   float32: 4×8 20.3, 2×16 18.7, 5×8 17.7, 4×12 17.3, 3×16 16.2, 6×8 15.6, 8×8 15.0.
 * Larger tiles cannot win here: without a fused multiply-add each step is MR·NR/4 multiplies and as
 * many adds, and V8 (x64, 128-bit) issues them on three vector ports (its code for 4×8: vmulps into
 * a temporary, vaddps into the accumulator, the splat as a vbroadcastss from memory), so 4×8 is
 * already near the bound of those ports (16 vector operations per 64 flop: ≈ 12 flop per cycle,
 * ≈ 25 GFLOP/s at 2.1 GHz), not bound by its 6 loads per step; and 6×8 needs
 * 12 accumulators + 2 B + 1 A + 1 product temporary, past the 15 registers V8 leaves (xmm15 is
 * its scratch), so it spills. The tile stays 4×8.
 * Unrolling the loop over p by 2 or 4 (constant load offsets, one counter update per pass) did
 * not help in the same conditions (float32 4×8: 20.4 unrolled ×1, 11.9 ×2, 14.1 ×4), so it stays rolled.
 */
import type { Body, Local } from './emit.ts';
import { emitPackCopy, emitPackTransposeF32, PACK_PARAMS } from './gemm-pack-kernel.ts';
import { defineWasmModule } from './runtime.ts';

/** Element type of a microkernel: bytes per element, lanes per v128, and its instructions. */
interface Precision {
  bytes: 4 | 8;
  lanes: 4 | 2;
  splatLoad: 'v128.load32_splat' | 'v128.load64_splat';
  add: 'f32x4.add' | 'f64x2.add';
  mul: 'f32x4.mul' | 'f64x2.mul';
}
const F32: Precision = { bytes: 4, lanes: 4, splatLoad: 'v128.load32_splat', add: 'f32x4.add', mul: 'f32x4.mul' };
const F64: Precision = { bytes: 8, lanes: 2, splatLoad: 'v128.load64_splat', add: 'f64x2.add', mul: 'f64x2.mul' };

/** Tile of C per microkernel call: rows of A (MR) and columns of B (NR), per precision. */
export const F32_TILE = { rows: 4, cols: 8 } as const;
export const F64_TILE = { rows: 4, cols: 4 } as const;

/** Emits the body of a tiles function for an MR × NR tile in the given precision. */
function emitTiles(f: Body, params: Local[], type: Precision, MR: number, NR: number): void {
  const [a, b, c, kc, rowTiles, colTiles, ldc, accumulate] = params;
  const vectors = NR / type.lanes;
  const i = f.local('i32'),
    j = f.local('i32'),
    ap = f.local('i32'),
    bp = f.local('i32'),
    aEnd = f.local('i32'),
    cRow = f.local('i32'),
    cp = f.local('i32'),
    aPanel = f.local('i32'),
    bPanel = f.local('i32');
  const acc = Array.from({ length: MR }, () => Array.from({ length: vectors }, () => f.local('v128')));
  const bv = Array.from({ length: vectors }, () => f.local('v128'));
  const av = f.local('v128');
  const aPanelBytes = MR * type.bytes,
    bPanelBytes = NR * type.bytes;
  // cRow = address of the current row tile's first row of C.
  f.get(c).set(cRow).get(a).set(aPanel);
  f.forRange(i, 0, rowTiles, 1, () => {
    f.get(b).set(bPanel).get(cRow).set(cp);
    f.forRange(j, 0, colTiles, 1, () => {
      // Accumulators: C's tile (accumulate) or zero.
      f.get(accumulate).ifElse(
        () => {
          for (let r = 0; r < MR; r++)
            for (let v = 0; v < vectors; v++) {
              f.get(cp);
              if (r > 0) f.get(ldc).i32(r).op('i32.mul').op('i32.add');
              f.memory('v128.load', v * 16).set(acc[r][v]);
            }
        },
        () => {
          for (let r = 0; r < MR; r++) for (let v = 0; v < vectors; v++) f.f64x2([0, 0]).set(acc[r][v]);
        },
      );
      // for (ap = aPanel, bp = bPanel; ap < aPanel + kc·MR·size; ap += MR·size, bp += NR·size)
      f.get(aPanel).set(ap).get(bPanel).set(bp);
      f.get(kc).i32(aPanelBytes).op('i32.mul').get(aPanel).op('i32.add').set(aEnd);
      f.block((exit) => {
        f.get(ap).get(aEnd).op('i32.ge_u').brIf(exit);
        f.loop((top) => {
          for (let v = 0; v < vectors; v++)
            f.get(bp)
              .memory('v128.load', v * 16)
              .set(bv[v]);
          for (let r = 0; r < MR; r++) {
            f.get(ap)
              .memory(type.splatLoad, r * type.bytes)
              .set(av);
            for (let v = 0; v < vectors; v++)
              f.get(acc[r][v]).get(av).get(bv[v]).op(type.mul).op(type.add).set(acc[r][v]);
          }
          f.get(bp).i32(bPanelBytes).op('i32.add').set(bp);
          f.get(ap).i32(aPanelBytes).op('i32.add').tee(ap).get(aEnd).op('i32.lt_u').brIf(top);
        });
      });
      for (let r = 0; r < MR; r++)
        for (let v = 0; v < vectors; v++) {
          f.get(cp);
          if (r > 0) f.get(ldc).i32(r).op('i32.mul').op('i32.add');
          f.get(acc[r][v]).memory('v128.store', v * 16);
        }
      // Next column tile: B's next panel, C's next NR columns.
      f.get(bPanel).get(kc).i32(bPanelBytes).op('i32.mul').op('i32.add').set(bPanel);
      f.get(cp).i32(bPanelBytes).op('i32.add').set(cp);
    });
    // Next row tile: A's next panel, C's next MR rows.
    f.get(aPanel).get(kc).i32(aPanelBytes).op('i32.mul').op('i32.add').set(aPanel);
    f.get(cRow).get(ldc).i32(MR).op('i32.mul').op('i32.add').set(cRow);
  });
}

const TILES_PARAMS = ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'] as const;

/**
 * Builds a gemm module with the given tile shapes (the measurements compare shapes this way):
 * the tiles functions, and the packing functions of gemm-pack-kernel.ts for their panels
 * (packA/packB copies per precision, float32 transposes).
 * @example const tiles = instance(gemmModuleWith({ rows: 4, cols: 8 }, { rows: 4, cols: 4 })).exports.tilesF32;
 */
export function gemmModuleWith(f32Tile: { rows: number; cols: number }, f64Tile: { rows: number; cols: number }) {
  return defineWasmModule(`gemm-${f32Tile.rows}x${f32Tile.cols}-${f64Tile.rows}x${f64Tile.cols}`, (m) => {
    m.addFunction('tilesF32', TILES_PARAMS, [], (f, p) => emitTiles(f, p, F32, f32Tile.rows, f32Tile.cols));
    m.addFunction('tilesF64', TILES_PARAMS, [], (f, p) => emitTiles(f, p, F64, f64Tile.rows, f64Tile.cols));
    m.addFunction('copyAF32', PACK_PARAMS, [], (f, p) => emitPackCopy(f, p, f32Tile.rows * 4));
    m.addFunction('copyBF32', PACK_PARAMS, [], (f, p) => emitPackCopy(f, p, f32Tile.cols * 4));
    m.addFunction('copyAF64', PACK_PARAMS, [], (f, p) => emitPackCopy(f, p, f64Tile.rows * 8));
    m.addFunction('copyBF64', PACK_PARAMS, [], (f, p) => emitPackCopy(f, p, f64Tile.cols * 8));
    m.addFunction('transposeAF32', PACK_PARAMS, [], (f, p) => emitPackTransposeF32(f, p, f32Tile.rows));
    m.addFunction('transposeBF32', PACK_PARAMS, [], (f, p) => emitPackTransposeF32(f, p, f32Tile.cols));
  });
}

/** The module the cpu backend uses. */
export const gemmModule = gemmModuleWith(F32_TILE, F64_TILE);

/** Signature of tilesF32 / tilesF64 (all byte addresses and counts are i32). */
export type TilesFunction = (
  a: number,
  b: number,
  c: number,
  kc: number,
  rowTiles: number,
  colTiles: number,
  ldc: number,
  accumulate: number,
) => void;
