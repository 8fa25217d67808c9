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
 *
 * Each kernel runs on a KernelRunner (runtime.ts): the runtime, whose results come back as
 * host arrays (the InfiniteKernels below), or in the WebGL modes its device runner, whose
 * results stay textures (infinite-device.ts chains a block's layers that way). Σ and Θ are
 * read as `s[sAt + i]` and `t[tAt + i]`, so a stack [Σ; Θ] is passed whole, twice.
 */
import type { Data, Storage } from '../backend.ts';
import {
  checkLinearStep,
  entriesAfter,
  type CovarianceGeometry,
  type InfiniteKernels,
  type LinearStep,
  type PairBlock,
} from '../infinite.ts';
import { KernelSource } from './indexing.ts';
import { bandTables, pairTables, type BandTables, type PairTables } from './infinite-tables.ts';
import {
  checked,
  FLOAT64_MESSAGE,
  MAX_KERNEL_ELEMENTS,
  type GpuJsRuntime,
  type KernelInput,
  type KernelRunner,
} from './runtime.ts';

/** Copies a kernel's result into `out` when one is given (checked), else returns it. */
function into(label: string, result: Float32Array, out: Data | undefined): Data {
  if (!out) return result;
  checked(out, result.length, label, 'out').set(result);
  return out;
}

/** Emits `pair`, `r` (row entry) and `k` (column entry) of the flat entry `rest`. */
function emitEntry(s: KernelSource, entries: number, columns: number): void {
  s.line(`const pair = Math.floor(rest / ${s.constant(entries)});`);
  s.line(`const e = rest - pair * ${s.constant(entries)};`);
  s.line(`const r = Math.floor(e / ${s.constant(columns)});`);
  s.line(`const k = e - r * ${s.constant(columns)};`);
}

/**
 * Σ⁰ of a block (InfiniteKernels.inputCovariance) on `runner`; x1, x2 already checked.
 * @example covarianceKernel(runtime, x, x, 3, pairTables(pairs), bandTables(geometry), 1 / 3)
 */
export function covarianceKernel<Out extends Storage>(
  runner: KernelRunner<Out>,
  x1: KernelInput,
  x2: KernelInput,
  channels: number,
  pairs: PairTables,
  band: BandTables,
  scale: number,
): Out | Float32Array {
  const { geometry, layout } = band;
  const plane = geometry.height * geometry.width;
  const size = pairs.count * layout.entries;
  if (size === 0) return new Float32Array(0);
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  s.line('const rest = this.thread.x;');
  emitEntry(s, layout.entries, layout.columns.size);
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
  return runner.run(
    'inputCovariance',
    { source: s.build(names), output: [size], constants: s.constants, returnType: 'Float' },
    [x1, x2, pairs.first, pairs.second, band.rowFirst, band.rowSecond, band.columnFirst, band.columnSecond],
    size,
  );
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
  const result = covarianceKernel(runtime, images1, images2, channels, pairTables(pairs), bandTables(geometry), scale);
  return into('inputCovariance', result, out);
}

/** Where a linear kernel reads Σ (`s` from sAt) and Θ (`t` from tAt; undefined: Θ is not computed). */
export interface CovarianceInputs {
  s: KernelInput;
  sAt: number;
  t: KernelInput | undefined;
  tAt: number;
}

/**
 * A linear layer on `runner` (InfiniteKernels.linear): each thread sums its entry's 3×3
 * diagonal neighbourhood (filter 3; −1 in a neighbour table is padding), reads its entry
 * (filter 1), or sums its pair's entries, weighted when step.weights is given (filter 'sum',
 * one thread per pair); a Θ′ thread of a trainable layer also recomputes the Σ′ it adds.
 * Returns [Σ′] or [Σ′; Θ′]. Inputs already checked.
 * @example linearKernel(runtime, { s: nngp, sAt: 0, t: ntk, tAt: 0 }, count, bandTables(geometry), step)
 */
export function linearKernel<Out extends Storage>(
  runner: KernelRunner<Out>,
  inputs: CovarianceInputs,
  count: number,
  band: BandTables,
  step: LinearStep,
): Out | Float32Array {
  const { rows, columns, entries } = band.layout;
  const theta = inputs.t !== undefined;
  const outputs = count * entriesAfter(band.layout, step);
  const size = (theta ? 2 : 1) * outputs;
  if (size === 0) return new Float32Array(0);
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  // Σ at sAt + i, Θ at tAt + i (the same array twice when Θ is not computed: its sums are unused)
  const sigmaAt = (at: string): string => `s[${c(inputs.sAt)} + ${at}]`;
  const thetaAt = (at: string): string => `t[${c(inputs.tAt)} + ${at}]`;
  s.line('let rest = this.thread.x;');
  s.line('let half = 0;');
  s.line(`if (rest >= ${c(outputs)}) { half = 1; rest = rest - ${c(outputs)}; }`);
  s.line('let sumSigma = 0;');
  s.line('let sumTheta = 0;');
  const names = ['s', 't'];
  const args: KernelInput[] = [inputs.s, inputs.t ?? inputs.s];
  if (step.filter === 'sum') {
    // weighted by rowWeights[r]·columnWeights[k] (LAP); unweighted sums skip the factors of 1
    const weighted = step.weights !== undefined;
    const column = (value: string): string => (weighted ? `columnWeights[k] * ${value}` : value);
    const row = (value: string): string => (weighted ? `rowWeights[r] * ${value}` : value);
    s.line(`let at = rest * ${c(entries)};`);
    s.line(`for (let r = 0; r < ${c(rows.size)}; r++) {`);
    s.line('  let lineSigma = 0;');
    s.line('  let lineTheta = 0;');
    s.line(`  for (let k = 0; k < ${c(columns.size)}; k++) {`);
    s.line(`    lineSigma = lineSigma + ${column(sigmaAt('at'))};`);
    s.line(`    lineTheta = lineTheta + ${column(thetaAt('at'))};`);
    s.line('    at = at + 1;');
    s.line('  }');
    s.line(`  sumSigma = sumSigma + ${row('lineSigma')};`);
    s.line(`  sumTheta = sumTheta + ${row('lineTheta')};`);
    s.line('}');
    if (step.weights) {
      names.push('rowWeights', 'columnWeights');
      args.push(Float32Array.from(step.weights.rows), Float32Array.from(step.weights.columns));
    }
  } else {
    emitEntry(s, entries, columns.size);
    s.line(`const base = pair * ${c(entries)};`);
    if (step.filter === 1) {
      s.line(`sumSigma = ${sigmaAt('base + e')};`);
      s.line(`sumTheta = ${thetaAt('base + e')};`);
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
      s.line(`      sumSigma = sumSigma + ${sigmaAt('at')};`);
      s.line(`      sumTheta = sumTheta + ${thetaAt('at')};`);
      s.line('    }');
      s.line('  }');
      s.line('}');
      names.push('rowPrevious', 'rowNext', 'columnPrevious', 'columnNext');
      args.push(band.rowPrevious, band.rowNext, band.columnPrevious, band.columnNext);
    }
  }
  s.line(`const sigmaOut = ${c(step.scale)} * sumSigma + ${c(step.shift)};`);
  s.line('if (half === 0) { return sigmaOut; }');
  s.line(step.trainable ? `return ${c(step.scale)} * sumTheta + sigmaOut;` : `return ${c(step.scale)} * sumTheta;`);
  return runner.run(
    'linear',
    { source: s.build(names), output: [size], constants: s.constants, returnType: 'Float' },
    args,
    size,
  );
}

/**
 * A linear layer (InfiniteKernels.linear).
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
  const band = bandTables(geometry);
  const { rows, columns, entries } = band.layout;
  checkLinearStep('gpujs linear', step, band.layout);
  const sigma = checked(nngp, count * entries, 'linear', `nngp [${count},${rows.size},${columns.size}]`);
  const theta = ntk
    ? checked(ntk, count * entries, 'linear', `ntk [${count},${rows.size},${columns.size}]`)
    : undefined;
  return into('linear', linearKernel(runtime, { s: sigma, sAt: 0, t: theta, tAt: 0 }, count, band, step), out);
}

/**
 * The ReLU step on `runner` (InfiniteKernels.relu without the linear layer): threads [0, n)
 * write K, [n, 2n) write Θ·K̇ (0 where Θ is undefined: Θ = 0). Returns the stack [K; Θ·K̇].
 * Inputs already checked.
 * @example reluKernel(runtime, { s: nngp, sAt: 0, t: ntk, tAt: 0 }, d1, d2, pairTables(pairs), bandTables(geometry))
 */
export function reluKernel<Out extends Storage>(
  runner: KernelRunner<Out>,
  inputs: CovarianceInputs,
  deviations1: KernelInput,
  deviations2: KernelInput,
  pairs: PairTables,
  band: BandTables,
): Out | Float32Array {
  const { geometry, layout } = band;
  const { entries } = layout;
  const plane = geometry.height * geometry.width;
  const size = 2 * pairs.count * entries;
  if (size === 0) return new Float32Array(0);
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  s.line('let rest = this.thread.x;');
  s.line('let half = 0;');
  s.line(`if (rest >= ${c(pairs.count * entries)}) { half = 1; rest = rest - ${c(pairs.count * entries)}; }`);
  emitEntry(s, entries, layout.columns.size);
  // positions computed into locals first: gpu.js's GLSL hoists an array read used as an index
  // into a local named per statement from 0, so two such statements redefine the same name
  s.line(`const at1 = first[pair] * ${c(plane)} + rowFirst[r] * ${c(geometry.width)} + columnFirst[k];`);
  s.line(`const at2 = second[pair] * ${c(plane)} + rowSecond[r] * ${c(geometry.width)} + columnSecond[k];`);
  s.line('const deviation1 = d1[at1];');
  s.line('const deviation2 = d2[at2];');
  s.line('const norm = deviation1 * deviation2;');
  s.line('let lambda = 0;');
  s.line(`if (norm > 0) { lambda = s[${c(inputs.sAt)} + rest] / norm; }`);
  // comparisons written out: Math.max/min NaN semantics differ between gpu.js modes
  s.line('if (lambda > 1) { lambda = 1; }');
  s.line('if (lambda < -1) { lambda = -1; }');
  s.line(`const complement = ${c(Math.PI)} - Math.acos(lambda);`);
  s.line(
    `if (half === 0) { return norm * (lambda * complement + Math.sqrt(1 - lambda * lambda)) * ${c(1 / (2 * Math.PI))}; }`,
  );
  s.line(inputs.t ? `return t[${c(inputs.tAt)} + rest] * complement * ${c(1 / (2 * Math.PI))};` : 'return 0;');
  const names = ['s', 't', 'd1', 'd2', 'first', 'second', 'rowFirst', 'rowSecond', 'columnFirst', 'columnSecond'];
  return runner.run(
    'relu',
    { source: s.build(names), output: [size], constants: s.constants, returnType: 'Float' },
    [
      inputs.s,
      inputs.t ?? inputs.s,
      deviations1,
      deviations2,
      pairs.first,
      pairs.second,
      band.rowFirst,
      band.rowSecond,
      band.columnFirst,
      band.columnSecond,
    ],
    size,
  );
}

/**
 * The ReLU step and the linear layer after it (InfiniteKernels.relu), as two kernels: the
 * pointwise step, then `linear` on its stack (a fused pass would recompute each K for its 9
 * neighbours).
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
  const band = bandTables(geometry);
  const block = pairTables(pairs);
  const { entries } = band.layout;
  const plane = geometry.height * geometry.width;
  const shape = `[${block.count},${band.layout.rows.size},${band.layout.columns.size}]`;
  const sigma = checked(nngp, block.count * entries, 'relu', `nngp ${shape}`);
  const theta = checked(ntk, block.count * entries, 'relu', `ntk ${shape}`);
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
  checkLinearStep('gpujs relu', step, band.layout);
  if (block.count * entries === 0) return new Float32Array(0);
  const pointwise = reluKernel(runtime, { s: sigma, sAt: 0, t: theta, tAt: 0 }, d1, d2, block, band);
  const stack = { s: pointwise, sAt: 0, t: pointwise, tAt: block.count * entries };
  return into('relu', linearKernel(runtime, stack, block.count, band, step), out);
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
