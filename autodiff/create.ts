/** Creating tensors: from values, constant fills, and seeded random draws. */
import type { DType } from '../gpu/backend.ts';
import { currentBackend } from '../gpu/registry.ts';
import { sizeOf } from '../gpu/shape.ts';
import { allocating } from './allocation.ts';
import { checkBoolean, checkNumber, checkOptions, checkShape, checkTensor, describeValue } from './arguments.ts';
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

function checkRequiresGrad(caller: string, options: CreateOptions): boolean {
  return checkBoolean(caller, 'requiresGrad', options.requiresGrad ?? false);
}

/** Shape of a nested array, checking it is rectangular and holds only numbers. */
function nestedShape(values: Nested, path = 'values'): number[] {
  if (typeof values === 'number') return [];
  if (!Array.isArray(values))
    throw new Error(`tensor: ${path} must be a number or an array, got ${describeValue(values)}`);
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
  checkOptions('tensor', options);
  const dtype = checkDtype('tensor', options.dtype ?? 'float32');
  const requiresGrad = checkRequiresGrad('tensor', options);
  if (typeof values !== 'number' && !Array.isArray(values) && !ArrayBuffer.isView(values))
    throw new Error(`tensor: values must be a number or an array, got ${describeValue(values)}`);
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
  const data = allocating('tensor', shape, dtype, () => currentBackend().fromArray(flat, dtype));
  return new Tensor(data, shape, dtype, undefined, requiresGrad);
}

/** full under the name of its caller (zeros, ones, …), so errors name the function called. */
function filled(caller: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  checkShape(caller, shape);
  checkNumber(caller, 'value', value);
  checkOptions(caller, options);
  const dtype = checkDtype(caller, options.dtype ?? 'float32');
  const requiresGrad = checkRequiresGrad(caller, options);
  const data = allocating(caller, shape, dtype, () => currentBackend().fill(sizeOf(shape), value, dtype));
  return new Tensor(data, shape, dtype, undefined, requiresGrad);
}

/** A tensor of `shape` filled with `value` (any number, NaN and ±Infinity included). @example full([2, 3], 0.5) */
export const full = (shape: readonly number[], value: number, options: CreateOptions = {}) =>
  filled('full', shape, value, options);
export const zeros = (shape: readonly number[], options: CreateOptions = {}) => filled('zeros', shape, 0, options);
export const ones = (shape: readonly number[], options: CreateOptions = {}) => filled('ones', shape, 1, options);
export const zerosLike = (x: Tensor) => filled('zerosLike', checkTensor('zerosLike', x).shape, 0, { dtype: x.dtype });
export const onesLike = (x: Tensor) => filled('onesLike', checkTensor('onesLike', x).shape, 1, { dtype: x.dtype });

export interface RandomOptions extends CreateOptions {
  /** Required: the same seed gives the same values on every backend. */
  seed: number;
}

/** The options of a random draw, checked: an object with an integer seed, a dtype and a boolean requiresGrad. */
function checkRandomOptions<Options extends RandomOptions>(caller: string, options: Options): Options {
  if (options === undefined) throw new Error(`${caller}: options with a seed are required, got undefined`);
  checkOptions(caller, options);
  if (typeof options.seed !== 'number' || !Number.isInteger(options.seed))
    throw new Error(`${caller}: seed must be an integer, got ${describeValue(options.seed)}`);
  checkDtype(caller, options.dtype ?? 'float32');
  checkRequiresGrad(caller, options);
  return options;
}

/** Draws from U[low, high). @example randomUniform([3, 3], { seed: 1, low: -1, high: 1 }) */
export function randomUniform(
  shape: readonly number[],
  options: RandomOptions & { low?: number; high?: number },
): Tensor {
  const caller = 'randomUniform';
  checkShape(caller, shape);
  const { seed, low = 0, high = 1, dtype = 'float32', requiresGrad = false } = checkRandomOptions(caller, options);
  if (!(low <= high) || !Number.isFinite(low) || !Number.isFinite(high))
    throw new Error(`randomUniform: need finite low ≤ high, got ${low} and ${high}`);
  const data = allocating(caller, shape, dtype, () =>
    currentBackend().randomUniform(sizeOf(shape), seed, low, high, dtype),
  );
  return new Tensor(data, shape, dtype, undefined, requiresGrad);
}

/** Draws from N(mean, std²). @example randomNormal([128, 784], { seed: 0, std: 0.01 }) */
export function randomNormal(
  shape: readonly number[],
  options: RandomOptions & { mean?: number; std?: number },
): Tensor {
  const caller = 'randomNormal';
  checkShape(caller, shape);
  const { seed, mean = 0, std = 1, dtype = 'float32', requiresGrad = false } = checkRandomOptions(caller, options);
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean))
    throw new Error(`randomNormal: need finite mean and std ≥ 0, got ${mean} and ${std}`);
  const data = allocating(caller, shape, dtype, () =>
    currentBackend().randomNormal(sizeOf(shape), seed, mean, std, dtype),
  );
  return new Tensor(data, shape, dtype, undefined, requiresGrad);
}
