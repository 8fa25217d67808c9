/**
 * Kernel matrices as tiles on engines people already run (issue 24): a plan pins what the
 * bits depend on, tiles are computed by shards, single ids or queue workers and stored once
 * by content hash, and merge assembles the matrix after checking every tile. The BullMQ
 * adapter (bullmq.ts) is imported only by its own entry points, so Redis is never loaded here.
 * @example
 *   import { createPlan, runTiles, imagesForPlan, shardTiles, mergeTiles } from './src/infinite/tiles/index.ts';
 *   const opened = createPlan('/scratch/kernels', { network, data, dtype: 'float32', flip: false, kernels: ['ntk'], tileSide: 256, memoryBudget: 2 ** 28 });
 *   runTiles(opened, shardTiles(opened.tiles, 0, 1), imagesForPlan(opened.plan));
 *   mergeTiles(opened, `${opened.folder}/matrix`);
 */
export {
  canonicalJson,
  networkOf,
  parseShard,
  planHash,
  shardTiles,
  tileList,
  type DataSpec,
  type KernelName,
  type NetworkSpec,
  type Tile,
  type TilePlan,
} from './plan.ts';
export { shardFromEnvironment, type EnvironmentShard } from './env.ts';
export { checkTile, folderStore, sha256Hex, type TileManifest, type TileState, type TileStore } from './store.ts';
export { computeTile, imageRange, loadPlanImages, type PlanImages } from './compute.ts';
export {
  createPlan,
  imagesForPlan,
  openPlan,
  runTiles,
  tileStatus,
  tilesCodeVersion,
  type OpenPlan,
  type TileRun,
  type TileStatus,
} from './run.ts';
export { mergeTiles, type MergedMatrices } from './merge.ts';
