/**
 * The UCI classification datasets as preprocessed by Fernández-Delgado et al., "Do we Need
 * Hundreds of Classifiers to Solve Real World Classification Problems?" (JMLR 2014), the
 * layout used by Arora et al. (ICLR 2020) for small-data NTK experiments. Each
 * `<data>/uci/<name>/` holds:
 *   <name>_R.dat         tab-separated; header "\tf1…fd\tclase"; rows: 1-based row number,
 *                        d standardized features, class 0…c−1
 *   conxuntos.dat        line 1 training, line 2 validation indices (0-based)
 *   conxuntos_kfold.dat  4 folds × (training line, test line)
 *   <name>.txt           "key= value" lines: n_entradas = d, n_clases = c, n_patrons1 = n
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dataDirectory, dataPath, requireFile } from './dir.ts';

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
  if (!existsSync(root)) throw new Error(`listUciDatasets: missing directory ${root} (expected one sub-directory per UCI dataset)`);
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(dataPath(['uci', entry.name, `${entry.name}_R.dat`], directory)))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Loads one UCI dataset, checking its data file against its description file and its splits' indices.
 * @example loadUci('iris').count; // 150
 */
export function loadUci(name: string, directory: string = dataDirectory()): UciDataset {
  const path = (file: string): string => dataPath(['uci', name, file], directory);
  const dataFile = requireFile(path(`${name}_R.dat`), `the data table of UCI dataset ${name} (tab-separated)`);
  const descriptionFile = requireFile(path(`${name}.txt`), `the description of UCI dataset ${name} (key= value lines)`);
  const splitFile = requireFile(path('conxuntos.dat'), `the training/validation indices of UCI dataset ${name} (2 lines)`);
  const foldFile = requireFile(path('conxuntos_kfold.dat'), `the 4-fold indices of UCI dataset ${name} (8 lines)`);

  const description = parseDescription(readFileSync(descriptionFile, 'utf8'));
  const table = parseTable(readFileSync(dataFile, 'utf8'), dataFile);
  const described = (key: string): number => {
    const value = description.get(key);
    if (value === undefined) throw new Error(`loadUci: ${descriptionFile}: no "${key}= <integer>" line`);
    return value;
  };
  const classes = described('n_clases');
  for (const [key, actual, what] of [['n_entradas', table.dimension, 'features'], ['n_patrons1', table.count, 'rows']] as const) {
    if (described(key) !== actual) {
      throw new Error(`loadUci: ${descriptionFile}: ${key} = ${described(key)} but ${dataFile} has ${actual} ${what}`);
    }
  }
  for (let i = 0; i < table.count; i++) {
    if (table.labels[i] < 0 || table.labels[i] >= classes) {
      throw new Error(`loadUci: ${dataFile}: class ${table.labels[i]} of row ${i + 1} is outside 0…${classes - 1} (n_clases = ${classes})`);
    }
  }
  const [trainIndices, validationIndices] = parseIndexLines(readFileSync(splitFile, 'utf8'), splitFile, 2, table.count);
  const foldLines = parseIndexLines(readFileSync(foldFile, 'utf8'), foldFile, 8, table.count);
  const folds = [0, 1, 2, 3].map((fold) => ({ trainIndices: foldLines[2 * fold], testIndices: foldLines[2 * fold + 1] }));
  return { name, ...table, classes, trainIndices, validationIndices, folds };
}

/** The "key= value" lines of a description file, values as numbers (non-numeric ones are skipped). */
function parseDescription(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^\s*(\w+)\s*=\s*(-?\d+)\s*$/.exec(line);
    if (match) values.set(match[1], Number(match[2]));
  }
  return values;
}

/** Parses a `_R.dat` table: header, then rows of (row number, features…, class). */
function parseTable(text: string, file: string): { features: Float64Array; labels: Int32Array; count: number; dimension: number } {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new Error(`loadUci: ${file}: empty file (expected a header line and one row per example)`);
  const header = lines[0].split('\t');
  const dimension = header.length - 2;
  if (dimension < 1 || header[0].trim() !== '' || header[header.length - 1].trim() !== 'clase') {
    throw new Error(`loadUci: ${file}: bad header ${JSON.stringify(lines[0].slice(0, 60))} (expected "\\tf1\\t…\\tfd\\tclase")`);
  }
  const count = lines.length - 1;
  const features = new Float64Array(count * dimension);
  const labels = new Int32Array(count);
  for (let row = 0; row < count; row++) {
    const fields = lines[row + 1].split('\t');
    if (fields.length !== dimension + 2) {
      throw new Error(`loadUci: ${file}: line ${row + 2} has ${fields.length} fields, expected ${dimension + 2} (row number, ${dimension} features, class)`);
    }
    if (Number(fields[0]) !== row + 1) {
      throw new Error(`loadUci: ${file}: line ${row + 2} is numbered ${JSON.stringify(fields[0])}, expected ${row + 1}`);
    }
    for (let column = 0; column < dimension; column++) {
      const value = Number(fields[column + 1]);
      if (fields[column + 1].trim() === '' || !Number.isFinite(value)) {
        throw new Error(`loadUci: ${file}: line ${row + 2}, feature f${column + 1} is ${JSON.stringify(fields[column + 1])}, not a number`);
      }
      features[row * dimension + column] = value;
    }
    const label = Number(fields[dimension + 1]);
    if (!Number.isInteger(label)) {
      throw new Error(`loadUci: ${file}: line ${row + 2}, class ${JSON.stringify(fields[dimension + 1])} is not an integer`);
    }
    labels[row] = label;
  }
  return { features, labels, count, dimension };
}

/** Parses `lineCount` lines of space-separated 0-based row indices, each below `count`. */
function parseIndexLines(text: string, file: string, lineCount: number, count: number): Int32Array[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== lineCount) {
    throw new Error(`loadUci: ${file}: ${lines.length} non-empty lines, expected ${lineCount} lines of row indices`);
  }
  return lines.map((line, lineIndex) =>
    Int32Array.from(line.trim().split(/\s+/), (token) => {
      const index = Number(token);
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`loadUci: ${file}: line ${lineIndex + 1} holds ${JSON.stringify(token)}, not a row index in 0…${count - 1}`);
      }
      return index;
    }),
  );
}
