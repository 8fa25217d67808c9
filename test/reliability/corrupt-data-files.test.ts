/**
 * Random truncations and byte changes of every dataset format (IDX, CIFAR-10 binary, the UCI
 * .dat/.txt files, AG News CSV), on small synthetic files: each must load the data the
 * corrupted bytes literally hold (checked against a naive reference reader), or fail with an
 * Error naming the loader and the file; never a TypeError/RangeError, NaN or a wrong value.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadAgNews, parseCsv } from '../../src/data/ag-news.ts';
import { loadCifar10 } from '../../src/data/cifar10.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { loadFashionMnist } from '../../src/data/fashion-mnist.ts';
import { loadUci } from '../../src/data/uci.ts';
import {
  corrupt,
  corruptionOf,
  fileRuns,
  idxBytes,
  rightDataOrClearError,
  temporaryRoot,
  writeFiles,
} from './files.ts';

const root = temporaryRoot('corrupt-data');
const idxLoaders = ['loadIdxDataset', 'readIdxFile', 'parseIdx'];

describe('Fashion-MNIST IDX files (gzipped)', () => {
  const directory = join(root, 'fashion');
  const images = idxBytes(
    [3, 28, 28],
    Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 37) % 256),
  );
  const labels = idxBytes([3], Uint8Array.of(9, 0, 4));
  const load = (imageBytes: Uint8Array, labelBytes: Uint8Array): Dataset => {
    writeFiles(directory, {
      'fashion-mnist/t10k-images-idx3-ubyte.gz': gzipSync(imageBytes),
      'fashion-mnist/t10k-labels-idx1-ubyte.gz': gzipSync(labelBytes),
    });
    return loadFashionMnist('test', directory);
  };
  /** The naive reading of an IDX pair: header skipped, pixels / 255, labels as bytes. */
  const expectIdxData = (dataset: Dataset, imageBytes: Uint8Array, labelBytes: Uint8Array): void => {
    expect(dataset.count).toBe(3);
    expect(Array.from(dataset.labels)).toEqual(Array.from(labelBytes.subarray(8)));
    expect(dataset.images).toEqual(Float32Array.from(imageBytes.subarray(16), (value) => value / 255));
  };

  it('a corrupted images or labels file loads what it holds or names the file', () => {
    const corruptions = fc
      .boolean()
      .chain((inImages) => fc.tuple(fc.constant(inImages), corruptionOf((inImages ? images : labels).length)));
    fc.assert(
      fc.property(corruptions, ([inImages, corruption]) => {
        const imageBytes = inImages ? corrupt(images, corruption) : images;
        const labelBytes = inImages ? labels : corrupt(labels, corruption);
        const file = inImages ? 't10k-images-idx3-ubyte.gz' : 't10k-labels-idx1-ubyte.gz';
        rightDataOrClearError(
          () => load(imageBytes, labelBytes),
          idxLoaders,
          file,
          (dataset) => expectIdxData(dataset, imageBytes, labelBytes),
        );
      }),
      fileRuns,
    );
  });

  it('a corrupted gzip stream is an error naming the file, or (a change in the gzip header) the original data', () => {
    const gzipped = gzipSync(images);
    fc.assert(
      fc.property(corruptionOf(gzipped.length), (corruption) => {
        const path = join(directory, 'fashion-mnist', 't10k-images-idx3-ubyte.gz');
        rightDataOrClearError(
          () => {
            writeFiles(directory, {
              'fashion-mnist/t10k-images-idx3-ubyte.gz': corrupt(gzipped, corruption),
              'fashion-mnist/t10k-labels-idx1-ubyte.gz': gzipSync(labels),
            });
            return loadFashionMnist('test', directory);
          },
          idxLoaders,
          path,
          (dataset) => expectIdxData(dataset, images, labels),
        );
      }),
      fileRuns,
    );
  });
});

describe('CIFAR-10 binary batches', () => {
  const directory = join(root, 'cifar');
  const batch = Uint8Array.from({ length: 3 * 3073 }, (_, i) =>
    i % 3073 === 0 ? [3, 8, 0][i / 3073] : (i * 11) % 256,
  );

  it('a truncated batch is always an error; a changed byte loads what the file holds (or a label above 9 is an error)', () => {
    fc.assert(
      fc.property(corruptionOf(batch.length), (corruption) => {
        const bad = corrupt(batch, corruption);
        writeFiles(directory, { 'cifar-10-batches-bin/test_batch.bin': bad });
        const threw = rightDataOrClearError(
          () => loadCifar10('test', directory, { recordsPerBatch: 3 }),
          ['loadCifar10'],
          'test_batch.bin',
          (dataset) => {
            expect(Array.from(dataset.labels)).toEqual([0, 1, 2].map((record) => bad[record * 3073]));
            expect(dataset.images).toEqual(
              Float32Array.from(
                bad.filter((_, i) => i % 3073 !== 0),
                (value) => value / 255,
              ),
            );
          },
        );
        if (corruption.kind === 'truncate') expect(threw).toBe(true);
      }),
      fileRuns,
    );
  });
});

describe('UCI files (Fernández-Delgado layout)', () => {
  const directory = join(root, 'uci');
  const files: Record<string, string> = {
    'uci/toy/toy_R.dat':
      '\tf1\tf2\tclase\n1\t0.5\t-1.25\t10\n2\t-0.5\t2.5e-05\t3\n3\t0\t1\t11\n4\t1.75\t-0.125\t0\n5\t-2\t0.3\t7\n6\t0.01\t-3\t1\n',
    'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 12\nn_arquivos= 1\nfich1= toy_R.dat\nn_patrons1= 6\nn_conxuntos= 1\n',
    'uci/toy/conxuntos.dat': '0 2 4 \n1 3 5 \n',
    'uci/toy/conxuntos_kfold.dat': '0 1 2 \n3 4 5 \n3 4 5 \n0 1 2 \n0 2 4 \n1 3 5 \n1 3 5 \n0 2 4 \n',
  };
  const encoded = Object.fromEntries(
    Object.entries(files).map(([path, text]) => [path, new TextEncoder().encode(text)]),
  );

  /** The naive reading of the files (Number() on every cell), against which a successful load is checked. */
  const expectUciData = (dataset: ReturnType<typeof loadUci>, texts: Record<string, string>): void => {
    const lines = (path: string): string[] => texts[path].split('\n').filter((line) => line.trim() !== '');
    const described = new Map(
      lines('uci/toy/toy.txt').map((line) => [line.split('=')[0].trim(), Number(line.split('=')[1])]),
    );
    const rows = lines('uci/toy/toy_R.dat')
      .slice(1)
      .map((line) => line.split('\t').map(Number));
    const indices = (path: string): number[][] => lines(path).map((line) => line.trim().split(/\s+/).map(Number));
    expect(dataset.classes).toBe(described.get('n_clases'));
    expect(Array.from(dataset.features)).toEqual(rows.flatMap((row) => row.slice(1, -1)));
    expect(dataset.features.every(Number.isFinite)).toBe(true);
    expect(Array.from(dataset.labels)).toEqual(rows.map((row) => row[row.length - 1]));
    expect([dataset.trainIndices, dataset.validationIndices].map((line) => Array.from(line))).toEqual(
      indices('uci/toy/conxuntos.dat'),
    );
    expect(dataset.folds.flatMap((fold) => [Array.from(fold.trainIndices), Array.from(fold.testIndices)])).toEqual(
      indices('uci/toy/conxuntos_kfold.dat'),
    );
  };

  it('loads the uncorrupted files', () => {
    expectUciData(loadUci('toy', writeFiles(directory, files)), files);
  });

  it('a truncated file is an error or (a cut in the unused tail of toy.txt) the same data; a changed byte loads what the files say or names the file', () => {
    const paths = Object.keys(files);
    const corruptions = fc
      .constantFrom(...paths)
      .chain((path) => fc.tuple(fc.constant(path), corruptionOf(encoded[path].length)));
    fc.assert(
      fc.property(corruptions, ([path, corruption]) => {
        const bad = { ...encoded, [path]: corrupt(encoded[path], corruption) };
        writeFiles(directory, bad);
        const texts = Object.fromEntries(
          Object.entries(bad).map(([name, bytes]) => [name, new TextDecoder().decode(bytes)]),
        );
        const threw = rightDataOrClearError(
          () => loadUci('toy', directory),
          ['loadUci'],
          path.split('/').pop()!,
          (dataset) => expectUciData(dataset, texts),
        );
        if (corruption.kind === 'truncate' && path !== 'uci/toy/toy.txt') expect(threw).toBe(true);
      }),
      {
        ...fileRuns,
        // n_clases 3 → 2 in toy.txt: the class check fails in toy_R.dat, and must name toy.txt too.
        examples: [[['uci/toy/toy.txt', { kind: 'flip', offset: 24, mask: 1 }]]],
      },
    );
  });
});

describe('AG News CSV', () => {
  const directory = join(root, 'ag-news');
  const csv = new TextEncoder().encode(
    '"3","Wall St. Bears Claw Back","Reuters - Short-sellers, Wall Street\'s dwindling band"\n' +
      '"4","Spaceflight","SPACE.com - TORONTO, Canada -- A second\\team of rocketeers"\n' +
      '"2","Phelps ""wins""","ATHENS (Reuters) - Michael Phelps won gold"\n' +
      '"1","Talks","The talks ended"\n' +
      '"3","Oil","Oil prices rose, again"\n',
  );

  it('a truncated file is always an error; a changed byte loads exactly what the CSV says (classes 1–4) or names the file', () => {
    fc.assert(
      fc.property(corruptionOf(csv.length), (corruption) => {
        const bad = corrupt(csv, corruption);
        writeFiles(directory, { 'ag_news/test.csv': bad });
        const threw = rightDataOrClearError(
          () => loadAgNews('test', directory, { rows: 5 }),
          ['loadAgNews', 'parseCsv'],
          'test.csv',
          (dataset) => {
            const rows = parseCsv(readFileSync(join(directory, 'ag_news', 'test.csv'), 'utf8'), 'reference');
            expect(rows.map((fields) => fields.length)).toEqual([3, 3, 3, 3, 3]);
            expect(Array.from(dataset.labels)).toEqual(rows.map((fields) => Number(fields[0]) - 1));
            expect(dataset.labels.every((label) => label >= 0 && label <= 3)).toBe(true);
            expect([dataset.titles, dataset.descriptions]).toEqual([
              rows.map((fields) => fields[1]),
              rows.map((fields) => fields[2]),
            ]);
            expect(dataset.texts.some((text) => text.includes('\uFFFD'))).toBe(false);
          },
        );
        if (corruption.kind === 'truncate') expect(threw).toBe(true);
      }),
      fileRuns,
    );
  });
});
