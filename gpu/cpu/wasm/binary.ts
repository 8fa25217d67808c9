/**
 * The contiguous binary ops of gpu/cpu/elementwise.ts (add, sub, mul, div on two arrays of one
 * shape) in WebAssembly SIMD: four float32 (f32x4) or two float64 (f64x2) lanes per step, a
 * scalar tail. Bit-identical to the TypeScript loops: for float64 the same IEEE operation; for
 * float32 the TypeScript rounds the float64 result of two float32 operands to float32, which for
 * +, −, ×, ÷ equals the correctly rounded float32 operation (float64 carries more than 2·24 + 2
 * bits; Figueroa, "When is double rounding innocuous?", SIGNUM 1995). The operands are copied
 * into the shared memory and the result out (three memcpys), which pays only from a few
 * thousand elements on (bench: elementwise.ts's WASM_MIN_ELEMENTS).
 */
import type { BinaryOp, Data } from '../../backend.ts';
import type { Instruction } from './emit.ts';
import { defineWasmModule, float32View, float64View, instance, withScratch } from './runtime.ts';

/** The ops with a wasm loop, and their SIMD and scalar instructions per lane type. */
export const WASM_BINARY_OPS = ['add', 'sub', 'mul', 'div'] as const;
type WasmBinaryOp = (typeof WASM_BINARY_OPS)[number];

const binaryModule = defineWasmModule('elementwise.binary', (m) => {
  for (const op of WASM_BINARY_OPS) {
    for (const [lane, vector, bytes] of [
      ['f32', 'f32x4', 4],
      ['f64', 'f64x2', 8],
    ] as const) {
      // name(a, b, out, n): out[i] = a[i] op b[i] for i < n (byte addresses)
      m.addFunction(`${op}_${lane}`, ['i32', 'i32', 'i32', 'i32'], [], (f, [a, b, out, n]) => {
        const at = f.local('i32'),
          end = f.local('i32'),
          vectorEnd = f.local('i32');
        f.get(n).i32(bytes).op('i32.mul').set(end);
        f.get(end).i32(-16).op('i32.and').set(vectorEnd);
        f.forRange(at, 0, vectorEnd, 16, () => {
          f.get(out).get(at).op('i32.add');
          f.get(a).get(at).op('i32.add').memory('v128.load', 0, 0);
          f.get(b).get(at).op('i32.add').memory('v128.load', 0, 0);
          f.op(`${vector}.${op}` as Instruction).memory('v128.store', 0, 0);
        });
        f.forRange(at, vectorEnd, end, bytes, () => {
          f.get(out).get(at).op('i32.add');
          f.get(a).get(at).op('i32.add').memory(`${lane}.load`);
          f.get(b).get(at).op('i32.add').memory(`${lane}.load`);
          f.op(`${lane}.${op}` as Instruction).memory(`${lane}.store`);
        });
      });
    }
  }
});

/** Whether `op` has a wasm loop. */
export function hasWasmBinary(op: BinaryOp): op is WasmBinaryOp {
  return (WASM_BINARY_OPS as readonly string[]).includes(op);
}

/**
 * out[i] = a[i] op b[i] through the wasm loop (a, b, out of one dtype and length).
 * @example wasmBinary('add', new Float32Array([1, 2]), new Float32Array([3, 4]), out) // out = [4, 6]
 */
export function wasmBinary(op: WasmBinaryOp, a: Data, b: Data, out: Data): void {
  const n = out.length;
  const float64 = out instanceof Float64Array;
  if (
    a.length !== n ||
    b.length !== n ||
    a instanceof Float64Array !== float64 ||
    b instanceof Float64Array !== float64
  )
    throw new Error(`wasmBinary: ${op} needs a, b, out of one dtype and length, got ${a.length}, ${b.length}, ${n}`);
  const bytes = float64 ? 8 : 4;
  const view = float64 ? float64View : float32View;
  withScratch((alloc) => {
    const [pa, pb, po] = [alloc(bytes * n), alloc(bytes * n), alloc(bytes * n)];
    view(pa, n).set(a);
    view(pb, n).set(b);
    (instance(binaryModule).exports[`${op}_${float64 ? 'f64' : 'f32'}`] as (...p: number[]) => void)(pa, pb, po, n);
    out.set(view(po, n));
  });
}
