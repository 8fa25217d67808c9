/**
 * The few-shot ResNets trained in worker threads (one-thread cpu backends) give the runs the same
 * jobs give trained one after another in this thread (the cpu backend at its own thread count).
 */
import { describe, expect, it } from 'vitest';
import { createDataset, Random, type Dataset } from '../../../src/data/index.ts';
import { trainResNet } from '../../../papers/ntk-small-data/fewshot-resnet.ts';
import { resnetThreads, trainResNets, type ResNetJob } from '../../../papers/ntk-small-data/resnet-threads.ts';

/** `count` 3×8×8 images of `classes` classes: a class's mean pattern plus noise (learnable, not trivially). */
function toyImages(count: number, classes: number, seed: number): Dataset {
  const random = new Random(seed);
  const means = Array.from({ length: classes }, () => Float32Array.from({ length: 192 }, () => random.normal()));
  const labels = Int32Array.from({ length: count }, (_, i) => i % classes);
  const images = new Float32Array(count * 192);
  labels.forEach((label, i) => {
    for (let k = 0; k < 192; k++) images[i * 192 + k] = 0.5 * means[label][k] + random.normal();
  });
  return createDataset({ images, labels, shape: [3, 8, 8], classes, name: `toy-${seed}` });
}

const test = toyImages(150, 3, 1);
const jobs: ResNetJob[] = [12, 24, 18].map((count, i) => ({
  train: toyImages(count, 3, 10 + i),
  test,
  options: { width: 4, batchSize: 8, maxEpochs: 4, checkEvery: 2, learningRate: 0.05, weightDecay: 5e-4, seed: 3 + i },
}));
const withoutTime = ({ seconds: _seconds, ...run }: { seconds: number }) => run;

describe('trainResNets', () => {
  it('gives in worker threads exactly the runs of trainResNet in this thread, in the jobs’ order', async () => {
    const done: number[] = [];
    const threaded = await trainResNets(jobs, { threads: 2, onDone: (index) => done.push(index) });
    const inline = jobs.map((job) => trainResNet(job.train, job.test, job.options));
    expect(threaded.map(withoutTime)).toEqual(inline.map(withoutTime));
    expect([...done].sort()).toEqual([0, 1, 2]);
    // the toy problems are learnable but not fit at once, so equal runs are not equal by default
    expect(new Set(inline.map((run) => run.testAccuracy)).size).toBeGreaterThan(1);
  }, 60_000);

  it('runs one after another with one thread, and refuses a thread count that is not a positive integer', async () => {
    const runs = await trainResNets(jobs.slice(0, 1), { threads: 1 });
    expect(withoutTime(runs[0])).toEqual(withoutTime(trainResNet(jobs[0].train, jobs[0].test, jobs[0].options)));
    await expect(trainResNets(jobs, { threads: 0 })).rejects.toThrow(
      /trainResNets: threads must be a positive integer, got 0/,
    );
    expect(resnetThreads()).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('names the failure of a job in a worker thread', async () => {
    const bad = { ...jobs[0], options: { ...jobs[0].options, checkEvery: 0 } };
    await expect(trainResNets([bad, jobs[1]], { threads: 2 })).rejects.toThrow(
      /trainResNets: a worker thread failed: .*checkEvery must be a positive integer/,
    );
  }, 60_000);
});
