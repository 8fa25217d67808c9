/**
 * The shared kernel cache (src/infinite/kernel-cache.ts): computed once, then loaded bit for
 * bit; other images or settings are a miss; a corrupt or partial entry (bad JSON, truncated,
 * missing or altered matrix, NaN, another size) is a miss with one line naming the file.
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createDataset, Random, type Dataset } from '../../src/data/index.ts';
import { cachedKernels, kernelCacheFingerprint, KernelCacheEntry } from '../../src/infinite/kernel-cache.ts';
import type { Matrix } from '../../src/linalg/matrix.ts';

function randomSet(count: number, seed: number): Dataset {
  const random = new Random(seed);
  return createDataset({
    images: Float32Array.from({ length: count * 2 * 3 * 3 }, () => random.normal()),
    labels: Int32Array.from({ length: count }, (_, i) => i % 3),
    shape: [2, 3, 3],
    classes: 3,
    name: 'random',
  });
}

const randomMatrix = (rows: number, cols: number, seed: number): Matrix => {
  const random = new Random(seed);
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => random.normal()) };
};

let directory: string;
let logged: string[];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'kernel-cache-'));
  logged = [];
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

const settings = { backend: 'cpu', dtype: 'float32', depth: 4, version: 1 };
const shapes = { train: [5, 5], test: [3, 5] } as const;
const entryOf = (fingerprint: string) =>
  new KernelCacheEntry(directory, 'random-3x3', fingerprint, (line) => logged.push(line));

it('stores float32 values and loads them back bit for bit, computing only once', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1000 }), (seed) => {
      const fingerprint = kernelCacheFingerprint({ datasets: [randomSet(5, seed)], settings: { ...settings, seed } });
      // a folder per case: fast-check may draw a seed twice
      const entry = new KernelCacheEntry(mkdtempSync(join(directory, 'case-')), 'random-3x3', fingerprint);
      let calls = 0;
      const compute = () => {
        calls++;
        return { train: randomMatrix(5, 5, seed), test: randomMatrix(3, 5, seed + 1) };
      };
      const first = cachedKernels(entry, shapes, compute, 40);
      const second = cachedKernels(entry, shapes, compute, 40);
      expect(calls).toBe(1);
      expect([first.cached, second.cached]).toEqual([false, true]);
      expect(second.matrices.train.data).toEqual(first.matrices.train.data);
      expect(second.matrices.test.data).toEqual(Float64Array.from(Float32Array.from(compute().test.data)));
      expect(second.pairs).toBe(40);
    }),
    { numRuns: 8 },
  );
});

it('is keyed by the images, labels and settings: any change is another fingerprint', () => {
  const base = kernelCacheFingerprint({ datasets: [randomSet(5, 1), randomSet(3, 2)], settings });
  expect(base).toMatch(/^[0-9a-f]{64}$/);
  expect(kernelCacheFingerprint({ datasets: [randomSet(5, 1), randomSet(3, 2)], settings })).toBe(base);
  const relabelled = randomSet(5, 1);
  relabelled.labels[0] = 2;
  for (const other of [
    kernelCacheFingerprint({ datasets: [randomSet(5, 3), randomSet(3, 2)], settings }),
    kernelCacheFingerprint({ datasets: [relabelled, randomSet(3, 2)], settings }),
    kernelCacheFingerprint({ datasets: [randomSet(5, 1), randomSet(3, 2)], settings: { ...settings, depth: 5 } }),
  ])
    expect(other).not.toBe(base);
  // an entry saved under one fingerprint is a miss for another, with the line naming the index
  const saved = entryOf(base);
  saved.save({ train: randomMatrix(5, 5, 0), test: randomMatrix(3, 5, 1) }, 1, 40);
  const other = kernelCacheFingerprint({ datasets: [randomSet(5, 9)], settings });
  const sameName = new KernelCacheEntry(directory, 'random-3x3', base.slice(0, 16) + other.slice(16));
  expect(sameName.load(shapes)).toBeUndefined();
});

it('treats a corrupt or partial entry as a miss with one line naming the file', () => {
  const fingerprint = kernelCacheFingerprint({ datasets: [randomSet(5, 1)], settings });
  const entry = entryOf(fingerprint);
  const save = () => entry.save({ train: randomMatrix(5, 5, 0), test: randomMatrix(3, 5, 1) }, 1, 40);
  const trainFile = join(directory, entry.matrixFile('train'));
  const damages: [string, () => void, RegExp][] = [
    ['bad JSON', () => writeFileSync(entry.indexPath, '{'), /is not valid JSON/],
    ['truncated', () => truncateSync(trainFile, 12), /holds 12 bytes, not the 100 of a 5×5 matrix/],
    ['missing', () => unlinkSync(trainFile), /is missing/],
    [
      'altered',
      () => {
        const bytes = readFileSync(trainFile);
        bytes[0] ^= 1;
        writeFileSync(trainFile, bytes);
      },
      /does not match the checksum/,
    ],
    ['no fields', () => writeFileSync(entry.indexPath, '{"fingerprint": "x"}'), /lacks fingerprint/],
  ];
  for (const [what, damage, message] of damages) {
    save();
    damage();
    logged = [];
    expect(entry.load(shapes), what).toBeUndefined();
    expect(logged, what).toHaveLength(1);
    expect(logged[0], what).toMatch(message);
  }
  // NaN in a matrix, with a consistent checksum: still a miss
  save();
  const nan = new KernelCacheEntry(directory, 'nan', fingerprint, (line) => logged.push(line));
  nan.save({ train: { rows: 1, cols: 2, data: Float64Array.of(1, Number.NaN) } }, 1, 1);
  logged = [];
  expect(nan.load({ train: [1, 2] })).toBeUndefined();
  expect(logged[0]).toMatch(/holds NaN at entry 1/);
  // asked for another size than stored
  logged = [];
  expect(entry.load({ train: [4, 4] })).toBeUndefined();
  expect(logged[0]).toMatch(/lists train as 5×5, not 4×4/);
});

it('names the function and the values in its errors', () => {
  expect(() => new KernelCacheEntry(directory, 'a/b', 'ab'.repeat(8))).toThrow(/KernelCacheEntry: the key must be/);
  expect(() => new KernelCacheEntry(directory, 'ok', 'xyz')).toThrow(/KernelCacheEntry: the fingerprint must be hex/);
  const entry = entryOf('0'.repeat(64));
  expect(() => cachedKernels(entry, { train: [2, 2] }, () => ({ train: randomMatrix(3, 3, 0) }), 3)).toThrow(
    /cachedKernels: compute\(\) must return train as 2×2, got 3×3/,
  );
});
