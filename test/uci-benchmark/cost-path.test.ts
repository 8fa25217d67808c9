/**
 * One-vs-one SVMs along a C path: each warm-started binary solution reaches the exact dual
 * optimum (an exhaustive search over the faces of the box) on tiny problems and the cold
 * solution's objective on larger ones; one-vs-one voting classifies separated blobs and breaks
 * ties as libsvm. The solver itself is tested against a reference in test/kernel-methods/svm.test.ts.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import { predictPath, solveBinary, svmCostPath, type PathModel } from '../../src/uci-benchmark/index.ts';

/** A random PSD kernel (Gram matrix of n points in `rank` dimensions, plus a small ridge) and random signs with both classes. */
function randomProblem(seed: number, n: number, rank: number): { kernel: Float64Array; signs: Float64Array } {
  const random = new Random(seed);
  const points = Array.from({ length: n * rank }, () => random.normal());
  const kernel = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let sum = a === b ? 1e-3 : 0;
      for (let c = 0; c < rank; c++) sum += points[a * rank + c] * points[b * rank + c];
      kernel[a * n + b] = sum;
    }
  const signs = Float64Array.from({ length: n }, (_, i) =>
    i === 0 ? 1 : i === 1 ? -1 : random.uniform() < 0.5 ? 1 : -1,
  );
  return { kernel, signs };
}

function dualObjective(kernel: Float64Array, signs: Float64Array, alpha: ArrayLike<number>): number {
  const n = signs.length;
  let value = 0;
  for (let a = 0; a < n; a++) {
    value -= alpha[a];
    for (let b = 0; b < n; b++) value += 0.5 * alpha[a] * alpha[b] * signs[a] * signs[b] * kernel[a * n + b];
  }
  return value;
}

/** Σ_t y_t α_t, zero at every feasible point of the dual. */
function equalityResidual(signs: Float64Array, alpha: ArrayLike<number>): number {
  let sum = 0;
  for (let t = 0; t < signs.length; t++) sum += signs[t] * alpha[t];
  return sum;
}

/** Gaussian elimination with partial pivoting; null when singular. */
function solveLinear(m: number[][], rhs: number[]): number[] | null {
  const n = rhs.length;
  const a = m.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r][col] / a[col][col];
      for (let c = col; c <= n; c++) a[r][c] -= factor * a[col][c];
    }
  }
  return a.map((row, i) => row[n] / row[i]);
}

/**
 * The exact dual optimum by exhaustive search: every split of the points into α = 0, α = C and
 * free, the free ones from the equality-constrained stationarity system, the best feasible one.
 */
function exhaustiveOptimum(kernel: Float64Array, signs: Float64Array, cost: number): number {
  const n = signs.length;
  let best = Infinity;
  for (let code = 0; code < 3 ** n; code++) {
    const state = Array.from({ length: n }, (_, i) => Math.floor(code / 3 ** i) % 3); // 0: at 0, 1: at C, 2: free
    const free = state.flatMap((s, i) => (s === 2 ? [i] : []));
    const alpha = state.map((s) => (s === 1 ? cost : 0));
    if (free.length > 0) {
      // Q_FF α_F + b y_F = 1 − Q_FB α_B;  y_Fᵀ α_F = −y_Bᵀ α_B
      const q = (a: number, b: number) => signs[a] * signs[b] * kernel[a * n + b];
      const rows = free.map((a) => [...free.map((b) => q(a, b)), signs[a]]);
      rows.push([...free.map((b) => signs[b]), 0]);
      const rhs = free.map((a) => 1 - alpha.reduce((sum, value, b) => sum + q(a, b) * value, 0));
      rhs.push(-alpha.reduce((sum, value, b) => sum + signs[b] * value, 0));
      const solution = solveLinear(rows, rhs);
      if (solution === null) continue;
      free.forEach((a, i) => (alpha[a] = solution[i]));
      if (free.some((a) => alpha[a] < -1e-9 || alpha[a] > cost + 1e-9)) continue;
    } else if (Math.abs(alpha.reduce((sum, value, b) => sum + signs[b] * value, 0)) > 1e-9) continue;
    best = Math.min(best, dualObjective(kernel, signs, alpha));
  }
  return best;
}

describe('svmCostPath', () => {
  it('reaches the exact dual optimum on tiny random problems along the C path', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 30 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: -2, max: 3 }),
        (seed, n, exponent) => {
          const { kernel, signs } = randomProblem(seed, n, 1 + (seed % 3));
          const labels = Array.from(signs, (s) => (s > 0 ? 0 : 1));
          const cost = 10 ** exponent;
          const path = svmCostPath(kernel, labels, [cost / 100, cost / 10, cost], { tolerance: 1e-9 });
          const solution = path[2].pairs[0].solution;
          const exact = exhaustiveOptimum(kernel, signs, cost);
          expect(solution.converged).toBe(true);
          expect(Math.abs(solution.objective - exact)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(exact)));
          expect(solution.objective).toBeCloseTo(dualObjective(kernel, signs, solution.alpha), 8);
          expect(Math.abs(equalityResidual(signs, solution.alpha))).toBeLessThanOrEqual(1e-12 * n * cost);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('regression: a nearly singular free face at C = 1000 keeps Σ yα = 0 (its Newton step once left 3e-5)', () => {
    const { kernel, signs } = randomProblem(308115101, 5, 3);
    const labels = Array.from(signs, (s) => (s > 0 ? 0 : 1));
    const solution = svmCostPath(kernel, labels, [10, 100, 1000], { tolerance: 1e-9 })[2].pairs[0].solution;
    expect(Math.abs(equalityResidual(signs, solution.alpha))).toBeLessThanOrEqual(1e-12 * 5 * 1000);
    const exact = exhaustiveOptimum(kernel, signs, 1000);
    expect(Math.abs(solution.objective - exact)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(exact)));
  });

  it('gives the cold solution’s objective along the path, feasible, on larger problems', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.integer({ min: 10, max: 30 }), (seed, n) => {
        const { kernel, signs } = randomProblem(seed, n, 2);
        const labels = Array.from(signs, (s) => (s > 0 ? 0 : 1));
        const costs = [0.01, 1, 100, 10_000];
        const path = svmCostPath(kernel, labels, costs, { tolerance: 1e-6 });
        costs.forEach((cost, c) => {
          const cold = solveBinary(kernel, signs, cost, { tolerance: 1e-6 });
          const ours = path[c].pairs[0].solution;
          expect(ours.converged && cold.converged).toBe(true);
          const scale = 1 + Math.abs(cold.objective);
          expect(Math.abs(ours.objective - cold.objective)).toBeLessThanOrEqual(1e-4 * scale);
          // feasibility: box and Σ y α = 0
          expect(ours.alpha.every((a) => a >= 0 && a <= cost)).toBe(true);
          expect(Math.abs(ours.alpha.reduce((sum, a, i) => sum + signs[i] * a, 0))).toBeLessThan(1e-8 * (1 + cost * n));
        });
      }),
      { numRuns: 10 },
    );
  });

  it('classifies three separated blobs (classes 2, 5, 9), train and held-out points', () => {
    const random = new Random(5);
    const centers = [
      [0, 0],
      [4, 0],
      [0, 4],
    ];
    const points: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 45; i++) {
      const c = i % 3;
      points.push([centers[c][0] + 0.4 * random.normal(), centers[c][1] + 0.4 * random.normal()]);
      labels.push([2, 5, 9][c]);
    }
    const gaussian = (a: number[], b: number[]) => Math.exp(-((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) / 1.5);
    const train = points.slice(0, 30);
    const kernel = Float64Array.from({ length: 30 * 30 }, (_, e) => gaussian(train[Math.floor(e / 30)], train[e % 30]));
    const held = Float64Array.from({ length: 15 * 30 }, (_, e) =>
      gaussian(points[30 + Math.floor(e / 30)], train[e % 30]),
    );
    const [model] = svmCostPath(kernel, labels.slice(0, 30), [10]);
    expect(model.classes).toEqual([2, 5, 9]);
    expect(model.pairs.map((pair) => [pair.positive, pair.negative])).toEqual([
      [2, 5],
      [2, 9],
      [5, 9],
    ]);
    expect(model.converged).toBe(true);
    expect(Array.from(predictPath(model, kernel, 30))).toEqual(labels.slice(0, 30));
    expect(Array.from(predictPath(model, held, 30))).toEqual(labels.slice(30));
    // the training-major layout (the held-out kernel transposed) gives the same classes
    const transposed = Float64Array.from({ length: 30 * 15 }, (_, e) => held[(e % 15) * 30 + Math.floor(e / 15)]);
    expect(Array.from(predictPath(model, transposed, 30, { trainingMajor: true }))).toEqual(labels.slice(30));
  });

  it('gives identical votes in both prediction-kernel layouts on random many-class problems', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 3, max: 6 }), (seed, classCount) => {
        const random = new Random(seed);
        const n = 6 * classCount;
        const { kernel } = randomProblem(seed, n + 9, 3);
        const all = n + 9;
        const labels = Array.from({ length: n }, (_, i) => i % classCount);
        const train = Float64Array.from({ length: n * n }, (_, e) => kernel[Math.floor(e / n) * all + (e % n)]);
        // 9 held-out points: rows n … n+8 against the n training columns, and the transpose
        const rows = Float64Array.from({ length: 9 * n }, (_, e) => kernel[(n + Math.floor(e / n)) * all + (e % n)]);
        const columns = Float64Array.from({ length: n * 9 }, (_, e) => rows[(e % 9) * n + Math.floor(e / 9)]);
        const cost = 10 ** (2 * random.uniform() - 1);
        const [model] = svmCostPath(train, labels, [cost]);
        const byRows = predictPath(model, rows, n);
        expect(Array.from(predictPath(model, columns, n, { trainingMajor: true }))).toEqual(Array.from(byRows));
      }),
      { numRuns: 30 },
    );
  });

  it('breaks a voting tie in favour of the earlier class, as libsvm does', () => {
    const constant = (bias: number) => ({
      indices: Int32Array.from([0]),
      signs: Float64Array.from([1]),
      solution: { alpha: new Float64Array(1), bias, objective: 0, iterations: 0, converged: true },
    });
    // 0 beats 1, 1 beats 2, 2 beats 0: one vote each.
    const model: PathModel = {
      cost: 1,
      classes: [0, 1, 2],
      iterations: 0,
      maxIterations: 0,
      converged: true,
      pairs: [
        { positive: 0, negative: 1, ...constant(1) },
        { positive: 0, negative: 2, ...constant(-1) },
        { positive: 1, negative: 2, ...constant(1) },
      ],
    };
    expect(Array.from(predictPath(model, Float64Array.from([0]), 1))).toEqual([0]);
    // A decision value of exactly 0 votes for the negative class.
    model.pairs[0] = { positive: 0, negative: 1, ...constant(0) };
    expect(Array.from(predictPath(model, Float64Array.from([0]), 1))).toEqual([1]);
  });

  it('classifies separable one-vs-one data and names its errors', () => {
    // three well-separated clusters on a line, linear kernel
    const xs = [-5, -4.5, 0, 0.5, 5, 5.5];
    const labels = [0, 0, 1, 1, 2, 2];
    const kernel = Float64Array.from({ length: 36 }, (_, e) => xs[Math.floor(e / 6)] * xs[e % 6] + 1);
    const [model] = svmCostPath(kernel, labels, [100]);
    expect(Array.from(predictPath(model, kernel, 6))).toEqual(labels);
    expect(() => svmCostPath(kernel, labels, [10, 1])).toThrow(/svmCostPath: costs must be positive and increasing/);
    expect(() => solveBinary(new Float64Array(3), Float64Array.from([1, -1]), 1)).toThrow(
      /solveBinary: kernel has 3 entries/,
    );
  });
});
