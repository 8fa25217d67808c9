/**
 * AG News (Zhang, Zhao, LeCun, NeurIPS 2015) from the release's CSV files
 * `<data>/ag_news/{train,test}.csv`: no header, three quoted fields per row (class 1–4,
 * title, description), and a simple bag-of-words encoding for linear and kernel models.
 * Texts are returned as written in the file; its line-break marker (a backslash) and
 * HTML remnants such as "#36;" are left alone, since the tokenizer drops non-letters anyway.
 */
import { checkSplit, type Split } from './dataset.ts';
import { dataDirectory, dataPath, requireFile } from './dir.ts';
import { parseInteger, readTextFile } from './parse.ts';

/** Class names of labels 0–3 (the file's classes 1–4). */
export const agNewsClasses: readonly string[] = ['World', 'Sports', 'Business', 'Sci/Tech'];

/** A labelled text dataset. */
export interface TextDataset {
  titles: string[];
  descriptions: string[];
  /** Title and description joined by a space: the usual input of a bag-of-words model. */
  texts: string[];
  /** 0-based class of each text. */
  labels: Int32Array;
  count: number;
  classes: number;
  name: string;
}

/** One CSV row: its fields and the line it starts on (a quoted field may span lines). */
export interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * Parses CSV text (RFC 4180: fields optionally in double quotes, which may hold commas,
 * newlines and doubled quotes ""); `source` is quoted in errors.
 * @example parseCsv('"1","a ""b"", c"\n', 'inline'); // [['1', 'a "b", c']]
 */
export function parseCsv(text: string, source: string): string[][] {
  return parseCsvRows(text, source).map((row) => row.fields);
}

/**
 * parseCsv, keeping the line each row starts on, so that errors about a row can cite it.
 * @example parseCsvRows('"1","a\nb"\n"2","c"\n', 'inline')[1].line; // 3
 */
export function parseCsvRows(text: string, source: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = '';
  let rowStarted = false; // so that a final row without a newline, even `""`, is kept
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  while (i < text.length) {
    const character = text[i];
    if (character !== '\n' && character !== '\r') rowStarted = true;
    if (character === '"' && field === '') {
      const startLine = line;
      i++;
      for (;;) {
        if (i >= text.length)
          throw new Error(`parseCsv: ${source}: unterminated quoted field starting on line ${startLine}`);
        if (text[i] === '"') {
          if (text[i + 1] !== '"') break;
          field += '"';
          i += 2;
        } else {
          if (text[i] === '\n') line++;
          field += text[i++];
        }
      }
      i++; // the closing quote
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new Error(
          `parseCsv: ${source}: line ${line}: unexpected ${JSON.stringify(next)} after a closing quote (expected a comma or end of line)`,
        );
      }
    } else if (character === ',') {
      endField();
      i++;
    } else if (character === '\n' || character === '\r') {
      endField();
      rows.push({ fields: row, line: rowLine });
      row = [];
      rowStarted = false;
      i += character === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
    } else {
      field += character;
      i++;
    }
  }
  if (rowStarted) {
    endField();
    rows.push({ fields: row, line: rowLine });
  }
  return rows;
}

/** Rows in the release's files, checked by default so that a file cut at a row boundary is not read as a smaller split. */
const releaseRows = { train: 120000, test: 7600 } as const;

/** Options of loadAgNews. */
export interface LoadAgNewsOptions {
  /** Rows the file must hold: the release's count by default (120,000 train, 7,600 test); 'any' accepts any positive count (e.g. a subset). */
  rows?: number | 'any';
}

/**
 * AG News' training (120,000) or test (7,600) split; labels 0–3 (World, Sports, Business, Sci/Tech).
 * Errors name the file and the line of the row at fault; an empty file is an error.
 * @example loadAgNews('test').count; // 7600
 */
export function loadAgNews(
  split: Split,
  directory: string = dataDirectory(),
  options: LoadAgNewsOptions = {},
): TextDataset {
  const expectedRows = options.rows ?? releaseRows[checkSplit('loadAgNews', split)];
  if (expectedRows !== 'any' && !(Number.isInteger(expectedRows) && expectedRows > 0)) {
    throw new Error(
      `loadAgNews: options.rows must be a positive integer or 'any', got ${JSON.stringify(expectedRows)}`,
    );
  }
  const path = requireFile(
    dataPath(['ag_news', `${split}.csv`], directory),
    `the AG News ${split} split (CSV: class 1–4, title, description)`,
  );
  const rows = parseCsvRows(readTextFile(path, 'loadAgNews'), path);
  if (rows.length === 0)
    throw new Error(`loadAgNews: ${path}: empty file (expected rows of class 1–4, title, description)`);
  const labels = new Int32Array(rows.length);
  rows.forEach(({ fields, line }, index) => {
    const label = parseInteger(fields[0], 1, 4);
    if (fields.length !== 3 || label === undefined) {
      throw new Error(
        `loadAgNews: ${path}: line ${line} (row ${index + 1}) has ${fields.length} fields beginning ${JSON.stringify(fields[0])}, ` +
          'expected 3 fields with a class in 1–4',
      );
    }
    labels[index] = label - 1;
  });
  if (expectedRows !== 'any' && rows.length !== expectedRows) {
    throw new Error(
      `loadAgNews: ${path}: ${rows.length} rows, expected ${expectedRows} (the ${split} split); ` +
        "the file is cut short or not the release's (pass { rows: 'any' } to load a subset)",
    );
  }
  const titles = rows.map(({ fields }) => fields[1]);
  const descriptions = rows.map(({ fields }) => fields[2]);
  const texts = rows.map(({ fields }) => `${fields[1]} ${fields[2]}`);
  return { titles, descriptions, texts, labels, count: rows.length, classes: 4, name: `ag-news-${split}` };
}

/**
 * Lower-cased words: maximal runs of Unicode letters; everything else separates.
 * @example tokenize("Wall St. Bears' claws"); // ['wall', 'st', 'bears', 'claws']
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/\p{L}+/gu) ?? [];
}

/**
 * The `size` most frequent words of `texts` (total occurrences; ties broken alphabetically so the result is deterministic).
 * @example buildVocabulary(['a b b', 'c b a'], 2); // ['b', 'a']
 */
export function buildVocabulary(texts: readonly string[], size: number): string[] {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`buildVocabulary: size must be a positive integer, got ${size}`);
  const frequency = new Map<string, number>();
  for (const text of texts) for (const word of tokenize(text)) frequency.set(word, (frequency.get(word) ?? 0) + 1);
  return [...frequency.entries()]
    .sort(([wordA, countA], [wordB, countB]) => countB - countA || (wordA < wordB ? -1 : wordA > wordB ? 1 : 0))
    .slice(0, size)
    .map(([word]) => word);
}

/**
 * Bag-of-words vectors, texts.length × vocabulary.length row-major: word counts, or with
 * 'tf' the counts divided by the text's total number of words (out-of-vocabulary ones included).
 * @example encodeBagOfWords(['b a b x'], ['b', 'a'], 'tf'); // Float32Array [0.5, 0.25]
 */
export function encodeBagOfWords(
  texts: readonly string[],
  vocabulary: readonly string[],
  weighting: 'counts' | 'tf' = 'counts',
): Float32Array {
  if (weighting !== 'counts' && weighting !== 'tf') {
    throw new Error(`encodeBagOfWords: weighting must be 'counts' or 'tf', got ${JSON.stringify(weighting)}`);
  }
  const column = new Map<string, number>();
  vocabulary.forEach((word, index) => {
    if (column.has(word)) throw new Error(`encodeBagOfWords: vocabulary lists ${JSON.stringify(word)} twice`);
    column.set(word, index);
  });
  const width = vocabulary.length;
  const vectors = new Float32Array(texts.length * width);
  texts.forEach((text, row) => {
    const words = tokenize(text);
    const weight = weighting === 'tf' && words.length > 0 ? 1 / words.length : 1;
    for (const word of words) {
      const index = column.get(word);
      if (index !== undefined) vectors[row * width + index] += weight;
    }
  });
  return vectors;
}
