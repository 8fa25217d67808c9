/**
 * The BullMQ adapter against a redis-server this test starts on 127.0.0.1 (a free port) and
 * stops by its process id: a duplicate enqueue adds no job; a worker killed mid-tile
 * (SIGKILL through the test hook, its tile's child process with it) leaves no debris, and its
 * tile is handed to another worker once the lock lapses; the merged matrix is kernelMatrix's;
 * a worker stops with an error when the queue is empty and tiles are still missing.
 * Skipped when redis-server is not installed, unless THEORYGRAD_REQUIRE_REDIS=1 (CI).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeTiles } from '../../../src/infinite/tiles/index.ts';
import { enqueueTiles, queueName, redisConnection } from '../../../src/infinite/tiles/bullmq.ts';
import { readMerged, referenceFiles, smallPlan } from './helpers.ts';
import { theorygrad } from './processes.ts';

const installed = spawnSync('redis-server', ['--version']).status === 0;
if (!installed && process.env.THEORYGRAD_REQUIRE_REDIS === '1')
  throw new Error(
    'bullmq.test: THEORYGRAD_REQUIRE_REDIS=1 but redis-server is not installed (apt-get install redis-server)',
  );

/** A port free on 127.0.0.1 now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// the reason in the suite's name only where it is skipped (a failure's name would say "skipped" otherwise)
const suite = `kernel tiles on BullMQ${installed ? '' : ' (skipped: redis-server is not installed)'}`;
describe.skipIf(!installed)(suite, () => {
  let redis: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    const port = await freePort();
    url = `redis://127.0.0.1:${port}`;
    const server = spawn(
      'redis-server',
      ['--port', `${port}`, '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    redis = server;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      server.stdout!.on('data', (chunk) => {
        output += chunk;
        if (output.includes('Ready to accept connections')) resolve();
      });
      server.on('exit', (code) => reject(new Error(`redis-server exited with code ${code}: ${output}`)));
    });
  }, 30_000);

  afterAll(() => {
    if (redis?.pid !== undefined && redis.exitCode === null) process.kill(redis.pid, 'SIGTERM');
  });

  it(
    'a killed worker’s tile is redone by another; duplicates add no job; the matrix is kernelMatrix’s; an empty queue stops a worker',
    { timeout: 120_000 },
    async () => {
      const opened = smallPlan({ tileSide: 4 });
      const plan = join(opened.folder, 'plan.json');
      expect(await enqueueTiles(opened, url)).toEqual({ added: 5, queued: 5, finished: 0 });
      expect(await enqueueTiles(opened, url)).toEqual({ added: 0, queued: 5, finished: 0 });
      const worker = ['kernel', 'worker', '--plan', plan, '--redis', url, '--lock-seconds', '1'];
      const killed = await theorygrad(worker, {
        THEORYGRAD_KERNEL_TEST_KILL: 'train-0-1',
        THEORYGRAD_KERNEL_TEST_KILL_PARENT: '1',
      });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const names = readdirSync(join(opened.folder, 'tiles'));
      expect(names.filter((name) => name.endsWith('.json'))).toEqual(['train-0-0.json']);
      expect(names.filter((name) => !/^(train|test)-\d+-\d+\.(json|[0-9a-f]{64}\.f64)$/.test(name))).toEqual([]);
      const second = await theorygrad(worker);
      expect(second, second.stderr).toMatchObject({ code: 0 });
      expect(second.stderr).toMatch(/tile train-0-1: done/);
      const queue = new Queue(queueName(opened), { connection: redisConnection(url) });
      try {
        expect(await queue.getJobCounts('completed', 'failed', 'active', 'delayed')).toEqual({
          completed: 5,
          failed: 0,
          active: 0,
          delayed: 0,
        });
        expect(await queue.getWaitingCount()).toBe(0);
      } finally {
        await queue.close();
      }
      // a worker on a queue that is empty while tiles are missing stops, naming them
      const lonely = smallPlan({ tileSide: 16 });
      const idle = await theorygrad(['kernel', 'worker', '--plan', join(lonely.folder, 'plan.json'), '--redis', url]);
      expect(idle.code).toBe(1);
      expect(idle.stderr).toMatch(
        /is empty but 2 tiles are missing \(train-0-0, test-0-0\): failed jobs, or not enqueued/,
      );
      const out = join(opened.folder, 'matrix');
      mergeTiles(opened, out);
      for (const [file, values] of Object.entries(referenceFiles(opened.plan)))
        expect(readMerged(out, file, 'float32'), file).toEqual(values);
    },
  );
});
