/**
 * cntk-exact (PAPERS.md §8) end to end: `main(['--quick', …])` computes the exact CNTKs on
 * tiny CIFAR-10 subsets (8×8 and 4×4 images), regresses, runs the finite-net studies, and
 * writes results.json, summary.md and the figures; a second computation of the same kernels
 * loads them from the cache, bit for bit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDataset, Random } from '../../src/data/index.ts';
import { main } from '../../papers/cntk-exact.ts';
import { configuration } from '../../papers/cntk-exact/config.ts';
import { cntkKernels } from '../../papers/cntk-exact/kernels.ts';
import { describeWithData } from '../data/requireData.ts';

describeWithData('papers/cntk-exact.ts --quick', 'cifar-10-batches-bin', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cntk-exact-'));
  let run: ReturnType<typeof main>;

  beforeAll(() => {
    run = main(['--quick', '--quiet', '--out', directory]);
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes results.json, summary.md and the figures', () => {
    expect(run.directory).toBe(directory);
    expect(readFileSync(join(directory, 'accuracy-by-depth.svg'), 'utf8')).toMatch(
      /<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/,
    );
    const summary = readFileSync(join(directory, 'summary.md'), 'utf8');
    for (const text of ['| claim', 'Accuracy by depth', 'CNTK-GAP paper', 'What does not reproduce'])
      expect(summary).toContain(text);
    const results = JSON.parse(readFileSync(join(directory, 'results.json'), 'utf8'));
    expect(results.quick).toBe(true);
    expect(results.claims.length).toBe(run.claims.length);
    expect(results.rows.map((row: { depth: number }) => row.depth)).toEqual(configuration(true).depths);
  });

  it('regresses every depth and readout to an accuracy, with the kernels computed once per readout and set', () => {
    for (const row of run.rows) {
      for (const result of [row.vanilla, row.smallVanilla, row.gap]) {
        expect(result.accuracy).toBeGreaterThanOrEqual(0);
        expect(result.accuracy).toBeLessThanOrEqual(1);
      }
    }
    expect(run.runs.map((kernels) => [kernels.readout, kernels.fix])).toEqual([
      ['vanilla', false],
      ['vanilla', false],
      ['gap', true],
    ]);
    expect(
      run.runs.every((kernels) => !kernels.cached && kernels.kernels.length === configuration(true).depths.length),
    ).toBe(true);
  });
});

it('computes kernels once, then loads the same values from the cache (any data; here random images)', () => {
  const directory = mkdtempSync(join(tmpdir(), 'cntk-exact-cache-'));
  try {
    const random = new Random(7);
    const set = (count: number) =>
      createDataset({
        images: Float32Array.from({ length: count * 3 * 4 * 4 }, () => random.normal()),
        labels: Int32Array.from({ length: count }, (_, i) => i % 10),
        shape: [3, 4, 4],
        classes: 10,
        name: 'random',
      });
    const options = {
      label: 'random',
      split: { train: set(12), test: set(5), key: 'random-4x4' },
      depths: [3, 5],
      readout: 'gap' as const,
      fix: true,
      cacheDirectory: directory,
      quiet: true,
    };
    const first = cntkKernels(options);
    const again = cntkKernels(options);
    expect([first.cached, again.cached]).toEqual([false, true]);
    expect(again.seconds).toBe(first.seconds);
    again.kernels.forEach((kernels, i) => {
      expect(kernels.train.data).toEqual(first.kernels[i].train.data);
      expect(kernels.test.data).toEqual(first.kernels[i].test.data);
    });
    expect(cntkKernels({ ...options, depths: [3, 6] }).cached).toBe(false); // a depth not cached: computed again
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
