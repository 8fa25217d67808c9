/** Triangular and SPD solves against multiplication: the residual is at rounding level. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import {
  cholesky,
  fromRows,
  solveLowerTriangular,
  solvePositiveDefinite,
  solveUpperTriangular,
  solveWithCholesky,
  zeros,
  type Matrix,
} from '../../src/linalg/index.ts';
import { maxAbs, maxAbsDifference, naiveMatmul, naiveTranspose, randomGram, randomMatrix, seedArb } from './helpers.ts';

/** A random triangle with diagonal entries of magnitude in [0.5, 1.5]. */
function randomTriangle(random: Random, n: number, lower: boolean): Matrix {
  const t = randomMatrix(random, n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (lower ? j > i : j < i) t.data[i * n + j] = 0;
    t.data[i * n + i] = (random.uniform() < 0.5 ? -1 : 1) * (0.5 + random.uniform());
  }
  return t;
}

/**
 * Triangular substitution is componentwise backward stable, |b − T x̂| ≤ γ_n |T||x̂|
 * (Higham 2002, Theorem 8.5), which holds however ill-conditioned the random T is.
 */
function expectSmallResidual(t: Matrix, x: Matrix, b: Matrix): void {
  const product = naiveMatmul(t, x);
  const absoluteProduct = naiveMatmul({ ...t, data: t.data.map(Math.abs) }, { ...x, data: x.data.map(Math.abs) });
  const gamma = 2 * t.rows * Number.EPSILON;
  for (let i = 0; i < b.data.length; i++) {
    expect(Math.abs(product.data[i] - b.data[i])).toBeLessThanOrEqual(gamma * absoluteProduct.data[i] + 1e-300);
  }
}

describe('triangular solves', () => {
  for (const lower of [true, false]) {
    for (const transposed of [false, true]) {
      it(`${lower ? 'lower' : 'upper'}${transposed ? ', transposed,' : ''} solves T X = B for vector and matrix B`, () => {
        fc.assert(
          fc.property(seedArb, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 4 }), (seed, n, m) => {
            const random = new Random(seed);
            const t = randomTriangle(random, n, lower);
            const b = randomMatrix(random, n, m);
            const solve = lower ? solveLowerTriangular : solveUpperTriangular;
            const x = solve(t, b, { transpose: transposed });
            expect([x.rows, x.cols]).toEqual([n, m]);
            const effective = transposed ? naiveTranspose(t) : t;
            expectSmallResidual(effective, x, b);
            // A vector right-hand side gives the first column's answer.
            const column = Float64Array.from({ length: n }, (_, i) => b.data[i * m]);
            const vector = solve(t, column, { transpose: transposed });
            const firstColumn = Float64Array.from({ length: n }, (_, i) => x.data[i * m]);
            expect(maxAbsDifference(vector, firstColumn)).toBeLessThanOrEqual(1e-12 * (1 + maxAbs(firstColumn)));
          }),
          { numRuns: 40 },
        );
      });
    }
  }
  it('solves the documented examples exactly', () => {
    expect(
      Array.from(
        solveLowerTriangular(
          fromRows([
            [2, 0],
            [1, 1],
          ]),
          [2, 3],
        ),
      ),
    ).toEqual([1, 2]);
    expect(
      Array.from(
        solveUpperTriangular(
          fromRows([
            [1, 1],
            [0, 2],
          ]),
          [3, 4],
        ),
      ),
    ).toEqual([1, 2]);
    expect(
      Array.from(
        solveLowerTriangular(
          fromRows([
            [2, 0],
            [1, 1],
          ]),
          [4, 2],
          { transpose: true },
        ),
      ),
    ).toEqual([1, 2]);
  });
  it('rejects a singular triangle, mismatched shapes and NaN', () => {
    expect(() =>
      solveLowerTriangular(
        fromRows([
          [1, 0],
          [1, 0],
        ]),
        [1, 1],
      ),
    ).toThrow('solveLowerTriangular: matrix is singular (diagonal entry 1 of 2 is zero)');
    expect(() => solveUpperTriangular(zeros(2, 3), [1, 1])).toThrow(
      'solveUpperTriangular: matrix must be square, got 2x3',
    );
    expect(() =>
      solveLowerTriangular(
        fromRows([
          [1, 0],
          [0, 1],
        ]),
        [1, 2, 3],
      ),
    ).toThrow('solveLowerTriangular: rhs must have length 2, got matrix 2x2 and rhs length 3');
    expect(() =>
      solveLowerTriangular(
        fromRows([
          [1, 0],
          [0, 1],
        ]),
        zeros(3, 1),
      ),
    ).toThrow('solveLowerTriangular: rhs must have 2 rows, got matrix 2x2 and rhs 3x1');
    expect(() =>
      solveLowerTriangular(
        fromRows([
          [1, 0],
          [0, 1],
        ]),
        [1, NaN],
      ),
    ).toThrow('solveLowerTriangular: rhs must be finite, got NaN at entry 1');
    expect(() =>
      solveUpperTriangular(
        fromRows([
          [1, NaN],
          [0, 1],
        ]),
        [1, 1],
      ),
    ).toThrow('solveUpperTriangular: matrix must be finite, got NaN at entry (0, 1)');
  });
});

describe('positive definite solves', () => {
  it('solvePositiveDefinite and solveWithCholesky give A X ≈ B', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 3 }), (seed, n, m) => {
        const random = new Random(seed);
        const a = randomGram(random, n, n, 1);
        const b = randomMatrix(random, n, m);
        const x = solvePositiveDefinite(a, b);
        const residual = naiveMatmul(a, x);
        const scale = maxAbs(a.data) * maxAbs(x.data) + maxAbs(b.data);
        expect(maxAbsDifference(residual.data, b.data)).toBeLessThanOrEqual(16 * n * Number.EPSILON * scale);
        const again = solveWithCholesky(cholesky(a), b);
        expect(Array.from(again.data)).toEqual(Array.from(x.data));
      }),
      { numRuns: 40 },
    );
  });
  it('solves the documented example and rejects an indefinite matrix', () => {
    const x = solvePositiveDefinite(
      fromRows([
        [4, 2],
        [2, 5],
      ]),
      [6, 7],
    );
    expect(maxAbsDifference(x, [1, 1])).toBeLessThan(1e-15);
    expect(() =>
      solvePositiveDefinite(
        fromRows([
          [1, 2],
          [2, 1],
        ]),
        [1, 1],
      ),
    ).toThrow('cholesky: matrix is not positive definite');
  });
});
