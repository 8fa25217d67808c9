/**
 * The SMO on precomputed kernels: agreement with a brute-force solution of the dual on tiny
 * problems and with a plain first-order SMO (written here, no shrinking) on larger ones,
 * feasibility, the conjugate-gradient face solves on the slow nearly-linear case, separable
 * data, and input checks. One-vs-one models are tested in test/uci-benchmark/cost-path.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import { solveBinary } from '../../src/kernel-methods/smo.ts';
import { binarySvmDecision, trainBinarySvm } from '../../src/kernel-methods/svm.ts';
import { fromRows, identity, zeros, type Matrix } from '../../src/linalg/index.ts';
import { naiveMatmul, naiveTranspose, randomMatrix, rbfKernel, seedArb } from '../linalg/helpers.ts';

/** Solves the square system M x = b by Gaussian elimination with partial pivoting; null if singular. */
function solveDense(m: number[][], b: number[]): number[] | null {
  const n = b.length;
  const a = m.map((row, i) => [...row, b[i]]);
  for (let column = 0; column < n; column++) {
    let pivot = column;
    for (let r = column + 1; r < n; r++) if (Math.abs(a[r][column]) > Math.abs(a[pivot][column])) pivot = r;
    if (Math.abs(a[pivot][column]) < 1e-12) return null;
    [a[column], a[pivot]] = [a[pivot], a[column]];
    for (let r = column + 1; r < n; r++) {
      const factor = a[r][column] / a[column][column];
      for (let c = column; c <= n; c++) a[r][c] -= factor * a[column][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = a[r][n];
    for (let c = r + 1; c < n; c++) sum -= a[r][c] * x[c];
    x[r] = sum / a[r][r];
  }
  return x;
}

/**
 * The exact dual optimum by enumerating active sets: every α_i is 0, C or free; for each of
 * the 3ⁿ choices the free part solves the KKT system [Q_FF y_F; y_Fᵀ 0][α_F; ν] =
 * [1 − Q_FB α_B; −y_Bᵀα_B]; the best feasible candidate is the optimum (Q is positive
 * definite, so the optimum is unique and is the candidate of its own active set).
 */
function bruteForceDual(kernel: Matrix, signs: number[], cost: number): { alpha: number[]; objective: number } {
  const n = signs.length;
  const q = (i: number, j: number) => signs[i] * signs[j] * kernel.data[i * n + j];
  let best: { alpha: number[]; objective: number } | null = null;
  for (let code = 0; code < 3 ** n; code++) {
    const state = Array.from({ length: n }, (_, i) => Math.floor(code / 3 ** i) % 3);
    const free = state.flatMap((s, i) => (s === 2 ? [i] : []));
    const alpha = state.map((s) => (s === 1 ? cost : 0));
    if (free.length > 0) {
      const size = free.length + 1;
      const system = Array.from({ length: size }, () => new Array<number>(size).fill(0));
      const rhs = new Array<number>(size).fill(0);
      free.forEach((i, r) => {
        free.forEach((j, c) => (system[r][c] = q(i, j)));
        system[r][free.length] = signs[i];
        system[free.length][r] = signs[i];
        rhs[r] = 1 - alpha.reduce((sum, value, j) => sum + q(i, j) * value, 0);
      });
      rhs[free.length] = -alpha.reduce((sum, value, j) => sum + signs[j] * value, 0);
      const solution = solveDense(system, rhs);
      if (!solution) continue;
      free.forEach((i, r) => (alpha[i] = solution[r]));
    }
    if (alpha.some((value) => value < -1e-12 || value > cost + 1e-12)) continue;
    if (Math.abs(alpha.reduce((sum, value, i) => sum + signs[i] * value, 0)) > 1e-10) continue;
    let objective = 0;
    for (let i = 0; i < n; i++) {
      objective -= alpha[i];
      for (let j = 0; j < n; j++) objective += 0.5 * alpha[i] * alpha[j] * q(i, j);
    }
    if (!best || objective < best.objective) best = { alpha, objective };
  }
  return best!;
}

/** The maximal KKT violation max_{I_up} m − min_{I_low} m, m_t = y_t − Σ_s y_s α_s K_ts, computed afresh. */
function kktGap(kernel: Float64Array, signs: Float64Array, alpha: Float64Array, cost: number): number {
  const n = signs.length;
  let largestUp = -Infinity;
  let smallestLow = Infinity;
  for (let t = 0; t < n; t++) {
    let m = signs[t];
    for (let s = 0; s < n; s++) m -= signs[s] * alpha[s] * kernel[t * n + s];
    if (signs[t] > 0 ? alpha[t] < cost : alpha[t] > 0) largestUp = Math.max(largestUp, m);
    if (signs[t] > 0 ? alpha[t] > 0 : alpha[t] < cost) smallestLow = Math.min(smallestLow, m);
  }
  return largestUp - smallestLow;
}

/**
 * The reference: plain SMO with the maximal violating pair (Keerthi et al. 2001, first order),
 * no shrinking, from α = 0, the gradient updated over all points.
 */
function referenceDual(kernel: Float64Array, signs: Float64Array, cost: number, tolerance: number): number {
  const n = signs.length;
  const alpha = new Float64Array(n);
  const m = Float64Array.from(signs);
  for (let iteration = 0; iteration < 2_000_000; iteration++) {
    let i = -1;
    let j = -1;
    for (let t = 0; t < n; t++) {
      if ((signs[t] > 0 ? alpha[t] < cost : alpha[t] > 0) && (i < 0 || m[t] > m[i])) i = t;
      if ((signs[t] > 0 ? alpha[t] > 0 : alpha[t] < cost) && (j < 0 || m[t] < m[j])) j = t;
    }
    if (m[i] - m[j] < tolerance) break;
    const curvature = Math.max(kernel[i * n + i] + kernel[j * n + j] - 2 * kernel[i * n + j], 1e-12);
    const step = Math.min(
      (m[i] - m[j]) / curvature,
      signs[i] > 0 ? cost - alpha[i] : alpha[i],
      signs[j] > 0 ? alpha[j] : cost - alpha[j],
    );
    alpha[i] += signs[i] * step;
    alpha[j] -= signs[j] * step;
    for (let t = 0; t < n; t++) m[t] -= step * (kernel[t * n + i] - kernel[t * n + j]);
  }
  let objective = 0;
  for (let t = 0; t < n; t++) objective += 0.5 * alpha[t] * (signs[t] * (signs[t] - m[t]) - 2);
  return objective;
}

/** A Gram matrix of n random points in `rank` dimensions (+ ridge on the diagonal) and random signs, both present. */
function lowRankProblem(seed: number, n: number, rank: number, ridge: number) {
  const random = new Random(seed);
  const points = Array.from({ length: n * rank }, () => random.normal());
  const kernel = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let sum = a === b ? ridge : 0;
      for (let c = 0; c < rank; c++) sum += points[a * rank + c] * points[b * rank + c];
      kernel[a * n + b] = sum;
    }
  const signs = Float64Array.from({ length: n }, (_, i) =>
    i === 0 ? 1 : i === 1 ? -1 : random.uniform() < 0.5 ? 1 : -1,
  );
  return { kernel, signs };
}

/** Random 2-D points with ±1 signs, both present. */
function randomProblem(random: Random, n: number): { points: Matrix; signs: number[] } {
  const points = randomMatrix(random, n, 2);
  const signs = Array.from({ length: n }, (_, i) => (i === 0 ? 1 : i === 1 ? -1 : random.uniform() < 0.5 ? 1 : -1));
  return { points, signs };
}

describe('binary SVM', () => {
  it('matches the brute-force dual optimum (α, objective, decision values) for n ≤ 6', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.integer({ min: 2, max: 6 }),
        fc.double({ min: 0.1, max: 10, noNaN: true }),
        (seed, n, cost) => {
          const random = new Random(seed);
          const { points, signs } = randomProblem(random, n);
          const kernel = rbfKernel(points, points, 1);
          const model = trainBinarySvm(kernel, signs, { cost, tolerance: 1e-10 });
          expect(model.converged).toBe(true);
          const exact = bruteForceDual(kernel, signs, cost);
          expect(Math.abs(model.objective - exact.objective)).toBeLessThanOrEqual(
            1e-8 * (1 + Math.abs(exact.objective)),
          );
          exact.alpha.forEach((alpha, i) =>
            expect(Math.abs(model.coefficients[i] - signs[i] * alpha)).toBeLessThanOrEqual(1e-6 * cost),
          );
          // Off the bias, the decision function is fixed by α: compare at random probe points.
          const probe = randomMatrix(random, 3, 2);
          const probeKernel = rbfKernel(probe, points, 1);
          binarySvmDecision(model, probeKernel).forEach((value, r) => {
            let withoutBias = 0;
            for (let i = 0; i < n; i++) withoutBias += probeKernel.data[r * n + i] * signs[i] * exact.alpha[i];
            expect(Math.abs(value - model.bias - withoutBias)).toBeLessThanOrEqual(1e-6 * cost * n);
          });
          // The bias satisfies the KKT conditions at the exact α: y f(x) = 1 on free support
          // vectors, ≥ 1 where α = 0 and ≤ 1 where α = C.
          binarySvmDecision(model, kernel).forEach((value, i) => {
            const margin = signs[i] * value;
            const alpha = exact.alpha[i];
            if (alpha > 1e-6 * cost && alpha < cost * (1 - 1e-6))
              expect(Math.abs(margin - 1)).toBeLessThanOrEqual(1e-5);
            if (alpha <= 1e-6 * cost) expect(margin).toBeGreaterThanOrEqual(1 - 1e-5);
            if (alpha >= cost * (1 - 1e-6)) expect(margin).toBeLessThanOrEqual(1 + 1e-5);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
  it('matches a plain first-order SMO (the reference) in dual objective on random problems, cold and warm-started', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 8, max: 24 }), fc.integer({ min: -2, max: 3 }), (seed, n, exponent) => {
        const { kernel, signs } = lowRankProblem(seed, n, 1 + (seed % 4), 1e-3);
        const cost = 10 ** exponent;
        const reference = referenceDual(kernel, signs, cost, 1e-8);
        const cold = solveBinary(kernel, signs, cost, { tolerance: 1e-7 });
        // a feasible warm start: the solution at C/10, scaled by 10
        const lower = solveBinary(kernel, signs, cost / 10, { tolerance: 1e-7 });
        const warm = solveBinary(kernel, signs, cost, { tolerance: 1e-7, start: lower.alpha.map((a) => 10 * a) });
        for (const solution of [cold, warm]) {
          expect(solution.converged).toBe(true);
          expect(Math.abs(solution.objective - reference)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(reference)));
          expect(kktGap(kernel, signs, solution.alpha, cost)).toBeLessThan(1e-6);
        }
      }),
      { numRuns: 20 },
    );
  });
  it('converges on a nearly singular linear kernel at large C through the Newton face steps, where plain SMO crawls', () => {
    // 80 points in 3 dimensions, noisy labels, C = 10⁴: the free block has rank ≤ 3
    const { kernel, signs } = lowRankProblem(7, 80, 3, 0);
    const cost = 1e4;
    const accelerated = solveBinary(kernel, signs, cost);
    const plain = solveBinary(kernel, signs, cost, { faceSolves: false, maxIterations: accelerated.iterations });
    expect(accelerated.converged).toBe(true);
    expect(kktGap(kernel, signs, accelerated.alpha, cost)).toBeLessThan(1e-3 * (1 + 1e-9 * cost));
    // plain SMO is still short of the tolerance after as many steps, and no better
    expect(plain.converged).toBe(false);
    expect(accelerated.objective).toBeLessThanOrEqual(plain.objective + 1e-6 * Math.abs(plain.objective));
  });
  it('returns a feasible α (0 ≤ α ≤ C, yᵀα = 0) and the objective ½αᵀQα − Σα it reports', () => {
    fc.assert(
      fc.property(
        seedArb,
        fc.integer({ min: 2, max: 40 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (seed, n, cost) => {
          const { points, signs } = randomProblem(new Random(seed), n);
          const kernel = rbfKernel(points, points, 0.8);
          const model = trainBinarySvm(kernel, signs, { cost });
          let balance = 0;
          let objective = 0;
          for (let i = 0; i < n; i++) {
            const alpha = model.coefficients[i] * signs[i];
            expect(alpha).toBeGreaterThanOrEqual(0);
            expect(alpha).toBeLessThanOrEqual(cost);
            balance += model.coefficients[i];
            objective -= alpha;
            for (let j = 0; j < n; j++)
              objective += 0.5 * model.coefficients[i] * model.coefficients[j] * kernel.data[i * n + j];
          }
          expect(Math.abs(balance)).toBeLessThanOrEqual(1e-9 * cost * n);
          expect(Math.abs(objective - model.objective)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(objective)));
        },
      ),
      { numRuns: 50 },
    );
  });
  it('separates linearly separable data with a linear kernel (100% training accuracy)', () => {
    fc.assert(
      fc.property(seedArb, fc.integer({ min: 4, max: 60 }), (seed, n) => {
        const random = new Random(seed);
        const angle = 2 * Math.PI * random.uniform();
        const offset = 0.5 * (random.uniform() - 0.5);
        const rows: number[][] = [];
        const labels: number[] = [];
        while (rows.length < n) {
          const point = [2 * random.uniform() - 1, 2 * random.uniform() - 1];
          const margin = Math.cos(angle) * point[0] + Math.sin(angle) * point[1] + offset;
          if (Math.abs(margin) < 0.1) continue;
          rows.push(point);
          labels.push(margin > 0 ? 1 : 0);
        }
        if (new Set(labels).size < 2) return;
        const points = fromRows(rows);
        const kernel = naiveMatmul(points, naiveTranspose(points));
        const model = trainBinarySvm(
          kernel,
          labels.map((label) => 2 * label - 1),
          { cost: 1e4 },
        );
        expect(Array.from(binarySvmDecision(model, kernel), (value) => (value > 0 ? 1 : 0))).toEqual(labels);
      }),
      { numRuns: 40 },
    );
  });
  it('stops at the iteration guard and says so', () => {
    const { points, signs } = randomProblem(new Random(3), 30);
    const model = trainBinarySvm(rbfKernel(points, points, 1), signs, { cost: 10, maxIterations: 2 });
    expect([model.iterations, model.converged]).toEqual([2, false]);
  });
  it('matches the documented examples', () => {
    const model = trainBinarySvm(identity(2), [1, -1], { cost: 10 });
    expect([model.bias, model.objective, ...model.coefficients]).toEqual([0, -1, 1, -1]);
    expect(Array.from(binarySvmDecision(model, fromRows([[1, 0]])))).toEqual([1]);
  });
});

describe('SVM input checks', () => {
  it('rejects bad kernels, labels and options with clear errors', () => {
    expect(() => trainBinarySvm(zeros(2, 3), [1, -1], { cost: 1 })).toThrow(
      'trainBinarySvm: kernel must be square, got 2x3',
    );
    expect(() => trainBinarySvm(identity(2), [1, -1, 1], { cost: 1 })).toThrow(
      'trainBinarySvm: signs must have one entry per training point, got kernel 2x2 and 3 signs',
    );
    expect(() => trainBinarySvm(identity(2), [1, -1], { cost: 0 })).toThrow(
      'trainBinarySvm: cost must be a finite number > 0, got 0',
    );
    expect(() => trainBinarySvm(identity(2), [1, 0], { cost: 1 })).toThrow(
      'trainBinarySvm: signs[1] = 0, expected +1 or -1',
    );
    expect(() => trainBinarySvm(identity(2), [1, 1], { cost: 1 })).toThrow(
      'trainBinarySvm: signs must contain both +1 and -1',
    );
    expect(() =>
      trainBinarySvm(
        fromRows([
          [1, NaN],
          [NaN, 1],
        ]),
        [1, -1],
        { cost: 1 },
      ),
    ).toThrow('trainBinarySvm: kernel must be finite, got NaN at entry (0, 1)');
    const model = trainBinarySvm(identity(2), [1, -1], { cost: 1 });
    expect(() => binarySvmDecision(model, zeros(1, 1))).toThrow(
      'binarySvmDecision: predictionKernel must have one column per training point (2), got 1x1',
    );
  });
});
