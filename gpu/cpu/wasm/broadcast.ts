/**
 * The broadcasting binary ops of gpu/cpu/elementwise.ts in the common case where one operand
 * has the output's shape and the other repeats along the leading axes: a bias row ([B, N] + [N])
 * or a scalar (an SGD step's `grad · lr`). add, sub, mul, div, float32 (f32x4) and float64
 * (f64x2), bit-identical to the TypeScript loops for the reason binary.ts gives (one IEEE
 * operation per element, and float64 rounding of float32 operands is innocuous for + − × ÷).
 *
 * The row must be at least a vector long for SIMD along it, so a short row (a scalar is a row of
 * length 1) is first repeated k times into scratch, k dividing the row count (`widenRow`).
 */
import type { BinaryOp, Data } from '../../backend.ts';
import type { Instruction } from './emit.ts';
import { defineWasmModule, float32View, float64View, instance, withScratch } from './runtime.ts';
import { WASM_BINARY_OPS } from './binary.ts';

type WasmBinaryOp = (typeof WASM_BINARY_OPS)[number];
/** Which operand is the repeated row: 'right' is a op row, 'left' is row op b. */
export type RowSide = 'left' | 'right';

const broadcastModule = defineWasmModule('elementwise.broadcast', (m) => {
  for (const op of WASM_BINARY_OPS) {
    for (const [lane, vector, bytes] of [
      ['f32', 'f32x4', 4],
      ['f64', 'f64x2', 8],
    ] as const) {
      for (const side of ['left', 'right'] as const) {
        // name(full, row, out, rows, n):
        //   out[r·n + j] = full[r·n + j] op row[j] (right) or row[j] op full[r·n + j] (left)
        m.addFunction(
          `${op}_${side}_${lane}`,
          ['i32', 'i32', 'i32', 'i32', 'i32'],
          [],
          (f, [full, row, out, rows, n]) => {
            const r = f.local('i32'),
              at = f.local('i32'),
              rowBytes = f.local('i32'),
              vectorEnd = f.local('i32'),
              base = f.local('i32');
            f.get(n).i32(bytes).op('i32.mul').set(rowBytes);
            f.get(rowBytes).i32(-16).op('i32.and').set(vectorEnd);
            const operands = (load: 'v128.load' | `${typeof lane}.load`) => {
              const fullAt = () => f.get(full).get(base).op('i32.add').get(at).op('i32.add').memory(load, 0, 0);
              const rowAt = () => f.get(row).get(at).op('i32.add').memory(load, 0, 0);
              if (side === 'right') {
                fullAt();
                rowAt();
              } else {
                rowAt();
                fullAt();
              }
            };
            f.forRange(r, 0, rows, 1, () => {
              f.get(r).get(rowBytes).op('i32.mul').set(base);
              f.forRange(at, 0, vectorEnd, 16, () => {
                f.get(out).get(base).op('i32.add').get(at).op('i32.add');
                operands('v128.load');
                f.op(`${vector}.${op}` as Instruction).memory('v128.store', 0, 0);
              });
              f.forRange(at, vectorEnd, rowBytes, bytes, () => {
                f.get(out).get(base).op('i32.add').get(at).op('i32.add');
                operands(`${lane}.load`);
                f.op(`${lane}.${op}` as Instruction).memory(`${lane}.store`, 0, 0);
              });
            });
          },
        );
      }
    }
  }
});

/** The module, for its byte pin in the tests. */
export const wasmBroadcastModule = broadcastModule;

/** Rows shorter than this many elements are widened (repeated) before the loop. */
const MIN_ROW = 64;

/** The largest k dividing `rows` with k·n ≤ max(n, MIN_ROW·4): the row repeated k times still tiles the output. */
function widenFactor(rows: number, n: number): number {
  if (n >= MIN_ROW) return 1;
  const limit = Math.max(1, Math.floor((MIN_ROW * 4) / n));
  for (let k = Math.min(limit, rows); k > 1; k--) if (rows % k === 0) return k;
  return 1;
}

/**
 * out[r·n + j] = full[r·n + j] op row[j] (side 'right') or row[j] op full[r·n + j] ('left'),
 * through the wasm loop (one dtype; full and out of length rows·n, row of length n ≥ 1).
 * @example
 *   const out = new Float32Array(4);
 *   wasmBroadcastRow('add', new Float32Array([1, 2, 3, 4]), new Float32Array([10, 20]), 'right', out);
 *   // out = [11, 22, 13, 24]
 */
export function wasmBroadcastRow(op: WasmBinaryOp, full: Data, row: Data, side: RowSide, out: Data): void {
  const total = out.length,
    n = row.length;
  const float64 = out instanceof Float64Array;
  if (
    full.length !== total ||
    n === 0 ||
    total % n !== 0 ||
    full instanceof Float64Array !== float64 ||
    row instanceof Float64Array !== float64
  )
    throw new Error(
      `wasmBroadcastRow: ${op} needs full and out of one length, a multiple of the row's, one dtype; got full ${full.length}, row ${n}, out ${total}`,
    );
  const k = widenFactor(total / n, n);
  const width = k * n;
  const bytes = float64 ? 8 : 4;
  const view = float64 ? float64View : float32View;
  withScratch((alloc) => {
    const [pf, pr, po] = [alloc(bytes * total), alloc(bytes * width), alloc(bytes * total)];
    view(pf, total).set(full);
    const widened = view(pr, width);
    for (let copy = 0; copy < k; copy++) widened.set(row, copy * n);
    const name = `${op}_${side}_${float64 ? 'f64' : 'f32'}`;
    (instance(broadcastModule).exports[name] as (...p: number[]) => void)(pf, pr, po, total / width, width);
    out.set(view(po, total));
  });
}

/**
 * The row length n when `shape` broadcast to `outShape` is a row repeated along the leading axes
 * (its non-1 axes are exactly a trailing block of outShape, or it is a scalar: n = 1), else 0.
 * @example rowLength([512], [128, 512]) // 512
 */
export function rowLength(shape: readonly number[], outShape: readonly number[]): number {
  const lead = outShape.length - shape.length;
  if (lead < 0) return 0;
  let first = 0; // shape's leading 1s repeat it; from `first` on it must match the output
  while (first < shape.length && shape[first] === 1) first++;
  let n = 1;
  for (let axis = first; axis < shape.length; axis++) {
    if (shape[axis] !== outShape[axis + lead]) return 0;
    n *= shape[axis];
  }
  return n;
}

/** Whether `op` has a wasm broadcast loop. */
export function hasWasmBroadcast(op: BinaryOp): op is WasmBinaryOp {
  return (WASM_BINARY_OPS as readonly string[]).includes(op);
}
