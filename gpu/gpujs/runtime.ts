/**
 * The gpu.js runtime behind the gpujs backend: one gpu.js instance pinned to one mode
 * (chosen and loaded in load.ts), and one bounded cache of compiled kernels; in the WebGL
 * modes also the device runner, whose results stay on the GPU as textures (device.ts).
 *
 * gpu.js traps this file guards against (DESIGN.md, gpu/):
 * - compiling is slow and kernels hold memory, so each (op, shape) compiles once and is
 *   reused from an LRU cache; a kernel evicted from it is destroyed (once its textures are released);
 * - a wrong argument type or a short array is not caught by gpu.js (a short array is
 *   read out of bounds without error), so every argument is checked here first;
 * - 'gpu'/auto mode switches backends silently, so the mode is always pinned.
 *
 * @example
 *   const runtime = createRuntime();
 *   runtime.describe();   // 'gpujs (gpu.js 2.24.1, mode webasm)'
 */
import type { GPU, IGPUKernelSettings, IKernelRunShortcut } from 'gpu.js';
import type { Data, Storage } from '../backend.ts';
import { TextureStorage, type GpuTexture, type TextureCounter } from './device.ts';
import { flatten } from './results.ts';

/** Host arrays registered by constantTable: read by every call of their kernels, never changed. */
const TABLES = new WeakSet<Float32Array>();

/**
 * Marks `values` as a constant table (e.g. GLSL's special values, which have no literal): in
 * the WebGL modes the device runner uploads it once per runtime instead of on every call.
 * @example const SPECIAL = constantTable(Float32Array.of(NaN, Infinity, -Infinity));
 */
export function constantTable(values: Float32Array): Float32Array {
  TABLES.add(values);
  return values;
}

export const GPUJS_MODES = ['webasm', 'headlessgl', 'webgl2', 'webgl', 'webgpu', 'cpu'] as const;
export type GpuJsMode = (typeof GPUJS_MODES)[number];

/** A kernel argument: a flat Float32Array, or (WebGL modes) a pipeline texture read in place. */
export type KernelInput = Float32Array | TextureStorage;

/**
 * What the op files run kernels through: the runtime itself (results as host
 * Float32Arrays) or, in WebGL modes, its `device` runner (results as pipeline textures).
 */
export interface KernelRunner<Out extends Storage = Float32Array> {
  readonly mode: GpuJsMode;
  readonly compilesToGlsl: boolean;
  run(label: string, recipe: KernelRecipe, args: readonly KernelInput[], size: number): Out;
}

/** Everything gpu.js needs to compile one kernel. All arguments are flat float32 (arrays or textures). */
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

/** Compiled kernels as gpu.js hands them out: callable, destroyable. */
type CompiledKernel = IKernelRunShortcut;

interface CacheEntry {
  kernel: CompiledKernel;
  /** Estimated memory the kernel pins: its arguments, its output and gpu.js's slack. */
  bytes: number;
  /** Its pipeline textures not yet released: gpu.js reads a texture through its kernel's context. */
  textures: number;
  /** Out of the cache, destroyed when its last texture is released. */
  retired: boolean;
}

export class GpuJsRuntime implements KernelRunner {
  readonly mode: GpuJsMode;
  readonly version: string;
  readonly stats: KernelCacheStats = { hits: 0, misses: 0, evictions: 0, destroyed: 0 };
  private readonly gpu: GPU;
  /** Map order is recency order: the first key is the least recently used. */
  private readonly cache = new Map<string, CacheEntry>();
  private limit = DEFAULT_CACHE_LIMIT;
  private budget = DEFAULT_MEMORY_BUDGET;
  private bytes = 0;
  private readonly textures: TextureCounter = { live: 0, uploads: 0, downloads: 0 };
  /** The device copies of constant tables (constantTable), made on first use and kept. */
  private readonly tables = new Map<Float32Array, TextureStorage>();
  /** In WebGL modes, the runner whose results stay on the GPU as textures; else undefined. */
  readonly device: KernelRunner<Storage> | undefined;

  constructor(gpu: GPU, mode: GpuJsMode, version: string) {
    this.gpu = gpu;
    this.mode = mode;
    this.version = version;
    this.device = this.compilesToGlsl
      ? {
          mode,
          compilesToGlsl: true,
          run: (label, recipe, args, size) =>
            this.execute(
              label,
              recipe,
              args.map((arg) => (arg instanceof Float32Array && TABLES.has(arg) ? this.table(arg) : arg)),
              size,
              true,
            ),
        }
      : undefined;
  }

  /** Pipeline textures created and not yet released (the number the leak test bounds). */
  get liveTextures(): number {
    return this.textures.live;
  }

  /** Host↔device copies so far (device.ts, TextureCounter): what a residency test counts. */
  get transfers(): { uploads: number; downloads: number } {
    return { uploads: this.textures.uploads, downloads: this.textures.downloads };
  }

  /** Copies host values to a texture (an identity kernel in pipeline mode). @example runtime.upload(Float32Array.of(1, 2)) */
  upload(values: Float32Array): TextureStorage {
    if (!this.device) throw new Error(`gpujs upload: mode ${this.mode} keeps no storage on a device`);
    if (values.length === 0) throw new Error('gpujs upload: cannot upload an empty array');
    const recipe: KernelRecipe = {
      source: 'function(x) { return x[this.thread.x]; }',
      output: [values.length],
      constants: {},
      returnType: 'Float',
    };
    return this.execute('upload', recipe, [values], values.length, true) as TextureStorage;
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
  run(label: string, recipe: KernelRecipe, args: readonly KernelInput[], size: number): Float32Array {
    return this.execute(label, recipe, args, size, false) as Float32Array;
  }

  /**
   * run(), or with `pipeline` (WebGL modes) the output kept as a texture: a TextureStorage,
   * except for 'Array(4)' kernels, whose four-wide texels the flat reads of the next
   * kernel cannot address (they come back to the host).
   */
  private execute(
    label: string,
    recipe: KernelRecipe,
    args: readonly KernelInput[],
    size: number,
    pipeline: boolean,
  ): Float32Array | TextureStorage {
    args.forEach((arg, i) => {
      if (!(arg instanceof Float32Array) && !(arg instanceof TextureStorage))
        throw new Error(`gpujs ${label}: kernel argument ${i} must be a Float32Array or a texture`);
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
    const pipelined = pipeline && recipe.returnType === 'Float';
    const entry = this.kernelFor(recipe, args, pipelined);
    const kernel = entry.kernel;
    // textures go in as gpu.js made them (GpuTexture is the part of its Texture used here);
    // a host array argument is uploaded by gpu.js on each call
    const values = args.map((arg) => (arg instanceof TextureStorage ? arg.texture : arg)) as Float32Array[];
    const result: unknown = kernel(...values);
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
    this.textures.uploads += args.filter((arg) => arg instanceof Float32Array).length;
    if (pipelined) {
      entry.textures++;
      return new TextureStorage(result as GpuTexture, size, this.textures, () => {
        if (--entry.textures === 0 && entry.retired) this.destroy(entry);
      });
    }
    this.textures.downloads++;
    return flatten(result, cells * width, size, label);
  }

  /** A constant table's device copy, uploaded on first use. */
  private table(values: Float32Array): TextureStorage {
    let texture = this.tables.get(values);
    if (!texture) {
      texture = this.upload(values);
      // held for the runtime's life, by no tensor: not live storage for the leak count
      this.textures.live--;
      this.tables.set(values, texture);
    }
    return texture;
  }

  private kernelFor(recipe: KernelRecipe, args: readonly KernelInput[], pipeline: boolean): CacheEntry {
    const constants = Object.keys(recipe.constants)
      .map((name) => `${name}=${String(recipe.constants[name])}`)
      .join(',');
    // a texture argument is typed by gpu.js from its producer's output extents
    const argumentKey = args
      .map((arg) =>
        arg instanceof TextureStorage ? `${arg.texture.type}[${arg.texture.output.join('x')}]` : arg.length,
      )
      .join(',');
    const key = `${recipe.source}|${constants}|${recipe.output.join('x')}|${recipe.returnType}|${argumentKey}|${pipeline ? 'pipeline' : 'host'}`;
    const cached = this.cache.get(key);
    if (cached) {
      this.stats.hits++;
      this.cache.delete(key); // refresh recency
      this.cache.set(key, cached);
      return cached;
    }
    this.stats.misses++;
    // gpu.js accepts more settings (returnType, loopMaxIterations, argumentTypes as a list)
    // than its typings declare
    const settings: Record<string, unknown> = {
      output: recipe.output,
      constants: recipe.constants,
      argumentTypes: args.map((arg) => (arg instanceof TextureStorage ? arg.texture.type : 'Array')),
      // a fresh texture per call (gpu.js clones the output, copy-on-write): results stay valid
      pipeline,
      immutable: pipeline,
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
    const entry: CacheEntry = { kernel, bytes, textures: 0, retired: false };
    this.cache.set(key, entry);
    this.bytes += bytes;
    this.evict();
    return entry;
  }

  /** Drops least recently used kernels while over the count limit or the byte budget. */
  private evict(): void {
    while (this.cache.size > this.limit || (this.cache.size > 1 && this.bytes > this.budget)) this.dropOldest(true);
  }

  private dropOldest(eviction: boolean): void {
    const [oldestKey, oldest] = this.cache.entries().next().value as [string, CacheEntry];
    this.cache.delete(oldestKey);
    this.bytes -= oldest.bytes;
    if (eviction) this.stats.evictions++;
    // a kernel whose textures live on is destroyed with the last of them (TextureStorage.release)
    if (oldest.textures > 0) oldest.retired = true;
    else this.destroy(oldest);
  }

  private destroy(entry: CacheEntry): void {
    entry.kernel.destroy();
    this.stats.destroyed++;
  }
}

function tooLarge(label: string, elements: number): Error {
  return new Error(
    `gpujs ${label}: an array of ${elements} elements exceeds the gpujs backend's limit of 2^23 = ${MAX_KERNEL_ELEMENTS} (gpu.js index arithmetic is float32); use the cpu backend for tensors this large`,
  );
}

/** Throws the float64 error for Float64Array storage, and a type error for anything else. */
export function float32(x: Data, label: string): Float32Array;
export function float32(x: Storage, label: string): KernelInput;
export function float32(x: Storage, label: string): KernelInput {
  if (x instanceof Float32Array || x instanceof TextureStorage) return x;
  if (x instanceof Float64Array) throw new Error(`${FLOAT64_MESSAGE} (${label} got a Float64Array)`);
  throw new Error(`gpujs ${label}: expected a Float32Array or a gpujs texture`);
}

/** Throws unless `x` is float32 storage of exactly `size` elements. */
export function checked(x: Data, size: number, label: string, what: string): Float32Array;
export function checked(x: Storage, size: number, label: string, what: string): KernelInput;
export function checked(x: Storage, size: number, label: string, what: string): KernelInput {
  const data = float32(x, label);
  if (data.length !== size) throw new Error(`gpujs ${label}: ${what} has ${data.length} elements, expected ${size}`);
  return data;
}
