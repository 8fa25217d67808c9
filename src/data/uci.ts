/**
 * The UCI classification datasets as preprocessed by Fernández-Delgado et al., "Do we Need
 * Hundreds of Classifiers to Solve Real World Classification Problems?" (JMLR 2014), the
 * layout used by Arora et al. (ICLR 2020) for small-data NTK experiments. Each
 * `<data>/uci/<name>/` holds:
 *   <name>_R.dat         tab-separated; header "\tf1…fd\tclase"; rows: 1-based row number,
 *                        d standardized features, class 0…c−1
 *   conxuntos.dat        line 1 training, line 2 validation indices (0-based, disjoint)
 *   conxuntos_kfold.dat  4 folds × (training line, test line)
 *   <name>.txt           "key= value" lines: n_entradas = d, n_clases = c, n_patrons1 = n
 */
import { existsSync, readdirSync } from 'node:fs';
import { dataDirectory, dataPath, requireFile } from './dir.ts';
import { nonBlankLines, parseDecimal, parseInteger, readTextFile } from './parse.ts';

/** One UCI dataset with its fixed splits. */
export interface UciDataset {
  name: string;
  /** count × dimension features, row-major, as preprocessed by the archive's authors. */
  features: Float64Array;
  labels: Int32Array;
  count: number;
  dimension: number;
  classes: number;
  /** The training/validation split of conxuntos.dat (used for hyper-parameter selection). */
  trainIndices: Int32Array;
  validationIndices: Int32Array;
  /** The four folds of conxuntos_kfold.dat. */
  folds: { trainIndices: Int32Array; testIndices: Int32Array }[];
}

/**
 * Names of the datasets under `<data>/uci/` (sub-directories holding a `<name>_R.dat`), sorted.
 * @example listUciDatasets().length; // 90 with the shared data directory
 */
export function listUciDatasets(directory: string = dataDirectory()): string[] {
  const root = dataPath(['uci'], directory);
  if (!existsSync(root))
    throw new Error(`listUciDatasets: missing directory ${root} (expected one sub-directory per UCI dataset)`);
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(dataPath(['uci', entry.name, `${entry.name}_R.dat`], directory)),
    )
    .map((entry) => entry.name)
    .sort();
}

/**
 * Loads one UCI dataset, checking its data file against its description file and its
 * splits: indices in range, no index twice in a line, and each split's two sides disjoint.
 * @example loadUci('iris').count; // 150
 */
export function loadUci(name: string, directory: string = dataDirectory()): UciDataset {
  const path = (file: string): string => dataPath(['uci', name, file], directory);
  const dataFile = requireFile(path(`${name}_R.dat`), `the data table of UCI dataset ${name} (tab-separated)`);
  const descriptionFile = requireFile(path(`${name}.txt`), `the description of UCI dataset ${name} (key= value lines)`);
  const splitFile = requireFile(
    path('conxuntos.dat'),
    `the training/validation indices of UCI dataset ${name} (2 lines)`,
  );
  const foldFile = requireFile(path('conxuntos_kfold.dat'), `the 4-fold indices of UCI dataset ${name} (8 lines)`);

  const description = parseDescription(readTextFile(descriptionFile, 'loadUci'), descriptionFile);
  const described = (key: string): number => {
    const value = description.get(key);
    if (value === undefined) throw new Error(`loadUci: ${descriptionFile}: no "${key}= <integer>" line`);
    return value;
  };
  const classes = described('n_clases');
  if (classes < 1)
    throw new Error(`loadUci: ${descriptionFile}: n_clases = ${classes}, expected a positive number of classes`);
  const table = parseTable(readTextFile(dataFile, 'loadUci'), dataFile, classes, descriptionFile);
  for (const [key, actual, what] of [
    ['n_entradas', table.dimension, 'features'],
    ['n_patrons1', table.count, 'rows'],
  ] as const) {
    if (described(key) !== actual) {
      throw new Error(`loadUci: ${descriptionFile}: ${key} = ${described(key)} but ${dataFile} has ${actual} ${what}`);
    }
  }
  const [trainIndices, validationIndices] = parseSplitLines(
    readTextFile(splitFile, 'loadUci'),
    splitFile,
    1,
    table.count,
  );
  const foldLines = parseSplitLines(readTextFile(foldFile, 'loadUci'), foldFile, 4, table.count);
  const folds = [0, 1, 2, 3].map((fold) => ({
    trainIndices: foldLines[2 * fold],
    testIndices: foldLines[2 * fold + 1],
  }));
  return { name, ...table, classes, trainIndices, validationIndices, folds };
}

/** The "key= <integer>" lines of a description file (other lines, such as "fich1= x_R.dat", are skipped); a key given twice is an error. */
function parseDescription(text: string, file: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const { text: line, line: lineNumber } of nonBlankLines(text)) {
    const match = /^\s*(\w+)\s*=\s*(\S*)\s*$/.exec(line);
    if (match === null || !/^n_/.test(match[1])) continue;
    const value = parseInteger(match[2], 0, Number.MAX_SAFE_INTEGER);
    if (value === undefined) {
      throw new Error(
        `loadUci: ${file}: line ${lineNumber}: ${match[1]} is ${JSON.stringify(match[2])}, expected a non-negative integer`,
      );
    }
    if (values.has(match[1]))
      throw new Error(`loadUci: ${file}: line ${lineNumber}: ${match[1]} is given a second time`);
    values.set(match[1], value);
  }
  return values;
}

/** Parses a `_R.dat` table: header, then rows of (row number, features…, class in 0…classes−1). */
function parseTable(
  text: string,
  file: string,
  classes: number,
  descriptionFile: string,
): { features: Float64Array; labels: Int32Array; count: number; dimension: number } {
  const lines = nonBlankLines(text);
  if (lines.length === 0)
    throw new Error(`loadUci: ${file}: empty file (expected a header line and one row per example)`);
  const header = lines[0].text.split('\t');
  const dimension = header.length - 2;
  if (dimension < 1 || header[0].trim() !== '' || header[header.length - 1].trim() !== 'clase') {
    throw new Error(
      `loadUci: ${file}: bad header ${JSON.stringify(lines[0].text.slice(0, 60))} (expected "\\tf1\\t…\\tfd\\tclase")`,
    );
  }
  const count = lines.length - 1;
  const features = new Float64Array(count * dimension);
  const labels = new Int32Array(count);
  for (let row = 0; row < count; row++) {
    const { text: line, line: lineNumber } = lines[row + 1];
    const fields = line.split('\t');
    if (fields.length !== dimension + 2) {
      throw new Error(
        `loadUci: ${file}: line ${lineNumber} has ${fields.length} fields, expected ${dimension + 2} (row number, ${dimension} features, class)`,
      );
    }
    if (parseInteger(fields[0], row + 1, row + 1) === undefined) {
      throw new Error(
        `loadUci: ${file}: line ${lineNumber} is numbered ${JSON.stringify(fields[0])}, expected ${row + 1}`,
      );
    }
    for (let column = 0; column < dimension; column++) {
      const value = parseDecimal(fields[column + 1]);
      if (value === undefined) {
        throw new Error(
          `loadUci: ${file}: line ${lineNumber}, feature f${column + 1} is ${JSON.stringify(fields[column + 1])}, not a decimal number`,
        );
      }
      features[row * dimension + column] = value;
    }
    const label = parseInteger(fields[dimension + 1], 0, classes - 1);
    if (label === undefined) {
      throw new Error(
        `loadUci: ${file}: line ${lineNumber}, class ${JSON.stringify(fields[dimension + 1])} is not an integer in 0…${classes - 1} (n_clases = ${classes} in ${descriptionFile})`,
      );
    }
    labels[row] = label;
  }
  return { features, labels, count, dimension };
}

/**
 * Parses `pairs` pairs of lines of space-separated 0-based row indices, each below `count`:
 * (training, validation) in conxuntos.dat, (training, test) per fold in conxuntos_kfold.dat.
 * An index twice in one line, or on both lines of a pair, is an error (the folds' test
 * lines may overlap one another: the archive draws them independently).
 */
function parseSplitLines(text: string, file: string, pairs: number, count: number): Int32Array[] {
  const lines = nonBlankLines(text);
  if (lines.length !== 2 * pairs) {
    throw new Error(`loadUci: ${file}: ${lines.length} non-empty lines, expected ${2 * pairs} lines of row indices`);
  }
  const indexLines = lines.map(({ text: line, line: lineNumber }) => {
    const seen = new Set<number>();
    return Int32Array.from(line.trim().split(/\s+/), (token) => {
      const index = parseInteger(token, 0, count - 1);
      if (index === undefined)
        throw new Error(
          `loadUci: ${file}: line ${lineNumber} holds ${JSON.stringify(token)}, not a row index in 0…${count - 1}`,
        );
      if (seen.has(index)) throw new Error(`loadUci: ${file}: line ${lineNumber} lists row index ${index} twice`);
      seen.add(index);
      return index;
    });
  });
  for (let pair = 0; pair < pairs; pair++) {
    const first = new Set(indexLines[2 * pair]);
    const shared = indexLines[2 * pair + 1].find((index) => first.has(index));
    if (shared !== undefined) {
      throw new Error(
        `loadUci: ${file}: row index ${shared} is on line ${lines[2 * pair].line} and line ${lines[2 * pair + 1].line}; ` +
          'the two sides of a split must be disjoint',
      );
    }
  }
  return indexLines;
}
