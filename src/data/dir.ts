/**
 * Where the datasets live: `THEORYGRAD_DATA` if set, else `./data` (relative to the
 * working directory), each dataset in its canonical release layout below it.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The absolute data directory: `$THEORYGRAD_DATA`, else `./data`.
 * @example dataDirectory(); // '/home/me/theorygrad/data'
 */
export function dataDirectory(): string {
  const configured = process.env.THEORYGRAD_DATA;
  return resolve(configured !== undefined && configured !== '' ? configured : 'data');
}

/**
 * A path below the data directory (`directory` overrides it, e.g. in tests).
 * @example dataPath(['cifar-10-batches-bin', 'test_batch.bin']); // '<data>/cifar-10-batches-bin/test_batch.bin'
 */
export function dataPath(parts: readonly string[], directory: string = dataDirectory()): string {
  return join(directory, ...parts);
}

/**
 * Returns `path` if it is an existing file; otherwise throws an error naming it and what it should hold.
 * @example requireFile(dataPath(['ag_news', 'test.csv']), 'the AG News test split (CSV)');
 */
export function requireFile(path: string, expected: string): string {
  if (!existsSync(path)) {
    throw new Error(
      `requireFile: missing file ${path} (expected ${expected}); set THEORYGRAD_DATA to the data directory (now ${dataDirectory()})`,
    );
  }
  if (!statSync(path).isFile()) throw new Error(`requireFile: ${path} is not a regular file (expected ${expected})`);
  return path;
}
