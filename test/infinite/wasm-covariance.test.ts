/**
 * The wasm input covariance and Σ-only patch sum (gpu/cpu/wasm/cntk-covariance.ts,
 * cntk-patch-sum.ts, through gpu/cpu/infinite/wasm-input.ts and wasm-rows.ts) against the
 * TypeScript chunks of gpu/cpu/infinite/linear.ts, their definition. Both compute the same
 * float64 operations in the same order, so on float32 storage the results must be identical
 * bit for bit (NaN where the TypeScript gives NaN), on random geometries (odd column counts:
 * the kernels' one-lane tails), channel counts, pair blocks (triangles, x2 = x1) and special
 * values, on one thread and on the worker pool, and with many small pairs (several batches of
 * pairs copied in and out at once, pairBatch in wasm-rows.ts, through the ReLU and linear steps);
 * the two modules' bytes are pinned.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bandLayout, pairCount, type PairBlock } from '../../gpu/infinite.ts';
import { cpuInfiniteKernels as cpu } from '../../gpu/cpu/infinite/index.ts';
import { useWasmRows } from '../../gpu/cpu/infinite/wasm-rows.ts';
import { chunksRunByHelpers, threadCount, threadsAvailable } from '../../gpu/cpu/threads.ts';
import { wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { covarianceModule } from '../../gpu/cpu/wasm/cntk-covariance.ts';
import { reluRowModule } from '../../gpu/cpu/wasm/relu-row.ts';
import { expectIdentical, expectPinnedModule } from '../helpers/wasm-checks.ts';
import { bothPaths } from './wasm-paths.ts';
import { bandGeometryArb, pairBlockArb } from './band-arbitraries.ts';

afterEach(() => useWasmRows(undefined));

/** Values in [−1, 1) from a seed, with NaN, ±Inf, 0 and a large value where `specials` says. */
function values(size: number, seed: number, specials: number[]): Float32Array {
  const out = Float32Array.from({ length: size }, (_, i) => {
    const value = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
    return 2 * (value - Math.floor(value)) - 1;
  });
  const special = [NaN, Infinity, -Infinity, 0, 3e38];
  specials.forEach((at, k) => size > 0 && (out[at % size] = special[k % special.length]));
  return out;
}

const geometryArb = bandGeometryArb(6);

describe.skipIf(!wasmEnabled())('wasm covariance steps equal the TypeScript ones (float32)', () => {
  it('emit the same module bytes every time (SHA-256 pinned: Σ⁰, and the ReLU rows with the patch sums)', () => {
    const pins: [typeof covarianceModule, string][] = [
      [covarianceModule, '4ede3a18b135a6d3e0fa29f8d940ae858ded92cf288a9593f429fc9b96111099'],
      [reluRowModule, '1cbbd0e21c0ddce4e6b37e419484b1925eb03984957910121307ad5c706581bc'],
    ];
    for (const [module, pin] of pins) expectPinnedModule(module, pin);
  });

  it('the input covariance Σ⁰, bit for bit', () => {
    fc.assert(
      fc.property(
        geometryArb,
        pairBlockArb,
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.boolean(),
        (geometry, pairs, channels, scale, seed, specials, same) => {
          const plane = geometry.height * geometry.width;
          const x1 = values(pairs.count1 * channels * plane, seed, specials);
          const x2 = pairs.triangle && same ? x1 : values(pairs.count2 * channels * plane, seed + 1, specials.slice(1));
          const [wasm, typescript] = bothPaths(() => cpu.inputCovariance(x1, x2, channels, pairs, geometry, scale));
          expectIdentical(wasm, typescript, 'inputCovariance');
        },
      ),
      { numRuns: 80 },
    );
  });

  it('the 3×3 patch sum without Θ (the first layer, the variances), bit for bit', () => {
    fc.assert(
      fc.property(
        geometryArb,
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 5 }),
        (geometry, count, scale, shift, seed, specials) => {
          const sigma = values(count * bandLayout(geometry).entries, seed, specials);
          const step = { filter: 3 as const, scale, shift, trainable: false };
          const [wasm, typescript] = bothPaths(() => cpu.linear(sigma, undefined, count, geometry, step));
          expectIdentical(wasm, typescript, 'linear Σ only');
        },
      ),
      { numRuns: 80 },
    );
  });

  it('many small pairs: several batches of pairs per chunk (relu and linear, pairBatch)', () => {
    // 8×8, window 0: 64 entries a pair, so a region holds 128 pairs; 4,900 pairs make ≥ 2 batches a chunk
    const geometry = { height: 8, width: 8, padding: 'circular' as const, window: 0 };
    const pairs: PairBlock = { count1: 70, count2: 70, triangle: false };
    const count = pairCount(pairs),
      { entries } = bandLayout(geometry);
    const sigma = values(count * entries, 4, [3, 5000, 9000]),
      theta = values(count * entries, 5, [7]);
    const deviations = Float32Array.from(values(70 * 64, 6, []), (value) => 0.5 + Math.abs(value));
    for (const trainable of [false, true]) {
      const step = { filter: 3 as const, scale: 2 / 9, shift: 0.25, trainable };
      const [wasmRelu, typescriptRelu] = bothPaths(() =>
        cpu.relu(sigma, theta, deviations, deviations, pairs, geometry, step),
      );
      expectIdentical(wasmRelu, typescriptRelu, `relu then the patch sum (trainable ${trainable})`);
      const [wasmLinear, typescriptLinear] = bothPaths(() => cpu.linear(sigma, theta, count, geometry, step));
      expectIdentical(wasmLinear, typescriptLinear, `linear with Θ (trainable ${trainable})`);
    }
    const sigmaOnly = { filter: 3 as const, scale: 1 / 9, shift: 0, trainable: false };
    const [wasmSigma, typescriptSigma] = bothPaths(() => cpu.linear(sigma, undefined, count, geometry, sigmaOnly));
    expectIdentical(wasmSigma, typescriptSigma, 'linear Σ only');
  });

  it('on the worker pool too (calls large enough to be split)', () => {
    const geometry = { height: 8, width: 8, padding: 'zero' as const, window: 7 };
    const pairs: PairBlock = { count1: 4, count2: 3, triangle: false };
    const { entries } = bandLayout(geometry);
    const x1 = values(4 * 3 * 64, 1, [7]),
      x2 = values(3 * 3 * 64, 2, []);
    const sigma = values(pairCount(pairs) * entries, 3, [11]);
    const step = { filter: 3 as const, scale: 1 / 9, shift: 0.5, trainable: false };
    const input = () => cpu.inputCovariance(x1, x2, 3, pairs, geometry, 1 / 3);
    const linear = () => cpu.linear(sigma, undefined, pairCount(pairs), geometry, step);
    useWasmRows(true);
    const helped = chunksRunByHelpers();
    const start = Date.now();
    // the helpers start asynchronously; until they run, the caller computes every chunk itself
    while (chunksRunByHelpers() === helped && threadsAvailable() && Date.now() - start < 10_000) input();
    expect(threadsAvailable(), 'a helper thread failed').toBe(true);
    if (threadCount() > 1) expect(chunksRunByHelpers()).toBeGreaterThan(helped);
    const [wasmInput, typescriptInput] = bothPaths(input);
    expectIdentical(wasmInput, typescriptInput, 'inputCovariance on the pool');
    const [wasmLinear, typescriptLinear] = bothPaths(linear);
    expectIdentical(wasmLinear, typescriptLinear, 'linear Σ only on the pool');
  });
});
