/**
 * The gpujs backend's runtime: mode choice, float64 rejection, the compiled-kernel cache
 * (reuse, LRU eviction with destroy), gpu.js traps (loops past loopMaxIterations, size-0
 * outputs, the float32 index limit) and large index arithmetic at that limit.
 */
import { describe, expect, it } from 'vitest';
import type { Conv2dSpec, MatmulSpec, Pool2dSpec } from '../../gpu/backend.ts';
import { cpuBackend as cpu } from '../../gpu/cpu/index.ts';
import { createGpuJsBackend, FLOAT64_MESSAGE, MAX_KERNEL_ELEMENTS } from '../../gpu/gpujs/index.ts';
import { chooseMode } from '../../gpu/gpujs/load.ts';
import { absolute, EPSILON32, expectExact, expectWithin } from '../helpers/close.ts';
import { gpujs } from './gpujs-helpers.ts';

const ramp = (length: number, scale = 1 / 64): Float32Array =>
  Float32Array.from({ length }, (_, i) => Math.sin(i) * scale * 64);

describe('gpujs backend identity and mode', () => {
  it('describes itself with the gpu.js version and the pinned mode', () => {
    const backend = gpujs();
    expect(backend.name).toBe('gpujs');
    expect(backend.dtypes).toEqual(['float32']);
    expect(backend.describe()).toMatch(/^gpujs \(gpu\.js \d+\.\d+\.\d+, mode (webasm|headlessgl|webgl2|webgl|cpu)\)$/);
    expect(backend.describe()).toContain(`mode ${backend.runtime.mode}`);
  });

  it('pins the mode: the environment variable, else headlessgl only where gl makes a context, else webasm', () => {
    const noGl = (id: string): unknown => {
      throw new Error(`no ${id}`);
    };
    expect(chooseMode(noGl, {})).toBe('webasm');
    expect(chooseMode(() => () => null, {})).toBe('webasm'); // gl loads but cannot make a context
    const workingGl = () => () => ({ getExtension: () => ({ destroy: () => undefined }) });
    expect(chooseMode(workingGl, {})).toBe('headlessgl');
    expect(chooseMode(workingGl, { THEORYGRAD_GPUJS_MODE: 'webasm' })).toBe('webasm');
    expect(chooseMode(noGl, { THEORYGRAD_GPUJS_MODE: 'cpu' })).toBe('cpu');
    expect(() => chooseMode(noGl, { THEORYGRAD_GPUJS_MODE: 'gpu' })).toThrow(
      /THEORYGRAD_GPUJS_MODE='gpu' is not one of webasm, headlessgl/,
    );
    expect(() => createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'webgpu' })).toThrow(/webgpu' is asynchronous/);
  });

  it("also runs in gpu.js's own 'cpu' mode (flat matmul)", () => {
    const backend = createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'cpu' });
    expect(backend.describe()).toContain('mode cpu');
    const spec: MatmulSpec = {
      batch: 2,
      m: 3,
      k: 4,
      n: 5,
      transposeA: true,
      transposeB: false,
      strideA: 12,
      strideB: 0,
    };
    const a = ramp(24);
    const b = ramp(20);
    const bound = (i: number) => 6 * EPSILON32 * cpu.matmul(absolute(a), absolute(b), spec)[i];
    expectWithin(backend.matmul(a, b, spec), cpu.matmul(a, b, spec), bound, 'cpu-mode matmul');
    expectExact(
      backend.binary('maximum', a, [24], Float32Array.of(NaN), [1], [24]),
      cpu.binary('maximum', a, [24], Float32Array.of(NaN), [1], [24]),
      'cpu-mode maximum',
    );
  });
});

describe('gpujs backend rejects float64 with a clear error', () => {
  const message = FLOAT64_MESSAGE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const x64 = new Float64Array(6);
  const x32 = new Float32Array(6);
  const conv: Conv2dSpec = {
    batch: 1,
    inChannels: 1,
    outChannels: 1,
    inHeight: 2,
    inWidth: 3,
    kernelHeight: 1,
    kernelWidth: 1,
    outHeight: 2,
    outWidth: 3,
    strideHeight: 1,
    strideWidth: 1,
    padHeight: 0,
    padWidth: 0,
    dilationHeight: 1,
    dilationWidth: 1,
    groups: 1,
  };
  const pool: Pool2dSpec = {
    batch: 1,
    channels: 1,
    inHeight: 2,
    inWidth: 3,
    kernelHeight: 1,
    kernelWidth: 1,
    outHeight: 2,
    outWidth: 3,
    strideHeight: 1,
    strideWidth: 1,
    padHeight: 0,
    padWidth: 0,
  };
  const matmul: MatmulSpec = {
    batch: 1,
    m: 2,
    k: 3,
    n: 1,
    transposeA: false,
    transposeB: false,
    strideA: 0,
    strideB: 0,
  };
  const calls: Record<string, () => unknown> = {
    fromArray: () => gpujs().fromArray([1, 2], 'float64'),
    fill: () => gpujs().fill(3, 1, 'float64'),
    cast: () => gpujs().cast(x32, 'float64'),
    castFrom: () => gpujs().cast(x64, 'float32'),
    unary: () => gpujs().unary('exp', x64),
    binary: () => gpujs().binary('add', x32, [6], x64, [6], [6]),
    where: () => gpujs().where(x64, [6], x32, [6], x32, [6], [6]),
    reduce: () => gpujs().reduce('sum', x64, [2, 3], [1]),
    argmax: () => gpujs().argmax(x64, [2, 3], 1),
    permute: () => gpujs().permute(x64, [2, 3], [1, 0]),
    broadcastTo: () => gpujs().broadcastTo(x64, [6], [2, 6]),
    pad: () => gpujs().pad(x64, [6], [[1, 1]], 0),
    slice: () => gpujs().slice(x64, [6], [1], [2]),
    concat: () => gpujs().concat([x32, x64], [[6], [6]], 0),
    gather: () => gpujs().gather(x64, [6], 0, Int32Array.of(1), [1]),
    scatterAdd: () => gpujs().scatterAdd(x64, new Int32Array(6), [6], 0, [6]),
    matmul: () => gpujs().matmul(x64, x32, matmul),
    conv2d: () => gpujs().conv2d(x64, Float32Array.of(1), conv),
    conv2dInputGrad: () => gpujs().conv2dInputGrad(x64, Float32Array.of(1), conv),
    conv2dWeightGrad: () => gpujs().conv2dWeightGrad(x32, x64, conv),
    maxPool2dIndices: () => gpujs().maxPool2dIndices(x64, pool),
    randomUniform: () => gpujs().randomUniform(3, 1, 0, 1, 'float64'),
    randomNormal: () => gpujs().randomNormal(3, 1, 0, 1, 'float64'),
  };
  for (const [name, call] of Object.entries(calls)) {
    it(name, () => expect(call).toThrow(new RegExp(`^${message}`)));
  }
});

describe('gpujs kernel cache', () => {
  it('compiles once per (op, shape) and reuses the kernel', () => {
    const { runtime } = gpujs();
    const a = ramp(12);
    const b = ramp(4);
    gpujs().binary('mul', a, [3, 4], b, [4], [3, 4]);
    const { hits, misses } = runtime.stats;
    const first = gpujs().binary('mul', a, [3, 4], b, [4], [3, 4]);
    const second = gpujs().binary('mul', ramp(12, 1), [3, 4], b, [4], [3, 4]);
    expect(runtime.stats.misses).toBe(misses);
    expect(runtime.stats.hits).toBe(hits + 2);
    expect(first).not.toBe(second); // fresh storage per call
    expectExact(first, cpu.binary('mul', a, [3, 4], b, [4], [3, 4]), 'first');
  });

  it('evicts the least recently used kernel past its limit and destroys it', () => {
    const backend = createGpuJsBackend();
    const { runtime } = backend;
    runtime.setCacheLimit(2);
    const x = ramp(8);
    backend.unary('exp', x);
    backend.unary('sin', x);
    backend.unary('exp', x); // refreshes exp: sin is now the oldest
    expect(runtime.stats).toMatchObject({ hits: 1, misses: 2, evictions: 0, destroyed: 0 });
    backend.unary('cos', x);
    expect(runtime.stats).toMatchObject({ misses: 3, evictions: 1, destroyed: 1 });
    expect(runtime.cacheSize).toBe(2);
    expect(runtime.liveKernelCount()).toBe(2); // the destroyed kernel left gpu.js's list
    backend.unary('exp', x); // still cached
    expect(runtime.stats.hits).toBe(2);
    expectExact(backend.unary('sin', x), cpu.unary('sin', x), 'recompiled sin'); // evicted: compiles again
    expect(runtime.stats).toMatchObject({ misses: 4, evictions: 2, destroyed: 2 });
    runtime.clear();
    expect(runtime.cacheSize).toBe(0);
    expect(runtime.liveKernelCount()).toBe(0);
    expect(runtime.stats.destroyed).toBe(4);
  });

  it('also bounds the bytes its kernels pin (arguments and outputs live in each kernel)', () => {
    const backend = createGpuJsBackend();
    const { runtime } = backend;
    const big = ramp(2 ** 18); // 1 MiB of float32
    backend.unary('abs', big);
    const one = runtime.cacheBytes;
    expect(one).toBeGreaterThanOrEqual(2 * 4 * 2 ** 18); // input and output
    backend.unary('neg', big);
    runtime.setMemoryBudget(one + one / 2);
    expect(runtime.stats).toMatchObject({ evictions: 1, destroyed: 1 });
    expect(runtime.cacheSize).toBe(1);
    runtime.setMemoryBudget(0); // the most recent kernel always stays
    expect(runtime.cacheSize).toBe(1);
    expectExact(backend.unary('abs', big), cpu.unary('abs', big), 'after eviction');
    expect(runtime.cacheSize).toBe(1);
    runtime.clear();
  });

  it('returns empty outputs without compiling anything', () => {
    const { runtime } = gpujs();
    const misses = runtime.stats.misses;
    const empty = new Float32Array(0);
    expect(gpujs().unary('exp', empty)).toHaveLength(0);
    expect(gpujs().binary('add', empty, [2, 0], ramp(1), [1], [2, 0])).toHaveLength(0);
    expect(
      gpujs().matmul(empty, ramp(3), {
        batch: 1,
        m: 0,
        k: 3,
        n: 1,
        transposeA: false,
        transposeB: false,
        strideA: 0,
        strideB: 0,
      }),
    ).toHaveLength(0);
    // empty groups: the reduction's identity, as on the cpu
    expectExact(gpujs().reduce('max', empty, [2, 0], [1]), [-Infinity, -Infinity], 'max of nothing');
    expectExact(gpujs().reduce('mean', empty, [2, 0], [1]), cpu.reduce('mean', empty, [2, 0], [1]), 'mean of nothing');
    expectExact(
      gpujs().matmul(empty, empty, {
        batch: 1,
        m: 2,
        k: 0,
        n: 2,
        transposeA: false,
        transposeB: false,
        strideA: 0,
        strideB: 0,
      }),
      [0, 0, 0, 0],
      'k = 0',
    );
    expectExact(gpujs().pad(empty, [0], [[1, 2]], 5), [5, 5, 5], 'pad of nothing');
    expect(runtime.stats.misses).toBe(misses);
  });
});

describe('gpujs traps', () => {
  it('loops longer than loopMaxIterations (1000) run to the end (bounds are constants)', () => {
    const long = 2500;
    const x = ramp(long);
    const magnitude = cpu.reduce('sum', absolute(x), [long], [0]);
    expectWithin(
      gpujs().reduce('sum', x, [long], [0]),
      cpu.reduce('sum', x, [long], [0]),
      () => (long + 2) * EPSILON32 * magnitude[0],
      'sum of 2500',
    );
    expectExact(gpujs().argmax(x, [long], 0), cpu.argmax(x, [long], 0), 'argmax over 2500');
    const spec: MatmulSpec = {
      batch: 1,
      m: 2,
      k: 1501,
      n: 3,
      transposeA: false,
      transposeB: true,
      strideA: 0,
      strideB: 0,
    };
    const a = ramp(2 * 1501);
    const b = ramp(3 * 1501);
    const matmulMagnitude = cpu.matmul(absolute(a), absolute(b), spec);
    expectWithin(
      gpujs().matmul(a, b, spec),
      cpu.matmul(a, b, spec),
      (i) => 1503 * EPSILON32 * matmulMagnitude[i],
      'matmul k = 1501',
    );
    const indices = Int32Array.from({ length: 1200 }, (_, i) => (i * 7) % 5);
    expectExact(
      gpujs().scatterAdd(ramp(1200), indices, [1200], 0, [5]),
      cpu.scatterAdd(ramp(1200), indices, [1200], 0, [5]),
      'scatterAdd of 1200',
    );
  });

  it('rejects arrays beyond the float32 index limit, and out-of-range indices, before any kernel runs', () => {
    const misses = gpujs().runtime.stats.misses;
    expect(() => gpujs().unary('neg', new Float32Array(MAX_KERNEL_ELEMENTS + 1))).toThrow(
      /exceeds the gpujs backend's limit of 2\^23/,
    );
    expect(() => gpujs().gather(ramp(4), [4], 0, Int32Array.of(0, 4), [2])).toThrow(
      /index 4 at position 1 is outside \[0, 4\)/,
    );
    expect(() => gpujs().scatterAdd(ramp(2), Int32Array.of(-1, 0), [2], 0, [3])).toThrow(/index -1/);
    expect(() => gpujs().binary('add', ramp(5), [2, 3], ramp(3), [3], [2, 3])).toThrow(
      /a of shape \[2,3\] has 5 elements, expected 6/,
    );
    expect(gpujs().runtime.stats.misses).toBe(misses);
  });

  it('index arithmetic is exact at the size limit (float32 divisions by the extents)', () => {
    const shape = [3, 1365, 2047]; // 8 382 465 elements ≤ 2^23
    const x = Float32Array.from({ length: 3 * 1365 * 2047 }, (_, i) => i % 1000003);
    expectExact(gpujs().permute(x, shape, [2, 0, 1]), cpu.permute(x, shape, [2, 0, 1]), 'permute at the limit');
  });
});
