/**
 * Atomic writes (writeFileAtomic): how their temporary files are named, and the sweep that
 * removes those a killed writer left behind (a SIGKILL between creating and renaming one
 * leaves it for good: 160 MB for a model save). writeFileAtomic lives here, not in results.ts:
 * the browser page imports src/nn, whose state files write through it, and results.ts computes
 * the results folder from its own URL at import time, a path Vite's build cannot resolve.
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * A temporary file younger than this is never swept: it may belong to a writer whose pid
 * lives in another pid namespace (a container sharing the folder), where the liveness check
 * cannot see it. A live writer keeps its file's modification time fresh while it writes.
 */
export const staleTemporaryAgeMs = 15 * 60 * 1000;

/**
 * Writes a file atomically: the contents go to a temporary file beside it, flushed to
 * disk, then renamed over the target; missing folders are created, and temporary files
 * that killed writes of the same target left behind are swept first (sweepStaleTemporaryFiles).
 * @example writeFileAtomic('/tmp/theorygrad-example.txt', 'hello\n');
 */
export function writeFileAtomic(path: string, contents: string | Uint8Array): void {
  const temporary = temporaryPathFor(path);
  try {
    makeFolders(dirname(path));
    sweepStaleTemporaryFiles(path);
    const descriptor = openSync(temporary, 'w');
    try {
      const bytes = typeof contents === 'string' ? Buffer.from(contents, 'utf8') : contents;
      for (let offset = 0; offset < bytes.length;) {
        const written = writeSync(descriptor, bytes, offset);
        // A device that accepts nothing (and says no error) would otherwise loop here forever.
        if (written <= 0) throw new Error(`wrote ${offset} of ${bytes.length} bytes, then the file took no more`);
        offset += written;
      }
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`writeFileAtomic: could not write ${path}: ${(error as Error).message}`);
  }
}

const uuidPattern = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/**
 * The temporary file beside `path` for a write by this process: `.<name>.<pid>.<uuid>.tmp`,
 * the pid telling a later sweep whether its writer is still running.
 * @example temporaryPathFor('/tmp/out/model.safetensors'); // '/tmp/out/.model.safetensors.4242.1b9d…-….tmp'
 */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
}

/**
 * Removes the temporary files beside `path` left by interrupted writes of it: those older
 * than `minimumAgeMs` whose writer process is gone (or, for names from before the pid was
 * recorded, `.<name>.<uuid>.tmp`, that are merely that old). Best effort: a file that
 * vanishes meanwhile (another process sweeping) or cannot be removed is left alone, since
 * housekeeping must not fail the write that triggered it. Returns the paths removed.
 * @example sweepStaleTemporaryFiles('/tmp/out/model.safetensors'); // ['/tmp/out/.model.safetensors.4242.1b9d…-….tmp']
 */
export function sweepStaleTemporaryFiles(path: string, minimumAgeMs: number = staleTemporaryAgeMs): string[] {
  const folder = dirname(path);
  const prefix = `.${basename(path)}.`;
  const temporaryName = new RegExp(`^(?:(\\d+)\\.)?${uuidPattern}\\.tmp$`);
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = name.startsWith(prefix) ? temporaryName.exec(name.slice(prefix.length)) : null;
    if (match === null) continue;
    const candidate = join(folder, name);
    try {
      if (Date.now() - statSync(candidate).mtimeMs < minimumAgeMs) continue;
      if (match[1] !== undefined && isProcessAlive(Number(match[1]))) continue;
      rmSync(candidate);
      removed.push(candidate);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

/**
 * Creates `path` and its missing parents, one folder at a time. Node's own
 * `mkdirSync(path, { recursive: true })` never returns for some paths (under /proc it
 * spins at full CPU); this walk is bounded by the path's depth and throws at the first
 * folder it cannot make.
 * @example makeFolders('/tmp/theorygrad/a/b');
 */
export function makeFolders(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  while (!existsSync(current)) {
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  if (missing.length === 0 && !statSync(current).isDirectory())
    throw new Error(`makeFolders: ${current} exists and is not a folder`);
  for (const folder of missing.reverse()) mkdirSync(folder);
}

/** Whether a process with this pid exists (signal 0 checks without sending; EPERM means it exists under another user). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
