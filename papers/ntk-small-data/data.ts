/**
 * The UCI side of the rebuild's data: the 90 datasets of `uci/datasets.tsv` and the published
 * per-dataset accuracies of Fernández-Delgado et al. 2014 (`uci/fernandez-delgado-2014.tsv`:
 * parRF_caret, svm_C and the best of their 179 classifiers), in percent. svmPoly_caret is not
 * read: it is missing ("--") for three datasets.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One row of datasets.tsv with the published accuracies (percent). */
export interface UciEntry {
  name: string;
  count: number;
  dimension: number;
  classes: number;
  published: { randomForest: number; gaussianSvm: number; best: number };
}

function readTable(file: string, columns: readonly string[]): Map<string, number[]> {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const header = lines[0].split('\t');
  const positions = columns.map((column) => {
    const position = header.indexOf(column);
    if (position < 0)
      throw new Error(`readUciEntries: ${file} has no column "${column}" (header: ${header.join(', ')})`);
    return position;
  });
  const rows = new Map<string, number[]>();
  for (const line of lines.slice(1)) {
    const fields = line.split('\t');
    const values = positions.map((position) => Number(fields[position]));
    if (values.some((value) => !Number.isFinite(value)))
      throw new Error(`readUciEntries: ${file}: row ${JSON.stringify(line.slice(0, 60))} has a non-numeric field`);
    rows.set(fields[0], values);
  }
  return rows;
}

/**
 * The 90 datasets, sorted by name, joined with the published accuracies.
 * @example readUciEntries('/work/shared/data').length // 90
 */
export function readUciEntries(directory: string): UciEntry[] {
  const sizes = readTable(join(directory, 'uci', 'datasets.tsv'), ['n', 'd', 'c']);
  const published = readTable(join(directory, 'uci', 'fernandez-delgado-2014.tsv'), ['parRF_caret', 'svm_C', 'max']);
  return [...sizes.keys()].sort().map((name) => {
    const [count, dimension, classes] = sizes.get(name)!;
    const accuracies = published.get(name);
    if (accuracies === undefined)
      throw new Error(`readUciEntries: ${name} is in datasets.tsv but not in fernandez-delgado-2014.tsv`);
    const [randomForest, gaussianSvm, best] = accuracies;
    return { name, count, dimension, classes, published: { randomForest, gaussianSvm, best } };
  });
}
