/**
 * The WebAssembly SIMD GEMM (gpu/cpu/wasm/gemm.ts, gemm-kernel.ts) fuzzed against the plain
 * TypeScript definitions (the same matmul / conv2d calls with the wasm path switched off):
 * random shapes with edge tiles (m, n, k of 1, primes, not multiples of the 4×8 / 4×4 tiles,
 * past the 256-step k-block), transposes, batch strides 0, float32 and float64, NaN/Inf.
 *
 * Bound, per element: both results are within γ_k·Σ|a||b| of the exact product (Higham 2002,
 * §3.1, γ_k = k·u/(1 − k·u), u = 2⁻²⁴ for float32, 2⁻⁵³ for float64; the TypeScript path sums in
 * float64 and rounds once, so it is within u·Σ|a||b|), hence |wasm − ts| ≤ (γ_k + u)·Σ|a||b|.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Conv2dSpec, Data, DType, MatmulSpec } from '../../gpu/backend.ts';
import { matmul } from '../../gpu/cpu/matmul.ts';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from '../../gpu/cpu/conv.ts';
import { gemmModule } from '../../gpu/cpu/wasm/gemm-kernel.ts';
import { cpuBackend } from '../../gpu/cpu/index.ts';
import { setWasmEnabled, wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { matmulCaseArb, matmulOperands, type MatmulCase } from '../helpers/matmul-cases.ts';
import { seededValues } from '../helpers/seeded-values.ts';
import { expectPinnedModule } from '../helpers/wasm-checks.ts';

const wasmPresent = wasmEnabled();
afterEach(() => setWasmEnabled(wasmPresent));

/** fn computed twice: on the TypeScript kernels, then on the wasm kernels. */
function bothPaths(fn: () => Data): { ts: Data; wasm: Data } {
  setWasmEnabled(false);
  const ts = fn();
  setWasmEnabled(true);
  return { ts, wasm: fn() };
}

const gamma = (k: number, dtype: DType) => {
  const u = dtype === 'float64' ? 2 ** -53 : 2 ** -24;
  return (k * u) / (1 - k * u) + u;
};

/** Σ_p |op(A)[i][p]| · |op(B)[p][j]| for every output element. */
function magnitudes(a: Data, b: Data, s: MatmulSpec): Float64Array {
  const out = new Float64Array(s.batch * s.m * s.n);
  for (let t = 0; t < s.batch; t++)
    for (let i = 0; i < s.m; i++)
      for (let j = 0; j < s.n; j++) {
        let sum = 0;
        for (let p = 0; p < s.k; p++) {
          const x = s.transposeA ? a[t * s.strideA + p * s.m + i] : a[t * s.strideA + i * s.k + p];
          const y = s.transposeB ? b[t * s.strideB + j * s.k + p] : b[t * s.strideB + p * s.n + j];
          sum += Math.abs(x * y);
        }
        out[(t * s.m + i) * s.n + j] = sum;
      }
  return out;
}

/** Non-finite outputs must match exactly (same NaN / ±Inf); finite ones within the bound. */
function expectAgree(label: string, ts: Data, wasm: Data, bound: (i: number) => number): void {
  expect(wasm.constructor).toBe(ts.constructor);
  expect(wasm.length).toBe(ts.length);
  for (let i = 0; i < ts.length; i++) {
    const ok = Number.isFinite(ts[i]) ? Math.abs(wasm[i] - ts[i]) <= bound(i) : Object.is(wasm[i], ts[i]);
    if (!ok) throw new Error(`${label}: element ${i} is ${wasm[i]} on wasm, ${ts[i]} on TypeScript (± ${bound(i)})`);
  }
}

/** Sizes that stress the tiles: 1, primes, tile multiples ± 1. */
const edgeSize = (max: number) =>
  fc.oneof(
    fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 11, 13, 16, 17, 31, 33).filter((s) => s <= max),
    fc.integer({ min: 1, max }),
  );

interface Case extends MatmulCase {
  /** Where to plant a NaN and an Inf in A (fractions of its length), or none. */
  poison: [number, number] | null;
}

function checkMatmul(c: Case): void {
  const { spec, a, b } = matmulOperands(c);
  if (c.poison && a.length > 0) {
    a[Math.floor(c.poison[0] * a.length)] = NaN;
    a[Math.floor(c.poison[1] * a.length)] = -Infinity;
  }
  const { ts, wasm } = bothPaths(() => matmul(a, b, spec));
  const magnitude = magnitudes(a, b, spec);
  expectAgree(`matmul ${JSON.stringify(c)}`, ts, wasm, (i) => gamma(c.k, c.dtype) * magnitude[i]);
}

const caseArb = (maxBatch: number, maxM: number, maxK: number, maxN: number): fc.Arbitrary<Case> =>
  fc
    .tuple(
      matmulCaseArb({
        batch: fc.integer({ min: 1, max: maxBatch }),
        m: edgeSize(maxM),
        k: edgeSize(maxK),
        n: edgeSize(maxN),
      }),
      fc.option(
        fc.tuple(fc.double({ min: 0, max: 0.999, noNaN: true }), fc.double({ min: 0, max: 0.999, noNaN: true })),
        { nil: null },
      ),
    )
    .map(([c, poison]) => ({ ...c, poison }));

describe.runIf(wasmPresent)('wasm gemm', () => {
  it('emits the same module bytes every time (SHA-256 pinned)', () => {
    expectPinnedModule(gemmModule, '29ba2b2f9646f8db0fac5fcee12b9c79b782b6a20a75798e921a722f2a374523');
  });

  it('matches the TypeScript matmul on edge tiles, transposes, stride-0 batches and NaN/Inf', () => {
    fc.assert(fc.property(caseArb(3, 40, 40, 40), checkMatmul), { numRuns: 250 });
  });

  it('matches across k-blocks and on the threaded path', () => {
    fc.assert(fc.property(caseArb(2, 90, 530, 90), checkMatmul), { numRuns: 8 });
    const big = { batch: 1, m: 97, k: 300, n: 101, broadcastA: false, broadcastB: false, seed: 5, poison: null };
    for (const dtype of ['float32', 'float64'] as const)
      checkMatmul({ ...big, dtype, transposeA: true, transposeB: true });
  });

  it('gives NaN in every output a NaN in A reaches (a product past the simple loop)', () => {
    const [m, k, n] = [9, 37, 19];
    const a = Float32Array.from({ length: m * k }, (_, i) => i / 100);
    a[2 * k + 3] = NaN; // row 2 of A
    const b = Float32Array.from({ length: k * n }, (_, i) => 1 + i / 1000);
    const spec: MatmulSpec = { batch: 1, m, k, n, transposeA: false, transposeB: false, strideA: 0, strideB: 0 };
    const out = matmul(a, b, spec);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Number.isNaN(out[i * n + j])).toBe(i === 2);
  });

  it('matches the TypeScript conv2d and its two gradients', () => {
    const specArb = fc.record({
      batch: fc.integer({ min: 1, max: 3 }),
      inChannels: fc.integer({ min: 1, max: 5 }),
      outChannels: fc.integer({ min: 1, max: 9 }),
      size: fc.integer({ min: 3, max: 11 }),
      kernel: fc.constantFrom(1, 3),
      stride: fc.integer({ min: 1, max: 2 }),
      dtype: fc.constantFrom<DType>('float32', 'float64'),
      seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    });
    fc.assert(
      fc.property(specArb, (g) => {
        const pad = (g.kernel - 1) / 2;
        const out = Math.floor((g.size + 2 * pad - g.kernel) / g.stride) + 1;
        const s: Conv2dSpec = {
          batch: g.batch, inChannels: g.inChannels, outChannels: g.outChannels, inHeight: g.size, inWidth: g.size,
          kernelHeight: g.kernel, kernelWidth: g.kernel, outHeight: out, outWidth: out, strideHeight: g.stride,
          strideWidth: g.stride, padHeight: pad, padWidth: pad, dilationHeight: 1, dilationWidth: 1, groups: 1,
        }; // prettier-ignore
        const x = seededValues(g.batch * g.inChannels * g.size * g.size, g.seed, g.dtype);
        const w = seededValues(g.outChannels * g.inChannels * g.kernel * g.kernel, g.seed + 1, g.dtype);
        const dy = seededValues(g.batch * g.outChannels * out * out, g.seed + 2, g.dtype);
        // Every term is a product of values in [−2, 2): Σ|a||b| ≤ 4 · depth.
        const check = (label: string, depth: number, fn: () => Data) => {
          const { ts, wasm } = bothPaths(fn);
          expectAgree(`${label} ${JSON.stringify(g)}`, ts, wasm, () => gamma(depth, g.dtype) * 4 * depth);
        };
        const patch = g.inChannels * g.kernel * g.kernel;
        check('conv2d', patch, () => conv2d(x, w, s));
        check('conv2dInputGrad', g.outChannels * g.kernel * g.kernel, () => conv2dInputGrad(dy, w, s));
        check('conv2dWeightGrad', g.batch * out * out, () => conv2dWeightGrad(x, dy, s));
      }),
      { numRuns: 40 },
    );
  });

  it("names the kernels' path in the cpu backend's line (results and kernel caches record it)", () => {
    expect(cpuBackend.describe()).toBe('cpu (TypeScript, WebAssembly SIMD kernels)');
    setWasmEnabled(false);
    expect(cpuBackend.describe()).toBe('cpu (plain TypeScript on typed arrays)');
  });
});
