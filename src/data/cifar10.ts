/**
 * CIFAR-10 (Krizhevsky 2009) from the binary release in `<data>/cifar-10-batches-bin/`:
 * each file is a sequence of 3,073-byte records, one label byte (0–9) then the red, green
 * and blue 32×32 planes, each row-major — already the NCHW layout [3, 32, 32].
 */
import { existsSync, readFileSync } from 'node:fs';
import { checkSplit, createDataset, type Dataset, type Split } from './dataset.ts';
import { dataDirectory, dataPath, requireFile } from './dir.ts';

/** Class names of labels 0–9 (as in batches.meta.txt). */
export const cifar10Classes: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

const pixelsPerRecord = 3 * 32 * 32;
const recordLength = 1 + pixelsPerRecord;
const trainingBatchNames = [1, 2, 3, 4, 5].map((batch) => `data_batch_${batch}.bin`);

const releaseRecordsPerBatch = 10000;

/** Options of loadCifar10. */
export interface LoadCifar10Options {
  /**
   * Records each batch file must hold: the release's 10,000 by default, so that a file cut
   * at a record boundary is an error rather than a smaller dataset; 'any' accepts any
   * positive whole number of records (e.g. a subset written for a test).
   */
  recordsPerBatch?: number | 'any';
}

/**
 * CIFAR-10's test split (test_batch.bin) or training split (whichever of data_batch_1…5.bin
 * exist, in order; an error if none): shape [3, 32, 32], pixels in [0, 1], labels 0–9.
 * @example loadCifar10('test').count; // 10000
 */
export function loadCifar10(
  split: Split,
  directory: string = dataDirectory(),
  options: LoadCifar10Options = {},
): Dataset {
  const recordsPerBatch = options.recordsPerBatch ?? releaseRecordsPerBatch;
  if (recordsPerBatch !== 'any' && !(Number.isInteger(recordsPerBatch) && recordsPerBatch > 0)) {
    throw new Error(
      `loadCifar10: options.recordsPerBatch must be a positive integer or 'any', got ${JSON.stringify(recordsPerBatch)}`,
    );
  }
  let paths: string[];
  if (checkSplit('loadCifar10', split) === 'test') {
    paths = [
      requireFile(dataPath(['cifar-10-batches-bin', 'test_batch.bin'], directory), 'the CIFAR-10 binary test batch'),
    ];
  } else {
    const candidates = trainingBatchNames.map((name) => dataPath(['cifar-10-batches-bin', name], directory));
    paths = candidates.filter((path) => existsSync(path));
    if (paths.length === 0) {
      throw new Error(
        `loadCifar10: no training batch found: missing files ${candidates.join(', ')} (expected at least one CIFAR-10 binary training batch)`,
      );
    }
  }
  const files = paths.map((path) => readCifarBatchFile(path, recordsPerBatch));
  const count = files.reduce((total, file) => total + file.length / recordLength, 0);
  const images = new Float32Array(count * pixelsPerRecord);
  const labels = new Int32Array(count);
  let example = 0;
  files.forEach((file, fileIndex) => {
    for (let offset = 0; offset < file.length; offset += recordLength, example++) {
      const label = file[offset];
      if (label > 9) {
        throw new Error(
          `loadCifar10: ${paths[fileIndex]}: label ${label} of record ${offset / recordLength} (byte ${offset}) is outside 0…9`,
        );
      }
      labels[example] = label;
      const target = example * pixelsPerRecord;
      for (let i = 0; i < pixelsPerRecord; i++) images[target + i] = file[offset + 1 + i] / 255;
    }
  });
  return createDataset({ images, labels, shape: [3, 32, 32], classes: 10, name: `cifar10-${split}` });
}

/** Reads one binary batch and checks that it is a whole, non-zero number of records (exactly `recordsPerBatch` unless 'any'). */
function readCifarBatchFile(path: string, recordsPerBatch: number | 'any'): Uint8Array {
  const bytes = readFileSync(requireFile(path, 'a CIFAR-10 binary batch'));
  if (bytes.length === 0 || bytes.length % recordLength !== 0) {
    throw new Error(
      `loadCifar10: ${path}: length ${bytes.length} bytes is not a positive multiple of the ${recordLength}-byte record ` +
        `(1 label + ${pixelsPerRecord} pixels; a full batch is ${releaseRecordsPerBatch} records = ${releaseRecordsPerBatch * recordLength} bytes)`,
    );
  }
  if (recordsPerBatch !== 'any' && bytes.length !== recordsPerBatch * recordLength) {
    throw new Error(
      `loadCifar10: ${path}: ${bytes.length / recordLength} records (${bytes.length} bytes), expected a batch of ${recordsPerBatch} ` +
        `(${recordsPerBatch * recordLength} bytes); the file is cut short or not the release's (pass { recordsPerBatch: 'any' } to load it anyway)`,
    );
  }
  return bytes;
}
