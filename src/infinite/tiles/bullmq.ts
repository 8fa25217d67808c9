/**
 * The BullMQ adapter (issue 24): a queue on Redis for pools of mixed machines that share the
 * plan folder. One queue per plan; a job is `{ plan hash, tile id }` with job id = tile id,
 * so enqueueing again adds nothing; failed tiles are retried with exponential backoff. Each
 * tile is computed in a sandboxed processor (a forked child, processor.ts): a CPU-bound
 * processor inside the worker would block BullMQ's lock renewal and get its tile run twice
 * and marked failed. A worker whose process dies loses its lock, and the stalled-job check of
 * another worker hands the tile on. Completion is read from the tile store: a worker stops
 * when the store holds every tile, whatever the queue says. Only the adapter's entry points
 * (`theorygrad kernel enqueue|worker`) import this file, so the core never loads Redis.
 */
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { tileStatus, type OpenPlan } from './run.ts';

/** Job options: retries with backoff; finished jobs kept, so a duplicate enqueue stays a no-op. */
const jobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: false,
  removeOnFail: false,
} as const;

/**
 * The queue of a plan: `theorygrad-kernel-<16 hex digits of its hash>`.
 * @example queueName(openPlan(path)) // 'theorygrad-kernel-9c1e0a…'
 */
export function queueName(opened: OpenPlan): string {
  return `theorygrad-kernel-${opened.hash.slice('sha256:'.length, 'sha256:'.length + 16)}`;
}

/**
 * ioredis options from a redis:// URL (host, port, database, password).
 * @example redisConnection('redis://127.0.0.1:6380/0') // { host: '127.0.0.1', port: 6380, db: 0 }
 */
export function redisConnection(url: string): ConnectionOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`redisConnection: ${JSON.stringify(url)} is not a URL (redis://host:port[/db])`);
  }
  if (parsed.protocol !== 'redis:') throw new Error(`redisConnection: expected redis://host:port, got ${url}`);
  const database = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  return {
    host: parsed.hostname,
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    db: database,
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    // a worker's blocking commands must wait for Redis rather than fail (BullMQ requires null)
    maxRetriesPerRequest: null,
  };
}

/**
 * Adds a job for each tile the store lacks (job id = tile id: tiles already queued are not added twice).
 * @example await enqueueTiles(openPlan(path), 'redis://127.0.0.1:6379') // { added: 15, queued: 15, finished: 0 }
 */
export async function enqueueTiles(
  opened: OpenPlan,
  url: string,
): Promise<{ added: number; queued: number; finished: number }> {
  const queue = new Queue(queueName(opened), { connection: redisConnection(url) });
  try {
    const missing = new Set(tileStatus(opened).missing);
    const counts = async (): Promise<number> =>
      Object.values(await queue.getJobCounts()).reduce((sum, count) => sum + count, 0);
    const before = await counts();
    const tiles = opened.tiles.filter((tile) => missing.has(tile.id));
    await queue.addBulk(
      tiles.map((tile) => ({
        name: 'tile',
        data: { plan: opened.hash, tile: tile.id },
        opts: { ...jobOptions, jobId: tile.id },
      })),
    );
    const after = await counts();
    return { added: after - before, queued: after, finished: opened.tiles.length - missing.size };
  } finally {
    await queue.close();
  }
}

/** Options of runWorker. */
export interface WorkerOptions {
  /** Tiles computed at once (each in its own child process). */
  concurrency?: number;
  /** How long a job's lock lasts without renewal (BullMQ's default 30 s). */
  lockDuration?: number;
  /** How often this worker looks for jobs whose worker died (default: lockDuration). */
  stalledInterval?: number;
  /** Receives a line per tile done or failed. */
  log?: (line: string) => void;
}

/**
 * Works the plan's queue until the tile store holds every tile; returns the tiles this worker computed.
 * @example await runWorker(openPlan(path), '/scratch/kernels/9c1e…/plan.json', 'redis://127.0.0.1:6379')
 */
export async function runWorker(
  opened: OpenPlan,
  planPath: string,
  url: string,
  options: WorkerOptions = {},
): Promise<string[]> {
  const lockDuration = options.lockDuration ?? 30_000;
  const done: string[] = [];
  const processor = new URL('./processor.ts', import.meta.url);
  const worker = new Worker(queueName(opened), processor, {
    connection: redisConnection(url),
    concurrency: options.concurrency ?? 1,
    lockDuration,
    stalledInterval: options.stalledInterval ?? lockDuration,
    // the child process needs tsx's loader for the .ts processor, and the plan it serves
    workerForkOptions: {
      execArgv: [...process.execArgv, '--import', import.meta.resolve('tsx')],
      env: { ...process.env, THEORYGRAD_KERNEL_PLAN: planPath },
    },
  });
  worker.on('completed', (job) => {
    done.push(job.id!);
    options.log?.(`tile ${job.id}: done`);
  });
  worker.on('failed', (job, error) =>
    options.log?.(`tile ${job?.id}: failed (attempt ${job?.attemptsMade}): ${error.message}`),
  );
  const queue = new Queue(queueName(opened), { connection: redisConnection(url) });
  try {
    // the store decides when the work is done; an empty queue with tiles still missing means
    // they failed every attempt or were never enqueued (seen twice, since a job moves between states)
    let idlePolls = 0;
    for (let missing = tileStatus(opened).missing; missing.length > 0; missing = tileStatus(opened).missing) {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'paused');
      idlePolls = Object.values(counts).every((count) => count === 0) ? idlePolls + 1 : 0;
      if (idlePolls >= 2)
        throw new Error(
          `runWorker: the queue ${queueName(opened)} is empty but ${missing.length} tiles are missing (${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}): failed jobs, or not enqueued (theorygrad kernel enqueue)`,
        );
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await worker.close();
    await queue.close();
  }
  return done;
}
