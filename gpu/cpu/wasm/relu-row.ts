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
  p: Local;
  complement: Local;
  nngpOut: Local;
  thetaOut: Local;
}

/** f.push(c·x) for a constant c and a local x, as a v128 */
function timesConstant(f: Body, c: number, x: Local): Body {
  return f.f64x2([c, c]).get(x).op('f64x2.mul');
}

/**
 * nngpOut, thetaOut from the operands in each of `all` (2 entries each): λ = clip((Σ·(1/√a))·(1/√b)),
 * complement = π − arccos λ by A&S 4.4.46 with Estrin's grouping, K = ((√a√b)·(λ·c + √(1 − λ·λ)))/(2π),
 * Θ′ = (Θ·c)/(2π) + add·K, each parenthesised as in relu.ts. Statement by statement for every
 * register set in turn: V8 does not reorder instructions, and the two steps' dependency chains
 * (two square roots, the polynomial) interleaved keep more of the core busy than one after the other.
 */
function entrySteps(f: Body, all: Lanes[], add: Local): void {
  const each = (statement: (l: Lanes) => void) => all.forEach(statement);
  // λ = clipped(nngp * inv1 * inv2): pmin(r, 1) is 1 < r ? 1 : r and pmax(r, −1) is r < −1 ? −1 : r
  // (WebAssembly SIMD, f64x2.pmin/pmax), the ternaries of clipped lane by lane with NaN and −0
  // kept; one minpd/maxpd each, where f64x2.min/max take several instructions for NaN
  each((l) => {
    f.get(l.nngp).get(l.inv1).op('f64x2.mul').get(l.inv2).op('f64x2.mul');
    f.f64x2([1, 1]).op('f64x2.pmin').f64x2([-1, -1]).op('f64x2.pmax').set(l.lambda);
  });
  each((l) => f.get(l.lambda).op('f64x2.abs').set(l.x));
  each((l) => f.get(l.x).get(l.x).op('f64x2.mul').set(l.x2));
  // p = ((c0 − c1x) + x²(c2 − c3x)) + x⁴((c4 − c5x) + x²(c6 − c7x))
  each((l) => {
    f.f64x2([C[0], C[0]]);
    timesConstant(f, C[1], l.x).op('f64x2.sub');
    f.get(l.x2).f64x2([C[2], C[2]]);
    timesConstant(f, C[3], l.x).op('f64x2.sub').op('f64x2.mul').op('f64x2.add').set(l.p);
  });
  each((l) => {
    f.f64x2([C[4], C[4]]);
    timesConstant(f, C[5], l.x).op('f64x2.sub');
    f.get(l.x2).f64x2([C[6], C[6]]);
    timesConstant(f, C[7], l.x).op('f64x2.sub').op('f64x2.mul').op('f64x2.add');
    f.get(l.x2).get(l.x2).op('f64x2.mul').op('f64x2.mul'); // x⁴·(…)
    f.get(l.p).op('f64x2.add').set(l.p);
  });
  // arcsine = π/2 − √(1 − x)·p, kept in x (x is no longer needed)
  each((l) => f.f64x2([1, 1]).get(l.x).op('f64x2.sub').op('f64x2.sqrt').get(l.p).op('f64x2.mul').set(l.x2));
  each((l) => f.f64x2([HALF_PI, HALF_PI]).get(l.x2).op('f64x2.sub').set(l.x));
  // complement = π/2 + (λ < 0 ? −arcsine : arcsine)
  each((l) => {
    f.f64x2([HALF_PI, HALF_PI]);
    f.get(l.x).op('f64x2.neg').get(l.x).get(l.lambda).f64x2([0, 0]).op('f64x2.lt').op('v128.bitselect');
    f.op('f64x2.add').set(l.complement);
  });
  // K = ((dev1·dev2)·(λ·complement + √(1 − λ·λ)))·(1/2π)
  each((l) => {
    f.get(l.dev1).get(l.dev2).op('f64x2.mul');
    f.get(l.lambda).get(l.complement).op('f64x2.mul');
    f.f64x2([1, 1]).get(l.lambda).get(l.lambda).op('f64x2.mul').op('f64x2.sub').op('f64x2.sqrt');
    f.op('f64x2.add').op('f64x2.mul');
    f.f64x2([INVERSE_TWO_PI, INVERSE_TWO_PI]).op('f64x2.mul').set(l.nngpOut);
  });
  // Θ′ = ((Θ·complement)·(1/2π)) + add·K
  each((l) => {
    f.get(l.ntk).get(l.complement).op('f64x2.mul');
    f.f64x2([INVERSE_TWO_PI, INVERSE_TWO_PI]).op('f64x2.mul');
    f.get(add).get(l.nngpOut).op('f64x2.mul').op('f64x2.add').set(l.thetaOut);
  });
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
      const lanes = (): Lanes => ({
        nngp: v(),
        ntk: v(),
        dev1: v(),
        inv1: v(),
        dev2: v(),
        inv2: v(),
        lambda: v(),
        x: v(),
        x2: v(),
        p: v(),
        complement: v(),
        nngpOut: v(),
        thetaOut: v(),
      });
      const first = lanes(),
        second = lanes();
      const add = v();
      const k = f.local('i32');
      const quads = f.local('i32');
      f.get(addScalar).op('f64x2.splat').set(add);
      // `lanes` entries into l, `step` entries on: the float32 rows as 8 bytes widened, the float64 rows as 16 bytes
      const load = (l: Lanes, lanes: 1 | 2, step: 0 | 1) => {
        const widened = (pointer: Local, into: Local) =>
          f
            .get(pointer)
            .memory(lanes === 2 ? 'v128.load64_zero' : 'v128.load32_zero', 8 * step)
            .op('f64x2.promote_low_f32x4')
            .set(into);
        const wide = (pointer: Local, into: Local) =>
          f
            .get(pointer)
            .memory(lanes === 2 ? 'v128.load' : 'v128.load64_zero', 16 * step, 3)
            .set(into);
        widened(nngp, l.nngp);
        widened(ntk, l.ntk);
        wide(dev1, l.dev1);
        wide(inv1, l.inv1);
        wide(dev2, l.dev2);
        wide(inv2, l.inv2);
      };
      const advance = (entries: number) => {
        for (const pointer of [nngp, ntk])
          f.get(pointer)
            .i32(4 * entries)
            .op('i32.add')
            .set(pointer);
        for (const pointer of [dev1, inv1, dev2, inv2, lineS, lineT])
          f.get(pointer)
            .i32(8 * entries)
            .op('i32.add')
            .set(pointer);
      };
      const storePair = (l: Lanes, step: 0 | 1) => {
        f.get(lineS)
          .get(l.nngpOut)
          .memory('v128.store', 16 * step, 3);
        f.get(lineT)
          .get(l.thetaOut)
          .memory('v128.store', 16 * step, 3);
      };
      // four entries per step, as two interleaved f64x2 steps
      f.get(columns).i32(2).op('i32.shr_u').set(quads);
      f.forRange(k, 0, quads, 1, () => {
        load(first, 2, 0);
        load(second, 2, 1);
        entrySteps(f, [first, second], add);
        storePair(first, 0);
        storePair(second, 1);
        advance(4);
      });
      // two more entries
      f.get(columns).i32(2).op('i32.and');
      f.ifElse(() => {
        load(first, 2, 0);
        entrySteps(f, [first], add);
        storePair(first, 0);
        advance(2);
      });
      // an odd last entry: lane 0 alone
      f.get(columns).i32(1).op('i32.and');
      f.ifElse(() => {
        load(first, 1, 0);
        entrySteps(f, [first], add);
        f.get(lineS).get(first.nngpOut).lane('f64x2.extract_lane', 0).memory('f64.store');
        f.get(lineT).get(first.thetaOut).lane('f64x2.extract_lane', 0).memory('f64.store');
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
