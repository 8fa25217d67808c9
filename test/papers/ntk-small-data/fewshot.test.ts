/**
 * The few-shot CIFAR-10 pieces of ntk-small-data on synthetic data: class-balanced pools and
 * subsets, kernel regression on a subset indexed out of a pool kernel (against a fit on the
 * subset's own kernel), the paired estimates and verdicts, the ResNet's shapes, and the
 * kernel cache (a hit is bit-for-bit, an altered file is a miss).
 */
import fc from 'fast-check';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { createDataset } from '../../../src/data/index.ts';
import { classBalancedIndices, drawSubsets } from '../../../papers/ntk-small-data/fewshot-data.ts';
import { poolKernel } from '../../../papers/ntk-small-data/fewshot-kernels.ts';
import {
  epochCapsText,
  estimate,
  fewShotClaims,
  pooledDifference,
  summarizeSizes,
  verdict,
} from '../../../papers/ntk-small-data/fewshot-report.ts';
import { fewShotDefault, fewShotFull, quickConfig } from '../../../papers/ntk-small-data/config.ts';
import { smallResNet } from '../../../papers/ntk-small-data/fewshot-resnet.ts';
import { resnetEpochCap, submatrix, subsetRegression } from '../../../papers/ntk-small-data/fewshot.ts';
import { expectClose } from '../../helpers/close.ts';

const labelsOf = (perClass: number[]) => Int32Array.from(perClass.flatMap((count, label) => Array(count).fill(label)));

describe('classBalancedIndices and drawSubsets', () => {
  it('take the same number of each class, distinct, the same for the same seed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 3, max: 9 }), { minLength: 2, maxLength: 5 }),
        fc.nat(1000),
        (counts, seed) => {
          const labels = labelsOf(counts);
          const chosen = classBalancedIndices(labels, counts.length, 3, seed);
          expect(new Set(chosen).size).toBe(3 * counts.length);
          for (let label = 0; label < counts.length; label++)
            expect(Array.from(chosen).filter((i) => labels[i] === label).length).toBe(3);
          expect(classBalancedIndices(labels, counts.length, 3, seed)).toEqual(chosen);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('names the short class when a pool cannot be balanced', () => {
    expect(() => classBalancedIndices(labelsOf([5, 2]), 2, 3, 0)).toThrow(/class 1 has 2 examples/);
  });

  it('draws class-balanced subsets inside the pool; other sizes leave a size’s subsets unchanged', () => {
    const byClass = [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ];
    const subsets = drawSubsets(byClass, [2, 4], [3, 2], 7);
    expect(subsets.map((s) => [s.n, s.index])).toEqual([
      [2, 0],
      [2, 1],
      [2, 2],
      [4, 0],
      [4, 1],
    ]);
    for (const { n, positions } of subsets) {
      expect(new Set(positions).size).toBe(n);
      expect(Array.from(positions).filter((p) => p < 4).length).toBe(n / 2);
    }
    expect(drawSubsets(byClass, [4], [2], 7)).toEqual(subsets.slice(3));
    expect(drawSubsets(byClass, [4], [2], 8)).not.toEqual(subsets.slice(3));
    expect(() => drawSubsets(byClass, [3], [1], 0)).toThrow(/multiple of 2/);
  });
});

describe('subsetRegression', () => {
  it('on a subset of a pool kernel equals kernel regression on the subset’s own kernel', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (seed) => {
        // points in R³ with a linear-plus-constant kernel (positive definite for 3 points in general position + 1)
        const points = ad.randomNormal([8, 3], { seed, dtype: 'float64' }).data;
        const tests = ad.randomNormal([5, 3], { seed: seed + 1, dtype: 'float64' }).data;
        const kernel = (a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number) =>
          1 + a[3 * i] * b[3 * j] + a[3 * i + 1] * b[3 * j + 1] + a[3 * i + 2] * b[3 * j + 2];
        const matrix = (rows: number, cols: number, f: (i: number, j: number) => number) => ({
          rows,
          cols,
          data: Float64Array.from({ length: rows * cols }, (_, k) => f(Math.floor(k / cols), k % cols)),
        });
        const pool = matrix(8, 8, (i, j) => kernel(points, i, points, j));
        const test = matrix(5, 8, (i, j) => kernel(tests, i, points, j));
        const positions = [6, 1, 3];
        const poolLabels = [0, 1, 0, 1, 0, 1, 1, 0];
        const testLabels = [0, 1, 1, 0, 1];
        const indexed = subsetRegression({ pool, test }, positions, poolLabels, testLabels, 2);
        const own = subsetRegression(
          { pool: submatrix(pool, positions, positions), test: submatrix(test, [0, 1, 2, 3, 4], positions) },
          [0, 1, 2],
          positions.map((p) => poolLabels[p]),
          testLabels,
          2,
        );
        expect(indexed).toEqual(own);
      }),
      { numRuns: 20 },
    );
  });

  it('classifies its own training points (interpolation) and fails when the labels are read wrong', () => {
    const identity = { rows: 4, cols: 4, data: Float64Array.from({ length: 16 }, (_, k) => (k % 5 === 0 ? 1 : 0)) };
    const labels = [0, 1, 2, 1];
    expect(subsetRegression({ pool: identity, test: identity }, [0, 1, 2, 3], labels, labels, 3).accuracy).toBe(100);
    expect(subsetRegression({ pool: identity, test: identity }, [0, 1, 2, 3], labels, [1, 2, 0, 0], 3).accuracy).toBe(
      0,
    );
  });

  it('names the matrix and the index out of range', () => {
    expect(() => submatrix({ rows: 2, cols: 2, data: new Float64Array(4) }, [2], [0])).toThrow(/row 2 .* 2×2/);
  });
});

describe('estimate, pooledDifference and verdict', () => {
  it('read a difference as yes, no or not resolved against two standard errors', () => {
    expect(estimate([1, 3])).toEqual({ mean: 2, standardError: 1 });
    expect(verdict({ mean: 2.1, standardError: 1 })).toBe(true);
    expect(verdict({ mean: -2.1, standardError: 1 })).toBe(false);
    expect(verdict({ mean: 1.9, standardError: 1 })).toBe('not resolved');
    expect(verdict(estimate([5]))).toBe('not resolved'); // one subset: no spread, no verdict
    const pooled = pooledDifference([
      { mean: 1, standardError: 3 },
      { mean: 3, standardError: 4 },
    ]);
    expectClose([pooled.mean, pooled.standardError], [2, 2.5]);
  });
});

/** One subset's result, both CNTKs at `cntk`. */
const row = (n: number, index: number, cntk: number, resnet: number, resnetTrain: number) => ({
  n,
  index,
  cntkVanilla: cntk,
  cntkGap: cntk,
  resnet,
  resnetTrain,
  resnetEpochs: 1,
  resnetEpochCap: 1,
  resnetSeconds: 1,
  resnetCached: false,
  relativeJitter: 0,
});

describe('fewShotClaims', () => {
  it('judges CNTK against the ResNet only where every ResNet fit, and reads n/a where none did', () => {
    // n = 10 fit, CNTK ahead by 10 ± 0; n = 20 not fit, CNTK far behind: judged on n = 10 alone, "yes"
    const results = [row(10, 0, 30, 20, 100), row(10, 1, 31, 21, 100), row(20, 0, 10, 50, 80), row(20, 1, 12, 50, 100)];
    const summaries = summarizeSizes(results, 100);
    expect(summaries.map((s) => s.resnetEpochs)).toEqual([
      { fewest: 1, most: 1, cap: 1 },
      { fewest: 1, most: 1, cap: 1 },
    ]);
    const [vanilla, gap, fits] = fewShotClaims(summaries, fewShotDefault);
    expect(vanilla.holds).toBe(true);
    expect(gap.holds).toBe(true);
    expect(fits.holds).toBe(false);
    expect(String(fits.ours)).toMatch(/not fitted at n = 20/);
    expect(fits.claim).toMatch(/epoch cap \(200 at n = 10–320, 400 at n = 640, 1280 at n = 1280;/);
    const none = fewShotClaims(summarizeSizes(results.slice(2, 3), 100), fewShotDefault);
    expect(none[0].holds).toBe('n/a (ResNet not fitted)');
  });
});

describe('summarizeSizes', () => {
  it('counts accuracies and paired differences in whole test images, so equal ones spread exactly 0', () => {
    // 300 test images: 100 − 136 and 157 − 193 right answers, both 36 images (−12 pp) apart, whose
    // percentages differ in their last bits when subtracted as floats
    const percent = (right: number) => (100 * right) / 300;
    const results = [row(1280, 0, percent(100), percent(136), 100), row(1280, 1, percent(157), percent(193), 100)];
    expect(percent(100) - percent(136)).not.toBe(percent(157) - percent(193));
    const [summary] = summarizeSizes(results, 300);
    expect(summary.vanillaMinusResnet).toEqual({ mean: -12, standardError: 0 });
    expect(() => summarizeSizes(results, 0)).toThrow(/summarizeSizes: testCount must be a positive integer, got 0/);
  });
});

describe('resnetEpochCap', () => {
  it('gives the cap config.ts sets for each n, and the default caps never fall as n grows', () => {
    const config = { sizes: [10, 20, 640], resnet: { epochCaps: [200, 300, 400] } };
    expect(config.sizes.map((n) => resnetEpochCap(config, n))).toEqual([200, 300, 400]);
    const caps = fewShotDefault.sizes.map((n) => resnetEpochCap(fewShotDefault, n));
    caps.slice(1).forEach((cap, i) => expect(cap).toBeGreaterThanOrEqual(caps[i]));
  });

  it('names the bad argument', () => {
    const config = { sizes: [10, 20], resnet: { epochCaps: [200, 300] } };
    expect(() => resnetEpochCap(config, 30)).toThrow(/resnetEpochCap: n must be one of the sizes \[10, 20\], got 30/);
    expect(() => resnetEpochCap({ ...config, resnet: { epochCaps: [200] } }, 10)).toThrow(
      /resnetEpochCap: epochCaps must be 2 positive integers .* got \[200\]/,
    );
    expect(() => resnetEpochCap({ ...config, resnet: { epochCaps: [200, 2.5] } }, 10)).toThrow(/epochCaps .* 2\.5/);
  });
});

describe('epochCapsText', () => {
  it('groups neighbouring sizes with equal caps', () => {
    expect(epochCapsText({ sizes: [10, 20, 40, 80], resnet: { epochCaps: [200, 200, 400, 200] } })).toBe(
      '200 at n = 10–20, 400 at n = 40, 200 at n = 80',
    );
  });
});

describe('the few-shot sweeps', () => {
  it('draw every n from a pool larger than it (so no two subsets must be equal), at least two subsets per n', () => {
    for (const config of [fewShotDefault, fewShotFull, quickConfig.fewShot]) {
      expect(config.subsets.length).toBe(config.sizes.length);
      expect(Math.max(...config.sizes)).toBeLessThan(10 * config.poolPerClass);
      for (const count of config.subsets) expect(count).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('smallResNet', () => {
  it('maps [n, 3, 32, 32] images to [n, classes] logits', () => {
    const net = smallResNet({ width: 2, classes: 10, seed: 0 });
    expect(net.forward(ad.randomNormal([2, 3, 32, 32], { seed: 0 })).shape).toEqual([2, 10]);
    expect(() => smallResNet({ width: 0, classes: 10, seed: 0 })).toThrow(/smallResNet: width/);
  });
});

describe('poolKernel cache', () => {
  const directory = mkdtempSync(join(tmpdir(), 'theorygrad-fewshot-cache-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  const images = (count: number, seed: number) =>
    createDataset({
      images: ad.randomNormal([count, 3, 4, 4], { seed }).data as Float32Array,
      labels: new Int32Array(count),
      shape: [3, 4, 4],
      classes: 2,
      name: 'random',
    });
  const spec = {
    label: 'CNTK-V',
    readout: 'vanilla' as const,
    fix: false,
    depth: 2,
    backend: 'cpu',
    pool: images(3, 1),
    test: images(2, 2),
  };

  it('loads a hit bit for bit, misses on other images and on an altered file', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const first = poolKernel(spec, directory, true);
    expect(first.cached).toBe(false);
    const second = poolKernel(spec, directory, true);
    expect(second.cached).toBe(true);
    expect(second.pool.data).toEqual(first.pool.data);
    expect(second.test.data).toEqual(first.test.data);
    expect(poolKernel({ ...spec, test: images(2, 3) }, directory, true).cached).toBe(false);
    for (const name of readdirSync(directory).filter((entry) => entry.endsWith('-pool.f32')))
      writeFileSync(join(directory, name), new Uint8Array(36)); // same length, other bytes
    const third = poolKernel(spec, directory, true);
    expect(third.cached).toBe(false);
    expect(third.pool.data).toEqual(first.pool.data);
    expect(log.mock.calls.flat().join('\n')).toMatch(/does not match the checksum in its index; a miss/);
    log.mockRestore();
  });
});
