/**
 * A results folder that holds exactly one run. The run writes into a fresh staging folder
 * beside the target (made and write-probed before any computing, so a mistyped `--out`
 * fails in a second, not after a long run), and `commit()` swaps it in for the old folder;
 * figures of an earlier run therefore never sit beside a summary that contradicts them.
 * A lock file beside the target keeps two runs from writing the same folder at once; locks
 * and staging folders left by a killed run (its process gone) are cleared by the next run.
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { isProcessAlive, makeFolders } from './atomic.ts';

/** An open run folder: write into `staging`, then `commit()` (or `abandon()` on failure). */
export interface RunFolder {
  /** The folder the results end up in. */
  readonly directory: string;
  /** The folder the run writes into until commit. */
  readonly staging: string;
  /** Swaps the staging folder in for `directory` and releases the lock. */
  commit(): void;
  /** Removes the staging folder and releases the lock; `directory` is left as it was. */
  abandon(): void;
}

/** Files whose presence marks a folder as an earlier run's results, which a new run may replace. */
const resultsMarkers = ['results.json', 'summary.md'];

/** Refuses a target that exists but is not a directory, or holds files that are not an earlier run's results. */
function checkReplaceable(directory: string): void {
  if (!existsSync(directory)) return;
  if (!statSync(directory).isDirectory()) throw new Error(`openRunFolder: ${directory} exists and is not a folder`);
  const entries = readdirSync(directory);
  if (entries.length > 0 && !resultsMarkers.some((marker) => entries.includes(marker))) {
    throw new Error(
      `openRunFolder: ${directory} is not empty and holds no results.json or summary.md; refusing to replace it (choose a new or empty folder)`,
    );
  }
}

/** Takes the lock file, clearing one left by a process that is gone. */
function takeLock(lock: string, directory: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(lock, 'wx');
      writeSync(descriptor, `${process.pid}\n`);
      closeSync(descriptor);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new Error(`openRunFolder: cannot create ${lock}: ${(error as Error).message}`);
      const owner = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (isProcessAlive(owner)) {
        throw new Error(
          `openRunFolder: another run (process ${owner}) is writing ${directory}; wait for it, or delete ${lock} if no run is going on`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  throw new Error(`openRunFolder: could not take ${lock}`);
}

/** Removes staging and retired folders of `name` left by processes that are gone. */
function sweepLeftovers(parent: string, name: string): void {
  const pattern = new RegExp(`^\\.${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(run|old)-(\\d+)-[0-9a-f]+$`);
  for (const entry of readdirSync(parent)) {
    const match = pattern.exec(entry);
    if (match !== null && !isProcessAlive(Number(match[2])))
      rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/**
 * Opens `directory` for one run: creates its parent, takes the lock, and makes and
 * write-probes the staging folder. Throws, naming the path, if any of that fails.
 * @example const folder = openRunFolder('/tmp/run'); writeFileSync(join(folder.staging, 'a.txt'), 'a'); folder.commit();
 */
export function openRunFolder(path: string): RunFolder {
  const directory = resolve(path);
  const parent = dirname(directory);
  const name = basename(directory);
  if (directory === parent || name === '') throw new Error(`openRunFolder: ${JSON.stringify(path)} names no folder`);
  try {
    makeFolders(parent);
  } catch (error) {
    throw new Error(`openRunFolder: cannot create ${parent}: ${(error as Error).message}`);
  }
  checkReplaceable(directory);
  const lock = join(parent, `.${name}.lock`);
  takeLock(lock, directory);
  const tag = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const staging = join(parent, `.${name}.run-${tag}`);
  try {
    sweepLeftovers(parent, name);
    mkdirSync(staging);
    const probe = join(staging, '.probe');
    closeSync(openSync(probe, 'w'));
    rmSync(probe);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    rmSync(lock, { force: true });
    throw new Error(`openRunFolder: cannot write in ${parent}: ${(error as Error).message}`);
  }
  let open = true;
  const close = (): void => {
    open = false;
    rmSync(lock, { force: true });
  };
  return {
    directory,
    staging,
    commit() {
      if (!open) throw new Error(`RunFolder.commit: ${directory} was already committed or abandoned`);
      const retired = join(parent, `.${name}.old-${tag}`);
      try {
        checkReplaceable(directory);
        const hadOld = existsSync(directory);
        if (hadOld) renameSync(directory, retired);
        try {
          renameSync(staging, directory);
        } catch (error) {
          if (hadOld) renameSync(retired, directory);
          throw error;
        }
        rmSync(retired, { recursive: true, force: true });
      } finally {
        close();
      }
    },
    abandon() {
      if (!open) return;
      rmSync(staging, { recursive: true, force: true });
      close();
    },
  };
}
