/**
 * Job arrays on this machine: shards run as separate processes assemble the same bits as
 * kernelMatrix and as one process; a shard killed mid-tile (SIGKILL through the test hook)
 * leaves no debris and a rerun finishes its tiles; two processes on one tile leave one file;
 * --shard-from-env maps each scheduler's variables to the tiles of --shard i/N.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  createPlan,
  imagesForPlan,
  mergeTiles,
  parseShard,
  runTiles,
  shardFromEnvironment,
  shardTiles,
  tileList,
} from '../../../src/infinite/tiles/index.ts';
import { kernel } from '../../../src/reproduce/kernel.ts';
import { HelpRequested, UsageError } from '../../../src/report/index.ts';
import { readMerged, referenceFiles, smallPlan, smallPlanFields, temporaryFolder } from './helpers.ts';
import { theorygrad } from './processes.ts';

describe('kernel tiles as job arrays', () => {
  it('3 shard processes, a killed shard rerun, and two processes on one tile', { timeout: 120_000 }, async () => {
    const sharded = smallPlan();
    const killed = smallPlan({ tileSide: 4 });
    const contested = smallPlan();
    const plan = (opened: typeof sharded): string => join(opened.folder, 'plan.json');
    const [shards, kill, twins] = await Promise.all([
      Promise.all(
        [0, 1, 2].map((index) => theorygrad(['kernel', 'tile', '--plan', plan(sharded), '--shard', `${index}/3`])),
      ),
      theorygrad(['kernel', 'tile', '--plan', plan(killed), '--shard', '0/1'], {
        THEORYGRAD_KERNEL_TEST_KILL: 'train-1-1',
      }),
      Promise.all([0, 1].map(() => theorygrad(['kernel', 'tile', '--plan', plan(contested), '--tile', 'test-0-1']))),
    ]);
    for (const ended of [...shards, ...twins]) expect(ended, ended.stderr).toMatchObject({ code: 0 });

    // the sharded run: bit-identical to kernelMatrix, and its tiles to a one-process run's
    const out = join(sharded.folder, 'matrix');
    mergeTiles(sharded, out);
    for (const [file, values] of Object.entries(referenceFiles(sharded.plan)))
      expect(readMerged(out, file, 'float32'), file).toEqual(values);
    const single = createPlan(temporaryFolder(), smallPlanFields());
    expect(single.hash).toBe(sharded.hash);
    runTiles(single, single.tiles, imagesForPlan(single.plan));
    for (const tile of sharded.tiles)
      expect(sharded.store.manifest(tile.id)!.sha256).toBe(single.store.manifest(tile.id)!.sha256);

    // the killed shard: tiles before the kill stored, the killed one and later ones absent, no temporary files
    expect(kill.signal).toBe('SIGKILL');
    const killedTiles = readdirSync(join(killed.folder, 'tiles'));
    expect(killedTiles.filter((name) => name.endsWith('.json')).sort()).toEqual(['train-0-0.json', 'train-0-1.json']);
    expect(killedTiles.filter((name) => !/^(train|test)-\d+-\d+\.(json|[0-9a-f]{64}\.f64)$/.test(name))).toEqual([]);
    const rerun = await theorygrad(['kernel', 'tile', '--plan', plan(killed), '--shard', '0/1']);
    expect(rerun.stdout).toMatch(/shard 0\/1: 3 computed, 2 already done/);
    expect(mergeTiles(killed, join(killed.folder, 'matrix')).files['train.ntk.bin'].shape).toEqual([7, 7]);

    // two processes on one tile: one bytes file and one manifest
    expect(readdirSync(join(contested.folder, 'tiles')).sort()).toEqual([
      expect.stringMatching(/^test-0-1\.[0-9a-f]{64}\.f64$/),
      'test-0-1.json',
    ]);
  });

  it('--shard-from-env maps Slurm, Kubernetes, AWS Batch and Cloud Run variables to --shard i/N', () => {
    const tiles = tileList({ data: { kind: 'cifar10', train: 50, test: 20 }, tileSide: 7 });
    const cases: [Record<string, string>, string][] = [
      [{ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' }, '2/4'],
      [
        {
          SLURM_ARRAY_TASK_ID: '0',
          SLURM_ARRAY_TASK_MIN: '0',
          SLURM_ARRAY_TASK_COUNT: '5',
          SLURM_ARRAY_TASK_STEP: '1',
        },
        '0/5',
      ],
      [{ JOB_COMPLETION_INDEX: '6', THEORYGRAD_SHARD_COUNT: '7' }, '6/7'],
      [{ AWS_BATCH_JOB_ARRAY_INDEX: '1', THEORYGRAD_SHARD_COUNT: '3' }, '1/3'],
      [{ CLOUD_RUN_TASK_INDEX: '4', CLOUD_RUN_TASK_COUNT: '9' }, '4/9'],
    ];
    for (const [env, shard] of cases) {
      const fromEnv = shardFromEnvironment(env);
      const { index, count } = parseShard(shard);
      expect(fromEnv, JSON.stringify(env)).toMatchObject({ index, count });
      expect(shardTiles(tiles, fromEnv.index, fromEnv.count)).toEqual(shardTiles(tiles, index, count));
    }
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' })).toThrow(
      /THEORYGRAD_SHARD_COUNT must be a whole number/,
    );
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '9', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(
      /slurm gives shard 9 of 4/,
    );
    expect(() =>
      shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_STEP: '2' }),
    ).toThrow(/STEP must be 1/);
    expect(() => shardFromEnvironment({})).toThrow(/no job-array variables/);
  });

  it('kernel tile --shard-from-env computes the shard that Slurm’s variables name', async () => {
    const opened = smallPlan();
    const slurm = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '3' };
    const saved = Object.keys(slurm).map((name) => [name, process.env[name]] as const);
    Object.assign(process.env, slurm);
    // the command's lines (a line per tile on stderr, the summary on stdout) are read here, not printed
    const lines: string[] = [];
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((text) => lines.push(String(text)) > 0);
    const stdout = vi.spyOn(console, 'log').mockImplementation((text) => void lines.push(`${text}\n`));
    try {
      expect(await kernel(['tile', '--plan', join(opened.folder, 'plan.json'), '--shard-from-env'])).toBe(0);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const shard = shardTiles(opened.tiles, 1, 3).map((tile) => tile.id);
    expect(opened.store.finished().sort()).toEqual([...shard].sort());
    const output = lines.join('');
    for (const id of shard) expect(output).toMatch(new RegExp(`^tile ${id} \\(\\d+×\\d+\\): [0-9.]+ s$`, 'm'));
    expect(output).toMatch(new RegExp(`^shard 1/3 \\(from slurm\\): ${shard.length} computed, 0 already done`, 'm'));
  });

  it('the kernel command: one-line usage errors (exit code 2) and --help', async () => {
    await expect(kernel(['tile', '--bogus'])).rejects.toThrow(UsageError);
    await expect(kernel(['tile', '--bogus'])).rejects.toThrow(/^unknown flag --bogus \(flags: --plan/);
    await expect(kernel(['frobnicate'])).rejects.toThrow(
      /unknown subcommand "frobnicate" \(subcommands: plan, tile, merge, status, enqueue, worker\)/,
    );
    await expect(kernel(['tile', '--plan', 'x.json', '--shard', '0/2', '--tile', 'train-0-0'])).rejects.toThrow(
      /exactly one of/,
    );
    await expect(kernel(['merge', '--help'])).rejects.toThrow(HelpRequested);
    await expect(kernel([])).rejects.toThrow(HelpRequested);
    const folder = temporaryFolder();
    const missing = await theorygrad(['kernel', 'status', '--plan', join(folder, 'plan.json'), '--verify', '--nope']);
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^theorygrad: unknown flag --nope \(flags: [^\n]*\)\n$/),
    });
  });
});
