/**
 * C-support vector classification on a precomputed kernel, following libsvm
 * (Chang & Lin 2011): the dual
 *     min_α ½ αᵀQα − Σα   subject to 0 ≤ α_i ≤ C, Σ y_i α_i = 0,   Q_ij = y_i y_j K_ij,
 * solved by SMO with the second-order working-set selection of Fan, Chen & Lin (2005,
 * "WSS 3"), stopping when the maximal KKT violation is below `tolerance` (libsvm's -e,
 * default 1e-3). Unlike libsvm there is no shrinking and no kernel cache: K is given whole.
 * Multiclass is one-vs-one with voting, as in libsvm.
 *
 * Layouts: a training kernel is n×n; a prediction kernel is t×n (rows: points to classify,
 * columns: all n training points, in training order). Labels are integer class ids.
 */
import { assertFinite, assertMatrix, assertSquare, shape, submatrix, type Matrix } from '../linalg/matrix.ts';
import { accuracy } from './kfold.ts';

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
  return sequentialMinimalOptimization(kernel, Float64Array.from(signs), cost, tolerance, maxIterations);
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

/** One binary classifier of a one-vs-one model: class `positive` (+1) against `negative`. */
export interface PairwiseSvm {
  positive: number;
  negative: number;
  /** Positions (in the full training set) of the points of the two classes, ascending. */
  trainIndices: Int32Array;
  model: BinarySvmModel;
}

/** A one-vs-one multiclass model. */
export interface SvmModel {
  /** The class ids, ascending; ties in the vote go to the class listed first. */
  classes: number[];
  /** One entry per pair of classes (i < j in `classes` order), the first class positive. */
  pairs: PairwiseSvm[];
  trainingSize: number;
  /** Whether every pairwise problem met the tolerance before the iteration guard. */
  converged: boolean;
}

/**
 * Trains a one-vs-one SVM: one binary SVM per pair of classes on those classes' points.
 * @example trainSvm(identity(2), [3, 7], { cost: 1 }).classes // [3, 7]
 */
export function trainSvm(kernel: Matrix, labels: ArrayLike<number>, options: SvmOptions): SvmModel {
  const n = checkTrainingKernel('trainSvm', kernel, labels, 'labels');
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(labels[i]))
      throw new Error(`trainSvm: labels[${i}] = ${labels[i]} is not an integer class id`);
  }
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  if (classes.length < 2) throw new Error(`trainSvm: need at least two classes, got ${classes.length}`);
  resolveOptions('trainSvm', options, n);
  const pairs: PairwiseSvm[] = [];
  for (let a = 0; a < classes.length; a++) {
    for (let b = a + 1; b < classes.length; b++) {
      const positive = classes[a];
      const negative = classes[b];
      const indices: number[] = [];
      for (let i = 0; i < n; i++) if (labels[i] === positive || labels[i] === negative) indices.push(i);
      const signs = indices.map((i) => (labels[i] === positive ? 1 : -1));
      const { cost, tolerance, maxIterations } = resolveOptions('trainSvm', options, indices.length);
      const model = sequentialMinimalOptimization(
        submatrix(kernel, indices, indices),
        Float64Array.from(signs),
        cost,
        tolerance,
        maxIterations,
      );
      pairs.push({ positive, negative, trainIndices: Int32Array.from(indices), model });
    }
  }
  return { classes, pairs, trainingSize: n, converged: pairs.every((pair) => pair.model.converged) };
}

/**
 * Class ids by one-vs-one voting: each pair votes for its positive class where its decision
 * value is > 0, else for its negative class; the most votes win, ties to the earlier class.
 * @example predictSvm(trainSvm(identity(2), [3, 7], { cost: 1 }), fromRows([[1, 0]])) // Int32Array [3]
 */
export function predictSvm(model: SvmModel, predictionKernel: Matrix): Int32Array {
  assertMatrix('predictSvm', 'predictionKernel', predictionKernel);
  if (predictionKernel.cols !== model.trainingSize) {
    throw new Error(
      `predictSvm: predictionKernel must have one column per training point (${model.trainingSize}), got ${shape(predictionKernel)}`,
    );
  }
  assertFinite('predictSvm', 'predictionKernel', predictionKernel);
  const { rows, cols, data } = predictionKernel;
  const classIndex = new Map(model.classes.map((label, index) => [label, index]));
  const votes = new Int32Array(rows * model.classes.length);
  for (const pair of model.pairs) {
    const { trainIndices, model: binary } = pair;
    const positive = classIndex.get(pair.positive)!;
    const negative = classIndex.get(pair.negative)!;
    for (let r = 0; r < rows; r++) {
      let decision = binary.bias;
      for (let s = 0; s < trainIndices.length; s++)
        decision += data[r * cols + trainIndices[s]] * binary.coefficients[s];
      votes[r * model.classes.length + (decision > 0 ? positive : negative)]++;
    }
  }
  const result = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < model.classes.length; c++) {
      if (votes[r * model.classes.length + c] > votes[r * model.classes.length + best]) best = c;
    }
    result[r] = model.classes[best];
  }
  return result;
}

/** The inputs of `svmCostGrid`: a training kernel and an evaluation (held-out × train) kernel. */
export interface CostGridInput {
  trainKernel: Matrix;
  trainLabels: ArrayLike<number>;
  evaluationKernel: Matrix;
  evaluationLabels: ArrayLike<number>;
  costs: readonly number[];
  tolerance?: number;
}

/** Accuracy on the evaluation points for one C. */
export interface CostGridPoint {
  cost: number;
  accuracy: number;
  converged: boolean;
}

/**
 * Trains one multiclass SVM per C and scores it on the evaluation points; `best` is the
 * most accurate C (the smallest among ties, i.e. the most regularized).
 * @example
 *   const kernel = identity(2);
 *   svmCostGrid({ trainKernel: kernel, trainLabels: [0, 1], evaluationKernel: kernel, evaluationLabels: [0, 1], costs: [1, 10] }).best.cost // 1
 */
export function svmCostGrid(input: CostGridInput): { results: CostGridPoint[]; best: CostGridPoint } {
  const { trainKernel, trainLabels, evaluationKernel, evaluationLabels, costs, tolerance } = input;
  if (!Array.isArray(costs) || costs.length === 0) throw new Error('svmCostGrid: costs must be a non-empty array');
  assertMatrix('svmCostGrid', 'evaluationKernel', evaluationKernel);
  if (evaluationKernel.rows !== evaluationLabels.length) {
    throw new Error(
      `svmCostGrid: evaluationLabels must have one entry per evaluation kernel row, ` +
        `got ${shape(evaluationKernel)} and ${evaluationLabels.length} labels`,
    );
  }
  const results = costs.map((cost) => {
    const model = trainSvm(trainKernel, trainLabels, { cost, tolerance });
    const predictions = predictSvm(model, evaluationKernel);
    return { cost, accuracy: accuracy(predictions, evaluationLabels), converged: model.converged };
  });
  const best = results.reduce((champion, point) =>
    point.accuracy > champion.accuracy || (point.accuracy === champion.accuracy && point.cost < champion.cost)
      ? point
      : champion,
  );
  return { results, best };
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

/** Below this the curvature K_ii + K_jj − 2K_ij is replaced, as libsvm's TAU does. */
const MINIMUM_CURVATURE = 1e-12;

/**
 * SMO from α = 0 (gradient G = Qα − 1 = −1). Writing m_t = −y_t G_t, each iteration picks
 * i = argmax m over I_up = {t : α_t < C, y_t = 1} ∪ {t : α_t > 0, y_t = −1}, then j ∈ I_low
 * (the mirror set) with m_j < m_i minimizing −(m_i − m_j)² / (K_ii + K_jj − 2K_ij), the
 * second-order gain (Fan, Chen & Lin 2005, WSS 3), and moves α_i += y_i t, α_j −= y_j t,
 * which keeps yᵀα = 0, with t the clipped Newton step. The bias is the mean of m_t over
 * free α_t (0 < α_t < C), else the midpoint of the feasible range (libsvm's rho, negated).
 */
function sequentialMinimalOptimization(
  kernel: Matrix,
  signs: Float64Array,
  cost: number,
  tolerance: number,
  maxIterations: number,
): BinarySvmModel {
  const n = kernel.rows;
  const k = kernel.data;
  const alpha = new Float64Array(n);
  const gradient = new Float64Array(n).fill(-1);
  const diagonal = Float64Array.from({ length: n }, (_, t) => k[t * n + t]); // strided reads, done once
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    let i = -1;
    let largestUp = -Infinity;
    for (let t = 0; t < n; t++) {
      const inUp = signs[t] > 0 ? alpha[t] < cost : alpha[t] > 0;
      if (inUp && -signs[t] * gradient[t] >= largestUp) {
        largestUp = -signs[t] * gradient[t];
        i = t;
      }
    }
    let j = -1;
    let smallestLow = Infinity;
    let bestGain = Infinity;
    const rowI = i * n;
    for (let t = 0; t < n; t++) {
      const inLow = signs[t] > 0 ? alpha[t] > 0 : alpha[t] < cost;
      if (!inLow) continue;
      const score = -signs[t] * gradient[t];
      smallestLow = Math.min(smallestLow, score);
      const violation = largestUp - score;
      if (i >= 0 && violation > 0) {
        const curvature = diagonal[i] + diagonal[t] - 2 * k[rowI + t];
        const gain = (-violation * violation) / (curvature > 0 ? curvature : MINIMUM_CURVATURE);
        if (gain <= bestGain) {
          bestGain = gain;
          j = t;
        }
      }
    }
    if (j < 0 || largestUp - smallestLow < tolerance) {
      converged = true;
      break;
    }
    iterations++;
    const rowJ = j * n;
    const curvature = diagonal[i] + diagonal[j] - 2 * k[rowI + j];
    const boundI = signs[i] > 0 ? cost - alpha[i] : alpha[i];
    const boundJ = signs[j] > 0 ? alpha[j] : cost - alpha[j];
    const newton = (largestUp + signs[j] * gradient[j]) / (curvature > 0 ? curvature : MINIMUM_CURVATURE);
    const step = Math.min(newton, boundI, boundJ);
    // Land exactly on a bound when the step is clipped, so the sets I_up and I_low stay exact.
    alpha[i] = step === boundI ? (signs[i] > 0 ? cost : 0) : alpha[i] + signs[i] * step;
    alpha[j] = step === boundJ ? (signs[j] > 0 ? 0 : cost) : alpha[j] - signs[j] * step;
    // G_t += Q_ti Δα_i + Q_tj Δα_j = y_t · step · (K_ti − K_tj).
    for (let t = 0; t < n; t++) gradient[t] += signs[t] * step * (k[rowI + t] - k[rowJ + t]);
  }

  const coefficients = new Float64Array(n);
  let objective = 0;
  let freeSum = 0;
  let freeCount = 0;
  let upperOfRange = Infinity; // min m over I_low
  let lowerOfRange = -Infinity; // max m over I_up
  for (let t = 0; t < n; t++) {
    coefficients[t] = signs[t] * alpha[t];
    objective += 0.5 * alpha[t] * (gradient[t] - 1);
    const score = -signs[t] * gradient[t];
    if (alpha[t] > 0 && alpha[t] < cost) {
      freeSum += score;
      freeCount++;
    }
    if (signs[t] > 0 ? alpha[t] < cost : alpha[t] > 0) lowerOfRange = Math.max(lowerOfRange, score);
    if (signs[t] > 0 ? alpha[t] > 0 : alpha[t] < cost) upperOfRange = Math.min(upperOfRange, score);
  }
  const bias = freeCount > 0 ? freeSum / freeCount : (lowerOfRange + upperOfRange) / 2;
  return { coefficients, bias, objective, iterations, converged };
}
