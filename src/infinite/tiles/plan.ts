/**
 * The plan of a tiled kernel matrix (issue 24): everything the bits depend on (the images'
 * checksum, the network, dtype, flip, tile side, the block budget inside a tile, backend, code
 * version), pinned in plan.json, whose SHA-256 names the output. The tiles cover the upper
 * triangle of train×train (diagonal tiles whole) and all of test×train, row-major.
 */
import { createHash } from 'node:crypto';
import type { Padding } from '../../../gpu/infinite.ts';
import { cntk, fullyConnected } from '../presets.ts';
import type { Network } from '../layers.ts';

/** A network the plan can name (the presets.ts networks, with their options). */
export type NetworkSpec =
  | {
      kind: 'cntk';
      depth: number;
      readout: 'vanilla' | 'gap' | { lap: number };
      fix: boolean;
      padding: Padding;
    }
  | { kind: 'fullyConnected'; depth: number; normalization: 'standard' | 'authors'; fixedLayers: number };

/**
 * The images: the first `train` and `test` images of CIFAR-10's two splits, or seeded
 * standard-normal images (tests, trials) of the given shape.
 */
export type DataSpec =
  | { kind: 'cifar10'; train: number; test: number }
  | { kind: 'synthetic'; seed: number; train: number; test: number; channels: number; height: number; width: number };

/** Which of the two kernel matrices are computed. */
export type KernelName = 'nngp' | 'ntk';

/** plan.json: what a tile's bits depend on. */
export interface TilePlan {
  format: 'theorygrad-kernel-plan/1';
  network: NetworkSpec;
  data: DataSpec;
  /** SHA-256 of the train images' bytes then the test images' (as loaded, in `dtype`). */
  dataChecksum: string;
  dtype: 'float32' | 'float64';
  flip: boolean;
  kernels: KernelName[];
  /** Images per tile side (the last tile of a row or column may be narrower). */
  tileSide: number;
  /** kernelMatrix's memory budget inside a tile: pinned, so the blocks inside a tile are the same everywhere. */
  memoryBudget: number;
  /** The backend that computes the tiles ('cpu' or 'gpujs': their float32 bits differ). */
  backend: string;
  /** codeVersion (src/report/code-version.ts) of compute.ts's module graph and the lock file. */
  codeVersion: string;
}

/** One tile: a rectangle of the train×train (upper triangle) or test×train matrix. */
export interface Tile {
  /** `train-<row block>-<column block>` or `test-<row block>-<column block>`. */
  id: string;
  section: 'train' | 'test';
  /** First row (an image of the section) and row count. */
  row: number;
  rows: number;
  /** First column (a train image) and column count. */
  column: number;
  columns: number;
  /** A diagonal tile of train×train: the kernel of a set with itself (kernelMatrix's symmetric path). */
  diagonal: boolean;
}

/**
 * The plan's hash, which names its folder and is checked by every tile, manifest and queue job.
 * @example planHash(plan) // 'sha256:9c1e…'
 */
export function planHash(plan: TilePlan): string {
  return `sha256:${createHash('sha256').update(canonicalJson(plan)).digest('hex')}`;
}

/**
 * JSON with object keys sorted at every level (the hash must not depend on key order).
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }) // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The network a spec names.
 * @example networkOf({ kind: 'cntk', depth: 3, readout: 'gap', fix: false, padding: 'zero' })
 */
export function networkOf(spec: NetworkSpec): Network {
  if (spec.kind === 'cntk')
    return cntk({ depth: spec.depth, readout: spec.readout, fix: spec.fix, padding: spec.padding });
  if (spec.kind === 'fullyConnected')
    return fullyConnected({ depth: spec.depth, normalization: spec.normalization, fixedLayers: spec.fixedLayers });
  throw new Error(`networkOf: unknown network kind ${JSON.stringify((spec as { kind: unknown }).kind)}`);
}

/**
 * The plan's tiles, in a fixed order: train×train's upper triangle row by row, then test×train.
 * @example tileList(plan).map((tile) => tile.id) // ['train-0-0', 'train-0-1', 'train-1-1', 'test-0-0', 'test-0-1']
 */
export function tileList(plan: Pick<TilePlan, 'data' | 'tileSide'>): Tile[] {
  const { train, test } = plan.data;
  const side = plan.tileSide;
  if (!Number.isInteger(side) || side < 1) throw new Error(`tileList: tileSide must be an integer ≥ 1, got ${side}`);
  const tiles: Tile[] = [];
  const span = (start: number, count: number): number => Math.min(side, count - start);
  for (let row = 0; row < train; row += side) {
    for (let column = row; column < train; column += side) {
      tiles.push({
        id: `train-${row / side}-${column / side}`,
        section: 'train',
        row,
        rows: span(row, train),
        column,
        columns: span(column, train),
        diagonal: row === column,
      });
    }
  }
  for (let row = 0; row < test; row += side) {
    for (let column = 0; column < train; column += side) {
      tiles.push({
        id: `test-${row / side}-${column / side}`,
        section: 'test',
        row,
        rows: span(row, test),
        column,
        columns: span(column, train),
        diagonal: false,
      });
    }
  }
  return tiles;
}

/**
 * The tiles of shard `index` of `count`: every count-th tile from the index-th (round robin,
 * so each shard gets its share of the cheaper diagonal and edge tiles).
 * @example shardTiles(tileList(plan), 0, 3) // tiles 0, 3, 6, …
 */
export function shardTiles(tiles: readonly Tile[], index: number, count: number): Tile[] {
  if (!Number.isInteger(count) || count < 1) throw new Error(`shardTiles: count must be an integer ≥ 1, got ${count}`);
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new Error(`shardTiles: index must be an integer in 0…${count - 1}, got ${index}`);
  return tiles.filter((_, position) => position % count === index);
}

/**
 * Reads `--shard i/N` (i counted from 0).
 * @example parseShard('2/8') // { index: 2, count: 8 }
 */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index >= count)
    throw new Error(`parseShard: a shard is i/N with 0 ≤ i < N, got ${JSON.stringify(text)}`);
  return { index, count };
}
