/**
 * The IDX format of MNIST and Fashion-MNIST (yann.lecun.com/exdb/mnist): a big-endian
 * magic number 0x0000TTDD (TT = element type, DD = number of dimensions), DD big-endian
 * uint32 extents, then the elements in row-major order. Only unsigned bytes (TT = 0x08)
 * occur in these datasets, so only they are read.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createDataset, type Dataset } from './dataset.ts';
import { requireFile } from './dir.ts';

/** An IDX array of unsigned bytes. */
export interface IdxArray {
  /** Extents, outermost first, e.g. [60000, 28, 28]. */
  dimensions: number[];
  /** product(dimensions) bytes, row-major. */
  data: Uint8Array;
}

const unsignedByteType = 0x08;

/**
 * Parses IDX bytes, checking the magic number, the number of dimensions and the length;
 * `source` (a file name) is quoted in errors.
 * @example parseIdx(Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 2, 7, 9), 'labels').data; // Uint8Array [7, 9]
 */
export function parseIdx(bytes: Uint8Array, source: string, expectedDimensions?: number): IdxArray {
  const expectedMagic =
    expectedDimensions === undefined ? '' : ` (expected ${hex((unsignedByteType << 8) | expectedDimensions)})`;
  if (bytes.length < 4) {
    throw new Error(
      `parseIdx: ${source}: truncated: expected at least a 4-byte magic number, got ${bytes.length} bytes`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  const type = bytes[2];
  const rank = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0 || rank === 0) {
    throw new Error(`parseIdx: ${source}: bad magic number ${hex(magic)}${expectedMagic}; not an IDX file`);
  }
  if (type !== unsignedByteType) {
    throw new Error(
      `parseIdx: ${source}: bad magic number ${hex(magic)}: element type 0x${type.toString(16)} is not unsigned byte (0x08)`,
    );
  }
  if (expectedDimensions !== undefined && rank !== expectedDimensions) {
    throw new Error(
      `parseIdx: ${source}: bad magic number ${hex(magic)}${expectedMagic}: ${rank} dimensions, expected ${expectedDimensions}`,
    );
  }
  const headerLength = 4 + 4 * rank;
  if (bytes.length < headerLength) {
    throw new Error(
      `parseIdx: ${source}: truncated: expected a ${headerLength}-byte header, got ${bytes.length} bytes`,
    );
  }
  const dimensions: number[] = [];
  for (let axis = 0; axis < rank; axis++) dimensions.push(view.getUint32(4 + 4 * axis));
  const expectedLength = headerLength + dimensions.reduce((product, extent) => product * extent, 1);
  if (bytes.length < expectedLength) {
    throw new Error(
      `parseIdx: ${source}: truncated: expected ${expectedLength} bytes for dimensions [${dimensions.join(',')}], got ${bytes.length}`,
    );
  }
  if (bytes.length > expectedLength) {
    throw new Error(
      `parseIdx: ${source}: too long: expected ${expectedLength} bytes for dimensions [${dimensions.join(',')}], got ${bytes.length}`,
    );
  }
  return { dimensions, data: bytes.subarray(headerLength) };
}

/**
 * Reads an IDX file (gunzipped first if its name ends in .gz) and checks its number of dimensions.
 * @example readIdxFile('data/fashion-mnist/t10k-labels-idx1-ubyte.gz', 1).dimensions; // [10000]
 */
export function readIdxFile(path: string, expectedDimensions: number): IdxArray {
  requireFile(
    path,
    `an IDX file with ${expectedDimensions} dimension${expectedDimensions === 1 ? '' : 's'} of unsigned bytes`,
  );
  const raw = readFileSync(path);
  let bytes: Uint8Array = raw;
  if (path.endsWith('.gz')) {
    try {
      bytes = gunzipSync(raw);
    } catch (error) {
      throw new Error(`readIdxFile: ${path}: corrupt gzip (${(error as Error).message})`);
    }
  }
  return parseIdx(bytes, path, expectedDimensions);
}

/** Where an IDX image/label pair lives and what it is called. */
export interface IdxDatasetFiles {
  imagesPath: string;
  labelsPath: string;
  name: string;
  classes: number;
  /** [rows, columns] every image must have (e.g. [28, 28] for MNIST); unchecked if absent. */
  imageSize?: readonly [number, number];
}

/**
 * Loads an IDX image file ([count, rows, cols]) and its label file ([count]) as a
 * Dataset of shape [1, rows, cols] with pixels scaled from 0…255 to [0, 1]. Errors name
 * the file and, for a label, its index and byte offset.
 * @example loadIdxDataset({ imagesPath, labelsPath, name: 'mnist-test', classes: 10 }).shape; // [1, 28, 28]
 */
export function loadIdxDataset(files: IdxDatasetFiles): Dataset {
  const images = readIdxFile(files.imagesPath, 3);
  const labels = readIdxFile(files.labelsPath, 1);
  const [count, rows, columns] = images.dimensions;
  if (count === 0 || rows === 0 || columns === 0) {
    throw new Error(
      `loadIdxDataset: ${files.imagesPath}: dimensions [${images.dimensions.join(',')}] hold no image (expected positive extents)`,
    );
  }
  if (files.imageSize !== undefined && (rows !== files.imageSize[0] || columns !== files.imageSize[1])) {
    throw new Error(
      `loadIdxDataset: ${files.imagesPath}: images are ${rows}×${columns}, expected ${files.imageSize[0]}×${files.imageSize[1]} for ${files.name}`,
    );
  }
  if (labels.dimensions[0] !== count) {
    throw new Error(
      `loadIdxDataset: ${files.name}: ${files.labelsPath} holds ${labels.dimensions[0]} labels but ${files.imagesPath} holds ${count} images`,
    );
  }
  const labelHeaderLength = 8;
  labels.data.forEach((label, index) => {
    if (label >= files.classes) {
      throw new Error(
        `loadIdxDataset: ${files.labelsPath}: label ${label} at index ${index} (byte ${labelHeaderLength + index}) is outside 0…${files.classes - 1}`,
      );
    }
  });
  return createDataset({
    images: bytesToUnitInterval(images.data),
    labels: Int32Array.from(labels.data),
    shape: [1, rows, columns],
    classes: files.classes,
    name: files.name,
  });
}

/**
 * Pixel bytes 0…255 as floats in [0, 1] (value / 255).
 * @example bytesToUnitInterval(Uint8Array.of(0, 255)); // Float32Array [0, 1]
 */
export function bytesToUnitInterval(bytes: Uint8Array): Float32Array {
  const table = new Float32Array(256);
  for (let value = 0; value < 256; value++) table[value] = value / 255;
  const scaled = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) scaled[i] = table[bytes[i]];
  return scaled;
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}
