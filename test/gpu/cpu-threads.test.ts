/** The CPU backend's helper-thread pool: every chunk runs exactly once, and idle helpers never keep a process alive. */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runParallel, sharedFloat64, stallLimit, threadCount } from '../../gpu/cpu/threads.ts';
import { countTask } from './cpu-threads-task.ts';

/** Runs an ES module script under tsx in a fresh process, with at least two threads. */
function runScript(script: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, THEORYGRAD_THREADS: String(Math.max(2, threadCount())) },
  });
}

describe('cpu helper threads', () => {
  it("waits for a slow helper chunk in proportion to the caller's longest chunk, never less than 10 s", () => {
    expect(stallLimit(0)).toBe(10_000);
    expect(stallLimit(1_000)).toBe(10_000);
    expect(stallLimit(5_000)).toBe(40_000);
  });

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
    const result = runScript(script);
    expect(result.error).toBeUndefined(); // a timeout would mean a helper kept the process alive
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('256');
  });

  it('says which task a helper could not load, and runs its jobs on the caller', () => {
    const threadsModule = fileURLToPath(new URL('../../gpu/cpu/threads.ts', import.meta.url));
    const script = `
      import { defineTask, runParallel, sharedFloat64 } from ${JSON.stringify(threadsModule)};
      const ghost = defineTask('ghost', 'file:///nowhere/ghost.ts', (args, chunk) => { args.counts[chunk] = 1; });
      let warning = '';
      process.on('warning', (w) => { warning = w.message; });
      for (let job = 0; job < 100 && !warning; job++) {
        const counts = sharedFloat64(64);
        runParallel(ghost, { counts }, 64, true);
        if (counts.some((c) => c !== 1)) throw new Error('a chunk was lost');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      console.log(warning);`;
    const result = runScript(script);
    expect(result.error).toBeUndefined();
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /a helper thread failed, running on one thread from now on: cannot load task ghost from file:\/\/\/nowhere\/ghost\.ts/,
    );
  });
});
