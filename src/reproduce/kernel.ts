/**
 * `theorygrad kernel plan|tile|merge|status|enqueue|worker`: a kernel matrix as tiles on
 * existing engines (src/infinite/tiles/, issue 24). `enqueue` and `worker` load the BullMQ
 * adapter on demand, so the other subcommands never load Redis.
 */
import { hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  createPlan,
  imagesForPlan,
  mergeTiles,
  openPlan,
  parseShard,
  runTiles,
  shardFromEnvironment,
  shardTiles,
  tileStatus,
  type NetworkSpec,
  type DataSpec,
  type Tile,
} from '../infinite/tiles/index.ts';
import { HelpRequested, parseFlags, UsageError, type FlagSpecs } from '../report/index.ts';

const planFlag = {
  kind: 'string',
  description: 'the plan file (<store>/<hash>/plan.json)',
  valueName: 'FILE',
} as const;
const redisFlag = {
  kind: 'string',
  description: 'the Redis server',
  default: 'redis://127.0.0.1:6379',
  valueName: 'URL',
} as const;

/** The flags of `kernel plan`. */
const planSpecs = {
  store: { kind: 'string', description: 'folder (local or shared) the plan folder is made in', valueName: 'DIR' },
  data: { kind: 'string', description: 'images', choices: ['cifar10', 'synthetic'], default: 'cifar10' },
  train: { kind: 'integer', description: 'train images (the first of the split)', minimum: 1 },
  test: { kind: 'integer', description: 'test images (the first of the split)', minimum: 0, default: 0 },
  network: { kind: 'string', description: 'network', choices: ['cntk', 'fully-connected'], default: 'cntk' },
  depth: { kind: 'integer', description: 'depth (cntk: conv layers + 1)', minimum: 1, default: 6 },
  readout: { kind: 'string', description: 'cntk readout', choices: ['vanilla', 'gap'], default: 'gap' },
  fix: { kind: 'boolean', description: 'cntk: first and last layers not trained' },
  padding: { kind: 'string', description: 'cntk padding', choices: ['zero', 'circular'], default: 'zero' },
  flip: { kind: 'boolean', description: 'average with the horizontally flipped images' },
  dtype: { kind: 'string', description: 'dtype', choices: ['float32', 'float64'], default: 'float32' },
  kernels: { kind: 'string', description: 'matrices kept', choices: ['ntk', 'nngp', 'both'], default: 'ntk' },
  tileSide: { kind: 'integer', description: 'images per tile side', minimum: 1, default: 200 },
  memoryMib: {
    kind: 'integer',
    description: "kernelMatrix's block budget inside a tile, MiB",
    minimum: 1,
    default: 256,
  },
  seed: { kind: 'integer', description: 'synthetic images: seed', minimum: 0, default: 0 },
  imageSize: { kind: 'integer', description: 'synthetic images: height and width', minimum: 1, default: 32 },
} as const satisfies FlagSpecs;

/** Writes a plan and prints its path, tiles and size. */
function plan(argv: readonly string[]): number {
  const flags = parseFlags(argv, planSpecs, {
    program: 'theorygrad kernel plan',
    command: 'npx theorygrad kernel plan --store DIR --train N [--test N] [flags]',
    about: ['Pins what the kernel matrix bits depend on in <store>/<hash>/plan.json and lists its tiles.'],
  });
  if (flags.store === undefined) throw new UsageError('plan: --store is required');
  if (flags.train === undefined) throw new UsageError('plan: --train is required');
  const network: NetworkSpec =
    flags.network === 'cntk'
      ? {
          kind: 'cntk',
          depth: flags.depth,
          readout: flags.readout as 'vanilla' | 'gap',
          fix: flags.fix,
          padding: flags.padding as 'zero' | 'circular',
        }
      : { kind: 'fullyConnected', depth: flags.depth, normalization: 'standard', fixedLayers: 0 };
  const data: DataSpec =
    flags.data === 'cifar10'
      ? { kind: 'cifar10', train: flags.train, test: flags.test }
      : {
          kind: 'synthetic',
          seed: flags.seed,
          train: flags.train,
          test: flags.test,
          channels: 3,
          height: flags.imageSize,
          width: flags.imageSize,
        };
  const opened = createPlan(flags.store, {
    network,
    data,
    dtype: flags.dtype as 'float32' | 'float64',
    flip: flags.flip,
    kernels: flags.kernels === 'both' ? ['nngp', 'ntk'] : [flags.kernels as 'ntk' | 'nngp'],
    tileSide: flags.tileSide,
    memoryBudget: flags.memoryMib * 2 ** 20,
  });
  console.log(`plan ${opened.hash}`);
  console.log(`file ${join(opened.folder, 'plan.json')}`);
  console.log(`tiles ${opened.tiles.length} of ≤ ${flags.tileSide}×${flags.tileSide} images`);
  return 0;
}

/** Which tiles `kernel tile` runs: a shard, one tile, or the shard its scheduler's variables name. */
function selectTiles(
  tiles: Tile[],
  flags: { shard?: string; tile?: string; shardFromEnv: boolean },
): { tiles: Tile[]; what: string } {
  if (flags.tile !== undefined) {
    const tile = tiles.find((candidate) => candidate.id === flags.tile);
    if (tile === undefined) throw new UsageError(`tile: the plan has no tile ${JSON.stringify(flags.tile)}`);
    return { tiles: [tile], what: `tile ${tile.id}` };
  }
  let shard: { index: number; count: number };
  let from = '';
  try {
    if (flags.shard !== undefined) shard = parseShard(flags.shard);
    else {
      const found = shardFromEnvironment();
      shard = found;
      from = ` (from ${found.scheduler})`;
    }
  } catch (error) {
    throw new UsageError(`tile: ${(error as Error).message}`);
  }
  return { tiles: shardTiles(tiles, shard.index, shard.count), what: `shard ${shard.index}/${shard.count}${from}` };
}

/** Computes a shard's (or one tile's) missing tiles. */
function tile(argv: readonly string[]): number {
  const flags = parseFlags(
    argv,
    {
      plan: planFlag,
      shard: {
        kind: 'string',
        description: 'shard i of N (0 ≤ i < N): every N-th tile from the i-th',
        valueName: 'i/N',
      },
      tile: { kind: 'string', description: 'one tile, e.g. train-0-3', valueName: 'ID' },
      shardFromEnv: {
        kind: 'boolean',
        description:
          'the shard from SLURM_ARRAY_TASK_*, JOB_COMPLETION_INDEX, AWS_BATCH_JOB_ARRAY_INDEX or CLOUD_RUN_TASK_* (+ THEORYGRAD_SHARD_COUNT)',
      },
      recompute: { kind: 'boolean', description: 'compute finished tiles again and check they hash the same' },
    },
    {
      program: 'theorygrad kernel tile',
      command: 'npx theorygrad kernel tile --plan FILE (--shard i/N | --tile ID | --shard-from-env)',
      about: ['Computes the tiles the store lacks, each written once, atomically, named by its hash.'],
    },
  );
  if (flags.plan === undefined) throw new UsageError('tile: --plan is required');
  const given = [flags.shard !== undefined, flags.tile !== undefined, flags.shardFromEnv].filter(Boolean).length;
  if (given !== 1) throw new UsageError('tile: give exactly one of --shard i/N, --tile ID, --shard-from-env');
  const opened = openPlan(flags.plan);
  const { tiles, what } = selectTiles(opened.tiles, flags);
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  log(`${what}: ${tiles.length} tiles on ${hostname()} (load average ${loadavg()[0].toFixed(1)})`);
  const run = runTiles(opened, tiles, imagesForPlan(opened.plan), { recompute: flags.recompute, log });
  console.log(
    `${what}: ${run.computed.length} computed, ${run.skipped.length} already done, ${run.seconds.toFixed(1)} s`,
  );
  return 0;
}

/** Checks every tile and writes the matrices. */
function merge(argv: readonly string[]): number {
  const flags = parseFlags(
    argv,
    {
      plan: planFlag,
      out: { kind: 'string', description: 'output folder (default <plan folder>/matrix)', valueName: 'DIR' },
    },
    {
      program: 'theorygrad kernel merge',
      command: 'npx theorygrad kernel merge --plan FILE [--out DIR]',
      about: ['Checks every planned tile (present, re-hashes to its manifest) and streams the matrices to disk.'],
    },
  );
  if (flags.plan === undefined) throw new UsageError('merge: --plan is required');
  const opened = openPlan(flags.plan);
  const out = flags.out ?? join(opened.folder, 'matrix');
  const merged = mergeTiles(opened, out);
  for (const [name, file] of Object.entries(merged.files))
    console.log(`${join(out, name)}: ${file.shape.join('×')} ${merged.dtype}, sha256 ${file.sha256}`);
  return 0;
}

/** Counts done and missing tiles; exit code 0 when complete, 3 when not. */
function status(argv: readonly string[]): number {
  const flags = parseFlags(
    argv,
    { plan: planFlag, verify: { kind: 'boolean', description: 're-hash every finished tile' } },
    {
      program: 'theorygrad kernel status',
      command: 'npx theorygrad kernel status --plan FILE [--verify]',
      about: ['Done and missing tiles, read from the tile store (exit code 3 while tiles are missing or corrupt).'],
    },
  );
  if (flags.plan === undefined) throw new UsageError('status: --plan is required');
  const found = tileStatus(openPlan(flags.plan), flags.verify);
  console.log(
    `${found.done} of ${found.total} tiles done, ${found.missing.length} missing, ${found.corrupt.length} corrupt`,
  );
  if (found.missing.length > 0)
    console.log(`missing: ${found.missing.slice(0, 20).join(' ')}${found.missing.length > 20 ? ' …' : ''}`);
  for (const { tile: id, state } of found.corrupt) console.log(`corrupt: ${id} (${state})`);
  return found.done === found.total ? 0 : 3;
}

/** Puts the missing tiles on the plan's BullMQ queue. */
async function enqueue(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    { plan: planFlag, redis: redisFlag },
    {
      program: 'theorygrad kernel enqueue',
      command: 'npx theorygrad kernel enqueue --plan FILE [--redis URL]',
      about: ['Adds a BullMQ job per missing tile (job id = tile id: enqueueing again adds nothing).'],
    },
  );
  if (flags.plan === undefined) throw new UsageError('enqueue: --plan is required');
  const { enqueueTiles } = await import('../infinite/tiles/bullmq.ts');
  const counts = await enqueueTiles(openPlan(flags.plan), flags.redis);
  console.log(`${counts.added} jobs added, ${counts.queued} in the queue, ${counts.finished} tiles already done`);
  return 0;
}

/** Works the plan's queue until the store holds every tile. */
async function worker(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(
    argv,
    {
      plan: planFlag,
      redis: redisFlag,
      concurrency: { kind: 'integer', description: 'tiles at once (one child process each)', minimum: 1, default: 1 },
      lockSeconds: {
        kind: 'number',
        description: "a job's lock (a dead worker's tile is handed on after it)",
        minimum: 0.1,
        default: 30,
      },
    },
    {
      program: 'theorygrad kernel worker',
      command: 'npx theorygrad kernel worker --plan FILE [--redis URL] [--concurrency N]',
      about: ['Computes queued tiles in sandboxed child processes until the tile store is complete.'],
    },
  );
  if (flags.plan === undefined) throw new UsageError('worker: --plan is required');
  const { runWorker } = await import('../infinite/tiles/bullmq.ts');
  const done = await runWorker(openPlan(flags.plan), flags.plan, flags.redis, {
    concurrency: flags.concurrency,
    lockDuration: Math.round(flags.lockSeconds * 1000),
    log: (line) => void process.stderr.write(`${line}\n`),
  });
  console.log(`worker: the store is complete; this worker computed ${done.length} tiles`);
  return 0;
}

const subcommands: Record<string, { about: string; run(argv: readonly string[]): number | Promise<number> }> = {
  plan: { about: 'pin data, network, dtype, tile side and code version in plan.json', run: plan },
  tile: { about: 'compute a shard (--shard i/N, --shard-from-env) or one tile (--tile ID)', run: tile },
  merge: { about: 'check every tile and stream the matrices to disk', run: merge },
  status: { about: 'count done and missing tiles', run: status },
  enqueue: { about: 'BullMQ: a job per missing tile on Redis', run: enqueue },
  worker: { about: 'BullMQ: compute queued tiles until the store is complete', run: worker },
};

/**
 * `theorygrad kernel <subcommand>`: returns the exit code.
 * @example await kernel(['status', '--plan', '/scratch/kernels/9c1e0a…/plan.json'])
 */
export async function kernel(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h')
    throw new HelpRequested(
      [
        'usage: npx theorygrad kernel <subcommand> [flags]   (--help after a subcommand for its flags)',
        '',
        'subcommands:',
        ...Object.entries(subcommands).map(([key, command]) => `  ${key.padEnd(8)} ${command.about}`),
      ].join('\n'),
    );
  const command = subcommands[name];
  if (command === undefined)
    throw new UsageError(
      `unknown subcommand ${JSON.stringify(name)} (subcommands: ${Object.keys(subcommands).join(', ')})`,
    );
  return command.run(rest);
}
