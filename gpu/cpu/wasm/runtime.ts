/**
 * The WebAssembly runtime of the cpu backend: feature detection, one shared memory per process,
 * modules compiled once per thread, and a scratch allocator for operand panels in that memory.
 *
 * Kernels (e.g. gemm-kernel.ts) define their module with `defineWasmModule(name, build)`, where
 * `build` adds functions to a ModuleBuilder (emit.ts) that already imports the memory. A caller
 * checks `wasmEnabled()`, copies operands into scratch (`withScratch`, `float32View`), calls
 * `instance(module).exports.f(pointers…)`, and copies results out. To run a kernel on the worker
 * pool (threads.ts), put `memoryHandle()` in the task's arguments; the chunk function calls
 * `instance(module, args.memory)` there, which instantiates the same module on the same memory
 * once per thread (the memory is a SharedArrayBuffer-backed WasmMemory, so every thread
 * sees the panels the caller wrote).
 *
 * `THEORYGRAD_WASM=0` turns the wasm path off; without WebAssembly SIMD it is off too. The plain
 * TypeScript kernels then run: they are the definitions the wasm kernels are tested against.
 */
import { DEFAULT_MEMORY, ModuleBuilder, type MemoryLimits } from './emit.ts';

const PAGE = 65536;

/** The parts of the WebAssembly JS API used here (its types live in the DOM library, which this project leaves out). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}
/** The global WebAssembly object, if this JavaScript engine has one. */
export const webAssembly: WasmApi | undefined = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** A kernel module: its name and the function that adds its functions to a builder. */
export interface WasmModule {
  readonly name: string;
  readonly build: (module: ModuleBuilder) => void;
}

/** The process's memory and an id that survives postMessage (the object itself does not). */
export interface MemoryHandle {
  readonly memory: WasmMemory;
  readonly id: number;
}

/**
 * Declares a kernel module (built and compiled lazily, once per thread).
 * @example const add = defineWasmModule('add', (m) => m.addFunction('add', ['f64', 'f64'], ['f64'], (f, [x, y]) => void f.get(x).get(y).op('f64.add')));
 */
export function defineWasmModule(name: string, build: (module: ModuleBuilder) => void): WasmModule {
  return { name, build };
}

/** The module's bytes, encoded for this process's memory (shared when threads can use it). */
export function moduleBytes(module: WasmModule): Uint8Array {
  const builder = new ModuleBuilder().importMemory(memoryLimits());
  module.build(builder);
  return builder.encode();
}

const env = () => (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;

/** A minimal module using v128 (f32x4.splat, f32x4.add): validates only where SIMD is implemented. */
function simdProbe(): Uint8Array {
  const probe = new ModuleBuilder();
  probe.addFunction('probe', ['f32'], ['f32'], (f, [x]) => {
    f.get(x).op('f32x4.splat').get(x).op('f32x4.splat').op('f32x4.add').lane('f32x4.extract_lane', 0);
  });
  return probe.encode();
}

let enabled: boolean | undefined;
const simdPresent = () => webAssembly !== undefined && webAssembly.validate(simdProbe());
/** Whether wasm kernels run: WebAssembly with SIMD present and THEORYGRAD_WASM not '0'. */
export function wasmEnabled(): boolean {
  if (enabled === undefined) enabled = env()?.THEORYGRAD_WASM !== '0' && simdPresent();
  return enabled;
}

/**
 * Turns the wasm path off (false) or back on where WebAssembly SIMD is present (true), in this
 * thread: the bench and the tests compare both paths in one process.
 * @example setWasmEnabled(false); matmul(a, b, spec); setWasmEnabled(true);
 */
export function setWasmEnabled(on: boolean): void {
  enabled = on && simdPresent();
}

let shared: boolean | undefined;
/** Whether a shared WasmMemory can be made here (a browser page needs cross-origin isolation). */
function sharedMemorySupported(): boolean {
  if (shared === undefined) {
    try {
      shared = new webAssembly!.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      shared = false;
    }
  }
  return shared;
}

function memoryLimits(): MemoryLimits {
  return { ...DEFAULT_MEMORY, shared: sharedMemorySupported() };
}

let handle: MemoryHandle | undefined;
/** This process's memory, created on first use (shared when supported, so helper threads can use it). */
export function memoryHandle(): MemoryHandle {
  if (!handle) {
    const { initial, maximum, shared } = memoryLimits();
    handle = { memory: new webAssembly!.Memory({ initial, maximum, shared }), id: Date.now() };
  }
  return handle;
}

/** Whether the memory is shared, i.e. kernels on it may run on the worker pool. */
export function memoryIsShared(): boolean {
  return memoryLimits().shared;
}

const compiledModules = new Map<string, object>();
const instances = new Map<string, WasmInstance>();

/**
 * The module instantiated on `memory` (this process's memory by default), once per thread.
 * @example (instance(gemmModule).exports.multiply as Function)(...pointers)
 */
export function instance(module: WasmModule, memory: MemoryHandle = memoryHandle()): WasmInstance {
  const key = `${memory.id}/${module.name}`;
  let found = instances.get(key);
  if (!found) {
    let compiled = compiledModules.get(module.name);
    if (!compiled) {
      compiled = new webAssembly!.Module(moduleBytes(module));
      compiledModules.set(module.name, compiled!);
    }
    found = new webAssembly!.Instance(compiled, { env: { memory: memory.memory } });
    instances.set(key, found);
  }
  return found;
}

/** The scratch stack's top (byte address); the first 64 bytes stay unused, so 0 is never a panel. */
let top = 64;

/** Makes sure the memory holds at least `bytes` bytes (grows it, which never moves data). */
function ensureBytes(bytes: number): void {
  const memory = memoryHandle().memory;
  const have = memory.buffer.byteLength;
  if (bytes <= have) return;
  const pages = Math.ceil((bytes - have) / PAGE);
  try {
    memory.grow(pages);
  } catch (error) {
    throw new Error(`wasm runtime: cannot grow the memory to ${bytes} bytes (${String(error)})`);
  }
}

/** The scratch stack's current top, to hand to releaseScratch later. */
export function scratchMark(): number {
  return top;
}

/** Frees every scratch region allocated since `mark` (scratchMark); stacks nest, so release in reverse order. */
export function releaseScratch(mark: number): void {
  if (!(mark >= 64 && mark <= top)) throw new Error(`releaseScratch: mark ${mark} is not below the top ${top}`);
  top = mark;
}

/** A scratch region of `bytes` bytes (16-byte aligned byte address; garbage until written), held until released. */
export function allocateScratch(bytes: number): number {
  if (!(Number.isInteger(bytes) && bytes >= 0)) throw new Error(`allocateScratch: bytes must be ≥ 0, got ${bytes}`);
  const address = top;
  ensureBytes(Math.ceil((top + bytes) / 16) * 16);
  top = Math.ceil((top + bytes) / 16) * 16;
  return address;
}

/**
 * Runs `fn` with an allocator of scratch regions that are freed when `fn` returns; calls nest.
 * @example withScratch((alloc) => { const a = alloc(4 * n); float32View(a, n).set(x); … })
 */
export function withScratch<T>(fn: (alloc: (bytes: number) => number) => T): T {
  const mark = top;
  try {
    return fn(allocateScratch);
  } finally {
    releaseScratch(mark);
  }
}

/** A Float32Array over `length` floats at byte address `address` (re-make it after the memory grows). */
export function float32View(address: number, length: number): Float32Array {
  return new Float32Array(memoryHandle().memory.buffer, address, length);
}

/** A Float64Array over `length` doubles at byte address `address` (re-make it after the memory grows). */
export function float64View(address: number, length: number): Float64Array {
  return new Float64Array(memoryHandle().memory.buffer, address, length);
}
