/** Constructors, products and argument validation of src/linalg/matrix.ts. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertFinite,
  clone,
  fromArray,
  fromRows,
  identity,
  matmul,
  matvec,
  submatrix,
  toRows,
  transpose,
  zeros,
} from '../../src/linalg/index.ts';
import { matrixArb, maxAbsDifference, naiveMatmul, naiveTranspose } from './helpers.ts';

describe('constructors', () => {
  it('build the documented layouts', () => {
    expect(Array.from(zeros(2, 3).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(toRows(identity(3))).toEqual([
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const m = fromRows([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect([m.rows, m.cols, Array.from(m.data)]).toEqual([2, 3, [1, 2, 3, 4, 5, 6]]);
    expect(toRows(fromArray(2, 2, [1, 2, 3, 4]))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(fromRows([]).rows).toBe(0);
  });
  it('copy their input', () => {
    const source = new Float64Array([1, 2]);
    const m = fromArray(1, 2, source);
    source[0] = 9;
    expect(m.data[0]).toBe(1);
    const copy = clone(m);
    copy.data[1] = 7;
    expect(m.data[1]).toBe(2);
  });
  it('reject bad shapes with the function and argument named', () => {
    expect(() => fromRows([[1, 2], [3]])).toThrow('fromRows: row 1 has length 1, expected 2');
    expect(() => fromArray(2, 2, [1, 2, 3])).toThrow('fromArray: data has length 3, expected 2*2 = 4');
    expect(() => zeros(-1, 2)).toThrow('zeros: rows must be a non-negative integer, got -1');
    expect(() => zeros(1.5, 2)).toThrow('zeros: rows must be a non-negative integer');
  });
});

describe('products', () => {
  it('matmul equals the triple loop', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer(),
        (m, k, n, seed) => {
          const a = { rows: m, cols: k, data: Float64Array.from({ length: m * k }, (_, i) => Math.sin(seed + i)) };
          const b = { rows: k, cols: n, data: Float64Array.from({ length: k * n }, (_, i) => Math.cos(seed - 3 * i)) };
          expect(maxAbsDifference(matmul(a, b).data, naiveMatmul(a, b).data)).toBeLessThan(1e-14 * k);
        },
      ),
      { numRuns: 100 },
    );
  });
  it('transpose matches the definition, also across its 32×32 tiles', () => {
    fc.assert(
      fc.property(matrixArb(0, 40, 0, 40), (a) => {
        expect(Array.from(transpose(a).data)).toEqual(Array.from(naiveTranspose(a).data));
        expect(Array.from(transpose(transpose(a)).data)).toEqual(Array.from(a.data));
      }),
      { numRuns: 50 },
    );
  });
  it('matvec equals matmul with a one-column matrix', () => {
    fc.assert(
      fc.property(matrixArb(1, 6, 1, 6), (a) => {
        const x = Float64Array.from({ length: a.cols }, (_, i) => i - 1.5);
        const asColumn = matmul(a, { rows: a.cols, cols: 1, data: x });
        expect(maxAbsDifference(matvec(a, x), asColumn.data)).toBeLessThanOrEqual(1e-12);
      }),
      { numRuns: 50 },
    );
  });
  it('submatrix picks rows and columns in the order given', () => {
    const m = fromRows([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect(toRows(submatrix(m, [2, 0], [1, 1, 0]))).toEqual([
      [8, 8, 7],
      [2, 2, 1],
    ]);
    expect(() => submatrix(m, [3], [0])).toThrow('submatrix: rowIndices[0] = 3 is not an integer in [0, 3)');
  });
  it('reject mismatched shapes, naming both', () => {
    expect(() => matmul(zeros(2, 3), zeros(2, 3))).toThrow(
      'matmul: left.cols must equal right.rows, got 2x3 times 2x3',
    );
    expect(() => matvec(zeros(2, 3), [1, 2])).toThrow(
      'matvec: vector length must equal matrix.cols, got 2x3 times length 2',
    );
    expect(() => transpose({ rows: 2, cols: 2, data: new Float64Array(3) })).toThrow(
      'transpose: matrix is 2x2 but its data has length 3',
    );
  });
  it('assertFinite names the entry', () => {
    expect(() =>
      assertFinite(
        'f',
        'x',
        fromRows([
          [1, 2],
          [NaN, 4],
        ]),
      ),
    ).toThrow('f: x must be finite, got NaN at entry (1, 0)');
  });
});
