/**
 * Kernel ridge regression on precomputed kernels: α = (K + λI)⁻¹ Y, predictions K_* α
 * (e.g. Schölkopf & Smola 2002, §4.9; the NTK-regression experiments of Arora et al. 2019
 * and Lee et al. 2020 use exactly this on their kernels).
 *
 * Layouts: K is n×n (train × train), Y is n×k (one column per output, e.g. one-hot
 * classes), a prediction kernel K_* is t×n (rows: points to predict, columns: training
 * points), and predictions are t×k. The ridge λ is added to the diagonal as given, with
 * no rescaling by n or by the trace.
 */
import { choleskyWithJitter, type JitterOptions } from '../linalg/cholesky.ts';
import { symmetricEigen } from '../linalg/eigen.ts';
import {
  assertFinite,
  assertMatrix,
  assertSquare,
  clone,
  matmul,
  shape,
  transpose,
  zeros,
  type Matrix,
} from '../linalg/matrix.ts';
import { solveWithCholesky } from '../linalg/triangular.ts';

/** α with (K + (λ + jitter) I) α = Y, and the jitter Cholesky needed (0 if none). */
export interface KernelRidgeFit {
  coefficients: Matrix;
  jitter: number;
}

/**
 * Solves (K + λI) α = Y by Cholesky, retrying with diagonal jitter if K + λI is only
 * semi-definite to rounding (see choleskyWithJitter; the jitter used is reported).
 * @example kernelRidgeFit(identity(2), fromRows([[1], [2]]), 1).coefficients.data // ≈ [0.5, 1]
 */
export function kernelRidgeFit(
  trainKernel: Matrix,
  targets: Matrix,
  ridge: number,
  jitterOptions?: JitterOptions,
): KernelRidgeFit {
  validateTraining('kernelRidgeFit', trainKernel, targets);
  validateRidge('kernelRidgeFit', ridge);
  const shifted = clone(trainKernel);
  const n = shifted.rows;
  for (let i = 0; i < n; i++) shifted.data[i * n + i] += ridge;
  const { factor, jitter } = choleskyWithJitter(shifted, jitterOptions);
  return { coefficients: solveWithCholesky(factor, targets), jitter };
}

/**
 * Predictions K_* α for a t×n kernel between the points to predict and the training points.
 * @example kernelRidgePredict(fromRows([[1, 0]]), fromRows([[3], [4]])).data // Float64Array [3]
 */
export function kernelRidgePredict(predictionKernel: Matrix, coefficients: Matrix): Matrix {
  assertMatrix('kernelRidgePredict', 'predictionKernel', predictionKernel);
  assertMatrix('kernelRidgePredict', 'coefficients', coefficients);
  if (predictionKernel.cols !== coefficients.rows) {
    throw new Error(
      `kernelRidgePredict: predictionKernel.cols must equal coefficients.rows (the training points), ` +
        `got ${shape(predictionKernel)} and ${shape(coefficients)}`,
    );
  }
  assertFinite('kernelRidgePredict', 'predictionKernel', predictionKernel);
  return matmul(predictionKernel, coefficients);
}

/**
 * Predictions for every ridge in `ridges` from one eigendecomposition K = QΛQᵀ:
 * K_* α(λ) = (K_* Q) (Λ + λI)⁻¹ (Qᵀ Y), so each extra ridge costs O(t·n·k), not O(n³).
 * `predictionKernel` (t×n) defaults to K itself, giving training predictions (then
 * K Q = QΛ needs no product). Where Λ_i + λ is zero to rounding (|Λ_i + λ| ≤ n·ε·max|Λ|)
 * the component is dropped, i.e. the pseudo-inverse is used, so λ = 0 on a singular K
 * returns the minimum-norm interpolant rather than Infinity.
 * @example kernelRidgePath(identity(2), fromRows([[1], [2]]), [0, 1])[1].data // ≈ [0.5, 1]
 */
export function kernelRidgePath(
  trainKernel: Matrix,
  targets: Matrix,
  ridges: readonly number[],
  predictionKernel?: Matrix,
): Matrix[] {
  validateTraining('kernelRidgePath', trainKernel, targets);
  if (!Array.isArray(ridges)) throw new Error('kernelRidgePath: ridges must be an array of numbers');
  ridges.forEach((ridge) => validateRidge('kernelRidgePath', ridge));
  const n = trainKernel.rows;
  if (predictionKernel !== undefined) {
    assertMatrix('kernelRidgePath', 'predictionKernel', predictionKernel);
    if (predictionKernel.cols !== n) {
      throw new Error(
        `kernelRidgePath: predictionKernel must have one column per training point, ` +
          `got trainKernel ${shape(trainKernel)} and predictionKernel ${shape(predictionKernel)}`,
      );
    }
    assertFinite('kernelRidgePath', 'predictionKernel', predictionKernel);
  }
  const { values, vectors } = symmetricEigen(trainKernel);
  const projectedTargets = matmul(transpose(vectors), targets); // Qᵀ Y, n×k
  let projectedKernel: Matrix; // K_* Q, t×n
  if (predictionKernel === undefined) {
    projectedKernel = clone(vectors);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < n; c++) projectedKernel.data[i * n + c] *= values[c];
    }
  } else {
    projectedKernel = matmul(predictionKernel, vectors);
  }
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  const cutoff = n * Number.EPSILON * largest;
  const outputs = targets.cols;
  return ridges.map((ridge) => {
    const scaledTargets = zeros(n, outputs);
    for (let c = 0; c < n; c++) {
      const shiftedValue = values[c] + ridge;
      const weight = Math.abs(shiftedValue) <= cutoff ? 0 : 1 / shiftedValue;
      for (let o = 0; o < outputs; o++) {
        scaledTargets.data[c * outputs + o] = weight * projectedTargets.data[c * outputs + o];
      }
    }
    return matmul(projectedKernel, scaledTargets);
  });
}

function validateTraining(functionName: string, trainKernel: Matrix, targets: Matrix): void {
  assertSquare(functionName, 'trainKernel', trainKernel);
  assertMatrix(functionName, 'targets', targets);
  if (targets.rows !== trainKernel.rows) {
    throw new Error(
      `${functionName}: targets must have one row per training point, ` +
        `got trainKernel ${shape(trainKernel)} and targets ${shape(targets)}`,
    );
  }
  assertFinite(functionName, 'trainKernel', trainKernel);
  assertFinite(functionName, 'targets', targets);
}

function validateRidge(functionName: string, ridge: number): void {
  if (typeof ridge !== 'number' || !Number.isFinite(ridge) || ridge < 0) {
    throw new Error(`${functionName}: ridge must be a finite number >= 0, got ${ridge}`);
  }
}
