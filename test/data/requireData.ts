/**
 * Tests that read the data directory ($THEORYGRAD_DATA, else ./data) go through
 * `describeWithData`: when the dataset is absent they are skipped with the reason in the
 * suite's name, unless THEORYGRAD_REQUIRE_DATA=1 (as in CI), which turns the absence into a
 * failure. Whether a dataset is there is decided by src/data's datasetPresent, the check under
 * the paper scripts' hasDataset.
 */
import { describe, it } from 'vitest';
import { dataDirectory } from '../../src/data/dir.ts';
import { datasetPath, datasetPresent, type DatasetName } from '../../src/data/available.ts';

/**
 * `describe(name, …)` that needs `datasets` (one or several); `body` receives the data directory.
 * Load data in beforeAll or inside tests, never in `body` itself, since a skipped suite still runs it.
 * @example describeWithData('CIFAR-10', 'cifar10', (directory) => { it('loads', () => { loadCifar10('test', directory); }); });
 */
export function describeWithData(
  name: string,
  datasets: DatasetName | readonly DatasetName[],
  body: (directory: string) => void,
): void {
  const directory = dataDirectory();
  const missing = (typeof datasets === 'string' ? [datasets] : datasets).filter((d) => !datasetPresent(d));
  if (missing.length === 0) {
    describe(name, () => body(directory));
    return;
  }
  const reason = `${missing.map((d) => datasetPath(d)).join(', ')} not found (set THEORYGRAD_DATA to the data directory)`;
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
