/**
 * Elementwise gpu.js kernels: unary maps, binary ops with NumPy broadcasting, and where.
 * Broadcasting reads each input through strides (0 on broadcast axes) baked in as
 * constants; comparisons and NaN handling are spelled out (Math.max's NaN semantics
 * differ between gpu.js modes), matching the scalar definitions in gpu/cpu/elementwise.ts.
 */
import type { BinaryOp, Storage, UnaryOp } from '../backend.ts';
import { broadcastStrides, sizeOf } from '../shape.ts';
import { coalesce, emitCoordinates, KernelSource } from './indexing.ts';
import { checked, constantTable, float32, type KernelRunner } from './runtime.ts';

/**
 * Each unary op as a gpu.js expression of `v` (float32 arithmetic). GLSL leaves a function
 * outside its domain undefined (log(0), log(−1), sqrt(−1), acos(2) and tanh(±∞) come back
 * finite or NaN depending on the driver) and has no literal for NaN or ±∞, so the IEEE results
 * are spelled out, read from the argument `special` = [NaN, +∞, −∞] (SPECIAL_VALUES).
 */
const unaryExpressions: Record<UnaryOp, string> = {
  neg: '-v',
  exp: 'Math.exp(v)',
  log: 'v > 0 ? (v === special[1] ? v : Math.log(v)) : (v === 0 ? special[2] : special[0])',
  sqrt: 'v > 0 ? (v === special[1] ? v : Math.sqrt(v)) : (v === 0 ? v : special[0])',
  abs: 'Math.abs(v)',
  relu: 'v > 0 ? v : 0',
  sigmoid: 'v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))', // no overflow for large |v|
  // |v| > 9: 1 − tanh(v) < 2⁻²⁴, so float32 tanh is exactly ±1 (and GLSL's tanh(±∞) may be NaN)
  tanh: 'v > 9 ? 1 : (v < -9 ? -1 : Math.tanh(v))',
  sin: 'Math.sin(v)',
  cos: 'Math.cos(v)',
  arccos: 'v >= -1 && v <= 1 ? Math.acos(v) : special[0]',
  sign: 'v > 0 ? 1 : (v < 0 ? -1 : v)', // sign(±0) = ±0
  step: 'v > 0 ? 1 : 0',
};

/** Each binary op as a gpu.js expression of `u` and `v`. */
const binaryExpressions: Record<BinaryOp, string> = {
  add: 'u + v',
  sub: 'u - v',
  mul: 'u * v',
  div: 'u / v',
  pow: 'Math.pow(u, v)', // webasm only: GLSL kernels take POW_GLSL
  // NaN propagates (as torch.maximum); written out because Math.max differs between modes
  maximum: '(u !== u || v !== v) ? u + v : (u > v ? u : v)',
  minimum: '(u !== u || v !== v) ? u + v : (u < v ? u : v)',
  eq: 'u === v ? 1 : 0',
  ne: 'u !== v ? 1 : 0',
  lt: 'u < v ? 1 : 0',
  le: 'u <= v ? 1 : 0',
  gt: 'u > v ? 1 : 0',
  ge: 'u >= v ? 1 : 0',
};

/** NaN, +∞ and −∞, passed to kernels as an argument (GLSL cannot write them as literals). */
const SPECIAL_VALUES = constantTable(Float32Array.of(NaN, Infinity, -Infinity));

/**
 * Math.pow's cases written out for GLSL, whose pow(x, y) is undefined for x < 0, for x = 0
 * with y ≤ 0, and for infinite arguments (GLSL ES 3.00 §8.2); the finite positive case is
 * the built-in (exp2(y·log2 x)). A base of −0 is taken as +0 (GLSL cannot tell them apart
 * reliably), so pow(−0, odd y) gives +0 or +∞ where Math.pow gives −0 or −∞.
 */
const POW_GLSL = [
  'if (v === 0) { return 1; }',
  'if (u !== u || v !== v) { return special[0]; }',
  'const size = Math.abs(u);',
  'if (v === special[1] || v === special[2]) {',
  '  if (size === 1) { return special[0]; }',
  '  if (size > 1) { return v > 0 ? special[1] : 0; }',
  '  return v > 0 ? 0 : special[1];',
  '}',
  'const whole = Math.floor(v) === v ? 1 : 0;',
  // A negative finite base with a fractional exponent has no real power; −∞ does (±∞ or +0).
  'if (u < 0 && u !== special[2] && whole === 0) { return special[0]; }',
  'const odd = whole === 1 && Math.floor(v * 0.5) * 2 !== v ? 1 : 0;',
  'let magnitude = 0;',
  'if (size === special[1]) { magnitude = v > 0 ? special[1] : 0; }',
  'else if (size === 0) { magnitude = v > 0 ? 0 : special[1]; }',
  'else { magnitude = Math.pow(size, v); }',
  'return u < 0 && odd === 1 ? -magnitude : magnitude;',
];

export function unary<Out extends Storage>(runtime: KernelRunner<Out>, op: UnaryOp, x: Storage): Out | Float32Array {
  const input = float32(x, `unary(${op})`);
  const expression = unaryExpressions[op];
  if (expression === undefined) throw new Error(`gpujs unary: unknown op '${op}'`);
  const size = input.length;
  if (size === 0) return new Float32Array(0);
  const source = new KernelSource();
  source.line('const v = x[this.thread.x];');
  // NaN in, NaN out, decided before any built-in runs (GLSL's exp(NaN) can be +∞)
  source.line(`return v !== v ? v : ${expression.includes('?') ? `(${expression})` : expression};`);
  return runtime.run(
    `unary(${op})`,
    { source: source.build(['x', 'special']), output: [size], constants: source.constants, returnType: 'Float' },
    [input, SPECIAL_VALUES],
    size,
  );
}

/**
 * Emits offsets `o0, o1, …` of every input at the cell `this.thread.x` of outShape,
 * each input read through its broadcast strides.
 */
function emitBroadcastReads(
  source: KernelSource,
  outShape: readonly number[],
  shapes: readonly (readonly number[])[],
): void {
  const { dims, strides } = coalesce(
    outShape,
    shapes.map((shape) => broadcastStrides(shape, outShape)),
  );
  emitCoordinates(
    source,
    'this.thread.x',
    dims,
    strides,
    shapes.map((_, i) => `o${i}`),
  );
}

export function binary<Out extends Storage>(
  runtime: KernelRunner<Out>,
  op: BinaryOp,
  a: Storage,
  aShape: readonly number[],
  b: Storage,
  bShape: readonly number[],
  outShape: readonly number[],
): Out | Float32Array {
  const label = `binary(${op})`;
  const left = checked(a, sizeOf(aShape), label, `a of shape [${aShape}]`);
  const right = checked(b, sizeOf(bShape), label, `b of shape [${bShape}]`);
  const expression = binaryExpressions[op];
  if (expression === undefined) throw new Error(`gpujs binary: unknown op '${op}'`);
  const size = sizeOf(outShape);
  if (size === 0) return new Float32Array(0);
  const source = new KernelSource();
  emitBroadcastReads(source, outShape, [aShape, bShape]);
  source.line('const u = a[o0];');
  source.line('const v = b[o1];');
  if (op === 'pow' && runtime.compilesToGlsl) POW_GLSL.forEach((line) => source.line(line));
  else source.line(`return ${expression};`);
  return runtime.run(
    label,
    { source: source.build(['a', 'b', 'special']), output: [size], constants: source.constants, returnType: 'Float' },
    [left, right, SPECIAL_VALUES],
    size,
  );
}

export function where<Out extends Storage>(
  runtime: KernelRunner<Out>,
  cond: Storage,
  condShape: readonly number[],
  a: Storage,
  aShape: readonly number[],
  b: Storage,
  bShape: readonly number[],
  outShape: readonly number[],
): Out | Float32Array {
  const condition = checked(cond, sizeOf(condShape), 'where', `cond of shape [${condShape}]`);
  const left = checked(a, sizeOf(aShape), 'where', `a of shape [${aShape}]`);
  const right = checked(b, sizeOf(bShape), 'where', `b of shape [${bShape}]`);
  const size = sizeOf(outShape);
  if (size === 0) return new Float32Array(0);
  const source = new KernelSource();
  emitBroadcastReads(source, outShape, [condShape, aShape, bShape]);
  // cond ≠ 0 picks a (NaN ≠ 0, as on the cpu)
  source.line('return cond[o0] !== 0 ? a[o1] : b[o2];');
  return runtime.run(
    'where',
    { source: source.build(['cond', 'a', 'b']), output: [size], constants: source.constants, returnType: 'Float' },
    [condition, left, right],
    size,
  );
}
