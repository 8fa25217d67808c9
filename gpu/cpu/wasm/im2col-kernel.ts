/**
 * im2col straight into the packed B panels of the wasm GEMM (pack.ts layout, gemm-kernel.ts
 * tiles), in WebAssembly SIMD, float32 and float64, in the module `im2colModule`.
 *
 * Exported functions `patchRowF32` and `patchRowF64`, each
 *   (plane, destination, tileStride, tiles, positions, outWidth, height, width,
 *    strideHeight, strideWidth, yOffset, xOffset) → ()
 * write one patch row (channel plane, ky, kx) of the im2col matrix as one step p of packed B:
 * output position q = oy·OW + ox goes to lane q mod NR of column tile ⌊q/NR⌋, i.e. to byte
 * address destination + ⌊q/NR⌋·tileStride + (q mod NR)·size, and holds
 *   x[plane][oy·strideHeight + yOffset][ox·strideWidth + xOffset]   (0 where that is padding),
 * with yOffset = ky·dh − ph and xOffset = kx·dw − pw: the im2colRow of conv.ts, then packB.
 *
 * A tile of NR positions inside one output row with strideWidth 1 reads NR consecutive inputs:
 * whole v128 loads, with the lanes whose input column lies outside [0, width) cleared by a mask
 * (an i32x4 comparison of the lanes' input columns; for float64 each column index fills both
 * 32-bit halves of its 64-bit lane). Those loads may touch up to max(padWidth, NR) elements
 * before the plane or past its end (the neighbouring row or plane, masked out), so the caller
 * leaves that much guard around the input. Other tiles (strided, or crossing an output row)
 * are written one element at a time. Lanes past `positions` in the last tile are not written
 * (they only feed product columns that are never read back).
 */
import type { Body, Local } from './emit.ts';
import { defineWasmModule } from './runtime.ts';
import { F32_TILE, F64_TILE } from './gemm-kernel.ts';

interface Precision {
  bytes: 4 | 8;
  load: 'f32.load' | 'f64.load';
  store: 'f32.store' | 'f64.store';
  zero: 'f32' | 'f64';
  /** Input-column offset of each 32-bit lane of a vector: float32 lanes 0..3, float64 lanes 0, 0, 1, 1. */
  laneColumns: [number, number, number, number];
}
const F32: Precision = { bytes: 4, load: 'f32.load', store: 'f32.store', zero: 'f32', laneColumns: [0, 1, 2, 3] };
const F64: Precision = { bytes: 8, load: 'f64.load', store: 'f64.store', zero: 'f64', laneColumns: [0, 0, 1, 1] };

/** Emits patchRow for tiles of NR columns in the given precision. */
function emitPatchRow(f: Body, params: Local[], type: Precision, NR: number): void {
  const [plane, destination, tileStride, tiles, positions, outWidth, height, width, strideHeight, strideWidth] = params;
  const [yOffset, xOffset] = params.slice(10);
  const lanesPerVector = 16 / type.bytes,
    vectors = NR / lanesPerVector;
  const j = f.local('i32'),
    q = f.local('i32'),
    oy = f.local('i32'),
    ox = f.local('i32'),
    y = f.local('i32'),
    x = f.local('i32'),
    lane = f.local('i32'),
    tile = f.local('i32'),
    source = f.local('i32'),
    tileRow = f.local('i32'),
    tileColumn = f.local('i32');
  const laneColumns = f.local('v128'),
    widths = f.local('v128'),
    columns = f.local('v128');
  const value = f.local(type.zero);
  f.i32(0).op('i32x4.splat');
  for (let l = 1; l < 4; l++) f.i32(type.laneColumns[l]).lane('i32x4.replace_lane', l);
  f.set(laneColumns);
  f.get(width).op('i32x4.splat').set(widths);
  f.get(destination).set(tile);
  f.forRange(j, 0, tiles, 1, () => {
    // q = j·NR = oy·OW + ox (tileRow, tileColumn advance by NR per tile: no division per tile).
    f.get(j).i32(NR).op('i32.mul').set(q);
    f.get(tileRow).set(oy).get(tileColumn).set(ox);
    f.get(oy).get(strideHeight).op('i32.mul').get(yOffset).op('i32.add').set(y);
    // Vector path: stride 1 and the whole tile inside output row oy.
    f.get(strideWidth).i32(1).op('i32.eq');
    f.get(ox).i32(NR).op('i32.add').get(outWidth).op('i32.le_u').op('i32.and');
    f.ifElse(
      () => {
        f.get(y).get(height).op('i32.lt_u');
        f.ifElse(
          () => {
            // source = plane + (y·W + ox + xOffset)·size; x = ox + xOffset, the first lane's input column.
            f.get(ox).get(xOffset).op('i32.add').set(x);
            f.get(y).get(width).op('i32.mul').get(x).op('i32.add').i32(type.bytes).op('i32.mul');
            f.get(plane).op('i32.add').set(source);
            // Interior tile (every input column in [0, W)): plain copies; else masked ones.
            f.get(x).i32(0).op('i32.ge_s').get(x).i32(NR).op('i32.add').get(width).op('i32.le_s').op('i32.and');
            f.ifElse(
              () => {
                for (let v = 0; v < vectors; v++)
                  f.get(tile)
                    .get(source)
                    .memory('v128.load', v * 16, 0)
                    .memory('v128.store', v * 16);
              },
              () => {
                for (let v = 0; v < vectors; v++) {
                  // columns = x + v·L + laneColumns; keep the lanes with 0 ≤ column < W.
                  f.get(x)
                    .i32(v * lanesPerVector)
                    .op('i32.add')
                    .op('i32x4.splat')
                    .get(laneColumns)
                    .op('i32x4.add')
                    .set(columns);
                  f.get(tile);
                  f.get(source).memory('v128.load', v * 16, 0);
                  f.get(columns).i32(0).op('i32x4.splat').op('i32x4.ge_s');
                  f.get(columns).get(widths).op('i32x4.lt_s').op('v128.and');
                  f.op('v128.and').memory('v128.store', v * 16);
                }
              },
            );
          },
          () => {
            for (let v = 0; v < vectors; v++)
              f.get(tile)
                .f64x2([0, 0])
                .memory('v128.store', v * 16);
          },
        );
      },
      () => {
        // Element by element, oy and ox advancing together with q.
        f.block((exit) => {
          f.forRange(lane, 0, NR, 1, () => {
            f.get(q).get(lane).op('i32.add').get(positions).op('i32.ge_s').brIf(exit);
            f.get(oy).get(strideHeight).op('i32.mul').get(yOffset).op('i32.add').set(y);
            f.get(ox).get(strideWidth).op('i32.mul').get(xOffset).op('i32.add').set(x);
            if (type.zero === 'f32') f.f32(0).set(value);
            else f.f64(0).set(value);
            f.get(y).get(height).op('i32.lt_u').get(x).get(width).op('i32.lt_u').op('i32.and');
            f.ifElse(() => {
              f.get(y).get(width).op('i32.mul').get(x).op('i32.add').i32(type.bytes).op('i32.mul');
              f.get(plane).op('i32.add').memory(type.load).set(value);
            });
            f.get(tile).get(lane).i32(type.bytes).op('i32.mul').op('i32.add').get(value).memory(type.store);
            f.get(ox).i32(1).op('i32.add').tee(ox).get(outWidth).op('i32.eq');
            f.ifElse(() => {
              f.i32(0).set(ox).get(oy).i32(1).op('i32.add').set(oy);
            });
          });
        });
      },
    );
    f.get(tile).get(tileStride).op('i32.add').set(tile);
    f.get(tileColumn).i32(NR).op('i32.add').set(tileColumn);
    f.block((done) => {
      f.loop((again) => {
        f.get(tileColumn).get(outWidth).op('i32.lt_u').brIf(done);
        f.get(tileColumn).get(outWidth).op('i32.sub').set(tileColumn);
        f.get(tileRow).i32(1).op('i32.add').set(tileRow);
        f.br(again);
      });
    });
  });
}

/**
 * interleave(source, rowStride, destination, count): R rows (rowStride bytes apart) of `count`
 * values each, written lane by lane, row r of position p to destination + (p·R + r)·size: the
 * layout of a packed panel (R = MR for A, NR for B) within one k-block, for operands whose k
 * runs along their rows (conv2dWeightGrad's im2col rows and dy rows). Whole vectors transposed
 * in registers (4×4 float32 blocks, 2×2 float64 blocks, by i8x16.shuffle), the count mod 4 (2)
 * last positions one value at a time.
 */
function emitInterleave(f: Body, [source, rowStride, destination, count]: Local[], type: Precision, R: number): void {
  const lanes = 16 / type.bytes;
  const p = f.local('i32'),
    r = f.local('i32'),
    vectorEnd = f.local('i32'),
    from = f.local('i32'),
    to = f.local('i32');
  const rows = Array.from({ length: 4 }, () => f.local('v128'));
  const pairs = Array.from({ length: 4 }, () => f.local('v128'));
  // Byte indices of i8x16.shuffle picking 32-bit (a0, b0, a1, b1) / (a2, b2, a3, b3), and 64-bit (a0, b0) / (a1, b1).
  const low32 = [0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23];
  const high32 = low32.map((i) => i + 8);
  const low64 = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];
  const high64 = low64.map((i) => i + 8);
  f.get(count).get(count).i32(lanes).op('i32.rem_u').op('i32.sub').set(vectorEnd);
  f.forRange(p, 0, vectorEnd, lanes, () => {
    // from = source + p·size, to = destination + p·R·size
    f.get(p).i32(type.bytes).op('i32.mul').get(source).op('i32.add').set(from);
    f.get(p)
      .i32(R * type.bytes)
      .op('i32.mul')
      .get(destination)
      .op('i32.add')
      .set(to);
    for (let group = 0; group < R / lanes; group++) {
      const load = (row: number, into: Local) => {
        f.get(from);
        if (group * lanes + row > 0)
          f.get(rowStride)
            .i32(group * lanes + row)
            .op('i32.mul')
            .op('i32.add');
        f.memory('v128.load', 0, 0).set(into);
      };
      const store = (position: number) => f.memory('v128.store', position * R * type.bytes + group * 16);
      if (type.bytes === 4) {
        for (let row = 0; row < 4; row++) load(row, rows[row]);
        f.get(rows[0]).get(rows[1]).shuffle(low32).set(pairs[0]); // a0 b0 a1 b1
        f.get(rows[0]).get(rows[1]).shuffle(high32).set(pairs[1]); // a2 b2 a3 b3
        f.get(rows[2]).get(rows[3]).shuffle(low32).set(pairs[2]); // c0 d0 c1 d1
        f.get(rows[2]).get(rows[3]).shuffle(high32).set(pairs[3]); // c2 d2 c3 d3
        f.get(to).get(pairs[0]).get(pairs[2]).shuffle(low64);
        store(0);
        f.get(to).get(pairs[0]).get(pairs[2]).shuffle(high64);
        store(1);
        f.get(to).get(pairs[1]).get(pairs[3]).shuffle(low64);
        store(2);
        f.get(to).get(pairs[1]).get(pairs[3]).shuffle(high64);
        store(3);
      } else {
        load(0, rows[0]);
        load(1, rows[1]);
        f.get(to).get(rows[0]).get(rows[1]).shuffle(low64);
        store(0);
        f.get(to).get(rows[0]).get(rows[1]).shuffle(high64);
        store(1);
      }
    }
  });
  f.forRange(p, vectorEnd, count, 1, () => {
    f.forRange(r, 0, R, 1, () => {
      f.get(p).i32(R).op('i32.mul').get(r).op('i32.add').i32(type.bytes).op('i32.mul').get(destination).op('i32.add');
      f.get(r)
        .get(rowStride)
        .op('i32.mul')
        .get(p)
        .i32(type.bytes)
        .op('i32.mul')
        .op('i32.add')
        .get(source)
        .op('i32.add');
      f.memory(type.load).memory(type.store);
    });
  });
}

/**
 * col2imRow(row, plane, outHeight, outWidth, height, width, strideHeight, strideWidth, yOffset,
 * xOffset): the transpose of patchRow, as conv.ts's col2imRowAdd: adds row[oy·OW + ox] (byte
 * address row, contiguous) into x[plane][oy·sh + yOffset][ox·sw + xOffset] wherever that lies
 * inside the image, in order of ox. With stride 1 and a whole vector of input columns inside
 * [0, width), one vector add; else one value at a time.
 */
function emitCol2imRow(f: Body, params: Local[], type: Precision): void {
  const [row, plane, outHeight, outWidth, height, width, strideHeight, strideWidth, yOffset, xOffset] = params;
  const lanes = 16 / type.bytes;
  const add = type.bytes === 4 ? 'f32.add' : 'f64.add';
  const vectorAdd = type.bytes === 4 ? 'f32x4.add' : 'f64x2.add';
  const oy = f.local('i32'),
    ox = f.local('i32'),
    y = f.local('i32'),
    x = f.local('i32'),
    from = f.local('i32'),
    to = f.local('i32');
  f.forRange(oy, 0, outHeight, 1, () => {
    f.get(oy).get(strideHeight).op('i32.mul').get(yOffset).op('i32.add').tee(y).get(height).op('i32.lt_u');
    f.ifElse(() => {
      f.i32(0).set(ox);
      f.block((done) => {
        f.loop((next) => {
          f.get(ox).get(outWidth).op('i32.ge_s').brIf(done);
          f.get(ox).get(strideWidth).op('i32.mul').get(xOffset).op('i32.add').set(x);
          // from = row + (oy·OW + ox)·size, to = plane + (y·W + x)·size
          f.get(oy).get(outWidth).op('i32.mul').get(ox).op('i32.add').i32(type.bytes).op('i32.mul');
          f.get(row).op('i32.add').set(from);
          f.get(y).get(width).op('i32.mul').get(x).op('i32.add').i32(type.bytes).op('i32.mul');
          f.get(plane).op('i32.add').set(to);
          f.get(strideWidth).i32(1).op('i32.eq').get(x).i32(0).op('i32.ge_s').op('i32.and');
          f.get(x).i32(lanes).op('i32.add').get(width).op('i32.le_s').op('i32.and');
          f.get(ox).i32(lanes).op('i32.add').get(outWidth).op('i32.le_s').op('i32.and');
          f.ifElse(
            () => {
              f.get(to).get(to).memory('v128.load', 0, 0).get(from).memory('v128.load', 0, 0).op(vectorAdd);
              f.memory('v128.store', 0, 0);
              f.get(ox).i32(lanes).op('i32.add').set(ox);
            },
            () => {
              f.get(x).get(width).op('i32.lt_u');
              f.ifElse(() => {
                f.get(to).get(to).memory(type.load).get(from).memory(type.load).op(add).memory(type.store);
              });
              f.get(ox).i32(1).op('i32.add').set(ox);
            },
          );
          f.br(next);
        });
      });
    });
  });
}

const COL2IM_PARAMS = Array.from({ length: 10 }, () => 'i32' as const);

const INTERLEAVE_PARAMS = ['i32', 'i32', 'i32', 'i32'] as const;

const PATCH_ROW_PARAMS = Array.from({ length: 12 }, () => 'i32' as const);

/** The module the cpu backend's conv2d uses (tile widths of the gemm module's B panels). */
export const im2colModule = defineWasmModule('im2col', (m) => {
  m.addFunction('patchRowF32', PATCH_ROW_PARAMS, [], (f, p) => emitPatchRow(f, p, F32, F32_TILE.cols));
  m.addFunction('patchRowF64', PATCH_ROW_PARAMS, [], (f, p) => emitPatchRow(f, p, F64, F64_TILE.cols));
  m.addFunction('col2imRowF32', COL2IM_PARAMS, [], (f, p) => emitCol2imRow(f, p, F32));
  m.addFunction('col2imRowF64', COL2IM_PARAMS, [], (f, p) => emitCol2imRow(f, p, F64));
  m.addFunction('interleaveRowsF32', INTERLEAVE_PARAMS, [], (f, p) => emitInterleave(f, p, F32, F32_TILE.rows));
  m.addFunction('interleaveColsF32', INTERLEAVE_PARAMS, [], (f, p) => emitInterleave(f, p, F32, F32_TILE.cols));
  m.addFunction('interleaveRowsF64', INTERLEAVE_PARAMS, [], (f, p) => emitInterleave(f, p, F64, F64_TILE.rows));
  m.addFunction('interleaveColsF64', INTERLEAVE_PARAMS, [], (f, p) => emitInterleave(f, p, F64, F64_TILE.cols));
});

/** Signature of col2imRowF32 / col2imRowF64 (byte addresses, sizes, strides and offsets; all i32). */
export type Col2imRowFunction = (
  row: number,
  plane: number,
  outHeight: number,
  outWidth: number,
  height: number,
  width: number,
  strideHeight: number,
  strideWidth: number,
  yOffset: number,
  xOffset: number,
) => void;

/** Signature of the interleave functions (byte addresses and stride, a count of positions). */
export type InterleaveFunction = (source: number, rowStride: number, destination: number, count: number) => void;

/** Signature of patchRowF32 / patchRowF64 (byte addresses, counts and offsets; all i32). */
export type PatchRowFunction = (
  plane: number,
  destination: number,
  tileStride: number,
  tiles: number,
  positions: number,
  outWidth: number,
  height: number,
  width: number,
  strideHeight: number,
  strideWidth: number,
  yOffset: number,
  xOffset: number,
) => void;
