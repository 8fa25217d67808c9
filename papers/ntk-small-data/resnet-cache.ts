/**
 * Trained few-shot ResNets cached per subset (DESIGN.md "Caches"), so that an interrupted default
 * run resumes and a rerun after a change elsewhere (the report, a kernel) spends seconds, not
 * the ResNets' ≈ 40 minutes, on them. One JSON entry per subset under the paper's cache folder,
 * keyed by a SHA-256 of the training and test images and labels, the training options (seed
 * and epoch cap included), the backend that trains them and the code version of
 * fewshot-resnet.ts's module graph (autodiff, gpu, src/nn, src/optim, src/data …): a hit is the
 * run the same code would make again, since a run depends on nothing else
 * (resnet-threads.test.ts); any other key is a miss and trains afresh.
 */
import { fileURLToPath } from 'node:url';
import { currentBackend } from '../../autodiff/index.ts';
import { kernelCacheFingerprint } from '../../src/infinite/kernel-cache.ts';
import { codeVersion } from '../../src/report/code-version.ts';
import { resultCache } from '../../src/uci-benchmark/cache.ts';
import type { ResNetRun } from './fewshot-resnet.ts';
import { trainResNets, type ResNetJob } from './resnet-threads.ts';

/** A ResNet run, and whether it was read from the cache rather than trained in this run. */
export type CachedResNetRun = ResNetRun & { cached: boolean };

/** The trainer's code version, computed once per process. */
let trainerCode: string | undefined;

/**
 * The cache key of one job: its images, labels, options, the backend and the trainer's code.
 * @example resnetCacheKey({ train, test, options }) // 'e3b0c4…'
 */
export function resnetCacheKey(job: ResNetJob): string {
  trainerCode ??= codeVersion(fileURLToPath(new URL('./fewshot-resnet.ts', import.meta.url)));
  return kernelCacheFingerprint({
    datasets: [job.train, job.test],
    settings: { options: job.options, backend: currentBackend().name, code: trainerCode },
  });
}

/**
 * trainResNets for the jobs the cache under `folder` does not hold (entries named `names[i]`),
 * each written to it as it finishes; results in the jobs' order. `onDone` is called once per
 * job, at once for a hit.
 * @example await cachedResNets(jobs, ['resnet-n10-0'], 'results/cache/ntk-small-data', { threads: 2 })
 */
export async function cachedResNets(
  jobs: readonly ResNetJob[],
  names: readonly string[],
  folder: string,
  { threads, onDone }: { threads: number; onDone?: (index: number, run: CachedResNetRun) => void },
): Promise<CachedResNetRun[]> {
  if (names.length !== jobs.length)
    throw new Error(`cachedResNets: names must have one entry per job (${jobs.length}), got ${names.length}`);
  const cache = resultCache<ResNetRun>(folder);
  const keys = jobs.map(resnetCacheKey);
  const runs: (CachedResNetRun | undefined)[] = jobs.map((_, i) => {
    const hit = cache.read(names[i], keys[i]);
    return hit && { ...hit, cached: true };
  });
  runs.forEach((run, i) => run && onDone?.(i, run));
  const missing = runs.flatMap((run, i) => (run ? [] : [i]));
  await trainResNets(
    missing.map((i) => jobs[i]),
    {
      threads,
      onDone: (at, run) => {
        const i = missing[at];
        cache.write(names[i], keys[i], run);
        runs[i] = { ...run, cached: false };
        onDone?.(i, runs[i]);
      },
    },
  );
  return runs as CachedResNetRun[];
}
