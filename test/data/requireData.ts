/**
 * Tests that read the data directory ($THEORYGRAD_DATA, else ./data) go through
 * `describeWithData`: when the data are absent they are skipped with the reason in the
 * suite's name, unless THEORYGRAD_REQUIRE_DATA=1 (as in CI), which turns the absence into a failure.
 */
import { existsSync } from 'node:fs';
import { describe, it } from 'vitest';
import { dataDirectory, dataPath } from '../../src/data/dir.ts';

/**
 * `describe(name, …)` that needs `<data>/<subdirectory>`; `body` receives the data directory.
 * Load data in beforeAll or inside tests, never in `body` itself, since a skipped suite still runs it.
 * @example describeWithData('CIFAR-10', 'cifar-10-batches-bin', (directory) => { it('loads', () => { loadCifar10('test', directory); }); });
 */
export function describeWithData(name: string, subdirectory: string, body: (directory: string) => void): void {
  const directory = dataDirectory();
  const needed = dataPath([subdirectory], directory);
  if (existsSync(needed)) {
    describe(name, () => body(directory));
    return;
  }
  const reason = `${needed} not found (set THEORYGRAD_DATA to the data directory)`;
  if (process.env.THEORYGRAD_REQUIRE_DATA === '1') {
    describe(name, () => {
      it('has its data', () => {
        throw new Error(`${reason}; THEORYGRAD_REQUIRE_DATA=1 makes missing data a failure`);
      });
    });
    return;
  }
  console.warn(`[skipped] ${name}: ${reason}`);
  describe.skip(`${name} [skipped: ${reason}]`, () => body(directory));
}
