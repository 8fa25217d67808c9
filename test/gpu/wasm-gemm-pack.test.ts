/**
 * The wasm packing of GEMM operands (gpu/cpu/wasm/gemm-pack.ts, gemm-pack-kernel.ts) against its
 * definition, pack.ts's packA / packB: every packed value of the real rows and columns is the
 * same bits (packing is a copy), for random shapes with edge tiles, k past the 256-step block,
 * k ranges that start and end inside blocks (conv's weight gradient packs B image by image),
 * row-major and transposed sources with padded leading dimensions, float32 and float64, and
 * NaN, ±Inf, −0 and subnormals among the values.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Data, DType } from '../../gpu/backend.ts';
import { packA, packB, type MatrixView } from '../../gpu/cpu/pack.ts';
import { planWasmGemm } from '../../gpu/cpu/wasm/gemm.ts';
import { float32View, float64View, wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { SPECIAL_VALUES, expectIdentical, valuesWithSpecials } from '../helpers/wasm-checks.ts';

const wasmPresent = wasmEnabled();

interface PackCase {
  operand: 'A' | 'B';
  dtype: DType;
  m: number;
  k: number;
  n: number;
  /** The source is stored transposed (op(A) = Aᵀ), with `extra` unused values per stored row. */
  transposed: boolean;
  extra: number;
  /** Steps [kStart, kStart + kCount) are packed, as fractions of k. */
  range: [number, number];
  seed: number;
}

/** Sizes that stress the tiles (4×8 float32, 4×4 float64) and the transposes' 4-step quads. */
const size = (max: number) =>
  fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33), fc.integer({ min: 1, max }));

const caseArb: fc.Arbitrary<PackCase> = fc.record({
  operand: fc.constantFrom<'A' | 'B'>('A', 'B'),
  dtype: fc.constantFrom<DType>('float32', 'float64'),
  m: size(70),
  k: fc.oneof(size(40), fc.integer({ min: 250, max: 600 })),
  n: size(70),
  transposed: fc.boolean(),
  extra: fc.constantFrom(0, 0, 1, 3),
  range: fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

/** Packs the case both ways; returns the wasm panels, pack.ts's panels, and which entries pack.ts wrote. */
function packBoth(c: PackCase): { wasm: Data; ts: Data; written: Float64Array } {
  const { operand, dtype, m, k, n, transposed, extra } = c;
  const [rows, cols] = operand === 'A' ? [m, k] : [k, n];
  // Stored [rows, cols] (row-major) or [cols, rows] (transposed), each stored row `extra` longer.
  const ld = (transposed ? rows : cols) + extra;
  const stored = (transposed ? cols : rows) * ld;
  const type = dtype === 'float64' ? Float64Array : Float32Array;
  const data = valuesWithSpecials(type, stored, c.seed, [c.seed % 97, c.seed % 89, 5, 11, 23, 31, 47], SPECIAL_VALUES);
  const kStart = Math.min(k - 1, Math.floor(c.range[0] * k));
  const kCount = Math.max(1, Math.floor(c.range[1] * (k - kStart)));
  // The view's element (0, 0) is op(X)[0][kStart] for A, op(X)[kStart][0] for B.
  const [rowStride, colStride] = transposed ? [1, ld] : [ld, 1];
  const view = (values: Data): MatrixView => ({
    data: values,
    offset: kStart * (operand === 'A' ? colStride : rowStride),
    rowStride,
    colStride,
  });
  const plan = planWasmGemm(1, m, k, n, false, false, dtype === 'float64');
  try {
    const { tileRows, tileCols, paddedRows, paddedCols } = plan.args;
    const length = (operand === 'A' ? paddedRows : paddedCols) * k;
    const ts = new type(length),
      written = new Float64Array(length);
    const ones = new Float64Array(stored).fill(1);
    if (operand === 'A') {
      plan.packA(0, view(data), 0, m, kStart, kCount);
      packA(ts, 0, paddedRows, k, view(data), 0, m, kStart, kCount, tileRows);
      packA(written, 0, paddedRows, k, view(ones), 0, m, kStart, kCount, tileRows);
    } else {
      plan.packB(0, view(data), kStart, kCount, 0, n);
      packB(ts, 0, paddedCols, k, view(data), kStart, kCount, 0, n, tileCols);
      packB(written, 0, paddedCols, k, view(ones), kStart, kCount, 0, n, tileCols);
    }
    const address = operand === 'A' ? plan.args.packedA : plan.args.packedB;
    const wasm = (dtype === 'float64' ? float64View : float32View)(address, length).slice();
    return { wasm, ts, written };
  } finally {
    plan.release();
  }
}

function expectSamePanels(c: PackCase): void {
  const { wasm, ts, written } = packBoth(c);
  const real = (values: Data) => Array.from(values).filter((_, i) => written[i] === 1);
  expect(written.some((w) => w === 1)).toBe(true);
  expectIdentical(real(wasm), real(ts), `packed ${c.operand} ${JSON.stringify(c)}`);
}

describe.runIf(wasmPresent)('wasm gemm packing', () => {
  afterEach(() => expect(wasmEnabled()).toBe(wasmPresent));

  it('writes the panels of pack.ts bit for bit (copies and float32 transposes, sub-ranges of k)', () => {
    fc.assert(fc.property(caseArb, expectSamePanels), { numRuns: 300 });
  });

  it('packs the MLP benchmark shapes (784-512-10, batch 128) and matmul 512 like pack.ts', () => {
    const shapes: [number, number, number][] = [
      [128, 784, 512],
      [512, 128, 784],
      [128, 512, 10],
      [512, 512, 512],
    ];
    for (const [m, k, n] of shapes)
      for (const operand of ['A', 'B'] as const)
        for (const transposed of [false, true])
          expectSamePanels({ operand, dtype: 'float32', m, k, n, transposed, extra: 0, range: [0, 1], seed: m + k });
  });
});
