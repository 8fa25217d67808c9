/**
 * C-support vector classification on a precomputed kernel, following libsvm
 * (Chang & Lin 2011): the dual
 *     min_α ½ αᵀQα − Σα   subject to 0 ≤ α_i ≤ C, Σ y_i α_i = 0,   Q_ij = y_i y_j K_ij,
 * solved by one SMO (solveBinary in smo.ts). Multiclass one-vs-one models along a C path,
 * with warm starts, are src/uci-benchmark/cost-path.ts.
 *
 * Layouts: a training kernel is n×n; a prediction kernel is t×n (rows: points to classify,
 * columns: all n training points, in training order). Labels are integer class ids.
 */
import { assertFinite, assertMatrix, assertSquare, shape, type Matrix } from '../linalg/matrix.ts';
import { solveBinary, type BinarySolution } from './smo.ts';

/** Options of SVM training. */
export interface SvmOptions {
  /** The box constraint C > 0. */
  cost: number;
  /** Stop when max_{I_up} −y_tG_t − min_{I_low} −y_tG_t < tolerance (default 1e-3, as libsvm). */
  tolerance?: number;
  /** Iteration guard (default max(10⁷, 100n), as libsvm); hitting it sets `converged` false. */
  maxIterations?: number;
}

/** A binary model: f(x) = Σ_i coefficients_i K(x, x_i) + bias, class +1 where f(x) > 0. */
export interface BinarySvmModel {
  /** y_i α_i for each training point (zero for non-support vectors). */
  coefficients: Float64Array;
  bias: number;
  /** The dual objective ½αᵀQα − Σα at the solution. */
  objective: number;
  iterations: number;
  converged: boolean;
}

/** Checks a training kernel (square, finite) against one `what` per point; returns the point count. */
function checkTrainingKernel(caller: string, kernel: Matrix, values: ArrayLike<number>, what: string): number {
  assertSquare(caller, 'kernel', kernel);
  assertFinite(caller, 'kernel', kernel);
  if (values.length !== kernel.rows) {
    throw new Error(
      `${caller}: ${what} must have one entry per training point, got kernel ${shape(kernel)} and ${values.length} ${what}`,
    );
  }
  return kernel.rows;
}

/**
 * Trains a binary SVM; `signs` holds +1 or −1 for each training point.
 * @example trainBinarySvm(identity(2), [1, -1], { cost: 10 }).bias // 0
 */
export function trainBinarySvm(kernel: Matrix, signs: ArrayLike<number>, options: SvmOptions): BinarySvmModel {
  const n = checkTrainingKernel('trainBinarySvm', kernel, signs, 'signs');
  let positives = 0;
  for (let i = 0; i < n; i++) {
    if (signs[i] !== 1 && signs[i] !== -1)
      throw new Error(`trainBinarySvm: signs[${i}] = ${signs[i]}, expected +1 or -1`);
    if (signs[i] === 1) positives++;
  }
  if (positives === 0 || positives === n) throw new Error('trainBinarySvm: signs must contain both +1 and -1');
  const { cost, tolerance, maxIterations } = resolveOptions('trainBinarySvm', options, n);
  return binaryModel(solveBinary(kernel.data, Float64Array.from(signs), cost, { tolerance, maxIterations }), signs);
}

function binaryModel(solution: BinarySolution, signs: ArrayLike<number>): BinarySvmModel {
  const { alpha, bias, objective, iterations, converged } = solution;
  return { coefficients: alpha.map((value, t) => signs[t] * value), bias, objective, iterations, converged };
}

/**
 * Decision values f(x) = Σ_i coefficients_i K(x, x_i) + bias for a t×n prediction kernel.
 * @example binarySvmDecision(trainBinarySvm(identity(2), [1, -1], { cost: 10 }), fromRows([[1, 0]])) // Float64Array [1]
 */
export function binarySvmDecision(model: BinarySvmModel, predictionKernel: Matrix): Float64Array {
  assertMatrix('binarySvmDecision', 'predictionKernel', predictionKernel);
  if (predictionKernel.cols !== model.coefficients.length) {
    throw new Error(
      `binarySvmDecision: predictionKernel must have one column per training point (${model.coefficients.length}), ` +
        `got ${shape(predictionKernel)}`,
    );
  }
  assertFinite('binarySvmDecision', 'predictionKernel', predictionKernel);
  const { rows, cols, data } = predictionKernel;
  const result = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = model.bias;
    for (let c = 0; c < cols; c++) sum += data[r * cols + c] * model.coefficients[c];
    result[r] = sum;
  }
  return result;
}

function resolveOptions(functionName: string, options: SvmOptions, n: number): Required<SvmOptions> {
  const { cost, tolerance = 1e-3, maxIterations = Math.max(10_000_000, 100 * n) } = options ?? ({} as SvmOptions);
  if (typeof cost !== 'number' || !(cost > 0) || !Number.isFinite(cost)) {
    throw new Error(`${functionName}: cost must be a finite number > 0, got ${cost}`);
  }
  if (!(tolerance > 0)) throw new Error(`${functionName}: tolerance must be > 0, got ${tolerance}`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new Error(`${functionName}: maxIterations must be a positive integer, got ${maxIterations}`);
  }
  return { cost, tolerance, maxIterations };
}
