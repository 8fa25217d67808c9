/**
 * The ReLU row of the CNTK covariance step in WebAssembly SIMD (f64x2): the same formulas, in
 * the same order of operations, as reluRow with the polynomial arccos in
 * gpu/cpu/infinite/relu.ts (the readable definition and the fallback), so for float32 storage
 * its lines are bit for bit the TypeScript ones (IEEE float64 arithmetic, correctly rounded
 * square roots, no fused multiply-add in wasm SIMD). Float32 storage is widened to float64 on
 * load, as the TypeScript does; the arithmetic stays float64 because λ near ±1 loses the
 * digits of √(1 − λ²) and of the arccos in float32 (the derivative 1/√(1 − λ²) is unbounded).
 * Float64 storage takes Math.acos there, which wasm lacks, so it stays TypeScript.
 *
 * Layout (byte addresses, 8-byte aligned): nngp and ntk rows of `columns` float32; deviations
 * √a, √b and their inverses as float64 rows; the Σ and Θ lines written as float64 rows.
 */
import type { Body, Local } from './emit.ts';
import { addPatchSum, addWiden } from './cntk-patch-sum.ts';
import { defineWasmModule } from './runtime.ts';

/** 1/(2π), folded into K and K̇ (reluEntry in relu.ts). */
const INVERSE_TWO_PI = 0.15915494309189535;
const HALF_PI = 1.5707963267948966;
/** Abramowitz & Stegun 4.4.46, as polynomialComplement in relu.ts. */
const C = [
  1.570796305, 0.2145988016, 0.0889789874, 0.0501743046, 0.030891881, 0.0170881256, 0.0066700901, 0.0012624911,
];

/** Registers of one f64x2 step: the loaded operands, the two results, and temporaries. */
interface Lanes {
  nngp: Local;
  ntk: Local;
  dev1: Local;
  inv1: Local;
  dev2: Local;
  inv2: Local;
  lambda: Local;
  x: Local;
  x2: Local;
  complement: Local;
  nngpOut: Local;
  thetaOut: Local;
  add: Local;
}

/** f.push(c·x) for a constant c and a local x, as a v128 */
function timesConstant(f: Body, c: number, x: Local): Body {
  return f.f64x2([c, c]).get(x).op('f64x2.mul');
}

/**
 * nngpOut, thetaOut from the operands in `l` (2 entries): λ = clip((Σ·(1/√a))·(1/√b)),
 * complement = π − arccos λ by A&S 4.4.46 with Estrin's grouping, K = ((√a√b)·(λ·c + √(1 − λ·λ)))/(2π),
 * Θ′ = (Θ·c)/(2π) + add·K, each parenthesised as in relu.ts.
 */
function entryStep(f: Body, l: Lanes): void {
  // λ = clipped(nngp * inv1 * inv2): max/min keep NaN, as the ternaries do
  f.get(l.nngp).get(l.inv1).op('f64x2.mul').get(l.inv2).op('f64x2.mul');
  f.f64x2([-1, -1]).op('f64x2.max').f64x2([1, 1]).op('f64x2.min').set(l.lambda);
  f.get(l.lambda).op('f64x2.abs').set(l.x);
  f.get(l.x).get(l.x).op('f64x2.mul').set(l.x2);
  // p = ((c0 − c1x) + x²(c2 − c3x)) + x⁴((c4 − c5x) + x²(c6 − c7x))
  f.f64x2([C[0], C[0]]);
  timesConstant(f, C[1], l.x).op('f64x2.sub');
  f.get(l.x2).f64x2([C[2], C[2]]);
  timesConstant(f, C[3], l.x).op('f64x2.sub').op('f64x2.mul').op('f64x2.add');
  f.get(l.x2).get(l.x2).op('f64x2.mul'); // x⁴
  f.f64x2([C[4], C[4]]);
  timesConstant(f, C[5], l.x).op('f64x2.sub');
  f.get(l.x2).f64x2([C[6], C[6]]);
  timesConstant(f, C[7], l.x).op('f64x2.sub').op('f64x2.mul').op('f64x2.add');
  f.op('f64x2.mul').op('f64x2.add'); // p on the stack
  // arcsine = π/2 − √(1 − x)·p, kept in x (x is no longer needed)
  f.f64x2([1, 1]).get(l.x).op('f64x2.sub').op('f64x2.sqrt');
  f.op('f64x2.mul'); // √(1 − x)·p
  f.set(l.x2);
  f.f64x2([HALF_PI, HALF_PI]).get(l.x2).op('f64x2.sub').set(l.x);
  // complement = π/2 + (λ < 0 ? −arcsine : arcsine)
  f.f64x2([HALF_PI, HALF_PI]);
  f.get(l.x).op('f64x2.neg').get(l.x).get(l.lambda).f64x2([0, 0]).op('f64x2.lt').op('v128.bitselect');
  f.op('f64x2.add').set(l.complement);
  // K = ((dev1·dev2)·(λ·complement + √(1 − λ·λ)))·(1/2π)
  f.get(l.dev1).get(l.dev2).op('f64x2.mul');
  f.get(l.lambda).get(l.complement).op('f64x2.mul');
  f.f64x2([1, 1]).get(l.lambda).get(l.lambda).op('f64x2.mul').op('f64x2.sub').op('f64x2.sqrt');
  f.op('f64x2.add').op('f64x2.mul');
  f.f64x2([INVERSE_TWO_PI, INVERSE_TWO_PI]).op('f64x2.mul').set(l.nngpOut);
  // Θ′ = ((Θ·complement)·(1/2π)) + add·K
  f.get(l.ntk).get(l.complement).op('f64x2.mul');
  f.f64x2([INVERSE_TWO_PI, INVERSE_TWO_PI]).op('f64x2.mul');
  f.get(l.add).get(l.nngpOut).op('f64x2.mul').op('f64x2.add').set(l.thetaOut);
}

/**
 * row(nngp, ntk, dev1, inv1, dev2, inv2, lineS, lineT, columns, add): for k < columns,
 * lineS[k], lineT[k] = the ReLU step's K and Θ·K̇ + add·K of entry k (reluRow in relu.ts).
 */
export const reluRowModule = defineWasmModule('infinite.reluRow', (m) => {
  const row = m.addFunction(
    'row',
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64'],
    [],
    (f, [nngp, ntk, dev1, inv1, dev2, inv2, lineS, lineT, columns, addScalar]) => {
      const v = () => f.local('v128');
      const l: Lanes = {
        nngp: v(),
        ntk: v(),
        dev1: v(),
        inv1: v(),
        dev2: v(),
        inv2: v(),
        lambda: v(),
        x: v(),
        x2: v(),
        complement: v(),
        nngpOut: v(),
        thetaOut: v(),
        add: v(),
      };
      const k = f.local('i32');
      const pairs = f.local('i32');
      f.get(addScalar).op('f64x2.splat').set(l.add);
      // two entries per step: the float32 rows as 8 bytes widened, the float64 rows as 16 bytes
      const load = (lanes: 1 | 2) => {
        const widened = (pointer: Local, into: Local) =>
          f
            .get(pointer)
            .memory(lanes === 2 ? 'v128.load64_zero' : 'v128.load32_zero')
            .op('f64x2.promote_low_f32x4')
            .set(into);
        const wide = (pointer: Local, into: Local) =>
          f
            .get(pointer)
            .memory(lanes === 2 ? 'v128.load' : 'v128.load64_zero', 0, 3)
            .set(into);
        widened(nngp, l.nngp);
        widened(ntk, l.ntk);
        wide(dev1, l.dev1);
        wide(inv1, l.inv1);
        wide(dev2, l.dev2);
        wide(inv2, l.inv2);
      };
      const advance = (pointer: Local, bytes: number) => f.get(pointer).i32(bytes).op('i32.add').set(pointer);
      f.get(columns).i32(1).op('i32.shr_u').set(pairs);
      f.forRange(k, 0, pairs, 1, () => {
        load(2);
        entryStep(f, l);
        f.get(lineS).get(l.nngpOut).memory('v128.store', 0, 3);
        f.get(lineT).get(l.thetaOut).memory('v128.store', 0, 3);
        for (const pointer of [nngp, ntk]) advance(pointer, 8);
        for (const pointer of [dev1, inv1, dev2, inv2, lineS, lineT]) advance(pointer, 16);
      });
      // an odd last entry: lane 0 alone
      f.get(columns).i32(1).op('i32.and');
      f.ifElse(() => {
        load(1);
        entryStep(f, l);
        f.get(lineS).get(l.nngpOut).lane('f64x2.extract_lane', 0).memory('f64.store');
        f.get(lineT).get(l.thetaOut).lane('f64x2.extract_lane', 0).memory('f64.store');
      });
    },
  );
  /**
   * rows(nngp, ntk, dev1, inv1, dev2, inv2, lineS, lineT, columns, add, first, second, count):
   * `row` for `count` consecutive rows of Σ and Θ (float32, `columns` apart), the deviation rows
   * at byte offsets first[r] and second[r] (i32 tables) from dev1/inv1 and dev2/inv2, the lines
   * (columns + 1) float64 apart, so the zero slot after each line stays untouched. One call per
   * row group instead of one per row: a call from JavaScript costs about as much as a short row.
   */
  m.addFunction(
    'rows',
    ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'i32', 'i32', 'i32'],
    [],
    (f, [nngp, ntk, dev1, inv1, dev2, inv2, lineS, lineT, columns, add, first, second, count]) => {
      const r = f.local('i32');
      const offset1 = f.local('i32');
      const offset2 = f.local('i32');
      const pointer = (base: Local, offset: Local) => f.get(base).get(offset).op('i32.add');
      const step = (p: Local, bytes: (f: Body) => Body) => bytes(f.get(p)).op('i32.add').set(p);
      f.forRange(r, 0, count, 1, () => {
        f.get(first).memory('i32.load').set(offset1);
        f.get(second).memory('i32.load').set(offset2);
        f.get(nngp).get(ntk);
        pointer(dev1, offset1);
        pointer(inv1, offset1);
        pointer(dev2, offset2);
        pointer(inv2, offset2);
        f.get(lineS).get(lineT).get(columns).get(add).call(row);
        step(nngp, (g) => g.get(columns).i32(4).op('i32.mul'));
        step(ntk, (g) => g.get(columns).i32(4).op('i32.mul'));
        step(lineS, (g) => g.get(columns).i32(1).op('i32.add').i32(8).op('i32.mul'));
        step(lineT, (g) => g.get(columns).i32(1).op('i32.add').i32(8).op('i32.mul'));
        step(first, (g) => g.i32(4));
        step(second, (g) => g.i32(4));
      });
    },
  );
  // the linear step's lines and patch sums, with Θ and without (cntk-patch-sum.ts)
  for (const theta of [true, false]) {
    addWiden(m, theta);
    addPatchSum(m, theta);
  }
});
