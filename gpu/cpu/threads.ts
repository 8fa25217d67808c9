/**
 * A small pool of worker_threads that helps the calling thread run a job synchronously.
 *
 * The Backend interface is synchronous, so the caller cannot await a worker. Instead a job is
 * split into numbered chunks that any thread may claim; the caller posts the job to the
 * workers and then claims chunks itself, so it never idles, and it computes everything alone
 * when the workers are still starting or busy. Afterwards it blocks on Atomics.wait until every
 * claimed chunk is reported done. Data travels in SharedArrayBuffers (see sharedFloat64).
 *
 * A task names the module that defines it (its import.meta.url), and a worker imports that
 * module by its URL, so the chunk function runs there with all its imports, exactly as on the
 * caller: nothing is shipped as source text, and no helper can be left behind. (Shipping a
 * function's source once lost a helper silently: tsx and vitest rewrite a call of an imported
 * function into a module reference that the worker did not have, and every kernel fell back
 * to one thread.) Node 20 cannot import TypeScript, so when the modules are .ts files each
 * worker first registers tsx's loader (the one `npx tsx` uses); a worker that cannot load a
 * task says why, and the jobs run on the caller from then on. Workers are created lazily,
 * reused and unref()'d: they never keep the process alive. Outside Node (no worker_threads,
 * or Atomics.wait forbidden on the calling thread) every job runs on the caller.
 *
 * Example: `const fillTask = defineTask('fill', import.meta.url, fillChunk)` at the top level of
 * fillChunk's module, then `runParallel(fillTask, { buffer }, 16, true)` runs
 * fillChunk({ buffer }, chunk) for chunk = 0..15, spread over the caller and the helpers.
 */

/**
 * A chunked job: `run(args, chunk)` may use anything its module imports, but no state that the
 * caller changed at run time (a worker has its own copy of every module), and running a chunk
 * twice must give the same result as running it once (a job whose helper failed is redone on
 * the caller).
 */
export interface ParallelTask<Args> {
  readonly name: string;
  /** URL of the module that calls defineTask for this task (its import.meta.url): workers import it. */
  readonly module: string;
  readonly run: (args: Args, chunk: number) => void;
}

type WorkerThreads = typeof import('node:worker_threads');
interface WorkerLike {
  postMessage(message: unknown): void;
  unref(): void;
  on(event: string, listener: (...a: unknown[]) => void): unknown;
}

// Control words in a shared Int32Array:
//   CLAIM  = generation · 2^CHUNK_BITS + next unclaimed chunk. One word, so a worker still holding
//            an older job can never claim a chunk of a newer one (its generation differs).
//   DONE   = chunks of the current job finished; FAILED = set when a worker's chunk threw;
//   HELPED = chunks run by workers since the start (tests read it);
//   RECEIVED + w = the last generation worker w has received. A job is posted to a worker only once
//            it has received everything posted before, so a starved worker holds at most one stale
//            message, never enough for the generation counter to wrap around to a live value.
const CLAIM = 0,
  DONE = 1,
  FAILED = 2,
  HELPED = 3,
  RECEIVED = 4;
const CHUNK_BITS = 12;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
const GENERATION_MASK = (1 << (31 - CHUNK_BITS)) - 1;
/** Chunk numbers must fit below the generation bits of the claim word. */
export const MAX_CHUNKS = CHUNK_MASK;
/** If no chunk finishes for this long, the workers are presumed lost and the caller redoes the job. */
const STALL_MS = 10_000;
/**
 * A helper's chunk may be as long as the caller's (a whole SVM C path of the UCI protocol takes
 * seconds) and, on a loaded machine, the helper may get a fraction of a core: so the limit grows to
 * this many times the longest chunk the caller ran in the same job.
 */
const STALL_CHUNK_FACTOR = 8;

/**
 * How long the caller waits without a finished chunk before it presumes the helpers lost.
 * @example stallLimit(3_000); // 24000
 */
export function stallLimit(longestCallerChunkMs: number): number {
  return Math.max(STALL_MS, STALL_CHUNK_FACTOR * longestCallerChunkMs);
}

/** Every task defined in this thread, by name (a worker's own copy fills as it imports task modules). */
const tasks = new Map<string, ParallelTask<any>>();

/** What a job message carries (the control words and the job's arguments travel with it). */
interface JobMessage {
  name: string;
  module: string;
  control: Int32Array;
  receivedSlot: number;
  generation: number;
  chunks: number;
  args: unknown;
}

/**
 * One job on a helper thread: import the task's module the first time, then claim and run
 * chunks until none of this job is left. Its generation is marked received only once the task
 * is loaded, so the caller posts nothing more to a worker that is still importing.
 */
async function helpWith(job: JobMessage, port: { postMessage(m: unknown): void }): Promise<void> {
  const { control, generation } = job;
  try {
    if (!tasks.has(job.name)) await import(job.module);
    if (!tasks.has(job.name))
      throw new Error(`runParallel: ${job.module} was imported but defines no task named ${job.name} (defineTask)`);
  } catch (error) {
    Atomics.store(control, FAILED, 1);
    port.postMessage({
      error: `cannot load task ${job.name} from ${job.module}: ${String((error as Error)?.stack ?? error)}`,
    });
    return;
  } finally {
    Atomics.store(control, job.receivedSlot, generation);
  }
  const run = tasks.get(job.name)!.run;
  for (;;) {
    const word = Atomics.load(control, CLAIM);
    const chunk = word & CHUNK_MASK;
    if (word >>> CHUNK_BITS !== generation || chunk >= job.chunks) return;
    if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue;
    try {
      run(job.args, chunk);
      Atomics.add(control, HELPED, 1);
    } catch (error) {
      Atomics.store(control, FAILED, 1);
      port.postMessage({ error: String((error as Error)?.stack ?? error) });
    }
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

/**
 * The worker's side, started by the worker's bootstrap (startPool): runs each posted job in
 * turn. Not for other callers.
 */
export function serveHelperThread(): void {
  const port = workerThreadsModule()?.parentPort;
  if (!port) throw new Error('serveHelperThread: not on a worker thread');
  let queue = Promise.resolve();
  port.on('message', (job: JobMessage) => {
    queue = queue.then(() => helpWith(job, port));
  });
}

/**
 * The source of a worker's bootstrap, evaluated by the Worker as CommonJS or (when the process
 * runs with --input-type=module) as an ES module, so it uses neither `require` nor `import.meta`:
 * import this module by its URL and serve jobs. For a .ts module, tsx's ESM loader is registered
 * first, found from this module's folder as its own imports would be (tsx's package.json names
 * the entry).
 */
function bootstrapSource(threadsModule: string): string {
  const typescript = /\.[cm]?ts$/.test(new URL(threadsModule).pathname);
  return `const threads = ${JSON.stringify(threadsModule)};
const serve = () => import(threads).then((module) => module.serveHelperThread());
if (${typescript}) {
  const builtin = (name) => process.getBuiltinModule(name);
  const load = builtin('node:module').createRequire(threads);
  const manifest = load.resolve('tsx/package.json');
  const entry = builtin('node:path').join(manifest, '..', load(manifest).exports['./esm/api'].import.default);
  import(builtin('node:url').pathToFileURL(entry).href).then((tsx) => tsx.register()).then(serve);
} else serve();`;
}

interface Helper {
  worker: WorkerLike;
  posted: number;
}
interface Pool {
  helpers: Helper[];
  control: Int32Array;
  generation: number;
}
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
  const os = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.(
    'node:os',
  ) as typeof import('node:os') | undefined;
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
    const source = bootstrapSource(import.meta.url);
    const list: Helper[] = [];
    for (let i = 0; i < helpers; i++) {
      const worker = new threads.Worker(source, { eval: true, workerData: { theorygradWorker: true } });
      // A dead helper, a task it could not load, or a chunk that threw in one: fall back to the caller alone, and say so.
      const fail = (detail: string) => {
        pool = null;
        warn(detail);
      };
      worker.on('error', (error) => fail(String((error as Error)?.stack ?? error)));
      worker.on('message', (message) => {
        if ((message as { error?: string })?.error) fail((message as { error: string }).error);
      });
      worker.unref(); // after the listeners: attaching a 'message' listener refs the worker again
      list.push({ worker, posted: 0 });
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

/**
 * Defines a task: call it at the top level of the module that holds `run`, with that module's
 * import.meta.url, so that a helper thread importing the module defines the same task.
 * @example export const fillTask = defineTask('fill', import.meta.url, fillChunk);
 */
export function defineTask<Args>(
  name: string,
  module: string,
  run: (args: Args, chunk: number) => void,
): ParallelTask<Args> {
  if (!URL.canParse(module))
    throw new Error(`defineTask: ${name}'s module must be its import.meta.url, got ${JSON.stringify(module)}`);
  const existing = tasks.get(name);
  if (existing && existing.module !== module)
    throw new Error(`defineTask: two tasks named ${name}, in ${existing.module} and ${module}`);
  const task: ParallelTask<Args> = { name, module, run };
  tasks.set(name, task);
  return task;
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
    helper.posted = generation;
    const job: JobMessage = {
      name: task.name,
      module: task.module,
      control,
      receivedSlot: RECEIVED + w,
      generation,
      chunks,
      args,
    };
    helper.worker.postMessage(job);
  });
  // The caller claims chunks like any worker.
  let longestChunk = 0;
  for (;;) {
    const word = Atomics.load(control, CLAIM);
    const next = word & CHUNK_MASK;
    if (next >= chunks) break;
    if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue;
    const started = Date.now();
    task.run(args, next);
    longestChunk = Math.max(longestChunk, Date.now() - started);
    Atomics.add(control, DONE, 1);
  }
  // Wait for the chunks the helpers claimed.
  let seen = Atomics.load(control, DONE);
  let lastProgress = Date.now();
  while (seen < chunks) {
    Atomics.wait(control, DONE, seen, 100);
    const now = Atomics.load(control, DONE);
    if (now !== seen) {
      seen = now;
      lastProgress = Date.now();
      continue;
    }
    const limit = stallLimit(longestChunk);
    if (Date.now() - lastProgress > limit) {
      pool = null;
      warn(`no chunk of ${task.name} finished for ${limit / 1000} s`);
      break;
    }
  }
  if (pool === null || Atomics.load(control, FAILED) !== 0) {
    // A helper failed or vanished: redo the whole job here, where an error surfaces normally.
    pool = null;
    for (let c = 0; c < chunks; c++) task.run(args, c);
  }
}
