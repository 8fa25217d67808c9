/**
 * Checking the arguments of every public entry point (ops, creation, backward, the
 * functional API) before anything reads them, so a wrong argument gives an Error whose
 * message starts with the op's name (`sum: axis must be an integer, got string '0'`), never
 * a TypeError from deep inside, a V8 abort or a silent NaN.
 *
 * Plain numbers stand for tensors in one place only: an operand of a binary op (add, mul,
 * pow, eq, …) or a branch of where becomes a scalar tensor of the other operand's dtype
 * (`x.mul(2)`). Every other tensor argument must be a Tensor.
 */
import { Tensor } from './tensor.ts';

/** A value as an error message prints it: `string '0'`, `number 1.5`, `an array`, `undefined`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string '${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object' || typeof value === 'function') {
    const name = (value as object).constructor?.name;
    if (!name || name === 'Object' || name === 'Function') return `an ${typeof value}`;
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;
  }
  return `${typeof value} ${String(value)}`;
}

/** A list as error messages print it, each entry shown for what it is: `[0,'1']`. */
export function listText(values: readonly unknown[]): string {
  return `[${values.map((value) => (typeof value === 'string' ? `'${value}'` : String(value))).join(',')}]`;
}

/** `value`, which must be a Tensor. @example checkTensor('sum', x) */
export function checkTensor(opName: string, value: unknown, name = 'input'): Tensor {
  if (!(value instanceof Tensor)) throw new Error(`${opName}: ${name} must be a Tensor, got ${describeValue(value)}`);
  return value;
}

/** `value`, which must be an array (or typed array) of Tensors. */
export function checkTensorList(opName: string, value: unknown, name = 'inputs'): readonly Tensor[] {
  if (!Array.isArray(value))
    throw new Error(`${opName}: ${name} must be an array of Tensors, got ${describeValue(value)}`);
  value.forEach((entry, i) => checkTensor(opName, entry, `${name}[${i}]`));
  return value;
}

/** `value`, which must be a number (NaN and ±Infinity are numbers). */
export function checkNumber(opName: string, name: string, value: unknown): number {
  if (typeof value !== 'number') throw new Error(`${opName}: ${name} must be a number, got ${describeValue(value)}`);
  return value;
}

/** `value`, which must be true or false. */
export function checkBoolean(opName: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    throw new Error(`${opName}: ${name} must be true or false, got ${describeValue(value)}`);
  return value;
}

/** `value`, which must be a safe integer ≥ `minimum`. */
export function checkInteger(opName: string, name: string, value: unknown, minimum = -Infinity): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum) {
    const range = integersFrom(minimum, false);
    throw new Error(`${opName}: ${name} must be ${range}, got ${describeValue(value)}`);
  }
  return value;
}

/** 'non-negative integers', 'a positive integer', 'integers ≥ 2', … */
function integersFrom(minimum: number, plural: boolean): string {
  const noun = plural ? 'integers' : 'an integer';
  if (minimum === -Infinity) return noun;
  if (minimum === 0) return plural ? 'non-negative integers' : 'a non-negative integer';
  if (minimum === 1) return plural ? 'positive integers' : 'a positive integer';
  return `${noun} ≥ ${minimum}`;
}

/**
 * `values`, which must be an array (or typed array) of safe integers ≥ `minimum`, except
 * for the entries `allowed` names (−1 in reshape, ±Infinity in stridedSlice).
 */
export function checkIntegers(
  opName: string,
  name: string,
  values: unknown,
  minimum = -Infinity,
  allowed: readonly number[] = [],
): number[] {
  const list = Array.isArray(values) ? values : ArrayBuffer.isView(values) ? Array.from(values as Int32Array) : null;
  if (!list) throw new Error(`${opName}: ${name} must be an array of integers, got ${describeValue(values)}`);
  const fits = (value: unknown) =>
    typeof value === 'number' && ((Number.isSafeInteger(value) && value >= minimum) || allowed.includes(value));
  if (!list.every(fits)) {
    const range = integersFrom(minimum, true);
    const extra = allowed.length > 0 ? ` (or ${allowed.join(', ')})` : '';
    throw new Error(`${opName}: ${name} must hold ${range}${extra}, got ${listText(list)}`);
  }
  return list as number[];
}

/** A shape: an array of non-negative safe integers. */
export function checkShape(opName: string, shape: unknown, name = 'shape'): number[] {
  return checkIntegers(opName, name, shape, 0);
}

/** An options object (undefined reads as {}). */
export function checkOptions<Options extends object>(opName: string, options: Options | undefined): Options {
  if (options === undefined) return {} as Options;
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw new Error(`${opName}: options must be an object, got ${describeValue(options)}`);
  return options;
}

/** `value`, which must be a function. */
export function checkFunction<F>(opName: string, name: string, value: F): F {
  if (typeof value !== 'function')
    throw new Error(`${opName}: ${name} must be a function, got ${describeValue(value)}`);
  return value;
}
