/**
 * Several subsets' ResNets at once, one per worker thread (Node's worker_threads), each thread's
 * cpu backend single-threaded (THEORYGRAD_THREADS=1). The small ResNet's batches are too small
 * for the cpu backend's own helper threads to pay (one thread trains it faster than two), so
 * one subset per core is what uses a second core (config.ts gives the measured images/s). A
 * run depends only on its subset, options and seed, not on the thread it ran on or how many
 * threads its backend used: the cpu backend's results do not depend on the thread count, and
 * test/papers/ntk-small-data/resnet-threads.test.ts checks worker runs equal in-process ones.
 */
import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { currentBackend } from '../../autodiff/index.ts';
import type { Dataset } from '../../src/data/index.ts';
import { trainResNet, type ResNetRun, type ResNetTraining } from './fewshot-resnet.ts';

/** One subset's ResNet: its training images, the test set, how to train it. */
export interface ResNetJob {
  train: Dataset;
  test: Dataset;
  options: ResNetTraining;
}

/**
 * Threads for the ResNets: THEORYGRAD_THREADS (total threads, as for the cpu backend) if set,
 * else the machine's cores, at most 8.
 * @example resnetThreads() // 2 on a two-core machine
 */
export function resnetThreads(): number {
  const requested = Number(process.env.THEORYGRAD_THREADS);
  if (Number.isInteger(requested) && requested >= 1) return Math.min(requested, 16);
  return Math.min(availableParallelism(), 8);
}

/**
 * Trains every job's ResNet, `threads` at a time in worker threads on the cpu backend (longest
 * first, so the threads finish together), or one after another in this thread on any other
 * backend or with one thread; results in the jobs' order. `onDone` is called as each finishes.
 * @example await trainResNets([{ train, test, options }], { threads: 2 }) // [{ trainAccuracy: 1, … }]
 */
export async function trainResNets(
  jobs: readonly ResNetJob[],
  { threads, onDone }: { threads: number; onDone?: (index: number, run: ResNetRun) => void },
): Promise<ResNetRun[]> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error(`trainResNets: threads must be a positive integer, got ${threads}`);
  const workers = Math.min(threads, jobs.length);
  // gpu.js keeps its kernels in this thread; only the cpu backend is split across threads
  if (workers <= 1 || currentBackend().name !== 'cpu')
    return jobs.map((job, index) => {
      const run = trainResNet(job.train, job.test, job.options);
      onDone?.(index, run);
      return run;
    });
  const cost = (job: ResNetJob) => job.train.count * job.options.maxEpochs;
  const queue = jobs.map((_, index) => index).sort((a, b) => cost(jobs[b]) - cost(jobs[a]));
  const runs: ResNetRun[] = new Array(jobs.length);
  const pool = Array.from({ length: workers }, () => startWorker());
  try {
    await Promise.all(
      pool.map(async (worker) => {
        for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
          runs[index] = await post(worker, jobs[index]);
          onDone?.(index, runs[index]);
        }
      }),
    );
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return runs;
}

/** A worker thread that trains the ResNets it is sent on a one-thread cpu backend. */
function startWorker(): Worker {
  const module = import.meta.url;
  const typescript = /\.[cm]?ts$/.test(new URL(module).pathname);
  // Under tsx (a .ts module) the worker registers tsx's loader before importing this module.
  const source = `const module = ${JSON.stringify(module)};
const serve = () => import(module).then((loaded) => loaded.serveResNetWorker());
if (${typescript}) {
  const builtin = (name) => process.getBuiltinModule(name);
  const load = builtin('node:module').createRequire(module);
  const manifest = load.resolve('tsx/package.json');
  const entry = builtin('node:path').join(manifest, '..', load(manifest).exports['./esm/api'].import.default);
  import(builtin('node:url').pathToFileURL(entry).href).then((tsx) => tsx.register()).then(serve);
} else serve();`;
  return new Worker(source, {
    eval: true,
    workerData: { theorygradResNetWorker: true },
    env: { ...process.env, THEORYGRAD_THREADS: '1' },
  });
}

/** Sends one job to a worker and resolves with its run (rejects if the worker fails or exits). */
function post(worker: Worker, job: ResNetJob): Promise<ResNetRun> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', message);
      worker.off('error', error);
      worker.off('exit', exit);
    };
    const message = (reply: { run?: ResNetRun; error?: string }) => {
      cleanup();
      if (reply.run) resolve(reply.run);
      else reject(new Error(`trainResNets: a worker thread failed: ${reply.error}`));
    };
    const error = (cause: Error) => {
      cleanup();
      reject(new Error(`trainResNets: a worker thread failed: ${cause.stack ?? cause}`));
    };
    const exit = (code: number) => {
      cleanup();
      reject(new Error(`trainResNets: a worker thread exited (code ${code}) before its ResNet finished`));
    };
    worker.on('message', message);
    worker.on('error', error);
    worker.on('exit', exit);
    worker.postMessage(job);
  });
}

/**
 * The worker's side: trains each job it receives and replies with the run (or the error).
 * Called by the worker's bootstrap only.
 * @example serveResNetWorker() // in a worker started by trainResNets
 */
export function serveResNetWorker(): void {
  if (!parentPort || !(workerData as { theorygradResNetWorker?: boolean })?.theorygradResNetWorker)
    throw new Error('serveResNetWorker: not in a worker thread started by trainResNets');
  const port = parentPort;
  port.on('message', (job: ResNetJob) => {
    try {
      port.postMessage({ run: trainResNet(job.train, job.test, job.options) });
    } catch (error) {
      port.postMessage({ error: String((error as Error)?.stack ?? error) });
    }
  });
}
