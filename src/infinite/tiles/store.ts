/**
 * Where tile bytes live: a small interface, so that queues carry only tile ids and hashes,
 * and a folder store (local, or shared between machines: NFS, a cluster's scratch). A tile
 * is two files in `<plan folder>/tiles/`: its bytes, named by their SHA-256
 * (`<id>.<sha256>.f64`), written first, then its manifest (`<id>.json`), each atomically
 * (temporary file, fsync, rename), so a tile is finished exactly when its manifest exists,
 * and two writers of one tile leave one file of each.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../report/index.ts';
import type { KernelName } from './plan.ts';

/** `<id>.json`: a finished tile. */
export interface TileManifest {
  format: 'theorygrad-kernel-tile/1';
  /** planHash of the plan it belongs to. */
  plan: string;
  tile: string;
  rows: number;
  columns: number;
  /** The matrices in the bytes, one after the other, each rows×columns float64 little-endian. */
  kernels: KernelName[];
  /** SHA-256 (hex) of the bytes. */
  sha256: string;
  bytes: number;
  /** Time to compute the tile (not part of any hash). */
  seconds: number;
}

/** The storage of one plan's tiles. */
export interface TileStore {
  /** The manifest of a finished tile, undefined if there is none (an unreadable one is an error naming it). */
  manifest(tile: string): TileManifest | undefined;
  /** The bytes a manifest names, undefined if absent. */
  bytes(manifest: TileManifest): Uint8Array | undefined;
  /** Stores the bytes, then the manifest. */
  put(manifest: TileManifest, bytes: Uint8Array): void;
  /** Ids of the tiles with a manifest. */
  finished(): string[];
}

/**
 * SHA-256 (hex) of bytes.
 * @example sha256Hex(new Uint8Array(0)) // 'e3b0c442…'
 */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const tileIdPattern = /^(train|test)-\d+-\d+$/;

/**
 * A folder store: `<folder>/tiles/<id>.json` and `<folder>/tiles/<id>.<sha256>.f64`.
 * @example const store = folderStore('/scratch/kernels/9c1e…'); store.manifest('train-0-0')
 */
export function folderStore(folder: string): TileStore {
  const tiles = join(folder, 'tiles');
  const manifestPath = (tile: string): string => {
    if (!tileIdPattern.test(tile)) throw new Error(`folderStore: ${JSON.stringify(tile)} is not a tile id`);
    return join(tiles, `${tile}.json`);
  };
  const bytesPath = (manifest: TileManifest): string => {
    if (!/^[0-9a-f]{64}$/.test(manifest.sha256))
      throw new Error(
        `folderStore: tile ${manifest.tile}: manifest sha256 ${JSON.stringify(manifest.sha256)} is not a hash`,
      );
    return join(tiles, `${manifest.tile}.${manifest.sha256}.f64`);
  };
  return {
    manifest(tile) {
      const path = manifestPath(tile);
      if (!existsSync(path)) return undefined;
      let manifest: TileManifest;
      try {
        manifest = JSON.parse(readFileSync(path, 'utf8')) as TileManifest;
      } catch (error) {
        throw new Error(`folderStore: tile ${tile}: manifest ${path} is not JSON (${(error as Error).message})`);
      }
      if (manifest.format !== 'theorygrad-kernel-tile/1' || manifest.tile !== tile)
        throw new Error(`folderStore: tile ${tile}: manifest ${path} is not this tile's (tile ${manifest.tile})`);
      return manifest;
    },
    bytes(manifest) {
      const path = bytesPath(manifest);
      return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
    },
    put(manifest, bytes) {
      writeFileAtomic(bytesPath(manifest), bytes);
      writeFileAtomic(manifestPath(manifest.tile), `${JSON.stringify(manifest, null, 2)}\n`);
    },
    finished() {
      if (!existsSync(tiles)) return [];
      return readdirSync(tiles)
        .filter((name) => name.endsWith('.json') && tileIdPattern.test(name.slice(0, -5)))
        .map((name) => name.slice(0, -5));
    },
  };
}

/** What checkTile found: 'ok', or why the tile is not usable. */
export type TileState = 'ok' | 'missing' | 'no bytes' | 'hash mismatch' | 'wrong plan' | 'wrong size';

/**
 * Whether a stored tile is present and its bytes re-hash to its manifest (and the manifest is this plan's).
 * @example checkTile(store, 'train-0-0', planHash(plan), 9, 9, 2).state // 'ok'
 */
export function checkTile(
  store: TileStore,
  tile: string,
  plan: string,
  rows: number,
  columns: number,
  kernels: number,
): { state: TileState; manifest?: TileManifest; bytes?: Uint8Array } {
  const manifest = store.manifest(tile);
  if (manifest === undefined) return { state: 'missing' };
  if (manifest.plan !== plan) return { state: 'wrong plan', manifest };
  const expected = rows * columns * kernels * 8;
  if (manifest.rows !== rows || manifest.columns !== columns || manifest.bytes !== expected)
    return { state: 'wrong size', manifest };
  const bytes = store.bytes(manifest);
  if (bytes === undefined) return { state: 'no bytes', manifest };
  if (bytes.length !== expected || sha256Hex(bytes) !== manifest.sha256) return { state: 'hash mismatch', manifest };
  return { state: 'ok', manifest, bytes };
}
