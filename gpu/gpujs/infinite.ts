/**
 * The covariance steps of the infinite-width kernels as gpu.js kernels (the InfiniteKernels
 * of gpu/infinite.ts, whose file comment describes the band layout): one thread per output
 * entry, float32 throughout. The band layout's tables (positions and diagonal neighbours
 * of each entry, the images of each pair) travel as float32 argument arrays, exact below
 * 2²⁴; extents and loop bounds are constants (gpu.js stops a loop bounded by an argument
 * after 1000 steps).
 *
 * What each step computes is stated in gpu/infinite.ts, and the recursion they add up to in
 * src/infinite/reference.ts. Sums run in float32 (the cpu accumulates in float64), and arccos
 * is gpu.js's float32 Math.acos, so results agree with the cpu's float32 within a few float32
 * ulps per step, except where λ ≈ 1 (a position against itself), where √(1 − λ²) turns one
 * ulp of λ into ≈ √(2·2⁻²³) ≈ 5·10⁻⁴ relative.
 */
import type { Data } from '../backend.ts';
import {
  bandLayout,
  checkLinearStep,
  entriesAfter,
  pairIndices,
  type CovarianceGeometry,
  type InfiniteKernels,
  type LinearStep,
  type PairBlock,
} from '../infinite.ts';
import { KernelSource } from './indexing.ts';
import { checked, FLOAT64_MESSAGE, MAX_KERNEL_ELEMENTS, type GpuJsRuntime } from './runtime.ts';

const asFloat = (values: Int32Array): Float32Array => Float32Array.from(values);

/** Copies a kernel's result into `out` when one is given (checked), else returns it. */
function into(label: string, result: Float32Array, out: Data | undefined): Data {
  if (!out) return result;
  checked(out, result.length, label, 'out').set(result);
  return out;
}

/** The tables a kernel over a block's pairs reads: each pair's images and each entry's positions. */
function tables(pairs: PairBlock, geometry: CovarianceGeometry) {
  const layout = bandLayout(geometry);
  const { first, second } = pairIndices(pairs);
  return {
    layout,
    count: first.length,
    first: asFloat(first),
    second: asFloat(second),
    rowFirst: asFloat(layout.rows.first),
    rowSecond: asFloat(layout.rows.second),
    columnFirst: asFloat(layout.columns.first),
    columnSecond: asFloat(layout.columns.second),
  };
}

/** Emits `pair`, `r` (row entry) and `k` (column entry) of the flat entry `rest`. */
function emitEntry(s: KernelSource, entries: number, columns: number): void {
  s.line(`const pair = Math.floor(rest / ${s.constant(entries)});`);
  s.line(`const e = rest - pair * ${s.constant(entries)};`);
  s.line(`const r = Math.floor(e / ${s.constant(columns)});`);
  s.line(`const k = e - r * ${s.constant(columns)};`);
}

/**
 * Σ⁰ of a block (InfiniteKernels.inputCovariance).
 * @example inputCovariance(runtime, x, x, 3, { count1: 2, count2: 2, triangle: true }, { height: 8, width: 8, padding: 'zero', window: 0 }, 1 / 3)
 */
export function inputCovariance(
  runtime: GpuJsRuntime,
  x1: Data,
  x2: Data,
  channels: number,
  pairs: PairBlock,
  geometry: CovarianceGeometry,
  scale: number,
  out?: Data,
): Data {
  const t = tables(pairs, geometry);
  const plane = geometry.height * geometry.width;
  const images1 = checked(
    x1,
    pairs.count1 * channels * plane,
    'inputCovariance',
    `x1 [${pairs.count1},${channels},${geometry.height},${geometry.width}]`,
  );
  const images2 = checked(
    x2,
    pairs.count2 * channels * plane,
    'inputCovariance',
    `x2 [${pairs.count2},${channels},${geometry.height},${geometry.width}]`,
  );
  const size = t.count * t.layout.entries;
  if (size === 0) return new Float32Array(0);
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  s.line('const rest = this.thread.x;');
  emitEntry(s, t.layout.entries, t.layout.columns.size);
  s.line(`let at1 = first[pair] * ${c(channels * plane)} + rowFirst[r] * ${c(geometry.width)} + columnFirst[k];`);
  s.line(`let at2 = second[pair] * ${c(channels * plane)} + rowSecond[r] * ${c(geometry.width)} + columnSecond[k];`);
  s.line('let sum = 0;');
  s.line(`for (let channel = 0; channel < ${c(channels)}; channel++) {`);
  s.line('  sum = sum + x1[at1] * x2[at2];');
  s.line(`  at1 = at1 + ${c(plane)};`);
  s.line(`  at2 = at2 + ${c(plane)};`);
  s.line('}');
  s.line(`return sum * ${c(scale)};`);
  const names = ['x1', 'x2', 'first', 'second', 'rowFirst', 'rowSecond', 'columnFirst', 'columnSecond'];
  return into(
    'inputCovariance',
    runtime.run(
      'inputCovariance',
      { source: s.build(names), output: [size], constants: s.constants, returnType: 'Float' },
      [images1, images2, t.first, t.second, t.rowFirst, t.rowSecond, t.columnFirst, t.columnSecond],
      size,
    ),
    out,
  );
}

/**
 * A linear layer (InfiniteKernels.linear): each thread sums its entry's 3×3 diagonal
 * neighbourhood (filter 3; −1 in a neighbour table is padding), reads its entry (filter 1),
 * or sums its pair's entries, weighted (filter 'sum', one thread per pair); a Θ′ thread of a trainable
 * layer also recomputes the Σ′ it adds.
 * @example linear(runtime, nngp, ntk, pairs, geometry, { filter: 3, scale: 2 / 9, shift: 0, trainable: true }) // [Σ′; Θ′]
 */
export function linear(
  runtime: GpuJsRuntime,
  nngp: Data,
  ntk: Data | undefined,
  count: number,
  geometry: CovarianceGeometry,
  step: LinearStep,
  out?: Data,
): Data {
  const layout = bandLayout(geometry);
  checkLinearStep('gpujs linear', step, layout);
  const { rows, columns, entries } = layout;
  const sigma = checked(nngp, count * entries, 'linear', `nngp [${count},${rows.size},${columns.size}]`);
  const theta = ntk ? checked(ntk, count * entries, 'linear', `ntk [${count},${rows.size},${columns.size}]`) : sigma;
  const outputs = count * entriesAfter(layout, step);
  const size = (ntk ? 2 : 1) * outputs;
  if (size === 0) return new Float32Array(0);
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  s.line('let rest = this.thread.x;');
  s.line('let half = 0;');
  s.line(`if (rest >= ${c(outputs)}) { half = 1; rest = rest - ${c(outputs)}; }`);
  s.line('let sumSigma = 0;');
  s.line('let sumTheta = 0;');
  if (step.filter === 'sum') {
    // weighted by rowWeights[r]·columnWeights[k] (all 1 without step.weights)
    s.line(`let at = rest * ${c(entries)};`);
    s.line(`for (let r = 0; r < ${c(rows.size)}; r++) {`);
    s.line('  let lineSigma = 0;');
    s.line('  let lineTheta = 0;');
    s.line(`  for (let k = 0; k < ${c(columns.size)}; k++) {`);
    s.line('    lineSigma = lineSigma + columnWeights[k] * s[at];');
    s.line('    lineTheta = lineTheta + columnWeights[k] * t[at];');
    s.line('    at = at + 1;');
    s.line('  }');
    s.line('  sumSigma = sumSigma + rowWeights[r] * lineSigma;');
    s.line('  sumTheta = sumTheta + rowWeights[r] * lineTheta;');
    s.line('}');
  } else {
    emitEntry(s, entries, columns.size);
    s.line(`const base = pair * ${c(entries)};`);
    if (step.filter === 1) {
      s.line('sumSigma = s[base + e];');
      s.line('sumTheta = t[base + e];');
    } else {
      s.line('for (let dr = 0; dr < 3; dr++) {');
      s.line('  let row = r;');
      s.line('  if (dr === 0) { row = rowPrevious[r]; }');
      s.line('  if (dr === 2) { row = rowNext[r]; }');
      s.line('  for (let dk = 0; dk < 3; dk++) {');
      s.line('    let column = k;');
      s.line('    if (dk === 0) { column = columnPrevious[k]; }');
      s.line('    if (dk === 2) { column = columnNext[k]; }');
      s.line('    if (row >= 0 && column >= 0) {');
      s.line(`      const at = base + row * ${c(columns.size)} + column;`);
      s.line('      sumSigma = sumSigma + s[at];');
      s.line('      sumTheta = sumTheta + t[at];');
      s.line('    }');
      s.line('  }');
      s.line('}');
    }
  }
  s.line(`const sigmaOut = ${c(step.scale)} * sumSigma + ${c(step.shift)};`);
  s.line('if (half === 0) { return sigmaOut; }');
  s.line(step.trainable ? `return ${c(step.scale)} * sumTheta + sigmaOut;` : `return ${c(step.scale)} * sumTheta;`);
  const rowWeights = Float32Array.from(step.weights?.rows ?? new Float32Array(rows.size).fill(1));
  const columnWeights = Float32Array.from(step.weights?.columns ?? new Float32Array(columns.size).fill(1));
  const names = ['s', 't', 'rowPrevious', 'rowNext', 'columnPrevious', 'columnNext', 'rowWeights', 'columnWeights'];
  return into(
    'linear',
    runtime.run(
      'linear',
      { source: s.build(names), output: [size], constants: s.constants, returnType: 'Float' },
      [
        sigma,
        theta,
        asFloat(rows.previous),
        asFloat(rows.next),
        asFloat(columns.previous),
        asFloat(columns.next),
        rowWeights,
        columnWeights,
      ],
      size,
    ),
    out,
  );
}

/**
 * The ReLU step and the linear layer after it (InfiniteKernels.relu), as two kernels: the
 * pointwise step (threads [0, n) write K, [n, 2n) write Θ·K̇), then `linear` (a fused
 * pass would recompute each K for its 9 neighbours).
 * @example relu(runtime, nngp, ntk, deviations, deviations, { count1: 2, count2: 2, triangle: true }, geometry, { filter: 1, scale: 1, shift: 0, trainable: false })
 */
export function relu(
  runtime: GpuJsRuntime,
  nngp: Data,
  ntk: Data,
  deviations1: Data,
  deviations2: Data,
  pairs: PairBlock,
  geometry: CovarianceGeometry,
  step: LinearStep,
  out?: Data,
): Data {
  const t = tables(pairs, geometry);
  const { entries } = t.layout;
  const plane = geometry.height * geometry.width;
  const shape = `[${t.count},${t.layout.rows.size},${t.layout.columns.size}]`;
  const sigma = checked(nngp, t.count * entries, 'relu', `nngp ${shape}`);
  const theta = checked(ntk, t.count * entries, 'relu', `ntk ${shape}`);
  const d1 = checked(
    deviations1,
    pairs.count1 * plane,
    'relu',
    `deviations1 [${pairs.count1},${geometry.height},${geometry.width}]`,
  );
  const d2 = checked(
    deviations2,
    pairs.count2 * plane,
    'relu',
    `deviations2 [${pairs.count2},${geometry.height},${geometry.width}]`,
  );
  const size = 2 * t.count * entries;
  if (size === 0) return new Float32Array(0);
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  s.line('let rest = this.thread.x;');
  s.line('let half = 0;');
  s.line(`if (rest >= ${c(t.count * entries)}) { half = 1; rest = rest - ${c(t.count * entries)}; }`);
  emitEntry(s, entries, t.layout.columns.size);
  // positions computed into locals first: gpu.js's GLSL hoists an array read used as an index
  // into a local named per statement from 0, so two such statements redefine the same name
  s.line(`const at1 = first[pair] * ${c(plane)} + rowFirst[r] * ${c(geometry.width)} + columnFirst[k];`);
  s.line(`const at2 = second[pair] * ${c(plane)} + rowSecond[r] * ${c(geometry.width)} + columnSecond[k];`);
  s.line('const deviation1 = d1[at1];');
  s.line('const deviation2 = d2[at2];');
  s.line('const norm = deviation1 * deviation2;');
  s.line('let lambda = 0;');
  s.line('if (norm > 0) { lambda = s[rest] / norm; }');
  // comparisons written out: Math.max/min NaN semantics differ between gpu.js modes
  s.line('if (lambda > 1) { lambda = 1; }');
  s.line('if (lambda < -1) { lambda = -1; }');
  s.line(`const complement = ${c(Math.PI)} - Math.acos(lambda);`);
  s.line(
    `if (half === 0) { return norm * (lambda * complement + Math.sqrt(1 - lambda * lambda)) * ${c(1 / (2 * Math.PI))}; }`,
  );
  s.line(`return t[rest] * complement * ${c(1 / (2 * Math.PI))};`);
  const names = ['s', 't', 'd1', 'd2', 'first', 'second', 'rowFirst', 'rowSecond', 'columnFirst', 'columnSecond'];
  const pointwise = runtime.run(
    'relu',
    { source: s.build(names), output: [size], constants: s.constants, returnType: 'Float' },
    [sigma, theta, d1, d2, t.first, t.second, t.rowFirst, t.rowSecond, t.columnFirst, t.columnSecond],
    size,
  );
  return linear(
    runtime,
    pointwise.subarray(0, t.count * entries),
    pointwise.subarray(t.count * entries),
    t.count,
    geometry,
    step,
    out,
  );
}

/**
 * The gpu.js InfiniteKernels on `runtime` (one per gpujs backend).
 * @example createGpuJsInfiniteKernels((backendByName('gpujs') as GpuJsBackend).runtime).relu(...)
 */
export function createGpuJsInfiniteKernels(runtime: GpuJsRuntime): InfiniteKernels {
  return {
    name: 'gpujs',
    maxElements: MAX_KERNEL_ELEMENTS,
    allocate(size, dtype) {
      if (dtype !== 'float32') throw new Error(`${FLOAT64_MESSAGE} (allocate asked for ${dtype})`);
      return new Float32Array(size);
    },
    inputCovariance: (x1, x2, channels, pairs, geometry, scale, out) =>
      inputCovariance(runtime, x1, x2, channels, pairs, geometry, scale, out),
    linear: (nngp, ntk, count, geometry, step, out) => linear(runtime, nngp, ntk, count, geometry, step, out),
    relu: (nngp, ntk, deviations1, deviations2, pairs, geometry, step, out) =>
      relu(runtime, nngp, ntk, deviations1, deviations2, pairs, geometry, step, out),
  };
}
