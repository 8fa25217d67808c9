/**
 * The CPU backend's matmul against a float64 triple loop, on random shapes (size 0 and 1
 * included), transposes, broadcast batches (stride 0), both dtypes, and shapes that cross the
 * simple / packed / multi-k-block / threaded thresholds.
 * Tolerance per element: |Δ| ≤ (K + 2) · ε · Σ_p |a||b|, ε = 2⁻²³ (float32) or 2⁻⁵² (float64).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Data, MatmulSpec } from '../../gpu/backend.ts';
import { matmul } from '../../gpu/cpu/matmul.ts';
import { chunksRunByHelpers, threadCount } from '../../gpu/cpu/threads.ts';
import { matmulCaseArb, matmulOperands, type MatmulCase } from '../helpers/matmul-cases.ts';

/** The definition: C[t][i][j] = Σ_p op(A[t])[i][p] · op(B[t])[p][j], and Σ_p |·||·| for the bound. */
function referenceMatmul(a: Data, b: Data, spec: MatmulSpec): { value: Float64Array; magnitude: Float64Array } {
  const { batch, m, k, n } = spec;
  const value = new Float64Array(batch * m * n),
    magnitude = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0,
          abs = 0;
        for (let p = 0; p < k; p++) {
          const x = spec.transposeA ? a[t * spec.strideA + p * m + i] : a[t * spec.strideA + i * k + p];
          const y = spec.transposeB ? b[t * spec.strideB + j * k + p] : b[t * spec.strideB + p * n + j];
          sum += x * y;
          abs += Math.abs(x * y);
        }
        value[(t * m + i) * n + j] = sum;
        magnitude[(t * m + i) * n + j] = abs;
      }
    }
  }
  return { value, magnitude };
}

function checkCase(c: MatmulCase): void {
  const { spec, a, b } = matmulOperands(c);
  const out = matmul(a, b, spec);
  expect(out).toBeInstanceOf(c.dtype === 'float64' ? Float64Array : Float32Array);
  expect(out.length).toBe(c.batch * c.m * c.n);
  const { value, magnitude } = referenceMatmul(a, b, spec);
  const epsilon = c.dtype === 'float64' ? 2 ** -52 : 2 ** -23;
  for (let i = 0; i < out.length; i++) {
    const bound = (c.k + 2) * epsilon * magnitude[i];
    if (!(Math.abs(out[i] - value[i]) <= bound)) {
      throw new Error(`matmul ${JSON.stringify(c)}: element ${i} is ${out[i]}, expected ${value[i]} ± ${bound}`);
    }
  }
}

const caseArb = (maxBatch: number, maxM: number, maxK: number, maxN: number, minSize = 0) => {
  const size = (max: number) => fc.integer({ min: minSize, max });
  return matmulCaseArb({ batch: size(maxBatch), m: size(maxM), k: size(maxK), n: size(maxN) });
};

describe('cpu matmul', () => {
  it('matches the triple loop on small shapes (size 0 and 1, simple and packed paths)', () => {
    fc.assert(fc.property(caseArb(3, 24, 24, 24), checkCase), { numRuns: 300 });
  });

  it('matches the triple loop across several k-blocks, ragged tiles and the threaded path', () => {
    fc.assert(fc.property(caseArb(2, 140, 600, 140, 1), checkCase), { numRuns: 12 });
  });

  it('handles the MLP-step shapes, with the transposes of the backward pass', () => {
    for (const [m, k, n, transposeA, transposeB] of [
      [128, 784, 64, false, false],
      [784, 128, 64, true, false],
      [128, 64, 784, false, true],
    ] as const) {
      checkCase({
        batch: 1,
        m,
        k,
        n,
        transposeA,
        transposeB,
        broadcastA: false,
        broadcastB: false,
        dtype: 'float32',
        seed: m + k + n,
      });
    }
  });

  it('uses the helper threads for large products when the machine has several cores', () => {
    if (threadCount() < 2) return; // one core (or no worker_threads): nothing to check
    const before = chunksRunByHelpers();
    const start = Date.now();
    // The helpers start asynchronously; until they run, the caller computes every chunk itself.
    while (chunksRunByHelpers() === before && Date.now() - start < 10_000) {
      checkCase({
        batch: 1,
        m: 96,
        k: 300,
        n: 100,
        transposeA: false,
        transposeB: true,
        broadcastA: false,
        broadcastB: false,
        dtype: 'float64',
        seed: 7,
      });
    }
    expect(chunksRunByHelpers()).toBeGreaterThan(before);
  });

  it('propagates NaN and Infinity as IEEE arithmetic does (0 · ∞ = NaN)', () => {
    for (const size of [3, 40]) {
      // the simple and the packed path
      const a = new Float64Array(size * size),
        b = new Float64Array(size * size).fill(1);
      a[0] = Infinity; // row 0 of A: [∞, 0, 0, ...]
      b[0] = 0; // column 0 of B starts with 0
      const spec = {
        batch: 1,
        m: size,
        k: size,
        n: size,
        transposeA: false,
        transposeB: false,
        strideA: 0,
        strideB: 0,
      };
      const out = matmul(a, b, spec);
      expect(out[0]).toBeNaN();
      expect(out[1]).toBe(Infinity);
      expect(out[size]).toBe(0);
    }
  });

  it('returns zeros when the inner dimension is 0', () => {
    const out = matmul(new Float32Array(0), new Float32Array(0), {
      batch: 2,
      m: 3,
      k: 0,
      n: 2,
      transposeA: false,
      transposeB: false,
      strideA: 0,
      strideB: 0,
    });
    expect(Array.from(out)).toEqual(new Array(12).fill(0));
  });
});
