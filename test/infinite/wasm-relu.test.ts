/**
 * The wasm ReLU rows and patch sums (gpu/cpu/wasm/relu-row.ts, gpu/cpu/infinite/wasm-rows.ts)
 * against the TypeScript rows of gpu/cpu/infinite/relu.ts and linear.ts, their definition. The wasm rows compute the same
 * float64 operations in the same order, so on float32 storage the results must be identical bit
 * for bit (NaN where the TypeScript gives NaN), on random geometries (odd column counts: the
 * kernel's one-lane tail), every LinearStep after the ReLU, NaN/±Inf/zero deviations, on one
 * thread and on the pool; and the full kernels (CNTK-V, -GAP, -LAP, CNN-GP, fix, flip, FC NTK)
 * equal to the TypeScript path and, within exact.test.ts's float32 bound, to the reference.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { bandLayout, pairCount, type LinearStep, type PairBlock } from '../../gpu/infinite.ts';
import { cpuInfiniteKernels as cpu } from '../../gpu/cpu/infinite/index.ts';
import { useWasmRows } from '../../gpu/cpu/infinite/wasm-rows.ts';
import { chunksRunByHelpers, threadCount, threadsAvailable } from '../../gpu/cpu/threads.ts';
import { wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { cntk, fullyConnected, kernelMatrix } from '../../src/infinite/index.ts';
import type { ReferenceCntkOptions } from '../../src/infinite/reference.ts';
import { expectMatrixClose, referenceCntkMatrices, referenceDiagonalScale } from './reference-matrices.ts';
import { expectIdentical } from '../helpers/wasm-checks.ts';
import { bothPaths } from './wasm-paths.ts';
import { bandGeometryArb, pairBlockArb } from './band-arbitraries.ts';

/** exact.test.ts's float32 bound: λ ≈ 1 turns an ulp of λ into ≈ √(2·ulp), ≈ 3e-4 per layer. */
const FLOAT32 = 2e-3;

afterEach(() => useWasmRows(undefined));

/** Values in [−1, 1) (or (0.5, 1.5] when positive), with NaN, ±Inf and 0 where `specials` says. */
function values(size: number, seed: number, positive: boolean, specials: number[]): Float32Array {
  const out = Float32Array.from({ length: size }, (_, i) => {
    const value = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
    const unit = value - Math.floor(value);
    return positive ? 0.5 + unit : 2 * unit - 1;
  });
  const special = [NaN, Infinity, -Infinity, 0];
  specials.forEach((at, k) => size > 0 && (out[at % size] = special[k % special.length]));
  return out;
}

const stepArb = fc.record({
  filter: fc.constantFrom<LinearStep['filter']>(1, 3, 'sum'),
  scale: fc.double({ min: 0.1, max: 2, noNaN: true }),
  shift: fc.double({ min: 0, max: 1, noNaN: true }),
  trainable: fc.boolean(),
  weighted: fc.boolean(),
});

describe.skipIf(!wasmEnabled())('wasm ReLU rows equal the TypeScript rows', () => {
  it('bit for bit on random geometries, steps and special values (float32)', () => {
    fc.assert(
      fc.property(
        bandGeometryArb(5),
        pairBlockArb,
        stepArb,
        fc.nat(1000),
        fc.array(fc.nat(), { maxLength: 4 }),
        (geometry, pairs, { weighted, ...linear }, seed, specials) => {
          const layout = bandLayout(geometry);
          const step: LinearStep =
            weighted && linear.filter === 'sum'
              ? {
                  ...linear,
                  weights: {
                    rows: Float64Array.from(values(layout.rows.size, seed + 5, true, [])),
                    columns: Float64Array.from(values(layout.columns.size, seed + 6, true, [])),
                  },
                }
              : linear;
          const count = pairCount(pairs),
            plane = geometry.height * geometry.width;
          const sigma = values(count * layout.entries, seed, false, specials);
          const theta = values(count * layout.entries, seed + 1, false, specials.slice(1));
          const deviations1 = values(pairs.count1 * plane, seed + 2, true, specials.slice(2));
          const deviations2 = pairs.triangle ? deviations1 : values(pairs.count2 * plane, seed + 3, true, []);
          const [wasm, typescript] = bothPaths(() =>
            cpu.relu(sigma, theta, deviations1, deviations2, pairs, geometry, step),
          );
          expectIdentical(wasm, typescript, `relu then ${step.filter}${step.weights ? ' (weighted)' : ''}`);
          // the linear step alone (its 3×3 patch sum with Θ runs in wasm too)
          const [wasmLinear, typescriptLinear] = bothPaths(() => cpu.linear(sigma, theta, count, geometry, step));
          expectIdentical(wasmLinear, typescriptLinear, `linear ${step.filter}`);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('on the worker pool too (a call large enough to be split)', () => {
    const geometry = { height: 8, width: 8, padding: 'zero' as const, window: 7 };
    const pairs: PairBlock = { count1: 3, count2: 3, triangle: false };
    const { entries } = bandLayout(geometry);
    const sigma = values(9 * entries, 1, false, [5]),
      theta = values(9 * entries, 2, false, []);
    const deviations = values(3 * 64, 3, true, []);
    const step: LinearStep = { filter: 3, scale: 2 / 9, shift: 0, trainable: true };
    const call = () => cpu.relu(sigma, theta, deviations, deviations, pairs, geometry, step);
    useWasmRows(true);
    const helped = chunksRunByHelpers();
    const start = Date.now();
    // the helpers start asynchronously; until they run, the caller computes every chunk itself
    while (chunksRunByHelpers() === helped && threadsAvailable() && Date.now() - start < 10_000) call();
    expect(threadsAvailable(), 'a helper thread failed').toBe(true);
    if (threadCount() > 1) expect(chunksRunByHelpers()).toBeGreaterThan(helped);
    const [wasm, typescript] = bothPaths(call);
    expectIdentical(wasm, typescript, 'relu on the pool');
  });
});

const caseArb = fc.record({
  count1: fc.integer({ min: 1, max: 3 }),
  count2: fc.integer({ min: 0, max: 2 }),
  height: fc.integer({ min: 1, max: 5 }),
  width: fc.integer({ min: 1, max: 5 }),
  seed: fc.nat(10_000),
  depth: fc.integer({ min: 2, max: 4 }),
  readout: fc.constantFrom<ReferenceCntkOptions['readout']>('vanilla', 'gap', { lap: 1 }),
  padding: fc.constantFrom('zero' as const, 'circular' as const),
  fix: fc.boolean(),
  flip: fc.boolean(),
});

describe.skipIf(!wasmEnabled())('full kernels with the wasm rows (float32)', () => {
  it('CNTK and CNN-GP: equal to the TypeScript path, and to the reference within the float32 bound', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const image = (count: number, seed: number) =>
          ad.cast(ad.randomNormal([count, 2, c.height, c.width], { seed, dtype: 'float64' }), 'float32');
        const x = image(c.count1, c.seed);
        const y = c.count2 > 0 ? image(c.count2, c.seed + 1) : undefined;
        const options: ReferenceCntkOptions = { depth: c.depth, readout: c.readout, fix: c.fix, padding: c.padding };
        const [wasm, typescript] = bothPaths(() =>
          ad.withBackend('cpu', () => kernelMatrix(cntk(options), x, y, { flip: c.flip, quiet: true })),
        );
        expectIdentical(wasm.nngp.data, typescript.nngp.data, 'nngp');
        expectIdentical(wasm.ntk.data, typescript.ntk.data, 'ntk');
        const reference = { ...options, flip: c.flip };
        const expected = referenceCntkMatrices(reference, x, y),
          diagonal = referenceDiagonalScale(reference, x, y);
        expectMatrixClose(wasm.nngp, expected.nngp, FLOAT32, 'nngp', diagonal.nngp);
        expectMatrixClose(wasm.ntk, expected.ntk, FLOAT32, 'ntk', diagonal.ntk);
      }),
      { numRuns: 12 },
    );
  });

  it('the fully connected NTK (one entry per pair: the flat rows), odd and even counts', () => {
    for (const n of [1, 6, 7]) {
      const x = ad.randomNormal([n, 5], { seed: n });
      const [wasm, typescript] = bothPaths(() =>
        ad.withBackend('cpu', () => kernelMatrix(fullyConnected({ depth: 4 }), x, undefined, { quiet: true })),
      );
      expectIdentical(wasm.nngp.data, typescript.nngp.data, `nngp n=${n}`);
      expectIdentical(wasm.ntk.data, typescript.ntk.data, `ntk n=${n}`);
    }
  });
});
