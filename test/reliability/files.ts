/**
 * Shared pieces of the reliability suite: small synthetic files in a temporary folder (the
 * shared datasets are never copied), the corruptions applied to them, and the one rule every
 * corrupted file must obey: the right data, or an Error that names the loader and the file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';

/** A fresh temporary root for one test file, removed after its tests. */
export function temporaryRoot(prefix: string): string {
  const root = mkdtempSync(join(tmpdir(), `theorygrad-${prefix}-`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

/** Writes `files` (relative path → bytes or text) below `directory`, replacing what was there. */
export function writeFiles(directory: string, files: Record<string, Uint8Array | string>): string {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), contents);
  }
  return directory;
}

/** An IDX file of unsigned bytes: magic 0x0000 08 rank, big-endian extents, then `data`. */
export function idxBytes(dimensions: readonly number[], data: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dimensions.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x0800 | dimensions.length);
  dimensions.forEach((extent, axis) => view.setUint32(4 + 4 * axis, extent));
  bytes.set(data, 4 + 4 * dimensions.length);
  return bytes;
}

/** One corruption of a file: cut to its first `length` bytes, or one byte XORed with a non-zero mask. */
export type Corruption = { kind: 'truncate'; length: number } | { kind: 'flip'; offset: number; mask: number };

/** Corruptions of a file of `size` bytes (a strict prefix, or one changed byte). */
export function corruptionOf(size: number): fc.Arbitrary<Corruption> {
  return fc.oneof(
    fc.integer({ min: 0, max: size - 1 }).map((length): Corruption => ({ kind: 'truncate', length })),
    fc
      .record({ offset: fc.integer({ min: 0, max: size - 1 }), mask: fc.integer({ min: 1, max: 255 }) })
      .map((flip): Corruption => ({ kind: 'flip', ...flip })),
  );
}

/** `bytes` with `corruption` applied (a copy: a Buffer's slice() would share the bytes and let one run's flip leak into the next). */
export function corrupt(bytes: Uint8Array, corruption: Corruption): Uint8Array {
  const copy = Uint8Array.from(bytes);
  if (corruption.kind === 'truncate') return copy.subarray(0, corruption.length);
  copy[corruption.offset] ^= corruption.mask;
  return copy;
}

/**
 * Runs `load`; if it throws, the error must be a plain Error (not a TypeError or RangeError
 * from deep inside) whose message starts with one of `loaders` and names `file`; if it
 * returns, `check` decides whether the data are right. Returns whether it threw.
 */
export function rightDataOrClearError<T>(
  load: () => T,
  loaders: readonly string[],
  file: string,
  check: (value: T) => void,
): boolean {
  let value: T;
  try {
    value = load();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).constructor, (error as Error).message).toBe(Error);
    const message = (error as Error).message;
    expect(
      loaders.some((loader) => message.startsWith(`${loader}: `)),
      message,
    ).toBe(true);
    expect(message).toContain(file);
    return true;
  }
  check(value);
  return false;
}

/** fast-check parameters of the file properties: enough runs to hit every region of a small file, few enough for 2 shared cores. */
export const fileRuns = { numRuns: 300 } as const;
