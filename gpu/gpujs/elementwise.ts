/**
 * Elementwise gpu.js kernels: unary maps, binary ops with NumPy broadcasting, and where.
 * Broadcasting reads each input through strides (0 on broadcast axes) baked in as
 * constants; comparisons and NaN handling are spelled out (Math.max's NaN semantics
 * differ between gpu.js modes), matching the scalar definitions in gpu/cpu/elementwise.ts.
 */
import type { BinaryOp, Data, UnaryOp } from '../backend.ts';
import { broadcastStrides, sizeOf } from '../shape.ts';
import { coalesce, emitCoordinates, KernelSource } from './indexing.ts';
import { checked, float32, type GpuJsRuntime } from './runtime.ts';

/** Each unary op as a gpu.js expression of `v` (float32 arithmetic). */
const unaryExpressions: Record<UnaryOp, string> = {
  neg: '-v',
  exp: 'Math.exp(v)',
  log: 'Math.log(v)',
  sqrt: 'Math.sqrt(v)',
  abs: 'Math.abs(v)',
  relu: 'v > 0 ? v : (v === v ? 0 : v)', // NaN stays NaN
  sigmoid: 'v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v))', // no overflow for large |v|
  tanh: 'Math.tanh(v)',
  sin: 'Math.sin(v)',
  cos: 'Math.cos(v)',
  arccos: 'Math.acos(v)',
  sign: 'v > 0 ? 1 : (v < 0 ? -1 : v)', // sign(±0) = ±0, sign(NaN) = NaN
  step: 'v > 0 ? 1 : (v === v ? 0 : v)',
};

/** Each binary op as a gpu.js expression of `u` and `v`. */
const binaryExpressions: Record<BinaryOp, string> = {
  add: 'u + v',
  sub: 'u - v',
  mul: 'u * v',
  div: 'u / v',
  pow: 'Math.pow(u, v)',
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

export function unary(runtime: GpuJsRuntime, op: UnaryOp, x: Data): Data {
  const input = float32(x, `unary(${op})`);
  const expression = unaryExpressions[op];
  if (expression === undefined) throw new Error(`gpujs unary: unknown op '${op}'`);
  const size = input.length;
  if (size === 0) return new Float32Array(0);
  const source = new KernelSource();
  source.line('const v = x[this.thread.x];');
  source.line(`return ${expression};`);
  return runtime.run(
    `unary(${op})`,
    { source: source.build(['x']), output: [size], constants: source.constants, returnType: 'Float' },
    [input],
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

export function binary(
  runtime: GpuJsRuntime,
  op: BinaryOp,
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
): Data {
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
  source.line(`return ${expression};`);
  return runtime.run(
    label,
    { source: source.build(['a', 'b']), output: [size], constants: source.constants, returnType: 'Float' },
    [left, right],
    size,
  );
}

export function where(
  runtime: GpuJsRuntime,
  cond: Data,
  condShape: readonly number[],
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
): Data {
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
