/** The CPU backend's helper-thread pool: every chunk runs exactly once, and idle helpers never keep a process alive. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defineTask, runParallel, sharedFloat64, threadCount } from '../../gpu/cpu/threads.ts';

/** Adds 1 to counts[chunk] and spins a little, so the helpers get a share of the chunks. */
function countChunk(args: { counts: Float64Array; spin: number }, chunk: number): void {
  let x = 0;
  for (let i = 0; i < args.spin; i++) x += Math.sqrt(i);
  args.counts[chunk] += x >= 0 ? 1 : 0;
}
const countTask = defineTask('test-count', countChunk, []);

describe('cpu helper threads', () => {
  it('runs every chunk of every job exactly once, with or without helpers', () => {
    for (let job = 0; job < 200; job++) {
      const chunks = 1 + (job % 37);
      const counts = sharedFloat64(chunks);
      runParallel(countTask, { counts, spin: job % 3 === 0 ? 20_000 : 10 }, chunks, job % 5 !== 0);
      expect(Array.from(counts)).toEqual(new Array(chunks).fill(1));
    }
  });

  it('lets the process exit on its own after a threaded product', () => {
    const matmulModule = fileURLToPath(new URL('../../gpu/cpu/matmul.ts', import.meta.url));
    const script = `
      import { matmul } from ${JSON.stringify(matmulModule)};
      const a = new Float32Array(256 * 256).fill(1);
      const c = matmul(a, a, { batch: 1, m: 256, k: 256, n: 256, transposeA: false, transposeB: false, strideA: 0, strideB: 0 });
      console.log(c[0]);`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, THEORYGRAD_THREADS: String(Math.max(2, threadCount())) },
    });
    expect(result.error).toBeUndefined(); // a timeout would mean a helper kept the process alive
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('256');
  });
});
