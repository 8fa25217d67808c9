/**
 * The covariance-step kernels (gpu/infinite.ts): the band layout's bookkeeping, and the
 * gpujs kernels against the cpu ones on random geometries, steps and float32 data.
 * Bounds: the gpu.js kernels sum in float32 (the cpu in float64) over at most 9 neighbours
 * or C channels, and take a float32 arccos, so each step agrees within a few hundred float32
 * ulps of the largest magnitude involved; 1e-5 relative to that magnitude covers it.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  axisBands,
  bandLayout,
  pairCount,
  pairIndices,
  type CovarianceGeometry,
  type LinearStep,
  type PairBlock,
} from '../../gpu/infinite.ts';
import { cpuInfiniteKernels as cpu } from '../../gpu/cpu/infinite/index.ts';
import { createGpuJsInfiniteKernels } from '../../gpu/gpujs/infinite.ts';
import { chunksRunByHelpers, threadCount, threadsAvailable } from '../../gpu/cpu/threads.ts';
import { gpujs } from '../gpu/gpujs-helpers.ts';
import { bandGeometryArb, pairBlockArb } from './band-arbitraries.ts';

const RUNS = 12;
const gpu = () => createGpuJsInfiniteKernels(gpujs().runtime);

const geometryArb = bandGeometryArb(5);
const stepArb = (filters: LinearStep['filter'][]) =>
  fc.record({
    filter: fc.constantFrom(...filters),
    scale: fc.double({ min: 0.1, max: 2, noNaN: true }),
    shift: fc.double({ min: 0, max: 1, noNaN: true }),
    trainable: fc.boolean(),
  });

function random(size: number, seed: number, positive = false): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => {
    const value = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
    const unit = value - Math.floor(value);
    return positive ? 0.5 + unit : 2 * unit - 1;
  });
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-30, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i] - expected[i]) > relative * scale)
      throw new Error(`${what}: entry ${i} is ${actual[i]}, expected ${expected[i]} (scale ${scale})`);
  }
}

describe('band layout', () => {
  it('each axis keeps the offsets within the window, with consistent diagonal neighbours', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom('zero' as const, 'circular' as const),
        (extent, window, padding) => {
          const bands = axisBands(extent, window, padding);
          const reach = Math.min(window, extent - 1);
          const expectedSize =
            padding === 'zero'
              ? Array.from({ length: 2 * reach + 1 }, (_, k) => extent - Math.abs(k - reach)).reduce((a, b) => a + b, 0)
              : Math.min(extent, 2 * reach + 1) * extent;
          expect(bands.size).toBe(expectedSize);
          expect(bands.starts.length).toBe(bands.offsets + 1);
          expect(bands.starts[bands.offsets]).toBe(bands.size);
          // a group holds one offset
          for (let g = 0; g < bands.offsets; g++) {
            const offsets = new Set(
              Array.from(
                { length: bands.starts[g + 1] - bands.starts[g] },
                (_, r) => (bands.first[bands.starts[g] + r] - bands.second[bands.starts[g] + r] + extent) % extent,
              ),
            );
            expect(offsets.size).toBe(1);
          }
          for (let e = 0; e < bands.size; e++) {
            const delta = bands.first[e] - bands.second[e];
            const offset =
              padding === 'zero' ? Math.abs(delta) : Math.min((delta + extent) % extent, (extent - delta) % extent);
            expect(offset).toBeLessThanOrEqual(reach);
            const next = bands.next[e];
            if (next >= 0) {
              expect(bands.previous[next]).toBe(e);
              expect((bands.first[next] - bands.first[e] + extent) % extent).toBe(1 % extent);
              expect((bands.second[next] - bands.second[e] + extent) % extent).toBe(1 % extent);
            } else {
              expect(padding === 'zero' && (bands.first[e] === extent - 1 || bands.second[e] === extent - 1)).toBe(
                true,
              );
            }
          }
        },
      ),
    );
  });

  it('the full window holds every pair of positions once; pair indices enumerate the block', () => {
    const layout = bandLayout({ height: 4, width: 3, padding: 'zero', window: 9 });
    expect(layout.entries).toBe((4 * 3) ** 2);
    const { first, second } = pairIndices({ count1: 3, count2: 3, triangle: true });
    expect(Array.from(first)).toEqual([0, 0, 0, 1, 1, 2]);
    expect(Array.from(second)).toEqual([0, 1, 2, 1, 2, 2]);
    expect(pairCount({ count1: 2, count2: 5, triangle: false })).toBe(10);
    expect(() => pairCount({ count1: 2, count2: 3, triangle: true })).toThrow(
      /pairCount: a triangle block needs count1 = count2, got 2×3/,
    );
  });
});

describe('gpujs infinite kernels match cpu', () => {
  it('inputCovariance, linear (filters 1, 3, sum) and relu (with each) agree on random geometries and steps', () => {
    fc.assert(
      fc.property(
        geometryArb,
        pairBlockArb,
        stepArb([1, 3]),
        stepArb([1, 3, 'sum']),
        fc.integer({ min: 1, max: 3 }),
        fc.nat(1000),
        (geometry, pairs, step, after, channels, seed) => {
          const plane = geometry.height * geometry.width;
          const x1 = random(pairs.count1 * channels * plane, seed);
          const x2 = pairs.triangle ? x1 : random(pairs.count2 * channels * plane, seed + 1);
          const count = pairCount(pairs);
          const { entries } = bandLayout(geometry);
          const input = cpu.inputCovariance(x1, x2, channels, pairs, geometry, 1 / channels);
          expectClose(
            gpu().inputCovariance(x1, x2, channels, pairs, geometry, 1 / channels),
            input,
            1e-5,
            'inputCovariance',
          );
          const theta = random(count * entries, seed + 2);
          const linear = cpu.linear(input, theta, count, geometry, step);
          expectClose(gpu().linear(input, theta, count, geometry, step), linear, 1e-5, 'linear');
          const deviations1 = random(pairs.count1 * plane, seed + 3, true);
          const deviations2 = pairs.triangle ? deviations1 : random(pairs.count2 * plane, seed + 4, true);
          const sigma = linear.subarray(0, count * entries),
            ntk = linear.subarray(count * entries);
          const relu = cpu.relu(sigma, ntk, deviations1, deviations2, pairs, geometry, after);
          expectClose(
            gpu().relu(sigma, ntk, deviations1, deviations2, pairs, geometry, after),
            relu,
            1e-5,
            `relu then ${after.filter}`,
          );
          const sum: LinearStep = { ...step, filter: 'sum' };
          expectClose(
            gpu().linear(sigma, ntk, count, geometry, sum),
            cpu.linear(sigma, ntk, count, geometry, sum),
            1e-5,
            'sum',
          );
          // a weighted sum (LAP's readout): linear, and fused after the ReLU, equal to the weights applied by hand
          const { rows, columns } = bandLayout(geometry);
          const weighted: LinearStep = {
            ...sum,
            weights: {
              rows: Float64Array.from(random(rows.size, seed + 5, true)),
              columns: Float64Array.from(random(columns.size, seed + 6, true)),
            },
          };
          const byHand = Float64Array.from({ length: 2 * count }, (_, v) => {
            const source = v < count ? sigma : ntk,
              pair = v % count;
            let total = 0;
            for (let r = 0; r < rows.size; r++)
              for (let k = 0; k < columns.size; k++)
                total +=
                  weighted.weights!.rows[r] *
                  weighted.weights!.columns[k] *
                  source[pair * entries + r * columns.size + k];
            return v < count ? step.scale * total + step.shift : step.scale * total;
          });
          for (let v = count; v < 2 * count; v++) if (step.trainable) byHand[v] += byHand[v - count];
          expectClose(cpu.linear(sigma, ntk, count, geometry, weighted), byHand, 1e-5, 'weighted sum by hand');
          expectClose(
            gpu().linear(sigma, ntk, count, geometry, weighted),
            cpu.linear(sigma, ntk, count, geometry, weighted),
            1e-5,
            'weighted sum',
          );
          const afterWeighted: LinearStep = { ...after, filter: 'sum', weights: weighted.weights };
          expectClose(
            gpu().relu(sigma, ntk, deviations1, deviations2, pairs, geometry, afterWeighted),
            cpu.relu(sigma, ntk, deviations1, deviations2, pairs, geometry, afterWeighted),
            1e-5,
            'relu then weighted sum',
          );
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('write into `out` when given, and name the function and sizes when it does not fit', () => {
    const geometry: CovarianceGeometry = { height: 3, width: 3, padding: 'zero', window: 1 };
    const pairs: PairBlock = { count1: 2, count2: 2, triangle: false };
    const x = random(2 * 9, 7);
    const out = new Float32Array(4 * bandLayout(geometry).entries);
    expect(cpu.inputCovariance(x, x, 1, pairs, geometry, 1, out)).toBe(out);
    expect(gpu().inputCovariance(x, x, 1, pairs, geometry, 1, new Float32Array(out.length))).toEqual(out);
    expect(() => cpu.inputCovariance(x, x, 1, pairs, geometry, 1, new Float32Array(5))).toThrow(
      /cpu inputCovariance: out has 5 elements, expected 196/,
    );
    expect(() => cpu.inputCovariance(x, x, 2, pairs, geometry, 1)).toThrow(
      /cpu inputCovariance: x1 \[2,2,3,3\] has 18 elements, expected 36/,
    );
    expect(() =>
      gpu().linear(
        new Float64Array(4),
        undefined,
        2,
        { height: 1, width: 2, padding: 'zero', window: 0 },
        { filter: 'sum', scale: 1, shift: 0, trainable: false },
      ),
    ).toThrow(/float64 is not supported/);
    // a sum over each pair's entries: [1+2, 3+4]·0.5
    expect(
      Array.from(
        cpu.linear(
          Float64Array.of(1, 2, 3, 4),
          undefined,
          2,
          { height: 1, width: 2, padding: 'zero', window: 0 },
          { filter: 'sum', scale: 0.5, shift: 0, trainable: false },
        ),
      ),
    ).toEqual([1.5, 3.5]);
    const weights = { rows: Float64Array.of(1), columns: Float64Array.of(1, 2, 3) };
    expect(() =>
      cpu.linear(
        Float64Array.of(1, 2, 3, 4),
        undefined,
        2,
        { height: 1, width: 2, padding: 'zero', window: 0 },
        { filter: 'sum', scale: 1, shift: 0, trainable: false, weights },
      ),
    ).toThrow(/cpu linear: step.weights must have 1 row and 2 column values, got 1 and 3/);
    expect(() =>
      gpu().linear(
        new Float32Array(4),
        undefined,
        2,
        { height: 1, width: 2, padding: 'zero', window: 0 },
        { filter: 3, scale: 1, shift: 0, trainable: false, weights },
      ),
    ).toThrow(/gpujs linear: step.weights apply to filter 'sum' only, got filter 3/);
  });
});

describe('cpu infinite kernels on the helper threads', () => {
  it('run every task there without a failure (each helper imports the task modules and runs their chunks)', () => {
    if (threadCount() < 2) return; // one core (or no worker_threads): nothing to check
    const geometry: CovarianceGeometry = { height: 8, width: 8, padding: 'zero', window: 7 };
    const pairs: PairBlock = { count1: 4, count2: 4, triangle: false };
    const { rows, columns, entries } = bandLayout(geometry);
    const x = random(4 * 3 * 64, 1),
      deviations = random(4 * 64, 2, true);
    const nngp = random(16 * entries, 3),
      ntk = random(16 * entries, 4);
    const step: LinearStep = { filter: 3, scale: 2 / 9, shift: 0, trainable: true };
    const weights = { rows: new Float64Array(rows.size).fill(0.5), columns: new Float64Array(columns.size).fill(2) };
    const flat: CovarianceGeometry = { height: 1, width: 1, padding: 'zero', window: 0 };
    const many: PairBlock = { count1: 300, count2: 300, triangle: false };
    const calls: Record<string, () => unknown> = {
      inputCovariance: () => cpu.inputCovariance(x, x, 3, pairs, geometry, 1 / 3),
      'linear 3': () => cpu.linear(nngp, ntk, 16, geometry, step),
      'linear 3, Σ only': () => cpu.linear(nngp, undefined, 16, geometry, step),
      'linear 1': () => cpu.linear(nngp, ntk, 16, geometry, { ...step, filter: 1 }),
      'linear sum, weighted': () => cpu.linear(nngp, ntk, 16, geometry, { ...step, filter: 'sum', weights }),
      'relu then 3': () => cpu.relu(nngp, ntk, deviations, deviations, pairs, geometry, step),
      'relu then sum, weighted': () =>
        cpu.relu(nngp, ntk, deviations, deviations, pairs, geometry, { ...step, filter: 'sum', weights }),
      'relu, flat pairs': () =>
        cpu.relu(random(90_000, 5), random(90_000, 6), random(300, 7, true), random(300, 8, true), many, flat, {
          ...step,
          filter: 1,
        }),
    };
    for (const [name, call] of Object.entries(calls)) {
      const before = chunksRunByHelpers();
      const start = Date.now();
      // the helpers start asynchronously; until they run, the caller computes every chunk itself
      while (chunksRunByHelpers() === before && threadsAvailable() && Date.now() - start < 10_000) call();
      expect(threadsAvailable(), `${name}: a helper thread failed`).toBe(true);
      expect(chunksRunByHelpers(), name).toBeGreaterThan(before);
    }
  });
});
