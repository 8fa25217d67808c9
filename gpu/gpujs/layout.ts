/**
 * Data-movement kernels on gpu.js: permute, broadcastTo, pad, slice, concat, gather and
 * scatterAdd. Each output cell finds its source position from its own coordinates
 * (gather form), with extents and strides baked in as constants. Results are exact.
 */
import type { Indices, Storage } from '../backend.ts';
import { broadcastStrides, sizeOf, stridesOf } from '../shape.ts';
import { TextureIndices } from './device.ts';
import { coalesce, emitCoordinates, KernelSource } from './indexing.ts';
import { scatterPoolWindows } from './pool.ts';
import { checked, MAX_KERNEL_ELEMENTS, type KernelInput, type KernelRunner } from './runtime.ts';

/** out[k] = x[base + Σ coordinate(k)·stride]: the one kernel behind permute, broadcastTo and slice. */
function readStrided<Out extends Storage>(
  runtime: KernelRunner<Out>,
  label: string,
  x: KernelInput,
  outShape: readonly number[],
  strides: readonly number[],
  base: number,
): Out | Float32Array {
  const size = sizeOf(outShape);
  if (size === 0) return new Float32Array(0);
  const source = new KernelSource();
  const merged = coalesce(outShape, [strides]);
  emitCoordinates(source, 'this.thread.x', merged.dims, merged.strides, ['o0'], '', [base]);
  source.line('return x[o0];');
  return runtime.run(
    label,
    { source: source.build(['x']), output: [size], constants: source.constants, returnType: 'Float' },
    [x],
    size,
  );
}

export function permute<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  shape: readonly number[],
  perm: readonly number[],
): Out | Float32Array {
  const input = checked(x, sizeOf(shape), 'permute', `x of shape [${shape}]`);
  const strides = stridesOf(shape);
  return readStrided(
    runtime,
    'permute',
    input,
    perm.map((axis) => shape[axis]),
    perm.map((axis) => strides[axis]),
    0,
  );
}

export function broadcastTo<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  shape: readonly number[],
  outShape: readonly number[],
): Out | Float32Array {
  const input = checked(x, sizeOf(shape), 'broadcastTo', `x of shape [${shape}]`);
  return readStrided(runtime, 'broadcastTo', input, outShape, broadcastStrides(shape, outShape), 0);
}

export function slice<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): Out | Float32Array {
  const input = checked(x, sizeOf(shape), 'slice', `x of shape [${shape}]`);
  const strides = stridesOf(shape);
  const base = begin.reduce((sum, start, axis) => sum + start * strides[axis], 0);
  return readStrided(runtime, 'slice', input, size, strides, base);
}

export function pad<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  shape: readonly number[],
  padding: readonly (readonly [number, number])[],
  value: number,
): Out | Float32Array {
  const input = checked(x, sizeOf(shape), 'pad', `x of shape [${shape}]`);
  const outShape = shape.map((extent, axis) => extent + padding[axis][0] + padding[axis][1]);
  const size = sizeOf(outShape);
  if (size === 0) return new Float32Array(0);
  // nothing to copy: every cell is padding (a host fill)
  if (input.length === 0) return new Float32Array(size).fill(value);
  const source = new KernelSource();
  const coordinates = emitCoordinates(source, 'this.thread.x', outShape, [], []);
  const strides = stridesOf(shape);
  source.line('let inside = 1;');
  source.line('let o = 0;');
  shape.forEach((extent, axis) => {
    const before = padding[axis][0];
    const at = `s${axis}`;
    source.line(`const ${at} = ${coordinates[axis]}${before === 0 ? '' : ` - ${source.constant(before)}`};`);
    source.line(`if (${at} < 0 || ${at} >= ${source.constant(extent)}) { inside = 0; }`);
    source.line(`o = o + ${at} * ${source.constant(strides[axis])};`);
  });
  source.line('if (inside === 0) { o = 0; }'); // never read outside x, even on a branch not taken
  // the fill is an argument, not a constant: GLSL has no literal for −∞ or NaN (max-pooling pads with −∞)
  source.line('return inside === 1 ? x[o] : fill[0];');
  return runtime.run(
    'pad',
    { source: source.build(['x', 'fill']), output: [size], constants: source.constants, returnType: 'Float' },
    [input, Float32Array.of(value)],
    size,
  );
}

/** gpu.js kernels take a fixed argument list; longer concats go through groups of this many. */
const CONCAT_GROUP = 8;

export function concat<Out extends Storage>(
  runtime: KernelRunner<Out>,
  xs: readonly Storage[],
  shapes: readonly (readonly number[])[],
  axis: number,
): Out | Float32Array {
  if (xs.length === 0 || xs.length !== shapes.length)
    throw new Error(`gpujs concat: expected one shape per input, got ${xs.length} inputs and ${shapes.length} shapes`);
  const inputs = xs.map((x, i) => checked(x, sizeOf(shapes[i]), 'concat', `input ${i} of shape [${shapes[i]}]`));
  const outShape = [...shapes[0]];
  outShape[axis] = shapes.reduce((sum, shape) => sum + shape[axis], 0);
  const size = sizeOf(outShape);
  if (size === 0) return new Float32Array(0);
  // empty pieces contribute nothing (and gpu.js cannot take empty arguments)
  const kept = inputs.map((_, i) => i).filter((i) => inputs[i].length > 0);
  if (kept.length > CONCAT_GROUP) {
    const groups: Storage[] = [];
    const groupShapes: number[][] = [];
    for (let start = 0; start < kept.length; start += CONCAT_GROUP) {
      const members = kept.slice(start, start + CONCAT_GROUP);
      groups.push(
        concat(
          runtime,
          members.map((i) => inputs[i]),
          members.map((i) => shapes[i]),
          axis,
        ),
      );
      const groupShape = [...shapes[members[0]]];
      groupShape[axis] = members.reduce((sum, i) => sum + shapes[i][axis], 0);
      groupShapes.push(groupShape);
    }
    return concat(runtime, groups, groupShapes, axis);
  }
  const outer = sizeOf(outShape.slice(0, axis));
  const inner = sizeOf(outShape.slice(axis + 1));
  const source = new KernelSource();
  const [o, t, within] = emitCoordinates(source, 'this.thread.x', [outer, outShape[axis], inner], [], []);
  source.line('let value = 0;');
  let start = 0;
  kept.forEach((i, position) => {
    const extent = shapes[i][axis];
    const along = start === 0 ? t : `(${t} - ${source.constant(start)})`;
    const read = `value = x${position}[(${o} * ${source.constant(extent)} + ${along}) * ${source.constant(inner)} + ${within}];`;
    start += extent;
    if (position === kept.length - 1) source.line(kept.length === 1 ? read : `else { ${read} }`);
    else source.line(`${position === 0 ? 'if' : 'else if'} (${t} < ${source.constant(start)}) { ${read} }`);
  });
  source.line('return value;');
  const names = kept.map((_, position) => `x${position}`);
  return runtime.run(
    'concat',
    { source: source.build(names), output: [size], constants: source.constants, returnType: 'Float' },
    kept.map((i) => inputs[i]),
    size,
  );
}

/** Checks indices against [0, extent) and returns them as float32 (exact: extent ≤ 2²³). */
function indicesAsFloat(indices: Int32Array, count: number, extent: number, label: string): Float32Array {
  if (!(indices instanceof Int32Array)) throw new Error(`gpujs ${label}: indices must be an Int32Array`);
  if (indices.length !== count)
    throw new Error(`gpujs ${label}: indices has ${indices.length} elements, expected ${count}`);
  if (extent > MAX_KERNEL_ELEMENTS) throw new Error(`gpujs ${label}: axis extent ${extent} exceeds 2^23`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const index = indices[i];
    // an out-of-range index would read outside the array without any error in gpu.js
    if (index < 0 || index >= extent)
      throw new Error(`gpujs ${label}: index ${index} at position ${i} is outside [0, ${extent})`);
    out[i] = index;
  }
  return out;
}

/**
 * The indices as a kernel argument: host indices checked one by one and sent as float32;
 * device indices (a texture, read in place) checked by the range their producer guarantees.
 */
function indexArgument(indices: Indices, count: number, extent: number, label: string): KernelInput {
  // anything else gets indicesAsFloat's type error
  if (!(indices instanceof TextureIndices)) return indicesAsFloat(indices as Int32Array, count, extent, label);
  if (indices.length !== count)
    throw new Error(`gpujs ${label}: device indices have ${indices.length} elements, expected ${count}`);
  // an out-of-range index would read outside the array without any error in gpu.js
  if (indices.lowest < 0 || indices.bound > extent)
    throw new Error(
      `gpujs ${label}: device indices span [${indices.lowest}, ${indices.bound}), outside [0, ${extent}) (an all-padding pooling window has index −1)`,
    );
  return indices.storage;
}

export function gather<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  shape: readonly number[],
  axis: number,
  indices: Indices,
  indexShape: readonly number[],
): Out | Float32Array {
  const input = checked(x, sizeOf(shape), 'gather', `x of shape [${shape}]`);
  const size = sizeOf(indexShape);
  const index = indexArgument(indices, size, shape[axis], 'gather');
  if (size === 0) return new Float32Array(0);
  const strides = stridesOf(shape);
  const source = new KernelSource();
  // walk indexShape with x's strides on every axis but `axis`, whose position comes from the indices
  const merged = coalesce(indexShape, [strides.map((stride, d) => (d === axis ? 0 : stride))]);
  emitCoordinates(source, 'this.thread.x', merged.dims, merged.strides, ['o0']);
  // the index read into a local first (gpu.js's GLSL hoists array reads used as indices; see infinite.ts)
  source.line('const picked = index[this.thread.x];');
  source.line(`return x[o0 + picked * ${source.constant(strides[axis])}];`);
  return runtime.run(
    'gather',
    { source: source.build(['x', 'index']), output: [size], constants: source.constants, returnType: 'Float' },
    [input, index],
    size,
  );
}

/**
 * The transpose of gather, written gather-style: each output cell scans the indices
 * along `axis` at its own other coordinates and sums the src values whose index names
 * it. That costs outSize·indexShape[axis] reads (the cpu's scatter loop reads src
 * once), but needs no atomic adds, which gpu.js kernels do not have, and it is
 * deterministic where several sources hit one output: each output adds its m sources in
 * the cpu's order (ascending along `axis`, from 0). With correctly rounded float32
 * additions (webasm; IEEE GPUs) the results agree exactly; a GPU whose adds are not
 * correctly rounded stays within the recursive-summation bound
 * |Δ| ≤ γ_(m−1)·Σ|src| per output (Higham, Accuracy and Stability, §4.2), γ_k = k·u/(1−k·u), u = 2⁻²⁴.
 */
export function scatterAdd<Out extends Storage>(
  runtime: KernelRunner<Out>,
  src: Storage,
  indices: Indices,
  indexShape: readonly number[],
  axis: number,
  outShape: readonly number[],
): Out | Float32Array {
  const count = sizeOf(indexShape);
  const values = checked(src, count, 'scatterAdd', `src of shape [${indexShape}]`);
  const index = indexArgument(indices, count, outShape[axis], 'scatterAdd');
  indexShape.forEach((extent, d) => {
    if (d !== axis && extent > outShape[d])
      throw new Error(`gpujs scatterAdd: index shape [${indexShape}] exceeds output shape [${outShape}] on axis ${d}`);
  });
  const size = sizeOf(outShape);
  if (size === 0) return new Float32Array(0);
  if (count === 0) return new Float32Array(size); // nothing scattered: zeros (a host fill)
  const windowed =
    indices instanceof TextureIndices && scatterPoolWindows(runtime, values, indices, indexShape, axis, outShape);
  if (windowed) return windowed;
  const srcStrides = stridesOf(indexShape);
  const source = new KernelSource();
  const coordinates = emitCoordinates(source, 'this.thread.x', outShape, [], []);
  source.line('let inside = 1;');
  source.line('let p = 0;');
  outShape.forEach((_, d) => {
    if (d === axis) return;
    if (indexShape[d] < outShape[d])
      source.line(`if (${coordinates[d]} >= ${source.constant(indexShape[d])}) { inside = 0; }`);
    source.line(`p = p + ${coordinates[d]} * ${source.constant(srcStrides[d])};`);
  });
  source.line('let total = 0;');
  source.line('if (inside === 1) {');
  source.line(`  for (let j = 0; j < ${source.constant(indexShape[axis])}; j++) {`);
  source.line(`    if (index[p] === ${coordinates[axis]}) { total = total + src[p]; }`);
  source.line(`    p = p + ${source.constant(srcStrides[axis])};`);
  source.line('  }');
  source.line('}');
  source.line('return total;');
  return runtime.run(
    'scatterAdd',
    { source: source.build(['src', 'index']), output: [size], constants: source.constants, returnType: 'Float' },
    [values, index],
    size,
  );
}
