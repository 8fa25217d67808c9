/**
 * Batched matrix multiply on gpu.js, C[b] = op(A[b]) · op(B[b]).
 *
 * Two kernels compute it:
 * - `matmulBlocked` (used in webasm mode): each thread computes four rows of one column
 *   and returns them as an Array(4), with the k loop unrolled by two. gpu.js's webasm
 *   backend runs four consecutive threads as one f32x4 SIMD step and loads any value
 *   that depends on thread.x with four scalar loads, so a thread that reuses each B
 *   load for four rows does about half the loads per multiply-add of the one-cell
 *   kernel. A second, exact kernel unpacks the [rows/4, n, 4] result into row-major C.
 * - `matmulFlat` (every other mode): one thread per output cell, the natural GPU form.
 *
 * `naiveMatmulKernel` is the textbook gpu.js matmul (README example: 2-D output, one
 * cell per thread, plain k loop), kept as the reference that bench/ops.ts compares
 * against. Measured in webasm on the 2-core dev machine (interleaved runs, best of
 * 5–12, machine shared): 256³ naive 1.5–1.6 GFLOP/s, blocked 3.4–3.5 (incl. unpack);
 * 512³ naive 1.1–1.3, blocked 2.6–3.3. Unrolling k by 4 measured the same as by 2.
 *
 * Every loop bound is a constant. Sums run in float32 in k order, so each entry agrees
 * with the cpu backend within |Δ| ≤ (k+2)·2⁻²³·Σ|a||b|.
 */
import type { Storage, MatmulSpec } from '../backend.ts';
import { emitCoordinates, KernelSource } from './indexing.ts';
import { float32, type KernelInput, type KernelRunner } from './runtime.ts';

/** Checks the spec and operand lengths; returns the operands as float32. */
function operands(a: Storage, b: Storage, spec: MatmulSpec): [KernelInput, KernelInput] {
  const { batch, m, k, n, strideA, strideB } = spec;
  for (const [name, value] of Object.entries({ batch, m, k, n, strideA, strideB })) {
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`gpujs matmul: ${name} must be a non-negative integer, got ${value}`);
  }
  const left = float32(a, 'matmul');
  const right = float32(b, 'matmul');
  if (batch > 0 && m * k > 0 && left.length < (batch - 1) * strideA + m * k) {
    throw new Error(
      `gpujs matmul: a has ${left.length} elements, batch ${batch} × [${m},${k}] with stride ${strideA} needs ${(batch - 1) * strideA + m * k}`,
    );
  }
  if (batch > 0 && k * n > 0 && right.length < (batch - 1) * strideB + k * n) {
    throw new Error(
      `gpujs matmul: b has ${right.length} elements, batch ${batch} × [${k},${n}] with stride ${strideB} needs ${(batch - 1) * strideB + k * n}`,
    );
  }
  return [left, right];
}

/** C = op(A)·op(B), with the kernel suited to the runtime's mode. */
export function matmul<Out extends Storage>(
  runtime: KernelRunner<Out>,
  a: Storage,
  b: Storage,
  spec: MatmulSpec,
): Out | Float32Array {
  return runtime.mode === 'webasm' ? matmulBlocked(runtime, a, b, spec) : matmulFlat(runtime, a, b, spec);
}

/** Degenerate sizes: an empty product, or zeros when k = 0. Returns undefined otherwise. */
function degenerate(spec: MatmulSpec): Float32Array | undefined {
  const size = spec.batch * spec.m * spec.n;
  if (size === 0) return new Float32Array(0);
  if (spec.k === 0) return new Float32Array(size); // empty sums (a host fill)
  return undefined;
}

/** Steps of k per loop iteration in matmulBlocked (2 and 4 measured alike; 1 is ~20% slower). */
const MATMUL_UNROLL = 2;

/** Sums terms as a balanced tree: ((t0 + t1) + (t2 + t3)). */
function pairwise(terms: string[]): string {
  if (terms.length === 1) return terms[0];
  const half = Math.ceil(terms.length / 2);
  return `(${pairwise(terms.slice(0, half))} + ${pairwise(terms.slice(half))})`;
}

/** Four rows per thread, k unrolled by MATMUL_UNROLL; see the file comment. */
export function matmulBlocked<Out extends Storage>(
  runtime: KernelRunner<Out>,
  a: Storage,
  b: Storage,
  spec: MatmulSpec,
): Out | Float32Array {
  const [left, right] = operands(a, b, spec);
  const empty = degenerate(spec);
  if (empty) return empty;
  const { batch, m, k, n, transposeA, transposeB } = spec;
  const quads = Math.ceil(m / 4);
  const source = new KernelSource();
  const K = source.constant(k);
  const batched = batch > 1;
  source.line(
    `const aBase = ${batched && spec.strideA > 0 ? `this.thread.z * ${source.constant(spec.strideA)}` : '0'};`,
  );
  source.line(
    `const bBase = ${batched && spec.strideB > 0 ? `this.thread.z * ${source.constant(spec.strideB)}` : '0'};`,
  );
  // the four rows of this thread, clamped to the last row when m is not a multiple of 4
  for (let c = 0; c < 4; c++) {
    source.line(`let i${c} = this.thread.y * 4 + ${c};`);
    if (m % 4 !== 0 && c > 0)
      source.line(`if (i${c} > ${source.constant(m - 1)}) { i${c} = ${source.constant(m - 1)}; }`);
    // A(i, p) = a[r + p] row-major, a[pa + r] transposed (pa walks p·m)
    source.line(transposeA ? `const r${c} = aBase + i${c};` : `const r${c} = aBase + i${c} * ${K};`);
  }
  source.line('let pa = 0;');
  // B(p, j) = b[q] walking down column j, or b[q + p] along row j of the stored [n, k]
  source.line(transposeB ? `const q = bBase + this.thread.x * ${K};` : 'let q = bBase + this.thread.x;');
  source.line('let s0 = 0;');
  source.line('let s1 = 0;');
  source.line('let s2 = 0;');
  source.line('let s3 = 0;');
  // A(i_c, p + t) and B(p + t, j) for the t-th step of an unrolled block starting at p
  const aAt = (c: number, t: number, p: string): string =>
    transposeA
      ? `a[pa + ${t === 0 ? '' : `${source.constant(t * m)} + `}r${c}]`
      : `a[r${c} + ${p}${t === 0 ? '' : ` + ${t}`}]`;
  const bAt = (t: number, p: string): string =>
    transposeB ? `b[q + ${p}${t === 0 ? '' : ` + ${t}`}]` : `b[q${t === 0 ? '' : ` + ${source.constant(t * n)}`}]`;
  const block = (steps: number, p: string, indent: string): void => {
    for (let t = 0; t < steps; t++) source.line(`${indent}const w${t} = ${bAt(t, p)};`);
    for (let c = 0; c < 4; c++) {
      const products = Array.from({ length: steps }, (_, t) => `${aAt(c, t, p)} * w${t}`);
      source.line(`${indent}s${c} = s${c} + ${pairwise(products)};`);
    }
  };
  const blocks = Math.floor(k / MATMUL_UNROLL);
  if (blocks > 0) {
    source.line(`for (let p = 0; p < ${source.constant(blocks * MATMUL_UNROLL)}; p += ${MATMUL_UNROLL}) {`);
    block(MATMUL_UNROLL, 'p', '  ');
    if (transposeA) source.line(`  pa = pa + ${source.constant(MATMUL_UNROLL * m)};`);
    if (!transposeB) source.line(`  q = q + ${source.constant(MATMUL_UNROLL * n)};`);
    source.line('}');
  }
  if (k % MATMUL_UNROLL > 0) block(k % MATMUL_UNROLL, source.constant(blocks * MATMUL_UNROLL), '');
  source.line('return [s0, s1, s2, s3];');
  const output = batched ? [n, quads, batch] : [n, quads];
  const packed = runtime.run(
    'matmul',
    { source: source.build(['a', 'b']), output, constants: source.constants, returnType: 'Array(4)' },
    [left, right],
    batch * quads * n * 4,
  );
  return unpackRows(runtime, packed, batch, m, n);
}

/** out[z, i, j] = packed[z, ⌊i/4⌋, j, i mod 4]: the blocked kernel's layout to row-major (exact). */
function unpackRows<Out extends Storage>(
  runtime: KernelRunner<Out>,
  packed: Storage,
  batch: number,
  m: number,
  n: number,
): Out {
  const size = batch * m * n;
  const source = new KernelSource();
  const [z, i, j] = emitCoordinates(source, 'this.thread.x', [batch, m, n], [], []);
  source.line(`const quad = Math.floor(${i} / 4);`);
  source.line(`const lane = ${i} - quad * 4;`);
  source.line(
    `return packed[((${z} * ${source.constant(Math.ceil(m / 4))} + quad) * ${source.constant(n)} + ${j}) * 4 + lane];`,
  );
  return runtime.run(
    'matmul(unpack)',
    { source: source.build(['packed']), output: [size], constants: source.constants, returnType: 'Float' },
    [float32(packed, 'matmul(unpack)')],
    size,
  );
}

/** One output cell per thread, flat output. */
export function matmulFlat<Out extends Storage>(
  runtime: KernelRunner<Out>,
  a: Storage,
  b: Storage,
  spec: MatmulSpec,
): Out | Float32Array {
  const [left, right] = operands(a, b, spec);
  const empty = degenerate(spec);
  if (empty) return empty;
  const { batch, m, k, n, transposeA, transposeB } = spec;
  const size = batch * m * n;
  const source = new KernelSource();
  const [z, i, j] = emitCoordinates(source, 'this.thread.x', [batch, m, n], [], []);
  source.line(
    `let pa = ${z} * ${source.constant(spec.strideA)} + ${i}${transposeA ? '' : ` * ${source.constant(k)}`};`,
  );
  source.line(
    `let pb = ${z} * ${source.constant(spec.strideB)} + ${j}${transposeB ? ` * ${source.constant(k)}` : ''};`,
  );
  source.line('let sum = 0;');
  source.line(`for (let p = 0; p < ${source.constant(k)}; p++) {`);
  source.line('  sum = sum + a[pa] * b[pb];');
  source.line(`  pa = pa + ${source.constant(transposeA ? m : 1)};`);
  source.line(`  pb = pb + ${source.constant(transposeB ? 1 : n)};`);
  source.line('}');
  source.line('return sum;');
  return runtime.run(
    'matmul',
    { source: source.build(['a', 'b']), output: [size], constants: source.constants, returnType: 'Float' },
    [left, right],
    size,
  );
}

/**
 * The textbook gpu.js matmul, C = A·B for row-major A [m, k] and B [k, n]: 2-D output
 * [n, m], one cell per thread, `sum += a[y·k + p] · b[p·n + x]` (the README's example).
 * Compiled through the runtime's cache. For bench/ops.ts: the "naive gpu.js matmul"
 * reference against which the backend's matmul is measured.
 *
 * @example
 *   const runtime = createGpuJsBackend().runtime;
 *   const multiply = naiveMatmulKernel(runtime, 256, 256, 256);
 *   const c = multiply(a, b); // Float32Array(256 * 256)
 */
export function naiveMatmulKernel(
  runtime: KernelRunner,
  m: number,
  k: number,
  n: number,
): (a: Float32Array, b: Float32Array) => Float32Array {
  if (![m, k, n].every((extent) => Number.isInteger(extent) && extent > 0))
    throw new Error(`naiveMatmulKernel: m, k, n must be positive integers, got ${m}, ${k}, ${n}`);
  const source = new KernelSource();
  const K = source.constant(k);
  source.line('let sum = 0;');
  source.line(`for (let p = 0; p < ${K}; p++) {`);
  source.line(`  sum += a[this.thread.y * ${K} + p] * b[p * ${source.constant(n)} + this.thread.x];`);
  source.line('}');
  source.line('return sum;');
  const recipe = {
    source: source.build(['a', 'b']),
    output: [n, m],
    constants: source.constants,
    returnType: 'Float' as const,
  };
  return (a, b) => {
    if (!(a instanceof Float32Array) || a.length !== m * k)
      throw new Error(`naiveMatmulKernel: a must be a Float32Array of ${m * k} elements`);
    if (!(b instanceof Float32Array) || b.length !== k * n)
      throw new Error(`naiveMatmulKernel: b must be a Float32Array of ${k * n} elements`);
    return runtime.run('naiveMatmul', recipe, [a, b], m * n);
  };
}
