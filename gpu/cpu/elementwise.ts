/** Elementwise kernels: unary maps, broadcasting binary ops, and where. */
import type { BinaryOp, Data, UnaryOp } from '../backend.ts';
import { broadcastStrides, forEachStrided2, sameShape, sizeOf } from '../shape.ts';
import { allocate, dtypeOf } from './storage.ts';
import { hasWasmBinary, wasmBinary } from './wasm/binary.ts';
import { hasWasmUnary, wasmUnary } from './wasm/unary.ts';
import { hasWasmBroadcast, rowLength, wasmBroadcastRow } from './wasm/broadcast.ts';
import { wasmEnabled } from './wasm/runtime.ts';

/**
 * float32 add/sub/mul/div of one shape, relu and step from this many elements on run in wasm
 * (wasm/binary.ts, wasm/unary.ts), up to WASM_MAX_ELEMENTS (the shared memory keeps what it grew
 * to). Measured here (2 shared cores, load ≈ 10), wasm over TypeScript: mul 0.6× at 256 elements
 * (the copies in and out cost more than the loop), 2.7× at 1024, 5× at 4096–16384, 1.9× at
 * 262144; relu 0.7× at 256, 5× at 2048, 10–25× beyond (no branch to mispredict). float64 mul
 * gained less and lost at 262144, so float64 stays TypeScript.
 */
const WASM_MIN_ELEMENTS = 2048;
const WASM_MAX_ELEMENTS = 1 << 22;
const WASM_MAX_FLOAT64_BROADCAST = 1 << 18;

/** The scalar definition of every unary op; the kernels below apply it elementwise. */
export const unaryFunctions: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  abs: Math.abs,
  relu: (x) => (x > 0 ? x : x === x ? 0 : x), // NaN stays NaN, as in PyTorch
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))), // no overflow for large |x|
  tanh: Math.tanh,
  sin: Math.sin,
  cos: Math.cos,
  arccos: Math.acos,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), // sign(±0) = ±0, sign(NaN) = NaN
  step: (x) => (x > 0 ? 1 : x === x ? 0 : x),
};

/** The scalar definition of every binary op. */
export const binaryFunctions: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  // NaN propagates, as torch.maximum does (Math.max does too, but spelled out for the reader)
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
};

export function unary(op: UnaryOp, x: Data): Data {
  const out = allocate(x.length, dtypeOf(x));
  const n = x.length;
  if (
    n >= WASM_MIN_ELEMENTS &&
    n <= WASM_MAX_ELEMENTS &&
    x instanceof Float32Array &&
    hasWasmUnary(op) &&
    wasmEnabled()
  ) {
    wasmUnary(op, x, out);
    return out;
  }
  // The hottest maps get their own loop; the rest go through the scalar table.
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i];
      break;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        out[i] = v > 0 ? v : v === v ? 0 : v;
      }
      break;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      break;
    default: {
      const f = unaryFunctions[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    }
  }
  return out;
}

export function binary(
  op: BinaryOp,
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
): Data {
  const out = allocate(sizeOf(outShape), dtypeOf(a));
  if (sameShape(aShape, outShape) && sameShape(bShape, outShape)) {
    contiguous(op, a, b, out);
    return out;
  }
  if (broadcastRow(op, a, aShape, b, bShape, outShape, out)) return out;
  if (broadcastColumn(op, a, aShape, b, bShape, outShape, out)) return out;
  if (broadcastChannelBlock(op, a, aShape, b, bShape, outShape, out)) return out;
  const f = binaryFunctions[op];
  const stridesA = broadcastStrides(aShape, outShape);
  const stridesB = broadcastStrides(bShape, outShape);
  forEachStrided2(outShape, stridesA, stridesB, (start, offsetA, offsetB, count, stepA, stepB) => {
    if (op === 'add') {
      for (let j = 0; j < count; j++) out[start + j] = a[offsetA + j * stepA] + b[offsetB + j * stepB];
    } else if (op === 'mul') {
      for (let j = 0; j < count; j++) out[start + j] = a[offsetA + j * stepA] * b[offsetB + j * stepB];
    } else {
      for (let j = 0; j < count; j++) out[start + j] = f(a[offsetA + j * stepA], b[offsetB + j * stepB]);
    }
  });
  return out;
}

/**
 * A bias row or a scalar against an operand of the output's shape ([B, N] + [N], x · 0.01), float32
 * or float64, through wasm/broadcast.ts; false where that does not apply (the strided walk runs).
 * Measured here (2 shared cores, load ≈ 16), float32, walk → wasm: [784, 512] · scalar 6.4 → 1.0 ms,
 * [128, 512] + [512] 0.40 → 0.16 ms (the walk's closure and stride products cost more than the memcpys).
 * float64 gained 1.5–2× up to 65536 elements but was even or lost from 401408 on (twice the bytes to
 * copy), so float64 takes wasm only up to WASM_MAX_FLOAT64_BROADCAST.
 */
function broadcastRow(
  op: BinaryOp,
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
  out: Data,
): boolean {
  const total = out.length;
  const max = a instanceof Float64Array ? WASM_MAX_FLOAT64_BROADCAST : WASM_MAX_ELEMENTS;
  if (total < WASM_MIN_ELEMENTS || total > max || !hasWasmBroadcast(op) || !wasmEnabled()) return false;
  if (dtypeOf(b) !== dtypeOf(a)) return false;
  if (sameShape(aShape, outShape) && rowLength(bShape, outShape) > 0) wasmBroadcastRow(op, a, b, 'right', out);
  else if (sameShape(bShape, outShape) && rowLength(aShape, outShape) > 0) wasmBroadcastRow(op, b, a, 'left', out);
  else return false;
  return true;
}

/**
 * An operand of the output's shape against one constant along a trailing block of k elements
 * ([N, K] − [N, 1]: logSoftmax's shift and normalizer) by direct loops per block, out[i] = a[i] op b[⌊i / k⌋]
 * (or b op a); false where that does not apply. The same scalar operation per element as the
 * strided walk, so the same bits. Measured here (2 shared cores, load ≈ 9, float32, medians, old
 * and new alternated), walk → this loop: [128, 10] − [128, 1] 0.023–0.037 → 0.021 ms, [128, 1] ÷
 * [128, 10] 0.038–0.058 → 0.019, [128, 512] − [128, 1] 1.5–2.0 → 0.31–0.43, [1000, 100] − [1000, 1]
 * 2.9–3.7 → 0.69, and without wasm [784, 512] · scalar 5.1–10 → 1.7–6.8.
 */
function broadcastColumn(
  op: BinaryOp,
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
  out: Data,
): boolean {
  const right = sameShape(aShape, outShape);
  const [full, small] = right ? [a, b] : [b, a];
  if (!(right || sameShape(bShape, outShape)) || small.length === 0) return false;
  const k = columnLength(right ? bShape : aShape, outShape);
  if (k === 0) return false;
  for (let r = 0; r < small.length; r++) columnRun(op, full, small[r], right, out, r * k, (r + 1) * k);
  return true;
}

/**
 * An operand of the output's shape against one whose values lie on one run of axes in the middle,
 * BatchNorm's [N, C, H, W] op [1, C, 1, 1]: out seen as [outer, mid, inner], out[(o·mid + m)·inner + j]
 * = full[…] op small[m] by direct loops per block; false where that does not apply. The strided walk
 * calls a closure per row of W elements (4–16 in ntk-small-data's small ResNet); the same scalar
 * operation per element, so the same bits.
 */
function broadcastChannelBlock(
  op: BinaryOp,
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
  out: Data,
): boolean {
  const right = sameShape(aShape, outShape);
  if (!(right || sameShape(bShape, outShape)) || out.length === 0) return false;
  const block = channelBlock(right ? bShape : aShape, outShape);
  if (!block) return false;
  const [mid, inner] = block;
  const [full, small] = right ? [a, b] : [b, a];
  for (let start = 0, m = 0; start < out.length; start += inner, m = m + 1 === mid ? 0 : m + 1)
    columnRun(op, full, small[m], right, out, start, start + inner);
  return true;
}

/**
 * [mid, inner] when `shape` broadcast to `outShape` holds its values on one run of axes equal to
 * outShape's there, with only 1s before and after it; undefined otherwise (and for one element).
 * @example channelBlock([1, 8, 1, 1], [32, 8, 16, 16]) // [8, 256]
 */
export function channelBlock(shape: readonly number[], outShape: readonly number[]): [number, number] | undefined {
  const lead = outShape.length - shape.length;
  if (lead < 0) return undefined;
  let first = 0;
  while (first < shape.length && shape[first] === 1) first++;
  let last = shape.length - 1;
  while (last >= first && shape[last] === 1) last--;
  if (last < first) return undefined;
  for (let axis = first; axis <= last; axis++) if (shape[axis] !== outShape[axis + lead]) return undefined;
  return [sizeOf(shape.slice(first, last + 1)), sizeOf(outShape.slice(lead + last + 1))];
}

/** out[i] = full[i] op s (right) or s op full[i] for start ≤ i < end; + − × ÷ get their own loops, as in the walk. */
function columnRun(op: BinaryOp, full: Data, s: number, right: boolean, out: Data, start: number, end: number): void {
  switch (op) {
    case 'add':
      if (right) for (let i = start; i < end; i++) out[i] = full[i] + s;
      else for (let i = start; i < end; i++) out[i] = s + full[i];
      return;
    case 'sub':
      if (right) for (let i = start; i < end; i++) out[i] = full[i] - s;
      else for (let i = start; i < end; i++) out[i] = s - full[i];
      return;
    case 'mul':
      if (right) for (let i = start; i < end; i++) out[i] = full[i] * s;
      else for (let i = start; i < end; i++) out[i] = s * full[i];
      return;
    case 'div':
      if (right) for (let i = start; i < end; i++) out[i] = full[i] / s;
      else for (let i = start; i < end; i++) out[i] = s / full[i];
      return;
    default: {
      const f = binaryFunctions[op];
      if (right) for (let i = start; i < end; i++) out[i] = f(full[i], s);
      else for (let i = start; i < end; i++) out[i] = f(s, full[i]);
    }
  }
}

/**
 * The block length k when `shape` broadcast to `outShape` repeats each of its elements over k
 * consecutive output elements (its non-1 axes match a leading block of outShape's, which has
 * only 1s before them; or it holds one element), else 0.
 * @example columnLength([128, 1], [128, 10]) // 10
 */
export function columnLength(shape: readonly number[], outShape: readonly number[]): number {
  const lead = outShape.length - shape.length;
  if (lead < 0) return 0;
  let last = shape.length - 1; // the last non-1 axis of shape
  while (last >= 0 && shape[last] === 1) last--;
  if (last < 0) return sizeOf(outShape); // one element, repeated everywhere
  for (let axis = 0; axis < lead + last + 1; axis++) {
    const extent = axis < lead ? 1 : shape[axis - lead];
    if (extent !== outShape[axis]) return 0;
  }
  let k = 1;
  for (let axis = lead + last + 1; axis < outShape.length; axis++) k *= outShape[axis];
  return k;
}

function contiguous(op: BinaryOp, a: Data, b: Data, out: Data): void {
  const n = out.length;
  if (
    n >= WASM_MIN_ELEMENTS &&
    n <= WASM_MAX_ELEMENTS &&
    out instanceof Float32Array &&
    a instanceof Float32Array &&
    b instanceof Float32Array &&
    hasWasmBinary(op) &&
    wasmEnabled()
  ) {
    wasmBinary(op, a, b, out);
    return;
  }
  switch (op) {
    case 'add':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
      break;
    case 'sub':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i];
      break;
    case 'mul':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
      break;
    case 'div':
      for (let i = 0; i < n; i++) out[i] = a[i] / b[i];
      break;
    default: {
      const f = binaryFunctions[op];
      for (let i = 0; i < n; i++) out[i] = f(a[i], b[i]);
    }
  }
}

export function where(
  cond: Data,
  condShape: readonly number[],
  a: Data,
  aShape: readonly number[],
  b: Data,
  bShape: readonly number[],
  outShape: readonly number[],
): Data {
  // Broadcast the condition first, then choose with the two-input strided walker.
  const condFull = sameShape(condShape, outShape)
    ? cond
    : binary('add', cond, condShape, allocate(1, dtypeOf(cond)), [], outShape);
  const out = allocate(sizeOf(outShape), dtypeOf(a));
  const stridesA = broadcastStrides(aShape, outShape);
  const stridesB = broadcastStrides(bShape, outShape);
  forEachStrided2(outShape, stridesA, stridesB, (start, offsetA, offsetB, count, stepA, stepB) => {
    for (let j = 0; j < count; j++) {
      out[start + j] = condFull[start + j] !== 0 ? a[offsetA + j * stepA] : b[offsetB + j * stepB];
    }
  });
  return out;
}
