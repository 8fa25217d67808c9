/**
 * Runs paper scripts as child processes, at most `jobs` at once, so that one paper's crash
 * (or its memory) cannot take the others down. Each child's output goes to its log file;
 * with one job on a terminal the child draws its own progress bars on our stderr instead.
 * While they run, a status block on stderr (a terminal only, not under CI, not --quiet)
 * shows each running paper: i of N, elapsed, the estimate from its last run, and the last
 * line it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { formatDuration, makeFolders, progressEnabled, type ProgressStream } from '../report/index.ts';
import { tsxArguments, type PaperScript } from './papers.ts';

/** One paper to run: its script, the folder it writes, the estimate of its duration. */
export interface PaperJob extends PaperScript {
  directory: string;
  estimateSeconds?: number;
}

/** How a paper's run ended. */
export interface PaperOutcome {
  slug: string;
  /** The exit code, or null when a signal ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  log: string;
}

/** Options of runPapers. */
export interface RunOptions {
  jobs: number;
  quick: boolean;
  seed: number;
  /** Where the logs go (`<logs>/<slug>.log`). */
  logs: string;
  quiet: boolean;
  stream?: ProgressStream;
  /** Called as each paper ends (its line on stdout). */
  onDone?(outcome: PaperOutcome, index: number, total: number): void;
}

/** A started batch: its outcomes once every paper has ended, and a way to stop them all. */
export interface RunningPapers {
  done: Promise<PaperOutcome[]>;
  stop(): void;
}

interface Running {
  job: PaperJob;
  index: number;
  start: number;
  lastLine: string;
  child: ChildProcess;
}

/**
 * Starts `jobs` (their order kept), at most `options.jobs` at a time.
 * @example const run = runPapers([{ slug: 'exp-lr', script: 'papers/exp-lr.ts', directory: '/tmp/r/exp-lr' }], { jobs: 1, quick: true, seed: 0, logs: '/tmp/r/logs', quiet: true }); await run.done;
 */
export function runPapers(jobs: readonly PaperJob[], options: RunOptions): RunningPapers {
  const stream = options.stream ?? process.stderr;
  const live = progressEnabled({ stream, quiet: options.quiet });
  // One job on a terminal: the child's own bars are the best progress there is, so it gets our stderr.
  const inheritStderr = live && options.jobs === 1;
  const running = new Set<Running>();
  const outcomes: PaperOutcome[] = [];
  let next = 0;
  let stopped = false;
  let drawnLines = 0;

  const draw = (): void => {
    if (!live || inheritStderr) return;
    const width = (stream.columns ?? 80) - 1;
    const lines = [...running].map(({ job, index, start, lastLine }) => {
      const elapsed = (performance.now() - start) / 1000;
      const estimate = job.estimateSeconds === undefined ? '' : ` of ~${formatDuration(job.estimateSeconds)}`;
      const head = `[${index + 1}/${jobs.length}] ${job.slug} ${formatDuration(elapsed)}${estimate}`;
      return `${head}  ${lastLine}`.slice(0, width);
    });
    const up = drawnLines > 0 ? `\x1b[${drawnLines}F` : '';
    stream.write(`${up}${lines.map((line) => `${line}\x1b[K\n`).join('')}\x1b[J`);
    drawnLines = lines.length;
  };
  // Lines printed by onDone go to the same terminal: the block is wiped first and redrawn below them.
  const clear = (): void => {
    if (drawnLines > 0) stream.write(`\x1b[${drawnLines}F\x1b[J`);
    drawnLines = 0;
  };
  const timer = live && !inheritStderr ? setInterval(draw, 1000) : undefined;

  const done = new Promise<PaperOutcome[]>((resolve) => {
    const startNext = (): void => {
      while (!stopped && running.size < options.jobs && next < jobs.length) launch(next++);
      if (running.size === 0) {
        if (timer !== undefined) clearInterval(timer);
        clear();
        resolve(outcomes);
      }
    };
    const launch = (index: number): void => {
      const job = jobs[index];
      makeFolders(options.logs);
      const log = join(options.logs, `${job.slug}.log`);
      const argv = ['--out', job.directory, '--seed', String(options.seed)];
      if (options.quick) argv.push('--quick');
      if (!inheritStderr) argv.push('--quiet');
      if (inheritStderr)
        stream.write(
          `[${index + 1}/${jobs.length}] ${job.slug}` +
            (job.estimateSeconds === undefined ? '\n' : ` (last run ${formatDuration(job.estimateSeconds)})\n`),
        );
      closeSync(openSync(log, 'w'));
      const output = createWriteStream(log);
      const child = spawn(process.execPath, tsxArguments(job.script, argv), {
        stdio: ['ignore', 'pipe', inheritStderr ? 'inherit' : 'pipe'],
      });
      const entry: Running = { job, index, start: performance.now(), lastLine: 'starting', child };
      running.add(entry);
      const collect = (chunk: Buffer): void => {
        output.write(chunk);
        const lines = chunk
          .toString('utf8')
          .split(/[\r\n]+/)
          .filter((line) => line.trim() !== '');
        if (lines.length > 0) entry.lastLine = lines[lines.length - 1].trim();
      };
      child.stdout!.on('data', collect);
      child.stderr?.on('data', collect);
      child.on('error', (error) => output.write(`reproduce: could not start ${job.script}: ${error.message}\n`));
      child.on('close', (exitCode, signal) => {
        running.delete(entry);
        output.end(() => {
          const outcome = { slug: job.slug, exitCode, signal, seconds: (performance.now() - entry.start) / 1000, log };
          outcomes[index] = outcome;
          clear();
          options.onDone?.(outcome, index, jobs.length);
          startNext();
        });
      });
    };
    startNext();
  });

  return {
    done: done.then((all) => all.filter((outcome) => outcome !== undefined)),
    stop() {
      stopped = true;
      for (const { child } of running) child.kill('SIGTERM');
    },
  };
}
