/**
 * The gpu.js runtime behind the gpujs backend: loads gpu.js (lazily, synchronously),
 * pins its mode, and owns one bounded cache of compiled kernels.
 *
 * gpu.js traps this file guards against (DESIGN.md, gpu/):
 * - compiling is slow and kernels hold memory, so each (op, shape) compiles once and is
 *   reused from an LRU cache; a kernel evicted from it is destroyed;
 * - a wrong argument type or a short array is not caught by gpu.js (a short array is
 *   read out of bounds without error), so every argument is checked here first;
 * - 'gpu'/auto mode switches backends silently, so the mode is always pinned.
 *
 * @example
 *   const runtime = createRuntime();
 *   runtime.describe();   // 'gpujs (gpu.js 2.24.1, mode webasm)'
 */
import type { GPU, IGPUKernelSettings, IKernelRunShortcut } from 'gpu.js';
import type { Data } from '../backend.ts';

export const GPUJS_MODES = ['webasm', 'headlessgl', 'webgl2', 'webgl', 'webgpu', 'cpu'] as const;
export type GpuJsMode = (typeof GPUJS_MODES)[number];

/** Everything gpu.js needs to compile one kernel. All arguments are flat Float32Arrays. */
export interface KernelRecipe {
  /** gpu.js kernel source, `function(a, b) { ... }`. */
  source: string;
  /** gpu.js output extents [x] or [x, y] or [x, y, z]. */
  output: number[];
  /** Numbers baked into the kernel: extents, strides and every loop bound. */
  constants: Record<string, number>;
  /** 'Float' (one value per thread) or 'Array(4)' (four values per thread). */
  returnType: 'Float' | 'Array(4)';
}

export interface KernelCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  /** Kernels on which destroy() was called (evicted or cleared). */
  destroyed: number;
}

/** The message every entry point throws for float64 storage or dtype. */
export const FLOAT64_MESSAGE = 'gpujs backend: float64 is not supported; use the cpu backend';

export const DEFAULT_CACHE_LIMIT = 256;

/**
 * In webasm mode each compiled kernel owns a WebAssembly.Memory holding its last
 * arguments and output (plus 1 MiB of slack), so the cache is also bounded by bytes.
 */
export const DEFAULT_MEMORY_BUDGET = 512 * 2 ** 20;

/**
 * The largest array (argument or output) a kernel may touch. gpu.js keeps kernel locals
 * in float32 in every mode (webasm included: a local initialised from an integer
 * expression is declared f32), so index arithmetic is exact only below 2²⁴; 2²³ leaves
 * room for the float32 divisions that split a flat index into coordinates.
 */
export const MAX_KERNEL_ELEMENTS = 2 ** 23;

type Require = (id: string) => unknown;

/** Compiled kernels as gpu.js hands them out: callable, destroyable. */
type CompiledKernel = IKernelRunShortcut;

interface CacheEntry {
  kernel: CompiledKernel;
  /** Estimated memory the kernel pins: its arguments, its output and gpu.js's slack. */
  bytes: number;
}

export class GpuJsRuntime {
  readonly mode: GpuJsMode;
  readonly version: string;
  readonly stats: KernelCacheStats = { hits: 0, misses: 0, evictions: 0, destroyed: 0 };
  private readonly gpu: GPU;
  /** Map order is recency order: the first key is the least recently used. */
  private readonly cache = new Map<string, CacheEntry>();
  private limit = DEFAULT_CACHE_LIMIT;
  private budget = DEFAULT_MEMORY_BUDGET;
  private bytes = 0;

  constructor(gpu: GPU, mode: GpuJsMode, version: string) {
    this.gpu = gpu;
    this.mode = mode;
    this.version = version;
  }

  /** True in the modes whose kernels are GLSL shaders (WebGL, headless-gl), where GLSL's rules apply. */
  get compilesToGlsl(): boolean {
    return this.mode === 'webgl' || this.mode === 'webgl2' || this.mode === 'headlessgl';
  }

  describe(): string {
    return `gpujs (gpu.js ${this.version}, mode ${this.mode})`;
  }

  /** Number of compiled kernels held. */
  get cacheSize(): number {
    return this.cache.size;
  }

  get cacheLimit(): number {
    return this.limit;
  }

  /** Estimated bytes pinned by the cached kernels (see DEFAULT_MEMORY_BUDGET). */
  get cacheBytes(): number {
    return this.bytes;
  }

  /** Bounds the cache (at least 1 kernel), evicting and destroying the oldest as needed. */
  setCacheLimit(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`gpujs runtime: cache limit must be an integer ≥ 1, got ${limit}`);
    this.limit = limit;
    this.evict();
  }

  /** Bounds the bytes the cached kernels pin; the most recent kernel always stays. */
  setMemoryBudget(bytes: number): void {
    if (!(bytes >= 0)) throw new Error(`gpujs runtime: memory budget must be ≥ 0, got ${bytes}`);
    this.budget = bytes;
    this.evict();
  }

  /** Destroys every cached kernel. */
  clear(): void {
    while (this.cache.size > 0) this.dropOldest(false);
  }

  /** Number of kernels the gpu.js instance still tracks (destroyed kernels leave the list). */
  liveKernelCount(): number {
    return (this.gpu as unknown as { kernels: unknown[] }).kernels.length;
  }

  /**
   * Runs the kernel described by `recipe` on `args` and returns its `size` outputs as a
   * fresh flat Float32Array. `label` names the op in errors. The recipe (source +
   * constants + output + argument lengths) is the cache key, so equal recipes share one
   * compiled kernel.
   */
  run(label: string, recipe: KernelRecipe, args: readonly Float32Array[], size: number): Float32Array {
    args.forEach((arg, i) => {
      if (!(arg instanceof Float32Array))
        throw new Error(`gpujs ${label}: kernel argument ${i} must be a Float32Array`);
      if (arg.length === 0)
        throw new Error(
          `gpujs ${label}: kernel argument ${i} is empty (size-0 inputs are handled before any kernel runs)`,
        );
      if (arg.length > MAX_KERNEL_ELEMENTS) throw tooLarge(label, arg.length);
    });
    const width = recipe.returnType === 'Array(4)' ? 4 : 1;
    const cells = recipe.output.reduce((product, extent) => product * extent, 1);
    if (cells * width < size)
      throw new Error(`gpujs ${label}: kernel output of ${cells * width} values cannot hold ${size}`);
    if (cells * width > MAX_KERNEL_ELEMENTS) throw tooLarge(label, cells * width);
    const kernel = this.kernelFor(recipe, args);
    const result: unknown = kernel(...args);
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      throw new Error(
        `gpujs ${label}: gpu.js returned a Promise (mode ${this.mode} is asynchronous); the Backend interface is synchronous`,
      );
    }
    // gpu.js degrades a kernel it cannot build to its cpu backend with only a console warning
    const running = (kernel as unknown as { kernel: { constructor: { mode: string }; fallbackReason?: string | null } })
      .kernel;
    if (this.mode !== 'cpu' && running.constructor.mode === 'cpu') {
      throw new Error(
        `gpujs ${label}: gpu.js fell back from mode ${this.mode} to its cpu mode (${running.fallbackReason ?? 'no reason given'})`,
      );
    }
    return flatten(result, cells * width, size, label);
  }

  private kernelFor(recipe: KernelRecipe, args: readonly Float32Array[]): CompiledKernel {
    const constants = Object.keys(recipe.constants)
      .map((name) => `${name}=${String(recipe.constants[name])}`)
      .join(',');
    const key = `${recipe.source}|${constants}|${recipe.output.join('x')}|${recipe.returnType}|${args.map((arg) => arg.length).join(',')}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.stats.hits++;
      this.cache.delete(key); // refresh recency
      this.cache.set(key, cached);
      return cached.kernel;
    }
    this.stats.misses++;
    // gpu.js accepts more settings (returnType, loopMaxIterations, argumentTypes as a list)
    // than its typings declare
    const settings: Record<string, unknown> = {
      output: recipe.output,
      constants: recipe.constants,
      argumentTypes: args.map(() => 'Array'),
      returnType: recipe.returnType,
      // integers stay i32 in index arithmetic (webasm, webgl2, webgpu)
      strictIntegers: true,
      precision: 'single',
      tactic: 'precision',
      dynamicArguments: false,
      dynamicOutput: false,
      // every loop here is bounded by a constant; this only caps loops gpu.js cannot prove bounded
      loopMaxIterations: 1000,
    };
    const kernel = this.gpu.createKernel(recipe.source, settings as IGPUKernelSettings);
    const cells =
      recipe.output.reduce((product, extent) => product * extent, 1) * (recipe.returnType === 'Array(4)' ? 4 : 1);
    const bytes = 4 * (cells + args.reduce((sum, arg) => sum + arg.length, 0)) + 2 ** 20;
    this.cache.set(key, { kernel, bytes });
    this.bytes += bytes;
    this.evict();
    return kernel;
  }

  /** Drops least recently used kernels while over the count limit or the byte budget. */
  private evict(): void {
    while (this.cache.size > this.limit || (this.cache.size > 1 && this.bytes > this.budget)) this.dropOldest(true);
  }

  private dropOldest(eviction: boolean): void {
    const [oldestKey, oldest] = this.cache.entries().next().value as [string, CacheEntry];
    this.cache.delete(oldestKey);
    this.bytes -= oldest.bytes;
    oldest.kernel.destroy();
    this.stats.destroyed++;
    if (eviction) this.stats.evictions++;
  }
}

function tooLarge(label: string, elements: number): Error {
  return new Error(
    `gpujs ${label}: an array of ${elements} elements exceeds the gpujs backend's limit of 2^23 = ${MAX_KERNEL_ELEMENTS} (gpu.js index arithmetic is float32); use the cpu backend for tensors this large`,
  );
}

/**
 * Copies (or adopts) a gpu.js result as one flat Float32Array of `size` values. gpu.js
 * returns a Float32Array for 1-D outputs and nested arrays of Float32Array rows (or of
 * 4-vectors) otherwise; in webasm mode all of them are views of one fresh buffer.
 */
function flatten(result: unknown, total: number, size: number, label: string): Float32Array {
  if (result instanceof Float32Array) {
    if (result.length === size && result.byteOffset === 0 && result.buffer.byteLength === size * 4) return result;
    if (result.length >= size) return result.slice(0, size);
  } else if (Array.isArray(result)) {
    const first = firstLeaf(result);
    if (
      first &&
      first.byteOffset === 0 &&
      first.buffer.byteLength === total * 4 &&
      sharesBuffer(result, first.buffer)
    ) {
      const whole = new Float32Array(first.buffer);
      return size === total ? whole : whole.slice(0, size);
    }
    const out = new Float32Array(total);
    let offset = 0;
    const walk = (node: unknown): void => {
      if (node instanceof Float32Array) {
        out.set(node, offset);
        offset += node.length;
      } else if (Array.isArray(node)) {
        for (const child of node) walk(child);
      }
    };
    walk(result);
    if (offset === total) return size === total ? out : out.slice(0, size);
  }
  throw new Error(`gpujs ${label}: unexpected kernel result (expected ${total} float32 values)`);
}

function firstLeaf(node: unknown): Float32Array | undefined {
  while (Array.isArray(node)) node = node[0];
  return node instanceof Float32Array ? node : undefined;
}

/** True when every leaf is a view of `buffer` and the leaves tile it in order. */
function sharesBuffer(node: unknown, buffer: ArrayBufferLike): boolean {
  let expected = 0;
  const walk = (value: unknown): boolean => {
    if (value instanceof Float32Array) {
      if (value.buffer !== buffer || value.byteOffset !== expected) return false;
      expected += value.byteLength;
      return true;
    }
    return Array.isArray(value) && value.every(walk);
  };
  return walk(node) && expected === buffer.byteLength;
}

/** Throws the float64 error for Float64Array storage, and a type error for anything else. */
export function float32(x: Data, label: string): Float32Array {
  if (x instanceof Float32Array) return x;
  if (x instanceof Float64Array) throw new Error(`${FLOAT64_MESSAGE} (${label} got a Float64Array)`);
  throw new Error(`gpujs ${label}: expected a Float32Array`);
}

/** Throws unless `x` is float32 storage of exactly `size` elements. */
export function checked(x: Data, size: number, label: string, what: string): Float32Array {
  const data = float32(x, label);
  if (data.length !== size) throw new Error(`gpujs ${label}: ${what} has ${data.length} elements, expected ${size}`);
  return data;
}

/** The mode to pin: THEORYGRAD_GPUJS_MODE, else headlessgl where `gl` makes a context, else webasm. */
export function chooseMode(requireModule: Require, environment: Record<string, string | undefined>): GpuJsMode {
  const requested = environment.THEORYGRAD_GPUJS_MODE;
  if (requested !== undefined && requested !== '') {
    if (!(GPUJS_MODES as readonly string[]).includes(requested)) {
      throw new Error(
        `gpujs backend: THEORYGRAD_GPUJS_MODE='${requested}' is not one of ${GPUJS_MODES.join(', ')} ('gpu'/auto is never used: gpu.js switches modes silently)`,
      );
    }
    return requested as GpuJsMode;
  }
  return headlessGlWorks(requireModule) ? 'headlessgl' : 'webasm';
}

/** True when the optional `gl` package loads and creates a working context. */
function headlessGlWorks(requireModule: Require): boolean {
  try {
    const createContext = requireModule('gl') as (
      width: number,
      height: number,
    ) => { getExtension(name: string): { destroy(): void } | null } | null;
    const context = createContext(1, 1);
    if (!context) return false;
    context.getExtension('STACKGL_destroy_context')?.destroy();
    return true;
  } catch {
    return false;
  }
}

/** gpu.js as a page hands it over (see provideGpuJs): its GPU class, version and the mode to pin. */
export interface ProvidedGpuJs {
  GPU: new (settings: { mode: string }) => GPU;
  version: string;
  /** The mode a browser supports (e.g. 'webgl2'); THEORYGRAD_GPUJS_MODE still overrides it. */
  mode: GpuJsMode;
}

let provided: ProvidedGpuJs | undefined;

/**
 * Hands gpu.js to the runtime where Node's require does not exist (a bundled browser page
 * imports gpu.js itself and calls this before the gpujs backend is first created).
 * @example import { GPU } from 'gpu.js'; provideGpuJs({ GPU, version: '2.24.1', mode: 'webgl2' });
 */
export function provideGpuJs(gpujs: ProvidedGpuJs): void {
  if (!(GPUJS_MODES as readonly string[]).includes(gpujs.mode))
    throw new Error(`provideGpuJs: mode '${String(gpujs.mode)}' is not one of ${GPUJS_MODES.join(', ')}`);
  provided = gpujs;
}

/**
 * Node's require, reached without a static `node:module` import so that a browser bundle of
 * the library carries no Node built-in (process.getBuiltinModule: Node ≥ 20.16).
 */
function nodeRequire(): Require {
  const node = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const nodeModule = node?.getBuiltinModule?.('node:module') as { createRequire(url: string): Require } | undefined;
  if (!nodeModule)
    throw new Error(
      "gpujs backend: Node's require is unavailable here and gpu.js was not provided; a browser page must call provideGpuJs first",
    );
  return nodeModule.createRequire(import.meta.url);
}

/** Loads gpu.js (provided by a page, else CommonJS through Node's require) and builds a runtime pinned to one mode. */
export function createRuntime(
  environment: Record<string, string | undefined> = typeof process === 'undefined' ? {} : process.env,
): GpuJsRuntime {
  const requested = environment.THEORYGRAD_GPUJS_MODE;
  const requireModule = provided ? undefined : nodeRequire();
  const mode =
    provided && (requested === undefined || requested === '')
      ? provided.mode
      : chooseMode(requireModule ?? (() => undefined), environment);
  if (mode === 'webgpu') {
    throw new Error(
      "gpujs backend: mode 'webgpu' is asynchronous in gpu.js (every kernel call returns a Promise) and the Backend interface is synchronous; choose another THEORYGRAD_GPUJS_MODE",
    );
  }
  const gpujs = provided ?? {
    ...(requireModule!('gpu.js') as { GPU: ProvidedGpuJs['GPU'] }),
    version: (requireModule!('gpu.js/package.json') as { version: string }).version,
  };
  let gpu: GPU;
  try {
    gpu = new gpujs.GPU({ mode });
  } catch (error) {
    throw new Error(
      `gpujs backend: gpu.js cannot run in mode '${mode}' here (${(error as Error).message}); set THEORYGRAD_GPUJS_MODE to another mode or use the cpu backend`,
    );
  }
  return new GpuJsRuntime(gpu, mode, gpujs.version);
}
