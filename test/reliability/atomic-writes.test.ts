/**
 * Atomic writes leave nothing behind: the temporary file of a writer killed before its
 * rename (SIGKILL) is swept by the next write of the same target once it is stale (older
 * than the age limit and its writer's pid gone); live writers' and fresh files are kept.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  staleTemporaryAgeMs,
  sweepStaleTemporaryFiles,
  temporaryPathFor,
  writeFileAtomic,
} from '../../src/report/atomic.ts';
import { temporaryRoot } from './files.ts';

const root = temporaryRoot('atomic');

/** Creates `path` with a modification time `ageMs` in the past. */
function fileAged(path: string, ageMs: number): string {
  writeFileSync(path, 'partial');
  const time = (Date.now() - ageMs) / 1000;
  utimesSync(path, time, time);
  return path;
}

/** The pid of a process that has exited (a child run to completion). */
function deadPid(): number {
  return Number(
    execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }),
  );
}

describe('temporary files of atomic writes', () => {
  it('are named .<name>.<pid>.<uuid>.tmp beside the target', () => {
    expect(temporaryPathFor(join(root, 'model.safetensors'))).toMatch(
      new RegExp(
        `^${root}/\\.model\\.safetensors\\.${process.pid}\\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.tmp$`,
      ),
    );
  });

  it('a writer killed by SIGKILL before its rename leaves a temporary file that the next write sweeps', () => {
    const target = join(root, 'killed.txt');
    const script = `const fs = require('node:fs'); const path = ${JSON.stringify(root)} + '/.killed.txt.' + process.pid + '.${randomUUID()}.tmp';
      fs.writeFileSync(path, 'half of a large file'); process.kill(process.pid, 'SIGKILL');`;
    expect(() => execFileSync(process.execPath, ['-e', script])).toThrow(/SIGKILL/);
    const [left] = readdirSync(root).filter((name) => name.startsWith('.killed.txt.'));
    expect(left).toMatch(/\.tmp$/);
    writeFileAtomic(target, 'first');
    expect(existsSync(join(root, left)), 'a fresh temporary file is kept').toBe(true);
    const old = (Date.now() - staleTemporaryAgeMs - 60_000) / 1000;
    utimesSync(join(root, left), old, old);
    writeFileAtomic(target, 'second');
    expect(readdirSync(root).filter((name) => name.startsWith('.killed.txt.'))).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('second');
  });

  it('sweeps only stale files of the same target: old, and with a dead writer or no recorded pid', () => {
    const folder = join(root, 'sweep');
    writeFileAtomic(join(folder, 'keep.txt'), 'made the folder');
    const stale = staleTemporaryAgeMs + 60_000;
    const dead = deadPid();
    const name = (pid: number | undefined, target = 'f.txt'): string =>
      join(folder, `.${target}.${pid === undefined ? '' : `${pid}.`}${randomUUID()}.tmp`);
    const removed = [fileAged(name(dead), stale), fileAged(name(undefined), stale)];
    const kept = [
      fileAged(name(process.pid), stale), // its writer is alive
      fileAged(name(dead), 60_000), // recent: maybe a writer in another pid namespace
      fileAged(name(dead, 'other.txt'), stale), // another target's
      fileAged(join(folder, '.f.txt.backup.tmp'), stale), // not a temporary name
    ];
    expect(sweepStaleTemporaryFiles(join(folder, 'f.txt')).sort()).toEqual(removed.sort());
    expect(kept.every((path) => existsSync(path))).toBe(true);
    expect(sweepStaleTemporaryFiles(join(root, 'no-such-folder', 'f.txt'))).toEqual([]);
  });
});
