/**
 * A per-dataset result cache: one JSON file per (dataset, method) under a folder, keyed by a
 * fingerprint of everything the result depends on (DESIGN.md "Caches"): the SHA-256 of each
 * of the dataset's files, the options (grids, tolerance), and a version of the code that
 * computes it. A missing, unreadable, corrupt or mismatched file is a miss, never a reuse;
 * writes are atomic (temporary file, then rename), so an interrupted run leaves no torn entry.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The SHA-256 over the named files' paths, lengths and bytes, plus `extra` (options, code version).
 * @example fingerprint(['data/uci/iris/iris_R.dat'], { costs: [1, 10], code: 'sha256:…' }) // 'sha256:…'
 */
export function fingerprint(files: readonly string[], extra: unknown): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort()) {
    const bytes = readFileSync(file);
    const digest = createHash('sha256').update(bytes).digest('hex');
    hash.update(`${file.split(/[\\/]/).slice(-2).join('/')}\0${bytes.length}\0${digest}\0`);
  }
  hash.update(JSON.stringify(extra));
  return `sha256:${hash.digest('hex')}`;
}

/** The files of one UCI dataset (the data table, both split files and the description). */
export function uciDatasetFiles(directory: string, name: string): string[] {
  const folder = join(directory, 'uci', name);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.dat') || file.endsWith('.txt'))
    .map((file) => join(folder, file));
}

/** A folder of fingerprinted JSON entries. */
export interface ResultCache<Value> {
  /** The cached value when its stored fingerprint equals `key`, else undefined. */
  read(name: string, key: string): Value | undefined;
  write(name: string, key: string, value: Value): void;
}

/**
 * A cache under `folder` (created on first write); `name` must be a file-name-safe word.
 * @example const cache = resultCache<{ accuracy: number }>('results/cache/ntk-small-data'); cache.read('iris-ntk', key);
 */
export function resultCache<Value>(folder: string): ResultCache<Value> {
  const path = (name: string): string => {
    if (!/^[\w.-]+$/.test(name))
      throw new Error(`resultCache: entry name ${JSON.stringify(name)} is not file-name safe`);
    return join(folder, `${name}.json`);
  };
  return {
    read(name, key) {
      const file = path(name);
      if (!existsSync(file)) return undefined;
      try {
        const entry = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; value?: Value };
        return entry.key === key && entry.value !== undefined ? entry.value : undefined;
      } catch {
        return undefined; // corrupt: a miss, recomputed and overwritten
      }
    },
    write(name, key, value) {
      mkdirSync(folder, { recursive: true });
      const file = path(name);
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify({ key, value }));
      renameSync(temporary, file);
    },
  };
}
