/** Creating tensors: from values, constant fills, and seeded random draws. */
import type { DType } from '../gpu/backend.ts';
import { currentBackend } from '../gpu/registry.ts';
import { sizeOf } from '../gpu/shape.ts';
import { shapeText } from './op.ts';
import { Tensor } from './tensor.ts';

export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

type Nested = number | readonly Nested[];

function checkDtype(caller: string, dtype: unknown): DType {
  if (dtype !== 'float32' && dtype !== 'float64')
    throw new Error(`${caller}: dtype must be 'float32' or 'float64', got ${String(dtype)}`);
  return dtype;
}

function checkShape(caller: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((extent) => Number.isInteger(extent) && extent >= 0)) {
    throw new Error(`${caller}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
}

/** Shape of a nested array, checking it is rectangular and holds only numbers. */
function nestedShape(values: Nested, path = 'values'): number[] {
  if (typeof values === 'number') return [];
  if (!Array.isArray(values)) throw new Error(`tensor: ${path} must be a number or an array, got ${typeof values}`);
  if (values.length === 0) return [0];
  const inner = nestedShape(values[0], `${path}[0]`);
  values.forEach((value, i) => {
    const shape = nestedShape(value, `${path}[${i}]`);
    if (shape.length !== inner.length || shape.some((extent, d) => extent !== inner[d])) {
      throw new Error(
        `tensor: ragged nested array: ${path}[${i}] has shape ${shapeText(shape)} but ${path}[0] has ${shapeText(inner)}`,
      );
    }
  });
  return [values.length, ...inner];
}

/**
 * A tensor from a number, a nested array, or a flat array with an explicit shape.
 * NaN and ±Infinity are stored as given and propagate through ops by IEEE-754 rules.
 * @example tensor([[1, 2], [3, 4]]); tensor(new Float32Array(6), { shape: [2, 3] })
 */
export function tensor(
  values: Nested | ArrayLike<number>,
  options: CreateOptions & { shape?: readonly number[] } = {},
): Tensor {
  const dtype = checkDtype('tensor', options.dtype ?? 'float32');
  let flat: ArrayLike<number>;
  let shape: readonly number[];
  if (options.shape !== undefined) {
    checkShape('tensor', options.shape);
    flat =
      typeof values === 'number'
        ? [values]
        : ArrayBuffer.isView(values)
          ? (values as ArrayLike<number>)
          : ((values as number[]).flat(Infinity as 1) as number[]);
    shape = options.shape;
    if (flat.length !== sizeOf(shape))
      throw new Error(
        `tensor: ${flat.length} values do not fill shape ${shapeText(shape)} (${sizeOf(shape)} elements)`,
      );
  } else if (ArrayBuffer.isView(values)) {
    flat = values as ArrayLike<number>;
    shape = [flat.length];
  } else {
    shape = nestedShape(values as Nested);
    flat = typeof values === 'number' ? [values] : ((values as number[]).flat(Infinity as 1) as number[]);
  }
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'number') throw new Error(`tensor: element ${i} is ${typeof flat[i]}, not a number`);
  }
  return new Tensor(currentBackend().fromArray(flat, dtype), shape, dtype, undefined, options.requiresGrad ?? false);
}

/** A tensor of `shape` filled with `value`. @example full([2, 3], 0.5) */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  checkShape('full', shape);
  const dtype = checkDtype('full', options.dtype ?? 'float32');
  return new Tensor(
    currentBackend().fill(sizeOf(shape), value, dtype),
    shape,
    dtype,
    undefined,
    options.requiresGrad ?? false,
  );
}

export const zeros = (shape: readonly number[], options: CreateOptions = {}) => full(shape, 0, options);
export const ones = (shape: readonly number[], options: CreateOptions = {}) => full(shape, 1, options);
export const zerosLike = (x: Tensor) => full(x.shape, 0, { dtype: x.dtype });
export const onesLike = (x: Tensor) => full(x.shape, 1, { dtype: x.dtype });

export interface RandomOptions extends CreateOptions {
  /** Required: the same seed gives the same values on every backend. */
  seed: number;
}

function checkSeed(caller: string, seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    throw new Error(`${caller}: seed must be an integer, got ${String(seed)}`);
}

/** Draws from U[low, high). @example randomUniform([3, 3], { seed: 1, low: -1, high: 1 }) */
export function randomUniform(
  shape: readonly number[],
  { seed, low = 0, high = 1, dtype = 'float32', requiresGrad = false }: RandomOptions & { low?: number; high?: number },
): Tensor {
  checkShape('randomUniform', shape);
  checkSeed('randomUniform', seed);
  if (!(low <= high) || !Number.isFinite(low) || !Number.isFinite(high))
    throw new Error(`randomUniform: need finite low ≤ high, got ${low} and ${high}`);
  const data = currentBackend().randomUniform(sizeOf(shape), seed, low, high, checkDtype('randomUniform', dtype));
  return new Tensor(data, shape, dtype, undefined, requiresGrad);
}

/** Draws from N(mean, std²). @example randomNormal([128, 784], { seed: 0, std: 0.01 }) */
export function randomNormal(
  shape: readonly number[],
  { seed, mean = 0, std = 1, dtype = 'float32', requiresGrad = false }: RandomOptions & { mean?: number; std?: number },
): Tensor {
  checkShape('randomNormal', shape);
  checkSeed('randomNormal', seed);
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean))
    throw new Error(`randomNormal: need finite mean and std ≥ 0, got ${mean} and ${std}`);
  const data = currentBackend().randomNormal(sizeOf(shape), seed, mean, std, checkDtype('randomNormal', dtype));
  return new Tensor(data, shape, dtype, undefined, requiresGrad);
}
