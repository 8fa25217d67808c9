/**
 * Regression cases for the bad inputs that loaded silently before the loaders parsed
 * strictly (issue 13), one class per test: each is now an error naming the loader, the file
 * and the line (or record and byte), unless the caller opts in explicitly.
 */
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadAgNews, parseCsvRows } from '../../src/data/ag-news.ts';
import { loadCifar10 } from '../../src/data/cifar10.ts';
import { loadFashionMnist } from '../../src/data/fashion-mnist.ts';
import { parseDecimal, parseInteger } from '../../src/data/parse.ts';
import { loadUci } from '../../src/data/uci.ts';
import { idxBytes, temporaryRoot, writeFiles } from './files.ts';

const root = temporaryRoot('strict');
let caseCount = 0;
const directoryWith = (files: Record<string, Uint8Array | string>): string =>
  writeFiles(join(root, `case-${caseCount++}`), files);

describe('cells', () => {
  it('decimals: what the releases write, nothing that Number() would also take', () => {
    expect(['0', '-1.5', '+.5', '3.', '2.1e-05', '-0.897674', '1E3'].map(parseDecimal)).toEqual([
      0, -1.5, 0.5, 3, 2.1e-5, -0.897674, 1000,
    ]);
    for (const bad of [
      '',
      ' ',
      ' 1',
      '1 ',
      '0x10',
      '0b11',
      '0o7',
      '1e',
      'e5',
      '.',
      '-',
      'Infinity',
      'NaN',
      '1e999',
      '1_000',
      '1,5',
    ]) {
      expect(parseDecimal(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('integers: decimal digits only, no sign, within the range (no 1.0, no wrap-around beyond int32)', () => {
    expect([parseInteger('7', 0, 9), parseInteger('007', 0, 9), parseInteger('4294967296', 0, 2 ** 40)]).toEqual([
      7,
      7,
      2 ** 32,
    ]);
    for (const bad of ['', ' ', '1.0', '0x1', ' 1', '+1', '-1', '1e0', '10', '4294967296'])
      expect(parseInteger(bad, 0, 9), JSON.stringify(bad)).toBeUndefined();
  });
});

describe('UCI', () => {
  const toy = {
    'uci/toy/toy_R.dat': '\tf1\tf2\tclase\n1\t0.5\t-1\t0\n2\t-0.5\t1\t1\n3\t0\t0\t1\n',
    'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 2\nn_patrons1= 3\n',
    'uci/toy/conxuntos.dat': '0 2 \n1 \n',
    'uci/toy/conxuntos_kfold.dat': '0 1 \n2 \n1 2 \n0 \n0 2 \n1 \n2 0 \n1 \n',
  };
  const table = (row1: string): string => `\tf1\tf2\tclase\n${row1}\n2\t-0.5\t1\t1\n3\t0\t0\t1\n`;
  const load = (files: Record<string, string>) => loadUci('toy', directoryWith({ ...toy, ...files }));

  it('non-decimal features (hex, binary, padded, empty, "1e") name the file, line and feature', () => {
    for (const cell of ['0x10', '0b11', ' 1 ', '', '1e', 'Infinity']) {
      expect(() => load({ 'uci/toy/toy_R.dat': table(`1\t${cell}\t-1\t0`) })).toThrow(
        `toy_R.dat: line 2, feature f1 is ${JSON.stringify(cell)}, not a decimal number`,
      );
    }
  });

  it('classes must be integers in 0…n_clases−1: empty, blank, 1.0, hex and 2^32 (which wrapped to 0) are errors', () => {
    for (const cell of ['', ' ', '1.0', '0x1', '4294967296', '2']) {
      expect(() => load({ 'uci/toy/toy_R.dat': table(`1\t0.5\t-1\t${cell}`) })).toThrow(
        new RegExp(
          `^loadUci: .*toy_R\\.dat: line 2, class ${JSON.stringify(cell).replace('.', '\\.')} is not an integer in 0…1 \\(n_clases = 2 in .*toy\\.txt\\)$`,
        ),
      );
    }
    expect(() => load({ 'uci/toy/toy_R.dat': table('0x1\t0.5\t-1\t0') })).toThrow(
      /toy_R\.dat: line 2 is numbered "0x1", expected 1/,
    );
  });

  it('row indices: decimal, in range, once per line, and the two sides of each split disjoint', () => {
    expect(() => load({ 'uci/toy/conxuntos.dat': '0 2\n0x1\n' })).toThrow(
      /conxuntos\.dat: line 2 holds "0x1", not a row index in 0…2/,
    );
    expect(() => load({ 'uci/toy/conxuntos.dat': '0 2\n1.0\n' })).toThrow(/conxuntos\.dat: line 2 holds "1\.0"/);
    expect(() => load({ 'uci/toy/conxuntos.dat': '0 0 2\n1\n' })).toThrow(
      /conxuntos\.dat: line 1 lists row index 0 twice/,
    );
    expect(() => load({ 'uci/toy/conxuntos.dat': '0 1 2\n1\n' })).toThrow(
      /conxuntos\.dat: row index 1 is on line 1 and line 2; the two sides of a split must be disjoint/,
    );
    expect(() => load({ 'uci/toy/conxuntos_kfold.dat': '0 1\n2\n1 2\n0\n0 2\n1\n2 0\n0\n' })).toThrow(
      /conxuntos_kfold\.dat: row index 0 is on line 7 and line 8; the two sides of a split must be disjoint/,
    );
  });

  it('description: a key given twice or a non-integer count is an error naming the line', () => {
    expect(() => load({ 'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 2\nn_clases= 5\nn_patrons1= 3\n' })).toThrow(
      /toy\.txt: line 3: n_clases is given a second time/,
    );
    expect(() => load({ 'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 2.5\nn_patrons1= 3\n' })).toThrow(
      /toy\.txt: line 2: n_clases is "2\.5", expected a non-negative integer/,
    );
    expect(() => load({ 'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 0\nn_patrons1= 3\n' })).toThrow(
      /toy\.txt: n_clases = 0, expected a positive number of classes/,
    );
  });

  it('a file cut inside its last line, or not UTF-8, is an error; CRLF line ends and blank lines load, with true line numbers', () => {
    expect(() => load({ 'uci/toy/conxuntos.dat': '0 2\n1' })).toThrow(
      /conxuntos\.dat: line 2 does not end with a newline; the file looks cut short/,
    );
    expect(() =>
      loadUci(
        'toy',
        directoryWith({ ...toy, 'uci/toy/toy_R.dat': Buffer.from('\tf1\tf2\tclase\n1\t0.5\t-1\t\xff\n', 'latin1') }),
      ),
    ).toThrow(/toy_R\.dat: not valid UTF-8 text \(first bad byte sequence on line 2\)/);
    const crlf = load({ 'uci/toy/toy_R.dat': table('1\t0.5\t-1\t0').replaceAll('\n', '\r\n') });
    expect(Array.from(crlf.labels)).toEqual([0, 1, 1]);
    expect(() => load({ 'uci/toy/toy_R.dat': `\n${table('1\t0.5\t-1\tx')}` })).toThrow(/toy_R\.dat: line 3, class "x"/);
  });
});

describe('CIFAR-10', () => {
  const record = (label: number): Uint8Array => Uint8Array.from({ length: 3073 }, (_, i) => (i === 0 ? label : 51));

  it("a batch of fewer (or more) records than the release's 10,000 is an error unless the caller opts in", () => {
    const directory = directoryWith({ 'cifar-10-batches-bin/test_batch.bin': Buffer.concat([record(1), record(2)]) });
    expect(() => loadCifar10('test', directory)).toThrow(
      /^loadCifar10: .*test_batch\.bin: 2 records \(6146 bytes\), expected a batch of 10000 \(30730000 bytes\); the file is cut short/,
    );
    expect(() => loadCifar10('test', directory, { recordsPerBatch: 3 })).toThrow(
      /2 records \(6146 bytes\), expected a batch of 3/,
    );
    expect(Array.from(loadCifar10('test', directory, { recordsPerBatch: 'any' }).labels)).toEqual([1, 2]);
    expect(() => loadCifar10('test', directory, { recordsPerBatch: 0 })).toThrow(
      /options\.recordsPerBatch must be a positive integer or 'any', got 0/,
    );
  });
});

describe('AG News', () => {
  it("an empty file is an error, and so is a row count other than the release's unless the caller opts in", () => {
    expect(() => loadAgNews('test', directoryWith({ 'ag_news/test.csv': '' }))).toThrow(
      /^loadAgNews: .*test\.csv: empty file/,
    );
    const three = directoryWith({ 'ag_news/test.csv': '"1","a","b"\n"2","c","d"\n"3","e","f"\n' });
    expect(() => loadAgNews('test', three)).toThrow(
      /test\.csv: 3 rows, expected 7600 \(the test split\); the file is cut short/,
    );
    expect(Array.from(loadAgNews('test', three, { rows: 'any' }).labels)).toEqual([0, 1, 2]);
    expect(() => loadAgNews('test', directoryWith({ 'ag_news/test.csv': '' }), { rows: 'any' })).toThrow(/empty file/);
  });

  it('classes are the digits 1–4 exactly: " 1", "1.0", "0x1" and "+1" are errors naming the line', () => {
    for (const label of [' 1', '1.0', '0x1', '+1']) {
      const directory = directoryWith({ 'ag_news/test.csv': `"2","t","d"\n"${label}","t","d"\n` });
      expect(() => loadAgNews('test', directory, { rows: 'any' })).toThrow(
        `test.csv: line 2 (row 2) has 3 fields beginning ${JSON.stringify(label)}`,
      );
    }
  });

  it('errors cite the line a row starts on, past quoted fields spanning lines; invalid UTF-8 is an error', () => {
    expect(parseCsvRows('"1","t","d\nd\nd"\n"9","t","d"\n', 'x.csv').map((row) => row.line)).toEqual([1, 4]);
    const multiline = directoryWith({ 'ag_news/test.csv': '"1","t","d\nd\nd"\n"9","t","d"\n' });
    expect(() => loadAgNews('test', multiline, { rows: 'any' })).toThrow(
      /test\.csv: line 4 \(row 2\) has 3 fields beginning "9"/,
    );
    const latin1 = directoryWith({ 'ag_news/test.csv': Buffer.from('"1","caf\xe9","d"\n', 'latin1') });
    expect(() => loadAgNews('test', latin1, { rows: 'any' })).toThrow(
      /test\.csv: not valid UTF-8 text \(first bad byte sequence on line 1\)/,
    );
  });
});

describe('IDX (MNIST, Fashion-MNIST)', () => {
  const load = (images: Uint8Array, labels: Uint8Array) =>
    loadFashionMnist(
      'test',
      directoryWith({
        'fashion-mnist/t10k-images-idx3-ubyte.gz': gzipSync(images),
        'fashion-mnist/t10k-labels-idx1-ubyte.gz': gzipSync(labels),
      }),
    );

  it('an out-of-range label names the labels file, its index and byte offset', () => {
    expect(() => load(idxBytes([1, 28, 28], new Uint8Array(784)), idxBytes([1], Uint8Array.of(12)))).toThrow(
      /^loadIdxDataset: .*t10k-labels-idx1-ubyte\.gz: label 12 at index 0 \(byte 8\) is outside 0…9$/,
    );
  });

  it('no images, or images of another size than 28×28, are errors naming the images file', () => {
    expect(() => load(idxBytes([0, 28, 28], new Uint8Array(0)), idxBytes([0], new Uint8Array(0)))).toThrow(
      /t10k-images-idx3-ubyte\.gz: dimensions \[0,28,28\] hold no image/,
    );
    expect(() => load(idxBytes([1, 10, 10], new Uint8Array(100)), idxBytes([1], Uint8Array.of(1)))).toThrow(
      /t10k-images-idx3-ubyte\.gz: images are 10×10, expected 28×28 for fashion-mnist-test/,
    );
  });
});
