/**
 * The few-shot ResNets' cache: a second call reads every run back exactly, without training; a
 * change to the images, the options or the seed is a miss that trains afresh; a corrupt entry is
 * a miss, never a reuse.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDataset, Random, type Dataset } from '../../../src/data/index.ts';
import { cachedResNets, resnetCacheKey } from '../../../papers/ntk-small-data/resnet-cache.ts';
import type { ResNetJob } from '../../../papers/ntk-small-data/resnet-threads.ts';

/** `count` random 3×8×8 images of two classes. */
function images(count: number, seed: number): Dataset {
  const random = new Random(seed);
  return createDataset({
    images: Float32Array.from({ length: count * 192 }, () => random.normal()),
    labels: Int32Array.from({ length: count }, (_, i) => i % 2),
    shape: [3, 8, 8],
    classes: 2,
    name: `random-${seed}`,
  });
}

const folder = mkdtempSync(join(tmpdir(), 'theorygrad-resnet-cache-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const test = images(20, 1);
const job = (train: Dataset, seed: number): ResNetJob => ({
  train,
  test,
  options: { width: 2, batchSize: 4, maxEpochs: 2, checkEvery: 1, learningRate: 0.05, weightDecay: 5e-4, seed },
});
const jobs = [job(images(8, 2), 0), job(images(6, 3), 1)];
const names = ['resnet-a', 'resnet-b'];

describe('cachedResNets', () => {
  it('trains on a miss, reads the same runs back on a hit, and calls onDone once per job', async () => {
    const first = await cachedResNets(jobs, names, folder, { threads: 1 });
    expect(first.map((run) => run.cached)).toEqual([false, false]);
    expect(readdirSync(folder).sort()).toEqual(['resnet-a.json', 'resnet-b.json']);
    const done: number[] = [];
    const second = await cachedResNets(jobs, names, folder, { threads: 1, onDone: (i) => done.push(i) });
    expect(second.map((run) => run.cached)).toEqual([true, true]);
    expect(second.map(({ cached: _, ...run }) => run)).toEqual(first.map(({ cached: _, ...run }) => run));
    expect(done.sort()).toEqual([0, 1]);
  }, 60_000);

  it('keys on the images, the options and the seed', () => {
    const key = resnetCacheKey(jobs[0]);
    expect(resnetCacheKey(job(images(8, 2), 0))).toBe(key);
    expect(resnetCacheKey(job(images(8, 4), 0))).not.toBe(key);
    expect(resnetCacheKey(job(images(8, 2), 5))).not.toBe(key);
    expect(resnetCacheKey({ ...jobs[0], options: { ...jobs[0].options, maxEpochs: 3 } })).not.toBe(key);
  });

  it('trains again where an entry is corrupt or another job’s, and names a bad argument', async () => {
    writeFileSync(join(folder, 'resnet-a.json'), '{ not json');
    const runs = await cachedResNets([jobs[0], jobs[0]], ['resnet-a', 'resnet-b'], folder, { threads: 1 });
    expect(runs.map((run) => run.cached)).toEqual([false, false]);
    await expect(cachedResNets(jobs, ['resnet-a'], folder, { threads: 1 })).rejects.toThrow(
      /cachedResNets: names must have one entry per job \(2\), got 1/,
    );
  }, 60_000);
});
