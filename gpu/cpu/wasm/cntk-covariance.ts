/**
 * The input covariance Σ⁰ of the CNTK (InfiniteKernels.inputCovariance) in WebAssembly SIMD
 * (f64x2): for one pair of images, Σ⁰[r, k] = scale·Σ_c x1[c, i(r), j(k)]·x2[c, i′(r), j′(k)],
 * from the images laid out along the band layout's column entries (expandColumns in
 * gpu/cpu/infinite/common.ts) as float64. The same operations in the same order as inputChunk
 * in gpu/cpu/infinite/linear.ts (the readable definition): each product in float64, summed
 * over the channels in order from zero, times scale, rounded to float32, so the results are bit
 * for bit the TypeScript ones (no fused multiply-add in wasm SIMD).
 */
import type { Local } from './emit.ts';
import { defineWasmModule } from './runtime.ts';

/**
 * covariance(x1, x2, first, second, rows, columns, channels, channelBytes, scale, out): x1 and x2
 * the byte addresses of two expanded images ([channels, height, columns] float64, a channel
 * `channelBytes` long), first/second i32 tables of each row entry's image row as a byte offset
 * (8·i·columns), out `rows·columns` float32.
 */
export const covarianceModule = defineWasmModule('infinite.inputCovariance', (m) => {
  m.addFunction(
    'covariance',
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'i32'],
    [],
    (f, [x1, x2, first, second, rows, columns, channels, channelBytes, scale, out]) => {
      const r = f.local('i32'),
        k = f.local('i32'),
        c = f.local('i32'),
        even = f.local('i32');
      const row1 = f.local('i32'),
        row2 = f.local('i32'),
        p1 = f.local('i32'),
        p2 = f.local('i32');
      const sum = f.local('v128');
      /** sum = Σ_c x1[c, row1 + k…]·x2[c, row2 + k…] over `lanes` entries, then out = scale·sum. */
      const entries = (lanes: 1 | 2) => {
        const load = (pointer: Local) => f.get(pointer).memory(lanes === 2 ? 'v128.load' : 'v128.load64_zero', 0, 3);
        f.get(row1).get(k).i32(8).op('i32.mul').op('i32.add').set(p1);
        f.get(row2).get(k).i32(8).op('i32.mul').op('i32.add').set(p2);
        f.f64x2([0, 0]).set(sum);
        f.forRange(c, 0, channels, 1, () => {
          f.get(sum);
          load(p1);
          load(p2);
          f.op('f64x2.mul').op('f64x2.add').set(sum);
          f.get(p1).get(channelBytes).op('i32.add').set(p1);
          f.get(p2).get(channelBytes).op('i32.add').set(p2);
        });
        f.get(out).get(k).i32(4).op('i32.mul').op('i32.add');
        f.get(scale).op('f64x2.splat').get(sum).op('f64x2.mul').op('f32x4.demote_f64x2_zero');
        if (lanes === 2) f.lane('i64x2.extract_lane', 0).memory('i64.store', 0, 2);
        else f.lane('f32x4.extract_lane', 0).memory('f32.store');
      };
      f.get(columns).i32(-2).op('i32.and').set(even);
      f.forRange(r, 0, rows, 1, () => {
        f.get(x1).get(first).memory('i32.load').op('i32.add').set(row1);
        f.get(x2).get(second).memory('i32.load').op('i32.add').set(row2);
        f.forRange(k, 0, even, 2, () => entries(2));
        // an odd last entry: lane 0 alone
        f.get(columns).i32(1).op('i32.and');
        f.ifElse(() => {
          f.get(columns).i32(1).op('i32.sub').set(k);
          entries(1);
        });
        f.get(out).get(columns).i32(4).op('i32.mul').op('i32.add').set(out);
        f.get(first).i32(4).op('i32.add').set(first);
        f.get(second).i32(4).op('i32.add').set(second);
      });
    },
  );
});
