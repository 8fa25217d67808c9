import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAgNews, parseCsv } from '../../src/data/ag-news.ts';
import { loadCifar10 } from '../../src/data/cifar10.ts';
import { requireFile } from '../../src/data/dir.ts';
import { loadFashionMnist } from '../../src/data/fashion-mnist.ts';
import { parseIdx, readIdxFile } from '../../src/data/idx.ts';
import { loadUci } from '../../src/data/uci.ts';

// Every broken input must produce an error that names the file and what was wrong.
const root = mkdtempSync(join(tmpdir(), 'theorygrad-data-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let directoryCount = 0;
/** A fresh directory under the temporary root with the given files (path → bytes or text). */
function directoryWith(files: Record<string, Uint8Array | string>): string {
  const directory = join(root, `case-${directoryCount++}`);
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(directory, path, '..'), { recursive: true });
    writeFileSync(join(directory, path), contents);
  }
  mkdirSync(directory, { recursive: true });
  return directory;
}

/** An IDX file of unsigned bytes: magic 0x0000 08 rank, extents, then `data`. */
function idxBytes(dimensions: number[], data: Uint8Array, magic = 0x0800 | dimensions.length): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dimensions.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, magic);
  dimensions.forEach((extent, axis) => view.setUint32(4 + 4 * axis, extent));
  bytes.set(data, 4 + 4 * dimensions.length);
  return bytes;
}

const fashionFiles = (images: Uint8Array, labels: Uint8Array): Record<string, Uint8Array> => ({
  'fashion-mnist/t10k-images-idx3-ubyte.gz': gzipSync(images),
  'fashion-mnist/t10k-labels-idx1-ubyte.gz': gzipSync(labels),
});
const twoImages = idxBytes([2, 28, 28], new Uint8Array(2 * 784).fill(255));
const twoLabels = idxBytes([2], Uint8Array.of(3, 7));

describe('IDX and Fashion-MNIST files', () => {
  it('loads a well-formed pair written here', () => {
    const dataset = loadFashionMnist('test', directoryWith(fashionFiles(twoImages, twoLabels)));
    expect([dataset.count, ...dataset.shape, ...dataset.labels, dataset.images[0]]).toEqual([2, 1, 28, 28, 3, 7, 1]);
  });

  it('missing file: names it and what was expected', () => {
    const directory = directoryWith({ 'fashion-mnist/t10k-labels-idx1-ubyte.gz': gzipSync(twoLabels) });
    expect(() => loadFashionMnist('test', directory)).toThrow(
      /requireFile: missing file .*fashion-mnist\/t10k-images-idx3-ubyte\.gz \(expected an IDX file with 3 dimensions/,
    );
  });

  it('truncated IDX: expected N bytes, got M', () => {
    const directory = directoryWith(fashionFiles(twoImages.subarray(0, 1000), twoLabels));
    expect(() => loadFashionMnist('test', directory)).toThrow(
      /t10k-images-idx3-ubyte\.gz: truncated: expected 1584 bytes for dimensions \[2,28,28\], got 1000/,
    );
  });

  it('bad magic number: labels where images are expected, or not IDX at all', () => {
    const swapped = directoryWith(fashionFiles(twoLabels, twoLabels));
    expect(() => loadFashionMnist('test', swapped)).toThrow(
      /t10k-images-idx3-ubyte\.gz: bad magic number 0x00000801 \(expected 0x00000803\)/,
    );
    const text = directoryWith(fashionFiles(new TextEncoder().encode('<html>Not found</html>'), twoLabels));
    expect(() => loadFashionMnist('test', text)).toThrow(/t10k-images-idx3-ubyte\.gz: bad magic number 0x3c68746d/);
  });

  it('corrupt gzip: a plain file with a .gz name, and a damaged stream', () => {
    const plain = directoryWith({
      ...fashionFiles(twoImages, twoLabels),
      'fashion-mnist/t10k-labels-idx1-ubyte.gz': twoLabels,
    });
    expect(() => loadFashionMnist('test', plain)).toThrow(/readIdxFile: .*t10k-labels-idx1-ubyte\.gz: corrupt gzip/);
    const damaged = gzipSync(twoImages);
    const cut = directoryWith({
      ...fashionFiles(twoImages, twoLabels),
      'fashion-mnist/t10k-images-idx3-ubyte.gz': damaged.subarray(0, damaged.length - 6),
    });
    expect(() => loadFashionMnist('test', cut)).toThrow(
      /t10k-images-idx3-ubyte\.gz: corrupt gzip \(unexpected end of file\)/,
    );
  });

  it('labels count differing from images count, and labels out of range', () => {
    const mismatched = directoryWith(fashionFiles(twoImages, idxBytes([1], Uint8Array.of(3))));
    expect(() => loadFashionMnist('test', mismatched)).toThrow(
      /holds 1 labels but .*t10k-images-idx3-ubyte\.gz holds 2 images/,
    );
    const outOfRange = directoryWith(fashionFiles(twoImages, idxBytes([2], Uint8Array.of(3, 12))));
    expect(() => loadFashionMnist('test', outOfRange)).toThrow(
      /loadIdxDataset: .*t10k-labels-idx1-ubyte\.gz: label 12 at index 1 \(byte 9\) is outside 0…9/,
    );
  });

  it('parseIdx rejects trailing bytes, other element types and headers cut short', () => {
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 1, 5, 6), 'x.idx')).toThrow(
      /x\.idx: too long: expected 9 bytes/,
    );
    expect(() => parseIdx(Uint8Array.of(0, 0, 0x0d, 1, 0, 0, 0, 0), 'floats.idx')).toThrow(
      /floats\.idx: .*element type 0xd is not unsigned byte/,
    );
    expect(() => parseIdx(Uint8Array.of(0, 0, 8, 3, 0, 0), 'short.idx')).toThrow(
      /short\.idx: truncated: expected a 16-byte header, got 6 bytes/,
    );
    expect(() => readIdxFile(join(root, 'nowhere.idx'), 1)).toThrow(/missing file .*nowhere\.idx/);
  });
});

describe('CIFAR-10 batches', () => {
  const record = (label: number): Uint8Array => {
    const bytes = new Uint8Array(3073).fill(51);
    bytes[0] = label;
    return bytes;
  };

  it('loads whichever training batches exist, in order', () => {
    const directory = directoryWith({
      'cifar-10-batches-bin/data_batch_1.bin': record(4),
      'cifar-10-batches-bin/data_batch_3.bin': Buffer.concat([record(1), record(2)]),
    });
    const train = loadCifar10('train', directory, { recordsPerBatch: 'any' });
    expect([train.count, ...train.labels]).toEqual([3, 4, 1, 2]);
    expect(train.images[0]).toBeCloseTo(0.2, 6);
  });

  it('no training batch: names the files it looked for', () => {
    const directory = directoryWith({ 'cifar-10-batches-bin/test_batch.bin': record(0) });
    expect(() => loadCifar10('train', directory)).toThrow(
      /loadCifar10: no training batch found: missing files .*data_batch_1\.bin, .*data_batch_5\.bin/,
    );
  });

  it('wrong length: not a multiple of the 3073-byte record', () => {
    const directory = directoryWith({ 'cifar-10-batches-bin/test_batch.bin': new Uint8Array(3073 * 2 + 100) });
    expect(() => loadCifar10('test', directory)).toThrow(
      /test_batch\.bin: length 6246 bytes is not a positive multiple of the 3073-byte record/,
    );
  });

  it('missing test batch, and a label above 9', () => {
    expect(() => loadCifar10('test', directoryWith({}))).toThrow(
      /missing file .*cifar-10-batches-bin\/test_batch\.bin/,
    );
    const directory = directoryWith({ 'cifar-10-batches-bin/test_batch.bin': Buffer.concat([record(0), record(10)]) });
    expect(() => loadCifar10('test', directory, { recordsPerBatch: 2 })).toThrow(
      /test_batch\.bin: label 10 of record 1 \(byte 3073\) is outside 0…9/,
    );
  });
});

describe('UCI datasets', () => {
  const toy = {
    'uci/toy/toy_R.dat': '\tf1\tf2\tclase\n1\t0.5\t-1\t0\n2\t-0.5\t1\t1\n3\t0\t0\t1\n',
    'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 2\nn_arquivos= 1\nfich1= toy_R.dat\nn_patrons1= 3\n',
    'uci/toy/conxuntos.dat': '0 2 \n1 \n',
    'uci/toy/conxuntos_kfold.dat': '0 1 \n2 \n1 2 \n0 \n0 2 \n1 \n2 0 \n1 \n',
  };

  it('loads a well-formed dataset written here', () => {
    const dataset = loadUci('toy', directoryWith(toy));
    expect(Array.from(dataset.features)).toEqual([0.5, -1, -0.5, 1, 0, 0]);
    expect([...dataset.labels, dataset.classes, ...dataset.trainIndices, ...dataset.validationIndices]).toEqual([
      0, 1, 1, 2, 0, 2, 1,
    ]);
    expect(dataset.folds.map((fold) => [...fold.testIndices])).toEqual([[2], [0], [1], [1]]);
  });

  it('missing files: each names the file and what it holds', () => {
    for (const [file, expected] of [
      ['toy_R.dat', 'the data table'],
      ['toy.txt', 'the description'],
      ['conxuntos.dat', 'the training/validation indices'],
      ['conxuntos_kfold.dat', 'the 4-fold indices'],
    ]) {
      const files: Record<string, string> = { ...toy };
      delete files[`uci/toy/${file}`];
      expect(() => loadUci('toy', directoryWith(files))).toThrow(
        new RegExp(`missing file .*uci/toy/${file.replace('.', '\\.')} \\(expected ${expected}`),
      );
    }
  });

  it('malformed contents: row width, description mismatch, index out of range, wrong line count', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'uci/toy/toy_R.dat': '\tf1\tf2\tclase\n1\t0.5\t0\n' }, /toy_R\.dat: line 2 has 3 fields, expected 4/],
      [
        { 'uci/toy/toy_R.dat': '\tf1\tf2\tclase\n1\t0.5\tx\t0\n' },
        /toy_R\.dat: line 2, feature f2 is "x", not a decimal number/,
      ],
      [
        { 'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 2\nn_patrons1= 4\n' },
        /toy\.txt: n_patrons1 = 4 but .*toy_R\.dat has 3 rows/,
      ],
      [
        { 'uci/toy/toy.txt': 'n_entradas= 2\nn_clases= 1\nn_patrons1= 3\n' },
        /toy_R\.dat: line 3, class "1" is not an integer in 0…0/,
      ],
      [{ 'uci/toy/conxuntos.dat': '0 3\n1\n' }, /conxuntos\.dat: line 1 holds "3", not a row index in 0…2/],
      [{ 'uci/toy/conxuntos_kfold.dat': '0 1\n2\n' }, /conxuntos_kfold\.dat: 2 non-empty lines, expected 8/],
    ];
    for (const [override, message] of cases)
      expect(() => loadUci('toy', directoryWith({ ...toy, ...override }))).toThrow(message);
  });
});

describe('AG News CSV', () => {
  it('missing file, bad class, bad field count and an unterminated quote name the file', () => {
    expect(() => loadAgNews('test', directoryWith({}))).toThrow(
      /missing file .*ag_news\/test\.csv \(expected the AG News test split/,
    );
    const badClass = directoryWith({ 'ag_news/test.csv': '"1","t","d"\n"5","t","d"\n' });
    expect(() => loadAgNews('test', badClass)).toThrow(
      /test\.csv: line 2 \(row 2\) has 3 fields beginning "5", expected 3 fields with a class in 1–4/,
    );
    const twoFields = directoryWith({ 'ag_news/test.csv': '"1","t"\n' });
    expect(() => loadAgNews('test', twoFields)).toThrow(/test\.csv: line 1 \(row 1\) has 2 fields/);
    expect(() => parseCsv('"1","abc\n"2","x"\n', 'cut.csv')).toThrow(
      /cut\.csv: line 2: unexpected "2" after a closing quote/,
    );
    expect(() => parseCsv('"1","abc\n', 'open.csv')).toThrow(/open\.csv: unterminated quoted field starting on line 1/);
  });

  it('requireFile rejects a directory in place of a file', () => {
    expect(() => requireFile(root, 'a CSV file')).toThrow(/is not a regular file \(expected a CSV file\)/);
  });
});
