/**
 * The tile core in one process: tiles assembled by merge are bit-identical to kernelMatrix on
 * the whole set, whatever the tile side, shard count or block budget; merge refuses missing,
 * corrupt or unmanifested tiles and names them; two writers of a tile leave one file.
 */
import { existsSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  computeTile,
  imagesForPlan,
  mergeTiles,
  parseShard,
  runTiles,
  shardTiles,
  tileList,
  tileStatus,
} from '../../../src/infinite/tiles/index.ts';
import { readMerged, referenceFiles, smallPlan } from './helpers.ts';

describe('kernel tiles', () => {
  it('lists the upper triangle of train×train and all of test×train', () => {
    const tiles = tileList({ data: { kind: 'cifar10', train: 7, test: 3 }, tileSide: 3 });
    expect(tiles.map((tile) => tile.id)).toEqual([
      'train-0-0',
      'train-0-1',
      'train-0-2',
      'train-1-1',
      'train-1-2',
      'train-2-2',
      'test-0-0',
      'test-0-1',
      'test-0-2',
    ]);
    expect(tiles.filter((tile) => tile.diagonal).map((tile) => tile.id)).toEqual([
      'train-0-0',
      'train-1-1',
      'train-2-2',
    ]);
    const shards = [0, 1, 2, 3].map((index) => shardTiles(tiles, index, 4).map((tile) => tile.id));
    expect(shards.flat().sort()).toEqual(tiles.map((tile) => tile.id).sort());
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(() => parseShard('8/8')).toThrow(/0 ≤ i < N/);
  });

  for (const [name, overrides] of [
    ['float32, GAP, tiles of 3, two shards', { tileSide: 3 }],
    [
      'float64, vanilla, flip, tiles of 2, tiny blocks',
      {
        dtype: 'float64',
        flip: true,
        tileSide: 2,
        memoryBudget: 4096,
        network: { kind: 'cntk', depth: 3, readout: 'vanilla', fix: true, padding: 'zero' },
      },
    ],
    ['float32, one tile', { tileSide: 16 }],
    [
      'float64, fully connected, tiles of 3',
      { dtype: 'float64', network: { kind: 'fullyConnected', depth: 3, normalization: 'standard', fixedLayers: 1 } },
    ],
  ] as const) {
    it(`merges bit-identically to kernelMatrix (${name})`, () => {
      const opened = smallPlan(overrides as Parameters<typeof smallPlan>[0]);
      const images = imagesForPlan(opened.plan);
      for (const index of [0, 1]) runTiles(opened, shardTiles(opened.tiles, index, 2), images);
      expect(tileStatus(opened, true)).toMatchObject({ done: opened.tiles.length, missing: [], corrupt: [] });
      const out = join(opened.folder, 'matrix');
      const merged = mergeTiles(opened, out);
      const reference = referenceFiles(opened.plan);
      expect(Object.keys(merged.files).sort()).toEqual(Object.keys(reference).sort());
      const n = opened.plan.data.train;
      for (const [file, values] of Object.entries(reference)) {
        const read = readMerged(out, file, opened.plan.dtype);
        if (!opened.plan.flip || file.startsWith('test')) expect(read, file).toEqual(values);
        else {
          // flip: kernelMatrix's lower triangle adds K(flip xⱼ, xᵢ), equal to the upper's K(flip xᵢ, xⱼ) only up to
          // rounding; the tiles' matrix is the upper triangle mirrored (exactly symmetric)
          const upper = (matrix: ArrayLike<number>): number[] =>
            Array.from(matrix).filter((_, at) => at % n >= Math.floor(at / n));
          expect(upper(read), file).toEqual(upper(values));
          read.forEach((value, at) => expect(value).toBe(read[(at % n) * n + Math.floor(at / n)]));
        }
      }
      // a rerun skips every finished tile
      expect(runTiles(opened, opened.tiles, images).skipped).toHaveLength(opened.tiles.length);
      expect(runTiles(opened, opened.tiles.slice(0, 2), images, { recompute: true }).computed).toHaveLength(2);
    });
  }

  it('refuses to merge with a missing tile, a flipped byte or a missing manifest, naming the tiles', () => {
    const opened = smallPlan();
    const images = imagesForPlan(opened.plan);
    runTiles(opened, opened.tiles.slice(1), images);
    const out = join(opened.folder, 'matrix');
    expect(() => mergeTiles(opened, out)).toThrow(/1 of 9 tiles are not usable: train-0-0 \(missing\)/);
    runTiles(opened, opened.tiles, images);
    const tilesFolder = join(opened.folder, 'tiles');
    const target = readdirSync(tilesFolder).find((name) => name.startsWith('test-0-1.') && name.endsWith('.f64'))!;
    const bytes = readFileSync(join(tilesFolder, target));
    bytes[17] ^= 1;
    writeFileSync(join(tilesFolder, target), bytes);
    rmSync(join(tilesFolder, 'train-1-2.json'));
    expect(() => mergeTiles(opened, out)).toThrow(
      /2 of 9 tiles are not usable: train-1-2 \(missing\), test-0-1 \(hash mismatch\)/,
    );
    expect(existsSync(join(out, 'matrix.json'))).toBe(false);
    expect(tileStatus(opened, true)).toMatchObject({
      done: 7,
      missing: ['train-1-2'],
      corrupt: [{ tile: 'test-0-1', state: 'hash mismatch' }],
    });
    // a rerun repairs both
    expect(runTiles(opened, opened.tiles, images).computed).toEqual(['train-1-2', 'test-0-1']);
    expect(() => mergeTiles(opened, out)).not.toThrow();
  });

  it('fails loudly when a tile computed again hashes differently from the stored one', () => {
    const opened = smallPlan();
    const images = imagesForPlan(opened.plan);
    const [tile] = opened.tiles;
    runTiles(opened, [tile], images);
    const manifestPath = join(opened.folder, 'tiles', `${tile.id}.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, sha256: '0'.repeat(64) }));
    expect(() => runTiles(opened, [tile], images)).toThrow(
      /train-0-0 computed again hashes to [0-9a-f]{64}, the stored tile to 0{64}: nondeterministic/,
    );
    expect(computeTile(opened.plan, images, tile).length).toBe(tile.rows * tile.columns * 8 * 2);
  });
});
