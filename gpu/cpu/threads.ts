/**
 * A small pool of worker_threads that helps the calling thread run a job synchronously.
 *
 * The Backend interface is synchronous, so the caller cannot await a worker. Instead a job is
 * split into numbered chunks that any thread may claim; the caller posts the job to the
 * workers and then claims chunks itself, so it never idles, and it computes everything alone
 * when the workers are still starting or busy. Afterwards it blocks on Atomics.wait until every
 * claimed chunk is reported done. Data travels in SharedArrayBuffers (see sharedFloat64).
 *
 * A task is a self-contained function (no imports, no closures over module state) whose source
 * text is shipped to the workers, so the worker runs the very code the caller runs. Workers are
 * created lazily, reused and unref()'d: they never keep the process alive. Outside Node (no
 * worker_threads, or Atomics.wait forbidden on the calling thread) every job runs on the caller.
 *
 * Example: `runParallel(defineTask('fill', fillChunk, []), { buffer }, 16, true)` runs
 * fillChunk({ buffer }, chunk) for chunk = 0..15, spread over the caller and the helpers.
 */

/**
 * A chunked job: `run(args, chunk)` must only use its arguments and the helper functions (its
 * source runs in workers), and running a chunk twice must give the same result as running it
 * once (a job whose helper failed is redone on the caller).
 */
export interface ParallelTask<Args> {
  readonly name: string;
  /** JavaScript source of an expression evaluating to the run function, for the workers. */
  readonly source: string;
  readonly run: (args: Args, chunk: number) => void;
}

type WorkerThreads = typeof import('node:worker_threads');
interface WorkerLike { postMessage(message: unknown): void; unref(): void; on(event: string, listener: (...a: unknown[]) => void): unknown }

// Control words in a shared Int32Array:
//   CLAIM  = generation · 2^CHUNK_BITS + next unclaimed chunk. One word, so a worker still holding
//            an older job can never claim a chunk of a newer one (its generation differs).
//   DONE   = chunks of the current job finished; FAILED = set when a worker's chunk threw;
//   HELPED = chunks run by workers since the start (tests read it);
//   RECEIVED + w = the last generation worker w has received. A job is posted to a worker only once
//            it has received everything posted before, so a starved worker holds at most one stale
//            message, never enough for the generation counter to wrap around to a live value.
const CLAIM = 0, DONE = 1, FAILED = 2, HELPED = 3, RECEIVED = 4;
const CHUNK_BITS = 12;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
const GENERATION_MASK = (1 << (31 - CHUNK_BITS)) - 1;
/** Chunk numbers must fit below the generation bits of the claim word. */
export const MAX_CHUNKS = CHUNK_MASK;
/** If no chunk finishes for this long, the workers are presumed lost and the caller redoes the job. */
const STALL_MS = 10_000;

/** The worker's side: evaluate each task's source once, then claim and run chunks of each job. */
function workerMain(port: { on(event: 'message', f: (m: any) => void): void; postMessage(m: unknown): void }): void {
  const tasks: Record<string, (args: unknown, chunk: number) => void> = {};
  port.on('message', (job) => {
    const control: Int32Array = job.control;
    Atomics.store(control, job.receivedSlot, job.generation);
    if (job.source !== undefined) tasks[job.name] = new Function('return (' + job.source + ');')();
    const run = tasks[job.name];
    for (;;) {
      const word = Atomics.load(control, 0);
      const chunk = word & job.chunkMask;
      if (word >>> job.chunkBits !== job.generation || chunk >= job.chunks) return;
      if (Atomics.compareExchange(control, 0, word, word + 1) !== word) continue;
      try {
        run(job.args, chunk);
        Atomics.add(control, 3, 1);
      } catch (error) {
        Atomics.store(control, 2, 1);
        port.postMessage({ error: String((error as Error)?.stack ?? error) });
      }
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    }
  });
}

interface Helper { worker: WorkerLike; posted: number; tasks: Set<string> }
interface Pool { helpers: Helper[]; control: Int32Array; generation: number }
let pool: Pool | null | undefined; // undefined: not tried yet; null: threads unavailable

function workerThreadsModule(): WorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
}

/** Helpers besides the caller: THEORYGRAD_THREADS (total threads) overrides the core count. */
function helperCount(threads: WorkerThreads): number {
  if (!threads.isMainThread && threads.workerData?.theorygradWorker) return 0;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const requested = Number(env?.THEORYGRAD_THREADS);
  if (Number.isInteger(requested) && requested >= 1) return Math.min(requested, 16) - 1;
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:os') as typeof import('node:os') | undefined;
  const cores = os?.availableParallelism?.() ?? 1;
  return Math.max(0, Math.min(cores, 8) - 1);
}

let warned = false;
function warn(detail: string): void {
  if (warned) return;
  warned = true;
  const proc = (globalThis as { process?: { emitWarning?: (message: string) => void } }).process;
  proc?.emitWarning?.(`theorygrad cpu backend: a helper thread failed, running on one thread from now on: ${detail}`);
}

function startPool(): Pool | null {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics?.wait !== 'function') return null;
  const threads = workerThreadsModule();
  if (!threads) return null;
  const helpers = helperCount(threads);
  if (helpers === 0) return null;
  const control = new Int32Array(new SharedArrayBuffer((RECEIVED + helpers) * Int32Array.BYTES_PER_ELEMENT));
  try {
    Atomics.wait(control, DONE, 1, 0); // throws where the caller may not block (a browser's main thread)
    // `var __name`: tsx/esbuild may wrap nested functions in __name(...) calls when transpiling.
    const source = `var __name = (f) => f;\n(${workerMain.toString()})(require('node:worker_threads').parentPort);`;
    const list: Helper[] = [];
    for (let i = 0; i < helpers; i++) {
      const worker = new threads.Worker(source, { eval: true, workerData: { theorygradWorker: true } });
      // A dead helper, or a chunk that threw in one: fall back to the caller alone, and say so.
      worker.on('error', (error) => { pool = null; warn(String(error)); });
      worker.on('message', (message) => { if ((message as { error?: string })?.error) warn((message as { error: string }).error); });
      worker.unref(); // after the listeners: attaching a 'message' listener refs the worker again
      list.push({ worker, posted: 0, tasks: new Set() });
    }
    return { helpers: list, control, generation: 0 };
  } catch {
    return null;
  }
}

/** Whether jobs can use helper threads (starts the pool on first call). */
export function threadsAvailable(): boolean {
  if (pool === undefined) pool = startPool();
  return pool !== null;
}

/** The number of threads a job may use, the caller included. */
export function threadCount(): number {
  return threadsAvailable() ? pool!.helpers.length + 1 : 1;
}

/** How many chunks helper threads have run since the pool started (0 without threads). */
export function chunksRunByHelpers(): number {
  return pool ? Atomics.load(pool.control, HELPED) : 0;
}

/** A zeroed Float64Array that helper threads can see (a plain one when there are none). */
export function sharedFloat64(length: number): Float64Array {
  if (!threadsAvailable()) return new Float64Array(length);
  return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
}

/** Builds a task from a self-contained function and the helper functions its body calls. */
export function defineTask<Args>(name: string, run: (args: Args, chunk: number) => void, helpers: readonly Function[]): ParallelTask<Args> {
  const body = helpers.map((f) => f.toString()).join('\n');
  const source = `(() => {\nvar __name = (f) => f;\n${body}\nreturn ${run.toString()};\n})()`;
  return { name, source, run };
}

/**
 * Runs task.run(args, c) for every c < chunks, each exactly once, and returns when all are done.
 * With `parallel` false (a job too small to pay for waking the helpers) the caller runs them all.
 */
export function runParallel<Args>(task: ParallelTask<Args>, args: Args, chunks: number, parallel: boolean): void {
  if (chunks > MAX_CHUNKS) throw new Error(`runParallel: ${task.name} has ${chunks} chunks, at most ${MAX_CHUNKS}`);
  if (!parallel || chunks < 2 || !threadsAvailable()) {
    for (let c = 0; c < chunks; c++) task.run(args, c);
    return;
  }
  const current = pool!;
  const control = current.control;
  current.generation = (current.generation % GENERATION_MASK) + 1; // 1, 2, ...: never 0, the initial word
  const generation = current.generation;
  Atomics.store(control, DONE, 0);
  Atomics.store(control, FAILED, 0);
  Atomics.store(control, CLAIM, generation << CHUNK_BITS);
  current.helpers.forEach((helper, w) => {
    if (Atomics.load(control, RECEIVED + w) !== helper.posted) return; // still busy or starting: skip it
    const source = helper.tasks.has(task.name) ? undefined : task.source;
    helper.tasks.add(task.name);
    helper.posted = generation;
    helper.worker.postMessage({ name: task.name, source, control, receivedSlot: RECEIVED + w, generation, chunkBits: CHUNK_BITS, chunkMask: CHUNK_MASK, chunks, args });
  });
  // The caller claims chunks like any worker.
  for (;;) {
    const word = Atomics.load(control, CLAIM);
    const next = word & CHUNK_MASK;
    if (next >= chunks) break;
    if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue;
    task.run(args, next);
    Atomics.add(control, DONE, 1);
  }
  // Wait for the chunks the helpers claimed.
  let seen = Atomics.load(control, DONE);
  let lastProgress = Date.now();
  while (seen < chunks) {
    Atomics.wait(control, DONE, seen, 100);
    const now = Atomics.load(control, DONE);
    if (now !== seen) { seen = now; lastProgress = Date.now(); continue; }
    if (Date.now() - lastProgress > STALL_MS) {
      pool = null;
      warn(`no chunk of ${task.name} finished for ${STALL_MS / 1000} s`);
      break;
    }
  }
  if (pool === null || Atomics.load(control, FAILED) !== 0) {
    // A helper failed or vanished: redo the whole job here, where an error surfaces normally.
    pool = null;
    for (let c = 0; c < chunks; c++) task.run(args, c);
  }
}
