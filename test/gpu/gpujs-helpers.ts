/**
 * Shared pieces of the gpujs tests (webasm here, WebGL in test/web/): one backend for the
 * suite, the op lists and float32 bounds of the agreement checks, and fast-check generators
 * for shapes and float32 data (the comparisons are test/helpers/close.ts).
 */
import fc from 'fast-check';
import type { BinaryOp, Pool2dSpec, ReduceOp, UnaryOp } from '../../gpu/backend.ts';
import { cpuBackend as cpu } from '../../gpu/cpu/index.ts';
import { createGpuJsBackend, type GpuJsBackend } from '../../gpu/gpujs/index.ts';
import { broadcastShapes, sizeOf } from '../../gpu/shape.ts';
import { absolute, EPSILON32 } from '../helpers/close.ts';

let shared: GpuJsBackend | undefined;

/** The backend under test, created once (gpu.js loads on first use). */
export function gpujs(): GpuJsBackend {
  shared ??= createGpuJsBackend();
  return shared;
}

/** The elementwise maps every gpujs mode is checked on (NaN, ±∞ and ±0 included). */
export const unaryOps: UnaryOp[] = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'abs',
  'relu',
  'sigmoid',
  'tanh',
  'sin',
  'cos',
  'arccos',
  'sign',
  'step',
];

/** The binary ops (with broadcasting) every gpujs mode is checked on. */
export const binaryOps: BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'pow',
  'maximum',
  'minimum',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
];

/** A few float32 ulps of the cpu result (8·2⁻²³·|y|), plus the smallest normal for results near 0. */
export const unaryBound = (expected: ArrayLike<number>) => (i: number) =>
  8 * EPSILON32 * Math.abs(expected[i]) + 2 ** -126;

const ulp = (value: number) => EPSILON32 * Math.abs(value);

/**
 * The WebGL bound for a unary map: GLSL ES 3.00 leaves the precision of its built-in functions
 * to the implementation, so this takes the precision that Vulkan's SPIR-V environment states
 * (Vulkan 1.3 spec, "Precision and Operation of SPIR-V Instructions"), which ANGLE's Vulkan
 * backend and SwiftShader provide: exp (3 + 2·|x|) ulp; log 3 ulp outside [0.5, 2] and an
 * absolute 2⁻²¹ inside; sin/cos an absolute 2⁻¹¹ (stated for [−π, π]; the fuzz draws |x| ≤ 4);
 * acos 4096 ulp; tanh and sigmoid inherited from their formulas in exp (two exps and a
 * division: relative (2·(3 + 2·|x|) + 3) ulp, and for tanh the same bound absolute, since
 * e^x − e^−x cancels near 0); sqrt inherited from 1/inversesqrt (2 ulp + 2.5 ulp). Exact ops
 * keep the webasm bound. Every bound adds 2⁻¹²⁶: GPUs flush float32 denormals to zero.
 */
export function webglUnaryBound(op: UnaryOp, x: ArrayLike<number>, expected: ArrayLike<number>): (i: number) => number {
  const exponent = (i: number) => 3 + 2 * Math.abs(x[i]);
  const rules: Partial<Record<UnaryOp, (i: number) => number>> = {
    exp: (i) => exponent(i) * ulp(expected[i]),
    log: (i) => (Math.abs(x[i]) >= 0.5 && Math.abs(x[i]) <= 2 ? 2 ** -21 : 3 * ulp(expected[i])),
    sin: () => 2 ** -11,
    cos: () => 2 ** -11,
    arccos: (i) => 4096 * ulp(expected[i]),
    tanh: (i) => (2 * exponent(i) + 3) * EPSILON32 * Math.max(Math.abs(expected[i]), 1),
    sigmoid: (i) => (2 * exponent(i) + 3) * ulp(expected[i]),
    sqrt: (i) => 5 * ulp(expected[i]),
  };
  const rule = rules[op] ?? unaryBound(expected);
  return (i) => rule(i) + 2 ** -126;
}

/**
 * The WebGL bound for pow(u, v) with u > 0 finite: GLSL computes exp2(v·log2 u), so log2's
 * error (2⁻²¹ absolute in [0.5, 2], else 3 ulp) times |v|, plus the product's rounding, moves
 * the exponent t by Δt, which exp2 turns into a relative ln2·Δt, on top of exp2's own
 * (3 + 2|t|) ulp (Vulkan's SPIR-V precision, as for webglUnaryBound). Cases GLSL leaves
 * undefined are spelled out in the kernel and must match exactly (the bound is then 2⁻¹²⁶).
 * `u` and `v` are broadcast to the output's shape.
 */
export function webglPowBound(u: ArrayLike<number>, v: ArrayLike<number>, expected: ArrayLike<number>) {
  return (i: number): number => {
    const [base, exponent] = [Math.abs(u[i]), v[i]];
    if (!(base > 0) || !Number.isFinite(base) || !Number.isFinite(exponent) || exponent === 0) return 2 ** -126;
    const log = Math.log2(base);
    const logError = base >= 0.5 && base <= 2 ? 2 ** -21 : 3 * ulp(log);
    const t = exponent * log;
    const shift = Math.abs(exponent) * logError + ulp(t) / 2;
    return Math.abs(expected[i]) * (Math.LN2 * shift + (3 + 2 * Math.abs(t)) * EPSILON32) + 2 ** -126;
  };
}

/**
 * `values` as a GPU holds them: float32 denormals (|v| < 2⁻¹²⁶) flushed to zero of the same
 * sign, as WebGL implementations do in arithmetic and comparisons. The WebGL agreement tests
 * compare with the cpu backend run on flushed inputs, its outputs flushed too.
 * @example flushDenormals(Float32Array.of(1e-45, -1e-45, 1)); // [0, −0, 1]
 */
export function flushDenormals(values: ArrayLike<number>): Float32Array {
  return Float32Array.from(values, (value) =>
    Math.abs(value) < 2 ** -126 ? (value < 0 || Object.is(value, -0) ? -0 : 0) : value,
  );
}

/** Sum or mean of n values in float32 against float64: (n+2)·2⁻²³·Σ|x| (divided by n for the mean). */
export function sumBound(op: ReduceOp, x: Float32Array, shape: number[], axes: number[]): (i: number) => number {
  const magnitude = cpu.reduce('sum', absolute(x), shape, axes);
  const reduced = new Set(axes);
  const groupSize = sizeOf(shape.filter((_, axis) => reduced.has(axis)));
  const scale = op === 'mean' ? 1 / Math.max(groupSize, 1) : 1;
  return (i) => (groupSize + 2) * EPSILON32 * magnitude[i] * scale;
}

/**
 * A dot product of `terms` float32 products: (K+2)·2⁻²³·Σ|a||b| per entry (`magnitude` = |A|·|B|),
 * plus 2K·2⁻¹²⁶ for flush-to-zero (GLSL): each of the K products and K − 1
 * partial sums below 2⁻¹²⁶ in magnitude may become 0, each changing the sum by less than 2⁻¹²⁶.
 */
export const productBound = (terms: number, magnitude: ArrayLike<number>) => (i: number) =>
  (terms + 2) * EPSILON32 * magnitude[i] + 2 * Math.max(terms, 1) * 2 ** -126;

/** Property runs per test: gpu.js compiles a kernel per new shape, so keep this small. */
export const RUNS = 40;

/** Extents 0–max, weighted towards non-empty axes (size-0 and size-1 axes still appear). */
export const extentArb = (max = 4) =>
  fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.integer({ min: 1, max }), weight: 15 });

/** Shapes of rank minRank–maxRank (uniformly), extents from extentArb. */
export const shapeArb = (minRank = 0, maxRank = 4, maxExtent = 4) =>
  fc
    .integer({ min: minRank, max: maxRank })
    .chain((rank) => fc.array(extentArb(maxExtent), { minLength: rank, maxLength: rank }));

/** Usually false: most axes keep their extent, a few broadcast from 1. */
const rarely = fc.oneof({ arbitrary: fc.constant(false), weight: 3 }, { arbitrary: fc.constant(true), weight: 1 });

/** Two shapes that broadcast together, and their broadcast. */
export const broadcastArb = (count = 2) =>
  shapeArb(0, 4).chain((full) =>
    fc
      .array(
        fc.tuple(
          fc.oneof({ arbitrary: fc.constant(0), weight: 2 }, { arbitrary: fc.nat(full.length), weight: 1 }),
          fc.array(rarely, { minLength: full.length, maxLength: full.length }),
        ),
        { minLength: count, maxLength: count },
      )
      .map((choices) => {
        const shapes = choices.map(([drop, ones]) => full.map((extent, i) => (ones[i] ? 1 : extent)).slice(drop));
        const outShape = shapes.reduce<number[]>((out, shape) => broadcastShapes(out, shape) ?? out, []);
        return { shapes, outShape };
      }),
  );

/** float32 values in [−max, max]; with `special`, NaN, ±∞ and ±0 now and then. */
export const valueArb = (max = 4, special = false) => {
  const finite = fc.float({ min: -max, max, noNaN: true, noDefaultInfinity: true });
  return special
    ? fc.oneof(
        { arbitrary: finite, weight: 12 },
        { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 0, -0), weight: 1 },
      )
    : finite;
};

export const dataArb = (size: number, max = 4, special = false) =>
  fc.array(valueArb(max, special), { minLength: size, maxLength: size }).map((values) => Float32Array.from(values));

/** Data for a shape. */
export const tensorArb = (shape: readonly number[], max = 4, special = false) => dataArb(sizeOf(shape), max, special);

/** Two operands that broadcast together, as [[aShape, bShape], outShape, a, b], NaN, ±∞ and ±0 among their values. */
export const broadcastOperandsArb = () =>
  broadcastArb(2).chain(({ shapes, outShape }) =>
    fc.tuple(fc.constant(shapes), fc.constant(outShape), tensorArb(shapes[0], 4, true), tensorArb(shapes[1], 4, true)),
  );

/** Distinct values in random order (no ties, so argmax and max-pooling indices are unique). */
export const distinctArb = (size: number) =>
  fc.array(fc.nat(), { minLength: size, maxLength: size }).map((keys) => {
    const order = keys.map((key, i) => [key, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const out = new Float32Array(size);
    order.forEach(([, i], rank) => {
      out[i] = (rank - size / 2) / 8;
    });
    return out;
  });

/** Max-pooling geometry with padding (windows wholly in the padding included) and distinct input values. */
export const poolArb = fc
  .record({
    batch: fc.integer({ min: 1, max: 2 }),
    channels: fc.integer({ min: 1, max: 3 }),
    inHeight: fc.integer({ min: 1, max: 7 }),
    inWidth: fc.integer({ min: 1, max: 7 }),
    kernelHeight: fc.integer({ min: 1, max: 3 }),
    kernelWidth: fc.integer({ min: 1, max: 3 }),
    strideHeight: fc.integer({ min: 1, max: 3 }),
    strideWidth: fc.integer({ min: 1, max: 3 }),
    padHeight: fc.nat(3),
    padWidth: fc.nat(3),
  })
  .map((s): Pool2dSpec => ({
    ...s,
    outHeight: Math.floor((s.inHeight + 2 * s.padHeight - s.kernelHeight) / s.strideHeight) + 1,
    outWidth: Math.floor((s.inWidth + 2 * s.padWidth - s.kernelWidth) / s.strideWidth) + 1,
  }))
  .filter((spec) => spec.outHeight >= 1 && spec.outWidth >= 1)
  .chain((spec) => fc.tuple(fc.constant(spec), distinctArb(spec.batch * spec.channels * spec.inHeight * spec.inWidth)));
