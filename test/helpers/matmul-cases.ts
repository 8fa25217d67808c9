/** The matmul fuzz case of test/gpu/cpu-matmul.test.ts and wasm-gemm.test.ts: its record, operands and arbitrary. */
import fc from 'fast-check';
import type { Data, DType, MatmulSpec } from '../../gpu/backend.ts';
import { seededValues } from './seeded-values.ts';

/** One batched product: its sizes and transposes, whether A (B) is one matrix reused by every batch, dtype, seed. */
export interface MatmulCase extends Pick<MatmulSpec, 'batch' | 'm' | 'k' | 'n' | 'transposeA' | 'transposeB'> {
  broadcastA: boolean;
  broadcastB: boolean;
  dtype: DType;
  seed: number;
}

/**
 * The case's MatmulSpec (stride 0 for a broadcast operand) and its operands: seeded values in
 * [−2, 2), A from `seed` and B from `seed + 1`.
 * @example const { spec, a, b } = matmulOperands({ batch: 2, m: 3, k: 4, n: 5, transposeA: true, transposeB: false, broadcastA: false, broadcastB: true, dtype: 'float32', seed: 1 });
 */
export function matmulOperands(c: MatmulCase): { spec: MatmulSpec; a: Data; b: Data } {
  const { batch, m, k, n, transposeA, transposeB } = c;
  const spec = {
    batch,
    m,
    k,
    n,
    transposeA,
    transposeB,
    strideA: c.broadcastA ? 0 : m * k,
    strideB: c.broadcastB ? 0 : k * n,
  };
  return {
    spec,
    a: seededValues((c.broadcastA ? 1 : batch) * m * k, c.seed, c.dtype),
    b: seededValues((c.broadcastB ? 1 : batch) * k * n, c.seed + 1, c.dtype),
  };
}

/**
 * Cases with the sizes drawn by `sizes`, every transpose and broadcast, both dtypes and any seed.
 * @example matmulCaseArb({ batch: fc.integer({ min: 1, max: 3 }), m: fc.nat(24), k: fc.nat(24), n: fc.nat(24) })
 */
export function matmulCaseArb(
  sizes: Record<'batch' | 'm' | 'k' | 'n', fc.Arbitrary<number>>,
): fc.Arbitrary<MatmulCase> {
  return fc.record({
    ...sizes,
    transposeA: fc.boolean(),
    transposeB: fc.boolean(),
    broadcastA: fc.boolean(),
    broadcastB: fc.boolean(),
    dtype: fc.constantFrom<DType>('float32', 'float64'),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  });
}
