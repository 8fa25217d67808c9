/**
 * Tests that read the data directory ($THEORYGRAD_DATA, else ./data) go through
 * `describeWithData`: when the dataset is absent they are skipped with the reason in the
 * suite's name, unless THEORYGRAD_REQUIRE_DATA=1 (as in CI), which turns the absence into a
 * failure. Whether a dataset is there is decided by src/data's hasDataset, the check the
 * paper scripts use.
 */
import { describe, it } from 'vitest';
import { dataDirectory } from '../../src/data/dir.ts';
import { datasetPath, hasDataset, type DatasetName } from '../../src/data/available.ts';

/** hasDataset without the THEORYGRAD_REQUIRE_DATA error: the suite reports the absence itself. */
function present(dataset: DatasetName): boolean {
  const required = process.env.THEORYGRAD_REQUIRE_DATA;
  delete process.env.THEORYGRAD_REQUIRE_DATA;
  try {
    return hasDataset(dataset);
  } finally {
    if (required !== undefined) process.env.THEORYGRAD_REQUIRE_DATA = required;
  }
}

/**
 * `describe(name, …)` that needs `dataset`; `body` receives the data directory.
 * Load data in beforeAll or inside tests, never in `body` itself, since a skipped suite still runs it.
 * @example describeWithData('CIFAR-10', 'cifar10', (directory) => { it('loads', () => { loadCifar10('test', directory); }); });
 */
export function describeWithData(name: string, dataset: DatasetName, body: (directory: string) => void): void {
  const directory = dataDirectory();
  if (present(dataset)) {
    describe(name, () => body(directory));
    return;
  }
  const reason = `${datasetPath(dataset)} not found (set THEORYGRAD_DATA to the data directory)`;
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
