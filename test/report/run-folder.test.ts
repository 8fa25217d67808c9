/**
 * One-run results folders (src/report/run-folder.ts): a run's files replace the previous
 * run's whole (no stale figure survives), a failed run leaves the previous results as they
 * were, two runs cannot write one folder at once, leftovers of killed runs are cleared, and a
 * folder that is not a results folder is never replaced.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFolders } from '../../src/report/atomic.ts';
import { openRunFolder } from '../../src/report/run-folder.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'theorygrad-run-folder-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('openRunFolder', () => {
  it('swaps the run in whole: files of the earlier run that this run did not write are gone', () => {
    const directory = join(root, 'paper');
    const first = openRunFolder(directory);
    writeFileSync(join(first.staging, 'summary.md'), 'first');
    writeFileSync(join(first.staging, 'cifar-figure.svg'), '<svg/>');
    first.commit();
    const second = openRunFolder(directory);
    expect(readFileSync(join(directory, 'summary.md'), 'utf8')).toBe('first'); // untouched until commit
    writeFileSync(join(second.staging, 'summary.md'), 'second');
    second.commit();
    expect(readdirSync(directory)).toEqual(['summary.md']);
    expect(readFileSync(join(directory, 'summary.md'), 'utf8')).toBe('second');
    expect(readdirSync(root)).toEqual(['paper']); // no lock, staging or retired folder left
  });

  it('leaves the earlier results as they were when the run is abandoned', () => {
    const directory = join(root, 'paper');
    mkdirSync(directory);
    writeFileSync(join(directory, 'results.json'), '{}');
    const folder = openRunFolder(directory);
    writeFileSync(join(folder.staging, 'results.json'), '{"half": true}');
    folder.abandon();
    expect(readFileSync(join(directory, 'results.json'), 'utf8')).toBe('{}');
    expect(readdirSync(root)).toEqual(['paper']);
    expect(() => folder.commit()).toThrow(/already committed or abandoned/);
  });

  it('keeps a second run out while the first holds the folder, and lets it in afterwards', () => {
    const directory = join(root, 'paper');
    const first = openRunFolder(directory);
    expect(() => openRunFolder(directory)).toThrow(
      `openRunFolder: another run (process ${process.pid}) is writing ${directory}; wait for it, or delete ${join(root, '.paper.lock')} if no run is going on`,
    );
    first.abandon();
    openRunFolder(directory).abandon();
  });

  it('clears the lock and the staging folder of a run whose process is gone', () => {
    const pid = deadPid();
    writeFileSync(join(root, '.paper.lock'), `${pid}\n`);
    mkdirSync(join(root, `.paper.run-${pid}-0123abcd`));
    mkdirSync(join(root, `.other.run-${pid}-0123abcd`)); // another folder's: not ours to sweep
    const folder = openRunFolder(join(root, 'paper'));
    folder.commit();
    expect(readdirSync(root).sort()).toEqual([`.other.run-${pid}-0123abcd`, 'paper']);
  });

  it('refuses to replace a folder that holds other files, and leaves it alone', () => {
    const directory = join(root, 'home');
    mkdirSync(directory);
    writeFileSync(join(directory, 'thesis.tex'), 'precious');
    expect(() => openRunFolder(directory)).toThrow(
      `openRunFolder: ${directory} is not empty and holds no results.json or summary.md; refusing to replace it (choose a new or empty folder)`,
    );
    expect(readdirSync(directory)).toEqual(['thesis.tex']);
    expect(readdirSync(root)).toEqual(['home']);
  });

  it('fails at once, naming the path, where the folder cannot be made', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => openRunFolder(join(root, 'file'))).toThrow(
      `openRunFolder: ${join(root, 'file')} exists and is not a folder`,
    );
    expect(() => openRunFolder(join(root, 'file', 'below'))).toThrow(/^openRunFolder: cannot create /);
    expect(() => openRunFolder('/')).toThrow('openRunFolder: "/" names no folder');
  });
});

describe('makeFolders', () => {
  it('makes every missing parent and accepts an existing folder', () => {
    makeFolders(join(root, 'a', 'b', 'c'));
    makeFolders(join(root, 'a', 'b', 'c'));
    expect(existsSync(join(root, 'a', 'b', 'c'))).toBe(true);
  });

  it("returns with an error under /proc, where Node's recursive mkdir spins forever", () => {
    expect(() => makeFolders('/proc/theorygrad-test/below')).toThrow(/ENOENT/);
  });
});
