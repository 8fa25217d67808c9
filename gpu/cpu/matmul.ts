/** Batched matrix multiply on the CPU. */
import type { Data, MatmulSpec } from '../backend.ts';
import { allocate, dtypeOf } from './storage.ts';
import { planGemm } from './gemm.ts';
import { rowMajor, transposed, type MatrixView } from './pack.ts';

/**
 * Below this many multiply-adds per product the simple loop wins: packing and the blocked
 * product cost a few microseconds per call, which matters when a model makes many tiny
 * products (measured crossover between 12³ and 16³ on a 2-core AMD EPYC, Node 20).
 */
const SIMPLE_MAX_MULTIPLY_ADDS = 2048;
/** Float64 elements of packed operands and products per job (≈ 16 MiB), to bound memory. */
const JOB_ELEMENTS = 1 << 21;

/**
 * C[b] = op(A[b]) · op(B[b]), op = identity or transpose (spec.transposeA/B), float32 or
 * float64 alike; strideA/B = 0 reuses one matrix for every b. Sums are accumulated in float64,
 * except on the WebAssembly path (wasm/gemm.ts, on unless THEORYGRAD_WASM=0), where float32
 * products past the simple loop's size accumulate in float32, as BLAS does.
 * Example: matmul(a, b, { batch: 1, m: 2, k: 3, n: 4, transposeA: false, transposeB: false, strideA: 0, strideB: 0 }).
 */
export function matmul(a: Data, b: Data, spec: MatmulSpec): Data {
  const { batch, m, k, n } = spec;
  const out = allocate(batch * m * n, dtypeOf(a));
  if (out.length === 0 || k === 0) return out;
  // Element (i, p) of op(A[t]) is a[offset + i·rowStride + p·colStride]; likewise for B.
  const viewA = (t: number): MatrixView =>
    spec.transposeA ? transposed(a, t * spec.strideA, m) : rowMajor(a, t * spec.strideA, k);
  const viewB = (t: number): MatrixView =>
    spec.transposeB ? transposed(b, t * spec.strideB, k) : rowMajor(b, t * spec.strideB, n);

  // Thin products also take the simple loop: the packed path pads to 4×4 tiles and would waste
  // most of its work (measured: 1×512 · 512×512 0.33 ms simple vs 0.94 ms packed, 512×512 · 512×1
  // 0.35 vs 0.83 ms; with 3 rows, or 2 columns, the packed path is already ahead).
  if (m * n * k <= SIMPLE_MAX_MULTIPLY_ADDS || m <= 2 || n === 1) {
    for (let t = 0; t < batch; t++) simpleProduct(viewA(t), viewB(t), out, t * m * n, m, k, n);
    return out;
  }
  // Packed, blocked product (gemm.ts), for as many products at a time as fit JOB_ELEMENTS;
  // a shared operand (stride 0) is packed once per job.
  const shareA = spec.strideA === 0 && batch > 1,
    shareB = spec.strideB === 0 && batch > 1;
  const perProduct = (shareA ? 0 : m * k) + (shareB ? 0 : k * n) + m * n;
  const perJob = Math.max(1, Math.min(batch, Math.floor(JOB_ELEMENTS / Math.max(1, perProduct))));
  for (let first = 0; first < batch; first += perJob) {
    const products = Math.min(perJob, batch - first);
    const plan = planGemm(products, m, k, n, shareA, shareB, dtypeOf(a));
    for (let t = 0; t < products; t++) {
      if (t === 0 || !shareA) plan.packA(t, viewA(first + t), 0, m, 0, k);
      if (t === 0 || !shareB) plan.packB(t, viewB(first + t), 0, k, 0, n);
    }
    plan.multiply();
    for (let t = 0; t < products; t++) plan.readC(t, out, (first + t) * m * n, n, 1);
    plan.release();
  }
  return out;
}

/**
 * The definition, out[i, j] = Σ_p A[i, p] · B[p, j] with float64 sums, with the loop order that
 * reads B contiguously: i-k-j (streaming rows of B and C) when B's rows are contiguous, else
 * dot products along B's contiguous columns (a transposed B, or a single column).
 */
function simpleProduct(a: MatrixView, b: MatrixView, out: Data, offset: number, m: number, k: number, n: number): void {
  if (b.rowStride === 1) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let from = a.offset + i * a.rowStride,
          to = b.offset + j * b.colStride;
        for (let p = 0; p < k; p++, from += a.colStride) sum += a.data[from] * b.data[to + p];
        out[offset + i * n + j] = sum;
      }
    }
    return;
  }
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const scale = a.data[a.offset + i * a.rowStride + p * a.colStride];
      const from = b.offset + p * b.rowStride;
      for (let j = 0; j < n; j++) row[j] += scale * b.data[from + j * b.colStride];
    }
    out.set(row, offset + i * n);
  }
}
