/**
 * A progress bar for long loops, drawn on a terminal only: on stderr when it is a TTY,
 * with count/total, percentage, rate and ETA, redrawn at most every 100 ms.
 * Off a terminal, under CI (the `CI` environment variable set, other than "false" or "0")
 * or with `--quiet`, it writes nothing at all, not even a summary line: logs and captured
 * output then hold only what the scripts print themselves (their tables), identical from
 * run to run; timings belong in results (see fit's history).
 */

/** Where the bar is drawn: a writable stream, a terminal when `isTTY` is true. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options of `progress`; the defaults read the process (stderr, argv, env, clock). */
export interface ProgressOptions {
  /** Default process.stderr. */
  stream?: ProgressStream;
  /** Default: whether process.argv contains `--quiet`. */
  quiet?: boolean;
  /** Environment read for `CI` (default process.env). */
  environment?: Readonly<Record<string, string | undefined>>;
  /** Milliseconds since some origin (default performance.now). */
  clock?: () => number;
  /** Minimum milliseconds between redraws (default 100). */
  redrawInterval?: number;
}

/** A running bar. */
export interface ProgressBar {
  /** Advances the count by `count` (default 1) and redraws if the last draw is old enough. */
  tick(count?: number): void;
  /** Draws the final state with the elapsed time and ends the line; later calls do nothing. */
  done(): void;
  /** Items counted so far. */
  readonly count: number;
}

/**
 * Whether a bar would be drawn: a TTY stream, not CI, not quiet.
 * @example progressEnabled({ stream: { write: () => true, isTTY: false } }); // false
 */
export function progressEnabled(options: ProgressOptions = {}): boolean {
  const stream = options.stream ?? process.stderr;
  const ci = (options.environment ?? process.env).CI;
  const underCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  return stream.isTTY === true && !underCi && !(options.quiet ?? process.argv.includes('--quiet'));
}

/**
 * Seconds as m:ss or h:mm:ss.
 * @example formatDuration(75.4); // '1:15'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const [hours, minutes, rest] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const twoDigits = (value: number): string => String(value).padStart(2, '0');
  return hours > 0 ? `${hours}:${twoDigits(minutes)}:${twoDigits(rest)}` : `${minutes}:${twoDigits(rest)}`;
}

function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '–/s';
  if (perSecond >= 100) return `${Math.round(perSecond)}/s`;
  return `${perSecond.toFixed(perSecond >= 10 ? 1 : 2)}/s`;
}

/**
 * Starts a progress bar for `total` items (see the module comment for when it is silent).
 * @example const bar = progress('epoch 1', 100); for (let i = 0; i < 100; i++) bar.tick(); bar.done();
 */
export function progress(label: string, total: number, options: ProgressOptions = {}): ProgressBar {
  if (!Number.isInteger(total) || total < 0)
    throw new Error(`progress: total must be a non-negative integer, got ${total}`);
  const enabled = progressEnabled(options);
  const stream = options.stream ?? process.stderr;
  const clock = options.clock ?? (() => performance.now());
  const redrawInterval = options.redrawInterval ?? 100;
  const start = clock();
  let count = 0;
  let lastDraw = -Infinity;
  let finished = false;

  const draw = (final: boolean): void => {
    const now = clock();
    lastDraw = now;
    const seconds = (now - start) / 1000;
    const rate = count / seconds;
    const fraction = total > 0 ? Math.min(1, count / total) : 1;
    const timing = final
      ? `in ${formatDuration(seconds)}`
      : `ETA ${count > 0 ? formatDuration((total - count) / rate) : '?'}`;
    const counts = `${count}/${total} ${String(Math.floor(fraction * 100)).padStart(3)}% ${formatRate(rate)} ${timing}`;
    const barWidth = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - counts.length - 6));
    const filled = Math.round(fraction * barWidth);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${counts}\x1b[K${final ? '\n' : ''}`,
    );
  };

  return {
    get count() {
      return count;
    },
    tick(increment = 1) {
      if (!Number.isFinite(increment) || increment < 0)
        throw new Error(`progress.tick: count must be a non-negative number, got ${increment}`);
      if (finished) return;
      count += increment;
      if (enabled && clock() - lastDraw >= redrawInterval) draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      if (enabled) draw(true);
    },
  };
}
