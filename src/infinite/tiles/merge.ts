/**
 * Assembles a plan's tiles into its matrices on disk, after checking that every planned tile
 * is present and re-hashes to its manifest (naming the missing and corrupt ones otherwise).
 * The matrices are streamed one band of tile rows at a time (a band of each kernel and one
 * tile in memory: a 50,000-image train matrix is 10 GB in float32 and is never held whole);
 * train×train's lower triangle is the transpose of the tiles above the diagonal.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { join } from 'node:path';
import { makeFolders, writeFileAtomic } from '../../report/index.ts';
import { temporaryPathFor } from '../../report/atomic.ts';
import type { OpenPlan } from './run.ts';
import { checkTile } from './store.ts';
import type { Tile } from './plan.ts';

/** matrix.json: what merge wrote. */
export interface MergedMatrices {
  plan: string;
  dtype: 'float32' | 'float64';
  /** Row-major, little-endian, no header: name → shape and SHA-256 of the file. */
  files: Record<string, { shape: [number, number]; sha256: string }>;
}

/** A tile's kernel `k` as float64 (rows×columns), after re-checking its hash. */
function readTile(opened: OpenPlan, tile: Tile): Float64Array {
  const checked = checkTile(opened.store, tile.id, opened.hash, tile.rows, tile.columns, opened.plan.kernels.length);
  if (checked.state !== 'ok')
    throw new Error(`mergeTiles: tile ${tile.id} is ${checked.state} (it changed during the merge)`);
  const bytes = checked.bytes!;
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
}

/** An output file written through a temporary beside it, hashed as it goes. */
class StreamedFile {
  readonly temporary: string;
  readonly descriptor: number;
  readonly hash: Hash = createHash('sha256');

  constructor(readonly path: string) {
    this.temporary = temporaryPathFor(path);
    this.descriptor = openSync(this.temporary, 'w');
  }

  write(values: Float32Array | Float64Array): void {
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    this.hash.update(bytes);
    for (let offset = 0; offset < bytes.length;) offset += writeSync(this.descriptor, bytes, offset);
  }

  finish(): string {
    fsyncSync(this.descriptor);
    closeSync(this.descriptor);
    renameSync(this.temporary, this.path);
    return this.hash.digest('hex');
  }

  abandon(): void {
    closeSync(this.descriptor);
    rmSync(this.temporary, { force: true });
  }
}

/**
 * Checks every planned tile, then writes `<out>/train.<kernel>.bin` (n×n), `<out>/test.<kernel>.bin`
 * (m×n, when there are test images) in the plan's dtype, and `<out>/matrix.json`.
 * @example mergeTiles(openPlan(path), join(openPlan(path).folder, 'matrix')).files['train.ntk.bin'].shape
 */
export function mergeTiles(opened: OpenPlan, out: string): MergedMatrices {
  const { plan, tiles } = opened;
  const problems: string[] = [];
  for (const tile of tiles) {
    const { state } = checkTile(opened.store, tile.id, opened.hash, tile.rows, tile.columns, plan.kernels.length);
    if (state !== 'ok') problems.push(`${tile.id} (${state})`);
  }
  if (problems.length > 0)
    throw new Error(
      `mergeTiles: ${problems.length} of ${tiles.length} tiles are not usable: ${problems.slice(0, 20).join(', ')}${problems.length > 20 ? ', …' : ''}`,
    );
  makeFolders(out);
  const byId = new Map(tiles.map((tile) => [tile.id, tile]));
  const side = plan.tileSide;
  const train = plan.data.train;
  const merged: MergedMatrices = { plan: opened.hash, dtype: plan.dtype, files: {} };
  const Band = plan.dtype === 'float32' ? Float32Array : Float64Array;
  for (const section of ['train', 'test'] as const) {
    const count = section === 'train' ? train : plan.data.test;
    if (count === 0) continue;
    const files = plan.kernels.map((kernel) => new StreamedFile(join(out, `${section}.${kernel}.bin`)));
    try {
      for (let row = 0; row < count; row += side) {
        const rows = Math.min(side, count - row);
        const bands = plan.kernels.map(() => new Band(rows * train));
        for (let column = 0; column < train; column += side) {
          const above = section === 'test' || column >= row;
          const id = above ? `${section}-${row / side}-${column / side}` : `train-${column / side}-${row / side}`;
          const tile = byId.get(id)!;
          const values = readTile(opened, tile);
          const size = tile.rows * tile.columns;
          bands.forEach((band, k) => {
            const block = values.subarray(k * size, (k + 1) * size);
            if (above) {
              for (let r = 0; r < tile.rows; r++)
                band.set(block.subarray(r * tile.columns, (r + 1) * tile.columns), r * train + column);
            } else {
              // the tile is (columns of this band) × (rows of this band): transpose it in
              for (let r = 0; r < rows; r++)
                for (let c = 0; c < tile.rows; c++) band[r * train + column + c] = block[c * tile.columns + r];
            }
          });
        }
        bands.forEach((band, k) => files[k].write(band));
      }
    } catch (error) {
      for (const file of files) file.abandon();
      throw error;
    }
    plan.kernels.forEach((kernel, k) => {
      merged.files[`${section}.${kernel}.bin`] = { shape: [count, train], sha256: files[k].finish() };
    });
  }
  writeFileAtomic(join(out, 'matrix.json'), `${JSON.stringify(merged, null, 2)}\n`);
  return merged;
}
