/**
 * The one-pass LAP sweep (papers/enhanced-cntk/kernels.ts): every c equals kernelMatrix of
 * cntk({ readout: { lap: c } }) on its own; the flip-averaged kernels equal kernelMatrix's
 * `flip`; the four passes are cached and loaded back unchanged.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { lapSweep, sweepKernels } from '../../../papers/enhanced-cntk/kernels.ts';
import { createDataset, Random } from '../../../src/data/index.ts';
import { cntk, kernelMatrix } from '../../../src/infinite/index.ts';
import type { Matrix } from '../../../src/linalg/index.ts';

const quiet = { quiet: true };
const directory = mkdtempSync(join(tmpdir(), 'enhanced-cntk-kernels-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** max |a − b| relative to max |b|. */
const relative = (a: Matrix, b: Matrix) =>
  Math.max(...a.data.map((value, i) => Math.abs(value - b.data[i]))) / Math.max(...b.data.map(Math.abs));

it('gives each c the kernels of its own LAP network, in one pass (zero and circular padding)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 4, max: 5 }),
      fc.constantFrom('zero' as const, 'circular' as const),
      fc.integer({ min: 0, max: 1000 }),
      (side, padding, seed) => {
        const x1 = ad.randomNormal([3, 2, side, side], { seed, dtype: 'float64' });
        const x2 = ad.randomNormal([2, 2, side, side], { seed: seed + 1, dtype: 'float64' });
        const windows = [0, 1, side - 1];
        const sweep = lapSweep({ depth: 3, windows, fix: false, padding }, x1, x2, quiet);
        windows.forEach((c, i) => {
          const own = kernelMatrix(cntk({ depth: 3, readout: { lap: c }, padding }), x1, x2, quiet);
          expect(relative(sweep[i].ntk, own.ntk)).toBeLessThan(1e-12);
          expect(relative(sweep[i].nngp, own.nngp)).toBeLessThan(1e-12);
        });
      },
    ),
    { numRuns: 4 },
  );
  expect(() => lapSweep({ depth: 3, windows: [], fix: false, padding: 'zero' }, ad.zeros([1, 1, 3, 3]))).toThrow(
    /lapSweep: windows must be non-negative integers, got \[\]/,
  );
});

it('averages the plain kernel with K(flip x, x′) as kernelMatrix does, and caches all four passes', () => {
  const random = new Random(5);
  const set = (count: number) =>
    createDataset({
      images: Float32Array.from({ length: count * 2 * 4 * 4 }, () => random.normal()),
      labels: Int32Array.from({ length: count }, (_, i) => i % 2),
      shape: [2, 4, 4],
      classes: 2,
      name: 'random',
    });
  const [train, test] = [set(5), set(3)];
  const options = {
    sweep: { depth: 3, windows: [0, 2], fix: false, padding: 'zero' as const },
    train,
    test,
    key: 'random-4x4',
    backend: 'cpu',
    cacheDirectory: directory,
    quiet: true,
  };
  const first = sweepKernels(options);
  const x = ad.tensor(train.images, { shape: [5, 2, 4, 4] });
  const t = ad.tensor(test.images, { shape: [3, 2, 4, 4] });
  const network = cntk({ depth: 3, readout: { lap: 2 } });
  expect(relative(first.test.flip[1].ntk, kernelMatrix(network, t, x, { flip: true, quiet: true }).ntk)).toBeLessThan(
    1e-5,
  );
  expect(
    relative(first.train.flip[1].nngp, kernelMatrix(network, x, undefined, { flip: true, quiet: true }).nngp),
  ).toBeLessThan(1e-5);
  expect(relative(first.train.plain[1].ntk, kernelMatrix(network, x, undefined, quiet).ntk)).toBeLessThan(1e-6);
  const second = sweepKernels(options);
  expect([first.cached, second.cached]).toEqual([false, true]);
  expect(second.test.flip[0].ntk.data).toEqual(first.test.flip[0].ntk.data);
  expect(second.train.plain[1].nngp.data).toEqual(first.train.plain[1].nngp.data);
});
