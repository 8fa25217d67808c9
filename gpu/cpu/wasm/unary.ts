/**
 * relu and step of gpu/cpu/elementwise.ts on float32 in WebAssembly SIMD (f32x4), bit for bit
 * the scalar definitions there (unaryFunctions): relu(x) = max(x, +0), whose wasm semantics give
 * +0 for −0 and NaN for NaN as the definition does (§4.3.3: fmax propagates NaN, orders −0 < +0);
 * step(x) = 1 where x > 0, x itself where x is NaN, else 0, by two bitselects. The operand is
 * copied into the shared memory and the result out; as for the binary loops (binary.ts) that
 * pays from a few thousand elements on.
 */
import type { Data, UnaryOp } from '../../backend.ts';
import type { Body, Local } from './emit.ts';
import { defineWasmModule, float32View, instance, withScratch } from './runtime.ts';

export const WASM_UNARY_OPS = ['relu', 'step'] as const;
type WasmUnaryOp = (typeof WASM_UNARY_OPS)[number];

/** The f32x4 result of each op from the operand in local x, left on the stack. */
const vectorOf: Record<WasmUnaryOp, (f: Body, x: Local) => void> = {
  relu: (f, x) => void f.get(x).f32x4([0, 0, 0, 0]).op('f32x4.max'),
  step: (f, x) =>
    void f
      .get(x)
      .f32x4([1, 1, 1, 1])
      .f32x4([0, 0, 0, 0])
      .get(x)
      .f32x4([0, 0, 0, 0])
      .op('f32x4.gt')
      .op('v128.bitselect')
      .get(x)
      .get(x)
      .op('f32x4.ne')
      .op('v128.bitselect'),
};

const unaryModule = defineWasmModule('elementwise.unary', (m) => {
  for (const op of WASM_UNARY_OPS) {
    // op(x, out, n): out[i] = op(x[i]) for i < n (byte addresses); the tail goes through one lane
    m.addFunction(op, ['i32', 'i32', 'i32'], [], (f, [input, out, n]) => {
      const at = f.local('i32'),
        end = f.local('i32'),
        vectorEnd = f.local('i32'),
        x = f.local('v128');
      f.get(n).i32(4).op('i32.mul').set(end);
      f.get(end).i32(-16).op('i32.and').set(vectorEnd);
      f.forRange(at, 0, vectorEnd, 16, () => {
        f.get(input).get(at).op('i32.add').memory('v128.load', 0, 0).set(x);
        f.get(out).get(at).op('i32.add');
        vectorOf[op](f, x);
        f.memory('v128.store', 0, 0);
      });
      f.forRange(at, vectorEnd, end, 4, () => {
        f.get(input).get(at).op('i32.add').memory('v128.load32_zero').set(x);
        f.get(out).get(at).op('i32.add');
        vectorOf[op](f, x);
        f.lane('f32x4.extract_lane', 0).memory('f32.store');
      });
    });
  }
});

/** Whether `op` has a wasm loop. */
export function hasWasmUnary(op: UnaryOp): op is WasmUnaryOp {
  return (WASM_UNARY_OPS as readonly string[]).includes(op);
}

/**
 * out[i] = op(x[i]) through the wasm loop (float32, one length).
 * @example wasmUnary('relu', new Float32Array([-1, 2]), out) // out = [0, 2]
 */
export function wasmUnary(op: WasmUnaryOp, x: Data, out: Data): void {
  const n = out.length;
  if (!(x instanceof Float32Array && out instanceof Float32Array) || x.length !== n)
    throw new Error(`wasmUnary: ${op} needs float32 x and out of one length, got ${x.length} and ${n}`);
  withScratch((alloc) => {
    const [px, po] = [alloc(4 * n), alloc(4 * n)];
    float32View(px, n).set(x);
    (instance(unaryModule).exports[op] as (...p: number[]) => void)(px, po, n);
    out.set(float32View(po, n));
  });
}
