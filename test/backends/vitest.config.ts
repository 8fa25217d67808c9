/**
 * The backend suite (`npm run test:gpujs`): every paper's `--quick` run on cpu and on gpujs
 * (gpu.js in its WebAssembly mode where there is no GPU), claims compared (test/backends/agreement.ts).
 * Apart from `npm test` because each paper runs twice, minutes in all; CI runs it after `npm test`.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/backends/**/*.backend.ts'],
    // One paper's two runs, each a child process; the slowest (exp-lr on webasm) takes about a minute alone.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    maxWorkers: availableParallelism(),
  },
});
