/**
 * Packing of GEMM operands in WebAssembly SIMD, for the gemm module (gemm-kernel.ts): the packed
 * panel layout of pack.ts (Goto & van de Geijn 2008, §4), written a whole vector at a time from
 * an operand staged in the wasm memory. The TypeScript packA/packB of pack.ts remain the
 * definition; these are pure copies (no arithmetic), so the packed panels are bit-identical.
 *
 * Why: at 512³ float32 on 2 threads the multiply takes about 6 ms, and packing both operands
 * element by element in TypeScript took 2–3 ms more on one thread (bench/ops.ts, matmul 512).
 *
 * Two shapes of source, for a panel of `lanes` values per step (MR for A, NR for B):
 *  - copy: the panel's values for one step are contiguous in the source (row-major B, or A
 *    given transposed), so each tile's part of a step is lanes/L whole vectors (L per v128);
 *  - transpose (float32 only): they are a column of the source (row-major A, or B given
 *    transposed), so 4×4 blocks are transposed in registers with i8x16.shuffle.
 */
import type { Body, Local } from './emit.ts';

/**
 * copy(source, sourceStride, destination, steps, tiles, tileStride): for each step s < steps,
 * the tiles·lanes contiguous values at source + s·sourceStride go to tile j's part of step s,
 * destination + j·tileStride + s·lanes·bytes, one `vectors` = lanes·bytes/16 vectors per tile.
 * Reads whole vectors: a last partial tile reads past the row (its padding lanes get garbage,
 * which pack.ts allows: padding only feeds products never read back).
 */
export function emitPackCopy(f: Body, params: Local[], laneBytes: number): void {
  const [source, sourceStride, destination, steps, tiles, tileStride] = params;
  if (laneBytes % 16 !== 0)
    throw new Error(`emitPackCopy: a tile's step must be whole vectors, got ${laneBytes} bytes`);
  const vectors = laneBytes / 16;
  const s = f.local('i32'),
    j = f.local('i32'),
    from = f.local('i32'),
    to = f.local('i32');
  f.forRange(s, 0, steps, 1, () => {
    f.get(source).get(s).get(sourceStride).op('i32.mul').op('i32.add').set(from);
    f.get(destination).get(s).i32(laneBytes).op('i32.mul').op('i32.add').set(to);
    f.forRange(j, 0, tiles, 1, () => {
      for (let v = 0; v < vectors; v++)
        f.get(to)
          .get(from)
          .memory('v128.load', v * 16)
          .memory('v128.store', v * 16);
      f.get(from).i32(laneBytes).op('i32.add').set(from);
      f.get(to).get(tileStride).op('i32.add').set(to);
    });
  });
}

/** Byte indices of i8x16.shuffle picking float32 lanes (0–3 from the first operand, 4–7 the second). */
const lanesOf = (picks: number[]) => picks.flatMap((lane) => [0, 1, 2, 3].map((b) => lane * 4 + b));
const INTERLEAVE_LOW = lanesOf([0, 4, 1, 5]);
const INTERLEAVE_HIGH = lanesOf([2, 6, 3, 7]);
const HALVES_LOW = lanesOf([0, 1, 4, 5]);
const HALVES_HIGH = lanesOf([2, 3, 6, 7]);

/**
 * transposeF32(source, sourceStride, destination, quads, tiles, tileStride), for float32 panels
 * of `lanes` (a multiple of 4) values per step: panel lane r of tile j is source row j·lanes + r
 * (rows sourceStride bytes apart), and steps 0 … 4·quads − 1 are that row's first 4·quads values;
 * step s of tile j goes to destination + j·tileStride + s·lanes·4. Each 4 rows × 4 steps block is
 * 4 loads, a 4×4 transpose in 8 shuffles (interleave pairs of rows, then pairs of halves), and 4
 * stores. Rows past the last tile's real ones are read (the caller stages whole tiles of rows).
 */
export function emitPackTransposeF32(f: Body, params: Local[], lanes: number): void {
  const [source, sourceStride, destination, quads, tiles, tileStride] = params;
  if (lanes % 4 !== 0) throw new Error(`emitPackTransposeF32: lanes must be a multiple of 4, got ${lanes}`);
  const stepBytes = lanes * 4;
  const j = f.local('i32'),
    q = f.local('i32'),
    from = f.local('i32'),
    to = f.local('i32'),
    tileRow = f.local('i32');
  const rows = [0, 1, 2, 3].map(() => f.local('v128'));
  const low = f.local('v128'),
    high = f.local('v128'),
    low2 = f.local('v128'),
    high2 = f.local('v128');
  f.forRange(j, 0, tiles, 1, () => {
    // tileRow = source + j·lanes·sourceStride: this tile's first source row.
    f.get(source).get(j).i32(lanes).op('i32.mul').get(sourceStride).op('i32.mul').op('i32.add').set(tileRow);
    for (let g = 0; g < lanes / 4; g++) {
      f.get(tileRow)
        .get(sourceStride)
        .i32(4 * g)
        .op('i32.mul')
        .op('i32.add')
        .set(from);
      f.get(destination).get(j).get(tileStride).op('i32.mul').op('i32.add').set(to);
      f.forRange(q, 0, quads, 1, () => {
        for (let r = 0; r < 4; r++) {
          f.get(from);
          if (r > 0) f.get(sourceStride).i32(r).op('i32.mul').op('i32.add');
          f.memory('v128.load').set(rows[r]);
        }
        // [a0 b0 a1 b1], [a2 b2 a3 b3] from rows a, b; likewise for rows c, d; then the halves.
        f.get(rows[0]).get(rows[1]).shuffle(INTERLEAVE_LOW).set(low);
        f.get(rows[0]).get(rows[1]).shuffle(INTERLEAVE_HIGH).set(high);
        f.get(rows[2]).get(rows[3]).shuffle(INTERLEAVE_LOW).set(low2);
        f.get(rows[2]).get(rows[3]).shuffle(INTERLEAVE_HIGH).set(high2);
        const outputs: [Local, Local, number[]][] = [
          [low, low2, HALVES_LOW],
          [low, low2, HALVES_HIGH],
          [high, high2, HALVES_LOW],
          [high, high2, HALVES_HIGH],
        ];
        outputs.forEach(([x, y, picks], step) =>
          f
            .get(to)
            .get(x)
            .get(y)
            .shuffle(picks)
            .memory('v128.store', step * stepBytes + g * 16),
        );
        f.get(from).i32(16).op('i32.add').set(from);
        f.get(to)
          .i32(4 * stepBytes)
          .op('i32.add')
          .set(to);
      });
    }
  });
}

/** Parameters of both packing functions (byte addresses, counts and byte strides, all i32). */
export const PACK_PARAMS = ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'] as const;

/** Signature of the copy and transpose packing functions. */
export type PackFunction = (
  source: number,
  sourceStride: number,
  destination: number,
  steps: number,
  tiles: number,
  tileStride: number,
) => void;
