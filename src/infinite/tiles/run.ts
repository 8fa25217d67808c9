/**
 * The engine-agnostic steps on a plan folder: write the plan, run tiles (a shard, one tile,
 * or the ones a queue hands out), and count what is done. Completion is what the tile store
 * holds, never what a scheduler or queue believes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeVersion, writeFileAtomic } from '../../report/index.ts';
import { infiniteKernels } from '../backend.ts';
import { loadPlanImages, computeTile, type PlanImages } from './compute.ts';
import { planHash, tileList, canonicalJson, type TilePlan, type Tile } from './plan.ts';
import { checkTile, folderStore, sha256Hex, type TileStore } from './store.ts';

/**
 * The code version pinned in plans: compute.ts's module graph and the lock file.
 * @example tilesCodeVersion() // 'sha256:…'
 */
export function tilesCodeVersion(): string {
  return codeVersion(fileURLToPath(new URL('./compute.ts', import.meta.url)));
}

/** An opened plan: its contents, hash, folder and store. */
export interface OpenPlan {
  plan: TilePlan;
  hash: string;
  folder: string;
  store: TileStore;
  tiles: Tile[];
}

/**
 * Writes `<root>/<first 16 hex digits of the plan hash>/plan.json` (kept if it is already there) and opens it.
 * @example createPlan('/scratch/kernels', { ...fields }).folder // '/scratch/kernels/9c1e0a…'
 */
export function createPlan(
  root: string,
  fields: Omit<TilePlan, 'format' | 'dataChecksum' | 'codeVersion' | 'backend'>,
  directory?: string,
): OpenPlan {
  const images = loadPlanImages(fields.data, fields.dtype, directory);
  const plan: TilePlan = {
    format: 'theorygrad-kernel-plan/1',
    ...fields,
    dataChecksum: images.checksum,
    backend: infiniteKernels().name,
    codeVersion: tilesCodeVersion(),
  };
  tileList(plan); // checks the tile side
  const hash = planHash(plan);
  const folder = join(root, hash.slice('sha256:'.length, 'sha256:'.length + 16));
  const path = join(folder, 'plan.json');
  if (!existsSync(path)) writeFileAtomic(path, `${JSON.stringify(plan, null, 2)}\n`);
  return openPlan(path);
}

/**
 * Reads a plan.json; its folder is the plan's tile store.
 * @example openPlan('/scratch/kernels/9c1e0a…/plan.json').tiles.length
 */
export function openPlan(path: string): OpenPlan {
  if (!existsSync(path)) throw new Error(`openPlan: no plan file at ${path}`);
  let plan: TilePlan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as TilePlan;
  } catch (error) {
    throw new Error(`openPlan: ${path} is not JSON (${(error as Error).message})`);
  }
  if (plan.format !== 'theorygrad-kernel-plan/1')
    throw new Error(`openPlan: ${path} is not a kernel plan (format ${JSON.stringify(plan.format)})`);
  const folder = dirname(path);
  return { plan, hash: planHash(plan), folder, store: folderStore(folder), tiles: tileList(plan) };
}

/**
 * The plan's images, after checking that this machine computes what the plan pinned (data, backend, code).
 * @example const images = imagesForPlan(openPlan(path).plan)
 */
export function imagesForPlan(plan: TilePlan, directory?: string): PlanImages {
  const backend = infiniteKernels().name;
  if (backend !== plan.backend)
    throw new Error(`imagesForPlan: the plan pins backend ${plan.backend}, this process runs ${backend}`);
  const code = tilesCodeVersion();
  if (code !== plan.codeVersion)
    throw new Error(
      `imagesForPlan: the plan pins code version ${plan.codeVersion}, this checkout is ${code} (check out the plan's commit, or plan again)`,
    );
  const images = loadPlanImages(plan.data, plan.dtype, directory);
  if (images.checksum !== plan.dataChecksum)
    throw new Error(
      `imagesForPlan: the images here hash to ${images.checksum}, the plan pins ${plan.dataChecksum} (${canonicalJson(plan.data)})`,
    );
  return images;
}

/** What runTiles did. */
export interface TileRun {
  computed: string[];
  skipped: string[];
  seconds: number;
}

/** The test hook: THEORYGRAD_KERNEL_TEST_KILL=<tile id> SIGKILLs the process mid-tile (computed, nothing written), and its parent too with THEORYGRAD_KERNEL_TEST_KILL_PARENT=1. */
function testHookKill(tile: string): void {
  if (process.env.THEORYGRAD_KERNEL_TEST_KILL !== tile) return;
  if (process.env.THEORYGRAD_KERNEL_TEST_KILL_PARENT === '1') process.kill(process.ppid, 'SIGKILL');
  process.kill(process.pid, 'SIGKILL');
}

/**
 * Computes the given tiles that the store lacks (or holds corrupt), writing each once,
 * atomically; with `recompute`, finished tiles are computed again and compared. A tile whose
 * bytes hash differently from a manifest already stored is an error: the computation is not
 * deterministic, or the store is not this plan's.
 * @example runTiles(openPlan(path), shardTiles(tiles, 0, 4), imagesForPlan(plan))
 */
export function runTiles(
  opened: OpenPlan,
  tiles: readonly Tile[],
  images: PlanImages,
  options: { recompute?: boolean; log?: (line: string) => void } = {},
): TileRun {
  const { plan, hash, store } = opened;
  const run: TileRun = { computed: [], skipped: [], seconds: 0 };
  const start = performance.now();
  for (const tile of tiles) {
    const before = checkTile(store, tile.id, hash, tile.rows, tile.columns, plan.kernels.length);
    if (before.state === 'ok' && !options.recompute) {
      run.skipped.push(tile.id);
      continue;
    }
    if (before.state === 'wrong plan' || before.state === 'wrong size')
      throw new Error(`runTiles: tile ${tile.id}: the stored manifest is not this plan's (${before.state})`);
    const tileStart = performance.now();
    const bytes = computeTile(plan, images, tile);
    const seconds = (performance.now() - tileStart) / 1000;
    testHookKill(tile.id);
    const sha256 = sha256Hex(bytes);
    // another worker may have finished the tile meanwhile: the same hash is fine, another is a bug
    const stored = store.manifest(tile.id);
    if (stored !== undefined && stored.sha256 !== sha256)
      throw new Error(
        `runTiles: tile ${tile.id} computed again hashes to ${sha256}, the stored tile to ${stored.sha256}: nondeterministic computation (plan ${hash})`,
      );
    if (stored === undefined || before.state !== 'ok')
      store.put(
        {
          format: 'theorygrad-kernel-tile/1',
          plan: hash,
          tile: tile.id,
          rows: tile.rows,
          columns: tile.columns,
          kernels: plan.kernels,
          sha256,
          bytes: bytes.length,
          seconds: Math.round(seconds * 1000) / 1000,
        },
        bytes,
      );
    run.computed.push(tile.id);
    options.log?.(`tile ${tile.id} (${tile.rows}×${tile.columns}): ${seconds.toFixed(2)} s`);
  }
  run.seconds = (performance.now() - start) / 1000;
  return run;
}

/** Done and missing tiles of a plan. */
export interface TileStatus {
  total: number;
  done: number;
  missing: string[];
  /** Tiles present but unusable, with why (with `verify`: hashes checked). */
  corrupt: { tile: string; state: string }[];
}

/**
 * Counts the plan's finished tiles (manifests; with `verify`, re-hashing their bytes).
 * @example tileStatus(openPlan(path)).done
 */
export function tileStatus(opened: OpenPlan, verify = false): TileStatus {
  const finished = new Set(opened.store.finished());
  const status: TileStatus = { total: opened.tiles.length, done: 0, missing: [], corrupt: [] };
  for (const tile of opened.tiles) {
    if (!finished.has(tile.id)) {
      status.missing.push(tile.id);
      continue;
    }
    if (verify) {
      const { state } = checkTile(
        opened.store,
        tile.id,
        opened.hash,
        tile.rows,
        tile.columns,
        opened.plan.kernels.length,
      );
      if (state !== 'ok') {
        status.corrupt.push({ tile: tile.id, state });
        continue;
      }
    }
    status.done++;
  }
  return status;
}
