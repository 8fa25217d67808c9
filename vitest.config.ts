import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Vitest leaves one core idle by default (cores − 1 workers); on CI's 2 cores that
    // runs the suite on one, and the tests are single-threaded CPU work.
    maxWorkers: availableParallelism(),
  },
});
