/**
 * The WebAssembly emitter (gpu/cpu/wasm/emit.ts) and runtime (runtime.ts): LEB128 against the
 * specification's examples, emitted modules validate, emission is deterministic (a SHA-256 of each
 * module's bytes is pinned here, so any change to the emitter shows up), and small functions
 * whose results are checked by hand compute them (scalar, f32x4, f64x2, i32x4, lanes, loops).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ModuleBuilder, signedLeb128, unsignedLeb128 } from '../../gpu/cpu/wasm/emit.ts';
import {
  defineWasmModule,
  float32View,
  float64View,
  instance,
  memoryHandle,
  moduleBytes,
  wasmEnabled,
  webAssembly,
  withScratch,
} from '../../gpu/cpu/wasm/runtime.ts';

/** Hand-checked functions covering the instruction groups the kernels use. */
const sample = defineWasmModule('emit-test', (m) => {
  m.addFunction('addInt', ['i32', 'i32'], ['i32'], (f, [x, y]) => void f.get(x).get(y).op('i32.add'));
  m.addFunction('bigConstant', [], ['i64'], (f) => void f.i64(-(2n ** 40n) - 3n));
  m.addFunction('hypot', ['f64', 'f64'], ['f64'], (f, [x, y]) => {
    f.get(x).get(x).op('f64.mul').get(y).get(y).op('f64.mul').op('f64.add').op('f64.sqrt');
  });
  // Σ of n floats at address p, four lanes at a time (n a multiple of 4), then the lanes summed.
  m.addFunction('sum4', ['i32', 'i32'], ['f32'], (f, [p, n]) => {
    const i = f.local('i32'),
      acc = f.local('v128');
    f.forRange(i, 0, n, 4, () => {
      f.get(acc).get(p).get(i).i32(4).op('i32.mul').op('i32.add').memory('v128.load').op('f32x4.add').set(acc);
    });
    for (let lane = 0; lane < 4; lane++) f.get(acc).lane('f32x4.extract_lane', lane);
    f.op('f32.add').op('f32.add').op('f32.add');
  });
  // out[0..1] = |x| lanes, sqrt, min, max, neg, x < y ? x : y via bitselect, with x, y = two doubles at p, p + 16.
  m.addFunction('f64x2Ops', ['i32', 'i32'], [], (f, [p, out]) => {
    const x = f.local('v128'),
      y = f.local('v128');
    f.get(p).memory('v128.load').set(x).get(p).memory('v128.load', 16).set(y);
    const store = (offset: number, compute: () => void) => {
      f.get(out);
      compute();
      f.memory('v128.store', offset);
    };
    store(0, () => f.get(x).op('f64x2.abs'));
    store(16, () => f.get(x).op('f64x2.abs').op('f64x2.sqrt'));
    store(32, () => f.get(x).get(y).op('f64x2.min'));
    store(48, () => f.get(x).get(y).op('f64x2.max'));
    store(64, () => f.get(x).op('f64x2.neg').get(y).op('f64x2.div'));
    store(80, () => f.get(x).get(y).get(x).get(y).op('f64x2.lt').op('v128.bitselect'));
    store(96, () => f.get(y).f64(10).lane('f64x2.replace_lane', 1));
  });
  m.addFunction('i32x4Ops', ['i32'], ['i32'], (f, [x]) => {
    f.get(x).op('i32x4.splat').i32(3).op('i32x4.splat').op('i32x4.mul').i32(-1).op('i32x4.splat').op('i32x4.add');
    f.lane('i32x4.extract_lane', 2);
  });
  m.addFunction('splatConst', [], ['f32'], (f) => {
    f.f32x4([1, 2, 3, 4.5]).lane('f32x4.extract_lane', 3);
  });
  m.addFunction('branch', ['i32'], ['i32'], (f, [x]) => {
    const result = f.local('i32');
    f.get(x)
      .i32(0)
      .op('i32.lt_s')
      .ifElse(
        () => void f.i32(-1).set(result),
        () => void f.i32(1).set(result),
      );
    f.get(result);
  });
});

const exportsOf = () => instance(sample).exports as Record<string, (...a: number[]) => number | bigint>;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('wasm emitter', () => {
  it('encodes LEB128 as the specification does', () => {
    expect(unsignedLeb128(0)).toEqual([0]);
    expect(unsignedLeb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(unsignedLeb128(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(signedLeb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(signedLeb128(63)).toEqual([0x3f]);
    expect(signedLeb128(64)).toEqual([0xc0, 0x00]);
    expect(signedLeb128(-64)).toEqual([0x40]);
    expect(() => unsignedLeb128(-1)).toThrow(/unsignedLeb128/);
  });

  it('emits valid, deterministic modules (SHA-256 pinned)', () => {
    const bytes = moduleBytes(sample);
    expect(webAssembly!.validate(bytes)).toBe(true);
    expect(sha256(moduleBytes(sample))).toBe(sha256(bytes));
    expect(sha256(bytes)).toBe('5de2daad957d715d66c997ebad81c62688631327b23a8d44ba86c605fc408864');
  });

  it('reports SIMD as present on Node 20', () => {
    expect(wasmEnabled()).toBe(process.env.THEORYGRAD_WASM !== '0');
  });

  it('runs hand-checked scalar functions and control flow', () => {
    const e = exportsOf();
    expect(e.addInt(2, 40)).toBe(42);
    expect(e.bigConstant()).toBe(-(2n ** 40n) - 3n);
    expect(e.hypot(3, 4)).toBe(5);
    expect(e.branch(-5)).toBe(-1);
    expect(e.branch(5)).toBe(1);
    expect(e.i32x4Ops(7)).toBe(20);
    expect(e.splatConst()).toBe(4.5);
  });

  it('runs a SIMD loop and f64x2 arithmetic on the shared memory', () => {
    const e = exportsOf();
    withScratch((alloc) => {
      const p = alloc(4 * 12);
      float32View(p, 12).set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5]);
      expect(e.sum4(p, 12)).toBe(78.5);
      const q = alloc(32),
        out = alloc(112);
      float64View(q, 4).set([-4, 9, 2, NaN]);
      e.f64x2Ops(q, out);
      const r = Array.from(float64View(out, 14));
      expect(r.slice(0, 2)).toEqual([4, 9]);
      expect(r.slice(2, 4)).toEqual([2, 3]);
      expect(r.slice(4, 6)).toEqual([-4, NaN]); // f64x2.min propagates NaN
      expect(r.slice(6, 8)).toEqual([2, NaN]);
      expect(r.slice(8, 10)).toEqual([2, NaN]);
      expect(r.slice(10, 12)).toEqual([-4, NaN]); // -4 < 2: x; 9 < NaN false: y
      expect(r.slice(12, 14)).toEqual([2, 10]);
    });
    expect(memoryHandle().memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('names the misuse in errors', () => {
    const m = new ModuleBuilder();
    expect(() =>
      m.addFunction('bad', [], [], (f) => {
        let escaped: { depth: number } | undefined;
        f.block((exit) => void (escaped = exit));
        f.br(escaped!);
      }),
    ).toThrow(/not in scope/);
    expect(() =>
      m.addFunction('lane', ['v128'], ['f32'], (f, [v]) => void f.get(v).lane('f32x4.extract_lane', 4)),
    ).toThrow(/lane in \[0, 4\)/);
  });
});
