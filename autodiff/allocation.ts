/**
 * Storage size checks, made once in autodiff for every backend, before any typed array is
 * allocated: a shape too large for one array fails at once with the op, the shape and the
 * size, instead of V8's `RangeError: Invalid typed array length`; a real out-of-memory
 * (`RangeError: Array buffer allocation failed`) is reported as such, with the op and shape.
 */
import type { DType } from '../gpu/backend.ts';
import { sizeOf } from '../gpu/shape.ts';
import { shapeText } from './op.ts';

/**
 * The most elements one tensor's storage may hold: 2^31 − 1, so that every element has an
 * int32 index (gather/scatter indices are Int32Array, WebAssembly memory is 32-bit) and
 * every engine can allocate it (V8 allows up to 2^32 elements per typed array).
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

const BYTES_PER_VALUE: Record<DType, number> = { float32: 4, float64: 8 };

/** A count in three significant digits: 1000000000000 → '1e12', 4294967296 → '4.29e9'. */
function countText(count: number): string {
  return count < 1e6 ? String(count) : Number(count.toPrecision(3)).toExponential().replace('e+', 'e');
}

/** Bytes in decimal units: 4e12 → '4 TB'. */
function bytesText(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB'];
  let unit = 0;
  while (bytes >= 1000 && unit < units.length - 1) {
    bytes /= 1000;
    unit++;
  }
  return `${Number(bytes.toPrecision(3))} ${units[unit]}`;
}

function sizeText(shape: readonly number[], dtype: DType): string {
  const count = sizeOf(shape);
  return `${countText(count)} ${dtype} values (${bytesText(count * BYTES_PER_VALUE[dtype])})`;
}

/**
 * Throws unless storage for `shape` fits in one array.
 * @example checkAllocation('zeros', [1e6, 1e6], 'float32')
 *   // zeros: shape [1000000,1000000] needs 1e12 float32 values (4 TB), more than one tensor can hold (at most 2^31−1 elements)
 */
export function checkAllocation(opName: string, shape: readonly number[], dtype: DType): void {
  if (sizeOf(shape) > MAX_ELEMENTS) {
    throw new Error(
      `${opName}: shape ${shapeText(shape)} needs ${sizeText(shape, dtype)}, more than one tensor can hold (at most 2^31−1 elements)`,
    );
  }
}

/** V8's messages when an array cannot be made: too long for the engine, or no memory left. */
const ALLOCATION_FAILURE = /allocation failed|invalid typed array length|invalid array length|array buffer/i;

/**
 * Checks the size of `shape`, then runs `allocate`; an engine allocation failure inside it
 * becomes an Error naming the op, the shape and the size (the original is its cause).
 */
export function allocating<T>(opName: string, shape: readonly number[], dtype: DType, allocate: () => T): T {
  checkAllocation(opName, shape, dtype);
  try {
    return allocate();
  } catch (error) {
    if (!(error instanceof RangeError) || !ALLOCATION_FAILURE.test(error.message)) throw error;
    throw new Error(
      `${opName}: out of memory computing shape ${shapeText(shape)} (${sizeText(shape, dtype)}): ${error.message}`,
      { cause: error },
    );
  }
}
