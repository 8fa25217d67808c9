/**
 * Reductions of gpu/cpu/reduce.ts over one contiguous run of axes in WebAssembly SIMD, the input
 * seen as [outer, extent, inner] and folded into a float64 accumulator [outer, inner] (float32
 * data promoted, as the TypeScript loop does):
 * - `columns` (inner > 1, e.g. the bias gradient, a sum over the batch axis of [B, N]): two output
 *   cells per f64x2 step, each folding its extent in increasing order, the order of the
 *   TypeScript walk, so sum, max and min are bit-identical to it (max/min by its rule
 *   `v > acc || v ≠ v`, so NaN wins and ties keep the first, as torch.max).
 * - `rows` (inner = 1, a sum over the last axes, e.g. softmax's normalizer): two f64x2 lanes take
 *   alternate elements and are added at the end, so the order, and the last bit of a sum, change:
 *   |fl(Σ) − Σ| ≤ γ_{n−1} Σ|x_i| with u = 2⁻⁵³ still holds (Higham, Accuracy and Stability of
 *   Numerical Algorithms, 2nd ed., §4.2, for any summation order).
 * Operands are copied into the shared memory and the accumulator out, as in binary.ts.
 */
import type { Body, Local } from './emit.ts';
import { defineWasmModule, float32View, float64View, instance, withScratch } from './runtime.ts';

export const WASM_COLUMN_OPS = ['sum', 'max', 'min'] as const;
type ColumnOp = (typeof WASM_COLUMN_OPS)[number];

/** acc ← combine(acc, v) on f64x2 locals, left on the stack (reduce.ts's rules). */
const combine: Record<ColumnOp, (f: Body, acc: Local, v: Local) => void> = {
  sum: (f, acc, v) => void f.get(acc).get(v).op('f64x2.add'),
  // v where (v > acc or v is NaN), else acc
  max: (f, acc, v) =>
    void f
      .get(v)
      .get(acc)
      .get(v)
      .get(acc)
      .op('f64x2.gt')
      .get(v)
      .get(v)
      .op('f64x2.ne')
      .op('v128.or')
      .op('v128.bitselect'),
  min: (f, acc, v) =>
    void f
      .get(v)
      .get(acc)
      .get(v)
      .get(acc)
      .op('f64x2.lt')
      .get(v)
      .get(v)
      .op('f64x2.ne')
      .op('v128.or')
      .op('v128.bitselect'),
};

const reduceModule = defineWasmModule('reduce.axis', (m) => {
  for (const [lane, bytes] of [
    ['f32', 4],
    ['f64', 8],
  ] as const) {
    /** Pushes two consecutive elements at byte address `at` (on the stack) as an f64x2. */
    const loadPair = (f: Body) =>
      lane === 'f32' ? f.memory('v128.load64_zero', 0, 0).op('f64x2.promote_low_f32x4') : f.memory('v128.load', 0, 0);
    /** Pushes one element at the address on the stack, splatted to an f64x2. */
    const loadOne = (f: Body) =>
      (lane === 'f32' ? f.memory('f32.load').op('f64.promote_f32') : f.memory('f64.load')).op('f64x2.splat');
    for (const op of WASM_COLUMN_OPS) {
      // op_columns(x, acc, outer, extent, inner):
      //   acc[o·inner + i] = op(acc[o·inner + i], x[(o·extent + e)·inner + i]) for e = 0, 1, … in order
      m.addFunction(
        `${op}_columns_${lane}`,
        ['i32', 'i32', 'i32', 'i32', 'i32'],
        [],
        (f, [x, acc, outer, extent, inner]) => {
          const o = f.local('i32'),
            e = f.local('i32'),
            i = f.local('i32'),
            pairEnd = f.local('i32'),
            from = f.local('i32'),
            to = f.local('i32'),
            a = f.local('v128'),
            v = f.local('v128');
          f.get(inner).i32(-2).op('i32.and').set(pairEnd);
          f.forRange(o, 0, outer, 1, () => {
            f.forRange(e, 0, extent, 1, () => {
              // from: x's row (o·extent + e)·inner; to: acc's row o·inner (element indices)
              f.get(o).get(extent).op('i32.mul').get(e).op('i32.add').get(inner).op('i32.mul').set(from);
              f.get(o).get(inner).op('i32.mul').set(to);
              const step = (pair: boolean) => {
                const accAt = () => f.get(acc).get(to).get(i).op('i32.add').i32(8).op('i32.mul').op('i32.add');
                const xAt = () => f.get(x).get(from).get(i).op('i32.add').i32(bytes).op('i32.mul').op('i32.add');
                accAt();
                if (pair) f.memory('v128.load', 0, 0).set(a);
                else f.memory('f64.load').op('f64x2.splat').set(a);
                xAt();
                if (pair) loadPair(f).set(v);
                else loadOne(f).set(v);
                accAt();
                combine[op](f, a, v);
                if (pair) f.memory('v128.store', 0, 0);
                else f.lane('f64x2.extract_lane', 0).memory('f64.store');
              };
              f.forRange(i, 0, pairEnd, 2, () => step(true));
              f.forRange(i, pairEnd, inner, 1, () => step(false));
            });
          });
        },
      );
    }
    // sum_rows(x, acc, outer, extent): acc[o] += Σ_e x[o·extent + e], lanes taking alternate elements
    m.addFunction(`sum_rows_${lane}`, ['i32', 'i32', 'i32', 'i32'], [], (f, [x, acc, outer, extent]) => {
      const o = f.local('i32'),
        e = f.local('i32'),
        pairEnd = f.local('i32'),
        row = f.local('i32'),
        lanes = f.local('v128'),
        total = f.local('f64');
      f.get(extent).i32(-2).op('i32.and').set(pairEnd);
      f.forRange(o, 0, outer, 1, () => {
        f.get(x).get(o).get(extent).op('i32.mul').i32(bytes).op('i32.mul').op('i32.add').set(row);
        f.f64x2([0, 0]).set(lanes);
        f.forRange(e, 0, pairEnd, 2, () => {
          f.get(lanes);
          f.get(row).get(e).i32(bytes).op('i32.mul').op('i32.add');
          loadPair(f);
          f.op('f64x2.add').set(lanes);
        });
        f.get(lanes).lane('f64x2.extract_lane', 0).get(lanes).lane('f64x2.extract_lane', 1).op('f64.add').set(total);
        f.forRange(e, pairEnd, extent, 1, () => {
          f.get(total).get(row).get(e).i32(bytes).op('i32.mul').op('i32.add');
          if (lane === 'f32') f.memory('f32.load').op('f64.promote_f32');
          else f.memory('f64.load');
          f.op('f64.add').set(total);
        });
        f.get(acc).get(o).i32(8).op('i32.mul').op('i32.add');
        f.get(acc).get(o).i32(8).op('i32.mul').op('i32.add').memory('f64.load');
        f.get(total).op('f64.add').memory('f64.store');
      });
    });
  }
});

/** The module, for its byte pin in the tests. */
export const wasmReduceModule = reduceModule;

/**
 * Folds x, seen as [outer, extent, inner], into `accumulator` [outer, inner] (float64, holding the
 * starting values: 0 for sum, ∓∞ for max/min) through the wasm loops; `op` 'sum' with inner = 1
 * takes the row loop (summation order changes), everything else the column loop (same order).
 * @example wasmReduceAxis('sum', new Float32Array([1, 2, 3, 4]), 2, 2, 1, acc) // acc = [3, 7]
 */
export function wasmReduceAxis(
  op: ColumnOp,
  x: Float32Array | Float64Array,
  outer: number,
  extent: number,
  inner: number,
  accumulator: Float64Array,
): void {
  const n = x.length;
  if (n !== outer * extent * inner || accumulator.length !== outer * inner)
    throw new Error(
      `wasmReduceAxis: ${op} needs x of outer·extent·inner = ${outer}·${extent}·${inner} elements and an accumulator of outer·inner, got ${n} and ${accumulator.length}`,
    );
  const float64 = x instanceof Float64Array;
  const bytes = float64 ? 8 : 4;
  withScratch((alloc) => {
    const [px, pa] = [alloc(bytes * n), alloc(8 * accumulator.length)];
    (float64 ? float64View : float32View)(px, n).set(x);
    float64View(pa, accumulator.length).set(accumulator);
    const exports = instance(reduceModule).exports as Record<string, (...p: number[]) => void>;
    const lane = float64 ? 'f64' : 'f32';
    if (op === 'sum' && inner === 1) exports[`sum_rows_${lane}`](px, pa, outer, extent);
    else exports[`${op}_columns_${lane}`](px, pa, outer, extent, inner);
    accumulator.set(float64View(pa, accumulator.length));
  });
}
