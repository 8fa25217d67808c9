/**
 * Reductions and argmax as gpu.js kernels: one thread per output cell, looping over its
 * group with constant bounds. Sums accumulate in float32 (the cpu backend uses float64),
 * so they agree within |Δ| ≤ n·2⁻²³·Σ|x| for a group of n values.
 */
import type { Storage, ReduceOp } from '../backend.ts';
import { sizeOf, stridesOf } from '../shape.ts';
import { coalesce, emitCoordinates, KernelSource } from './indexing.ts';
import { checked, type KernelRunner } from './runtime.ts';

/** The value of each reduction over an empty group, as the cpu backend computes it. */
const emptyGroup: Record<ReduceOp, number> = { sum: 0, mean: NaN, max: -Infinity, min: Infinity };

export function reduce<Out extends Storage>(
  runtime: KernelRunner<Out>,
  op: ReduceOp,
  x: Storage,
  shape: readonly number[],
  axes: readonly number[],
): Out | Float32Array {
  const label = `reduce(${op})`;
  const input = checked(x, sizeOf(shape), label, `x of shape [${shape}]`);
  if (!(op in emptyGroup)) throw new Error(`gpujs reduce: unknown op '${op}'`);
  const reduced = new Set(axes);
  const strides = stridesOf(shape);
  const keptAxes = shape.map((_, axis) => axis).filter((axis) => !reduced.has(axis));
  const reducedAxes = shape.map((_, axis) => axis).filter((axis) => reduced.has(axis));
  const outSize = sizeOf(keptAxes.map((axis) => shape[axis]));
  if (outSize === 0) return new Float32Array(0);
  const groupSize = sizeOf(reducedAxes.map((axis) => shape[axis]));
  // an empty group has no values to read: the result is the reduction's identity (host fill)
  if (groupSize === 0) return new Float32Array(outSize).fill(emptyGroup[op]);

  const source = new KernelSource();
  const kept = coalesce(
    keptAxes.map((axis) => shape[axis]),
    [keptAxes.map((axis) => strides[axis])],
  );
  emitCoordinates(source, 'this.thread.x', kept.dims, kept.strides, ['base']);
  const group = coalesce(
    reducedAxes.map((axis) => shape[axis]),
    [reducedAxes.map((axis) => strides[axis])],
  );
  // max/min start from the group's first value, not ±∞: GLSL has no literal for infinity
  source.line(`let acc = ${op === 'max' || op === 'min' ? 'x[base]' : '0'};`);
  // nested loops over the (coalesced) reduced axes, each bounded by a constant
  let pointer = 'base';
  group.dims.forEach((extent, level) => {
    source.line(`let p${level} = ${pointer};`);
    source.line(`for (let j${level} = 0; j${level} < ${source.constant(extent)}; j${level}++) {`);
    pointer = `p${level}`;
  });
  source.line(`const v = x[${pointer}];`);
  if (op === 'sum' || op === 'mean') source.line('acc = acc + v;');
  // NaN wins, as in torch.max; comparisons written out (Math.max differs between modes)
  else if (op === 'max') source.line('if (v > acc || v !== v) { acc = v; }');
  else source.line('if (v < acc || v !== v) { acc = v; }');
  for (let level = group.dims.length - 1; level >= 0; level--) {
    source.line(`p${level} = p${level} + ${source.constant(group.strides[0][level])};`);
    source.line('}');
  }
  source.line(op === 'mean' ? `return acc * ${source.constant(1 / groupSize)};` : 'return acc;');
  return runtime.run(
    label,
    { source: source.build(['x']), output: [outSize], constants: source.constants, returnType: 'Float' },
    [input],
    outSize,
  );
}

/**
 * Index of the first maximum along `axis` (a NaN counts as the maximum), in float32: exact,
 * since runtime.run() holds every array, and so every axis, to 2^23 elements (< 2^24).
 */
export function argmax<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  shape: readonly number[],
  axis: number,
): Out | Float32Array {
  const input = checked(x, sizeOf(shape), 'argmax', `x of shape [${shape}]`);
  const outer = sizeOf(shape.slice(0, axis));
  const extent = shape[axis];
  const inner = sizeOf(shape.slice(axis + 1));
  const outSize = outer * inner;
  if (outSize === 0) return new Float32Array(0);
  if (extent === 0) return new Float32Array(outSize); // nothing to compare: index 0, as on the cpu
  const source = new KernelSource();
  emitCoordinates(source, 'this.thread.x', ...withoutUnitAxes([outer, inner], [extent * inner, 1]), ['base']);
  source.line('let best = 0;');
  source.line('let bestValue = x[base];');
  source.line('let p = base;');
  source.line(`for (let j = 1; j < ${source.constant(extent)}; j++) {`);
  source.line(`  p = p + ${source.constant(inner)};`);
  source.line('  const v = x[p];');
  source.line('  if (bestValue === bestValue && (v > bestValue || v !== v)) { best = j; bestValue = v; }');
  source.line('}');
  source.line('return best;');
  return runtime.run(
    'argmax',
    { source: source.build(['x']), output: [outSize], constants: source.constants, returnType: 'Float' },
    [input],
    outSize,
  );
}

function withoutUnitAxes(dims: number[], strides: number[]): [number[], number[][]] {
  const merged = coalesce(dims, [strides]);
  return [merged.dims, merged.strides];
}
