/**
 * cntk-exact's kernels in the shared kernel cache (papers/cntk-exact/kernels.ts on
 * src/infinite/kernel-cache.ts): a second computation of the same
 * kernels loads them bit for bit; an entry is keyed by a fingerprint of the images, labels,
 * backend, dtype, readout, fix and depths, so other images of the same sizes are a miss; and a
 * corrupt or partial entry (bad JSON index, truncated or missing matrix, NaN inside) is a miss
 * with one line naming the file, never an exception and never NaN reaching the solver.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDataset, Random, type Dataset } from '../../../src/data/index.ts';
import {
  cntkKernels,
  kernelFingerprint,
  type KernelRun,
  type KernelSettings,
} from '../../../papers/cntk-exact/kernels.ts';

function randomSet(count: number, seed: number): Dataset {
  const random = new Random(seed);
  return createDataset({
    images: Float32Array.from({ length: count * 3 * 4 * 4 }, () => random.normal()),
    labels: Int32Array.from({ length: count }, (_, i) => i % 10),
    shape: [3, 4, 4],
    classes: 10,
    name: 'random',
  });
}

let directory: string;
let logged: string[];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'cntk-exact-cache-'));
  logged = [];
  vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void logged.push(parts.join(' ')));
});
afterEach(() => {
  vi.restoreAllMocks();
  rmSync(directory, { recursive: true, force: true });
});

const options = () => ({
  label: 'random',
  split: { train: randomSet(12, 7), test: randomSet(5, 8), key: 'random-4x4' },
  depths: [3, 5],
  readout: 'gap' as const,
  fix: true,
  backend: 'cpu (plain TypeScript on typed arrays)',
  cacheDirectory: directory,
  quiet: true,
});

function expectSameKernels(run: KernelRun, reference: KernelRun): void {
  expect(run.kernels.map((kernels) => kernels.depth)).toEqual(reference.kernels.map((kernels) => kernels.depth));
  run.kernels.forEach((kernels, i) => {
    expect(kernels.train.data).toEqual(reference.kernels[i].train.data);
    expect(kernels.test.data).toEqual(reference.kernels[i].test.data);
  });
}

it('computes kernels once, then loads the same values from the cache (any data; here random images)', () => {
  const first = cntkKernels(options());
  const again = cntkKernels(options());
  expect([first.cached, again.cached]).toEqual([false, true]);
  expect(again.seconds).toBe(first.seconds);
  expect(again.fingerprint).toBe(first.fingerprint);
  expectSameKernels(again, first);
  expect(cntkKernels({ ...options(), depths: [3, 6] }).cached).toBe(false); // a depth not cached: computed again
});

describe('the fingerprint', () => {
  const inputs = () => {
    const { split, backend, readout, fix, depths } = options();
    return { train: split.train, test: split.test, backend, dtype: 'float32' as const, readout, fix, depths };
  };

  it('changes with every input: images, labels, shape, backend, readout, fix and depths', () => {
    const fingerprint = ({ train, test, ...settings }: { train: Dataset; test: Dataset } & KernelSettings) =>
      kernelFingerprint({ train, test }, settings);
    const base = fingerprint(inputs());
    expect(fingerprint(inputs())).toBe(base);
    const otherImages = randomSet(12, 99);
    const otherLabels = createDataset({
      ...inputs().train,
      labels: inputs().train.labels.map((label) => (label + 1) % 10),
    });
    const otherShape = createDataset({ ...inputs().train, shape: [3, 2, 8] });
    const variants = [
      { ...inputs(), train: otherImages },
      { ...inputs(), test: randomSet(5, 99) },
      { ...inputs(), train: otherLabels },
      { ...inputs(), train: otherShape },
      { ...inputs(), backend: 'gpujs (gpu.js 2.24.1, mode webasm)' },
      { ...inputs(), readout: 'vanilla' as const },
      { ...inputs(), fix: false },
      { ...inputs(), depths: [3, 6] },
    ];
    const fingerprints = variants.map(fingerprint);
    for (const fingerprint of fingerprints) expect(fingerprint).not.toBe(base);
    expect(new Set(fingerprints).size).toBe(variants.length);
  });

  it('a cache built on other images of the same sizes (same key) is a miss, not a silent reuse', () => {
    const first = cntkKernels(options());
    const other = cntkKernels({ ...options(), split: { ...options().split, train: randomSet(12, 99) } });
    expect(other.key).toBe(first.key);
    expect(other.cached).toBe(false);
    expect(other.kernels[0].train.data).not.toEqual(first.kernels[0].train.data);
    const otherBackend = cntkKernels({ ...options(), backend: 'gpujs (gpu.js 2.24.1, mode webasm)' });
    expect(otherBackend.cached).toBe(false);
  });
});

describe('a corrupt or partial entry is a miss, with one line naming the file', () => {
  let first: KernelRun;
  const files = () => readdirSync(directory);
  const indexFile = () =>
    join(
      directory,
      files().find((file) => file.endsWith('.json'))!,
    );
  const matrixFile = (part: string) =>
    join(
      directory,
      files().find((file) => file.endsWith(`-depth5-${part}.f32`))!,
    );

  beforeEach(() => {
    first = cntkKernels(options());
    logged = [];
  });

  /** Loads again: a miss, computed again to the same values, after one line naming `file` and saying `why`. */
  function expectMiss(file: string, why: RegExp): void {
    const again = cntkKernels(options());
    expect(again.cached).toBe(false);
    expectSameKernels(again, first);
    for (const kernels of again.kernels)
      expect([...kernels.train.data, ...kernels.test.data].every(Number.isFinite)).toBe(true);
    const lines = logged.filter((line) => line.includes('kernel cache'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toMatch(why);
    expect(cntkKernels(options()).cached).toBe(true); // the entry was written again
  }

  it('a truncated matrix', () => {
    const file = matrixFile('train');
    truncateSync(file, 100);
    expectMiss(file, /holds 100 bytes, not the 576 of a 12×12 matrix/);
  });

  it('a missing matrix', () => {
    const file = matrixFile('test');
    rmSync(file);
    expectMiss(file, /is missing/);
  });

  it('an index that is not JSON', () => {
    const file = indexFile();
    writeFileSync(file, '{"fingerprint": "ab');
    expectMiss(file, /is not valid JSON/);
  });

  it('an index without its fields (null, an empty object, a list)', () => {
    for (const text of ['null', '{}', '[1, 2]']) {
      first = cntkKernels(options());
      logged = [];
      const file = indexFile();
      writeFileSync(file, text);
      expectMiss(file, /lacks fingerprint, seconds, pairs or matrices/);
    }
  });

  it('a matrix whose bytes changed (the checksum in the index no longer matches)', () => {
    const file = matrixFile('test');
    const bytes = readFileSync(file);
    bytes[7] ^= 0x10;
    writeFileSync(file, bytes);
    expectMiss(file, /does not match the checksum/);
  });

  it('NaN inside a matrix, even with a matching checksum', () => {
    const file = matrixFile('train');
    const bytes = readFileSync(file);
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setFloat32(4 * 13, Number.NaN, true);
    writeFileSync(file, bytes);
    const index = JSON.parse(readFileSync(indexFile(), 'utf8'));
    index.matrices['depth5-train'].sha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(indexFile(), JSON.stringify(index));
    expectMiss(file, /holds NaN at entry 13/);
  });

  it('an index computed from other inputs under this name', () => {
    const file = indexFile();
    const index = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...index, fingerprint: '0'.repeat(64) }));
    expectMiss(file, /was computed from other inputs/);
  });
});
