/**
 * SVM by SMO on precomputed kernels: feasibility, agreement with a brute-force solution of
 * the dual on tiny problems, separable data, one-vs-one multiclass, and input checks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../gpu/random.ts';
import {
  binarySvmDecision,
  predictSvm,
  svmCostGrid,
  trainBinarySvm,
  trainSvm,
  type SvmModel,
} from '../../src/kernel-methods/svm.ts';
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
        const model = trainSvm(kernel, labels, { cost: 1e4 });
        expect(Array.from(predictSvm(model, kernel))).toEqual(labels);
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

describe('multiclass SVM (one-vs-one)', () => {
  it('classifies three separated blobs, train and held-out points', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const random = new Random(seed);
        const centers = [
          [0, 0],
          [4, 0],
          [0, 4],
        ];
        const classIds = [2, 5, 9];
        const sample = (count: number) => {
          const rows: number[][] = [];
          const labels: number[] = [];
          for (let i = 0; i < count; i++) {
            const c = i % 3;
            rows.push([centers[c][0] + 0.4 * random.normal(), centers[c][1] + 0.4 * random.normal()]);
            labels.push(classIds[c]);
          }
          return { points: fromRows(rows), labels };
        };
        const train = sample(30);
        const test = sample(15);
        const model = trainSvm(rbfKernel(train.points, train.points, 1.5), train.labels, { cost: 10 });
        expect(model.classes).toEqual(classIds);
        expect(model.pairs.map((pair) => [pair.positive, pair.negative])).toEqual([
          [2, 5],
          [2, 9],
          [5, 9],
        ]);
        expect(model.converged).toBe(true);
        expect(Array.from(predictSvm(model, rbfKernel(train.points, train.points, 1.5)))).toEqual(train.labels);
        expect(Array.from(predictSvm(model, rbfKernel(test.points, train.points, 1.5)))).toEqual(test.labels);
      }),
      { numRuns: 10 },
    );
  });
  it('breaks a voting tie in favour of the earlier class, as libsvm does', () => {
    const constant = (bias: number) => ({
      coefficients: new Float64Array(1),
      bias,
      objective: 0,
      iterations: 0,
      converged: true,
    });
    // 0 beats 1, 1 beats 2, 2 beats 0: one vote each.
    const model: SvmModel = {
      classes: [0, 1, 2],
      trainingSize: 1,
      converged: true,
      pairs: [
        { positive: 0, negative: 1, trainIndices: Int32Array.from([0]), model: constant(1) },
        { positive: 0, negative: 2, trainIndices: Int32Array.from([0]), model: constant(-1) },
        { positive: 1, negative: 2, trainIndices: Int32Array.from([0]), model: constant(1) },
      ],
    };
    expect(Array.from(predictSvm(model, fromRows([[0]])))).toEqual([0]);
    // A decision value of exactly 0 votes for the negative class.
    model.pairs[0].model = constant(0);
    expect(Array.from(predictSvm(model, fromRows([[0]])))).toEqual([1]);
  });
  it('runs a grid over C and picks the most accurate, smallest C among ties', () => {
    const random = new Random(12);
    const points = randomMatrix(random, 40, 2);
    const labels = Array.from({ length: 40 }, (_, i) => (points.data[2 * i] * points.data[2 * i + 1] > 0 ? 1 : 0));
    const trainIndices = Array.from({ length: 30 }, (_, i) => i);
    const train = { rows: 30, cols: 2, data: points.data.slice(0, 60) };
    const held = { rows: 10, cols: 2, data: points.data.slice(60) };
    const { results, best } = svmCostGrid({
      trainKernel: rbfKernel(train, train, 0.7),
      trainLabels: trainIndices.map((i) => labels[i]),
      evaluationKernel: rbfKernel(held, train, 0.7),
      evaluationLabels: labels.slice(30),
      costs: [0.01, 1, 100],
    });
    expect(results.map((point) => point.cost)).toEqual([0.01, 1, 100]);
    const top = Math.max(...results.map((point) => point.accuracy));
    expect(best.accuracy).toBe(top);
    expect(best.cost).toBe(results.find((point) => point.accuracy === top)!.cost);
    expect(
      svmCostGrid({
        trainKernel: identity(2),
        trainLabels: [0, 1],
        evaluationKernel: identity(2),
        evaluationLabels: [0, 1],
        costs: [1, 10],
      }).best.cost,
    ).toBe(1);
  });
});

describe('SVM input checks', () => {
  it('rejects bad kernels, labels and options with clear errors', () => {
    expect(() => trainSvm(zeros(2, 3), [0, 1], { cost: 1 })).toThrow('trainSvm: kernel must be square, got 2x3');
    expect(() => trainSvm(identity(2), [0, 1, 1], { cost: 1 })).toThrow(
      'trainSvm: labels must have one entry per training point, got kernel 2x2 and 3 labels',
    );
    expect(() => trainSvm(identity(2), [1, 1], { cost: 1 })).toThrow('trainSvm: need at least two classes, got 1');
    expect(() => trainSvm(identity(2), [0, 0.5], { cost: 1 })).toThrow(
      'trainSvm: labels[1] = 0.5 is not an integer class id',
    );
    expect(() => trainSvm(identity(2), [0, 1], { cost: 0 })).toThrow(
      'trainSvm: cost must be a finite number > 0, got 0',
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
    const model = trainSvm(identity(2), [3, 7], { cost: 1 });
    expect(Array.from(predictSvm(model, fromRows([[1, 0]])))).toEqual([3]);
    expect(() => predictSvm(model, zeros(1, 3))).toThrow(
      'predictSvm: predictionKernel must have one column per training point (2), got 1x3',
    );
    expect(() => binarySvmDecision(model.pairs[0].model, zeros(1, 1))).toThrow(
      'binarySvmDecision: predictionKernel must have one column per training point (2), got 1x1',
    );
  });
});
