/**
 * The backend suite (`npm run test:gpujs`): every paper's `--quick` run on cpu and on gpujs
 * (gpu.js in its WebAssembly mode where there is no GPU), claims compared (test/backends/agreement.ts).
 * Apart from `npm test` because each paper runs twice, minutes in all; CI runs it after `npm test`.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The papers, slowest pair of runs first (measured: saliency-cgi's gpujs run alone takes minutes under load),
 * so that the two workers end together instead of one waiting on a slow paper started last.
 */
const slowestFirst = [
  'saliency-cgi',
  'exp-lr',
  'contrastive',
  'mode-connectivity',
  'cntk-exact',
  'deep-matrix-factorization',
  'ntk-small-data',
  'adversarial-training',
  'enhanced-cntk',
  'fine-grained',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = slowestFirst.indexOf(basename(file.moduleId, '.backend.ts'));
      return index < 0 ? slowestFirst.length : index;
    };
    return [...files].sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/backends/**/*.backend.ts'],
    // One paper's two runs, each a child process; saliency-cgi's take about 4 minutes together under load.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    maxWorkers: availableParallelism(),
    sequence: { sequencer: SlowestFirst },
  },
});
