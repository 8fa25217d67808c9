/**
 * One gradient-descent run of a deep matrix factorization and one minimum nuclear norm
 * solve, each summarized by what the paper plots: reconstruction error, nuclear norm and
 * effective rank of the solution (PAPERS.md §7; Figures 1 and 2 of the paper).
 */
import * as ad from '../../autodiff/index.ts';
import * as la from '../../src/linalg/index.ts';
import { SGD } from '../../src/optim/index.ts';
import {
  DeepMatrixFactorization,
  effectiveRank,
  gramSingularValues,
  minimumNuclearNorm,
  nuclearNorm,
  reconstructionError,
  trainFactorization,
  type AffineConstraint,
} from '../../src/matrix-factorization/index.ts';

/** A solution and the measures reported for it. */
export interface SolutionSummary {
  /** mean (W − W*)² over all entries. */
  error: number;
  nuclearNorm: number;
  effectiveRank: number;
  /** The largest singular values, descending. */
  topSingularValues: number[];
}

/** A finished GD run. */
export interface RunSummary extends SolutionSummary {
  depth: number;
  learningRate: number;
  steps: number;
  trainLoss: number;
  /** Whether the train loss reached the target before the step cap. */
  converged: boolean;
  /** How many times the step size was halved after a diverging attempt. */
  halvings: number;
  millisecondsPerStep: number;
}

/** Singular values of W_e(t) every few steps (Figure 3 of the paper). */
export interface Trajectory {
  steps: number[];
  /** singularValues[k][i]: the k-th largest singular value at steps[i]. */
  singularValues: number[][];
  /**
   * Theorem 3 of the paper checked on single steps: the change σ_r(t+1) − σ_r(t) of each of
   * the `rank` leading singular values against its first-order prediction
   * −η·N·(σ_r²)^{1−1/N}·u_rᵀ∇ℓ(W_e)v_r.
   */
  theorem3: { step: number[]; predicted: number[]; measured: number[] };
}

/** What a run trains against. */
export interface Problem {
  target: la.Matrix;
  loss: (endToEnd: ad.Tensor) => ad.Tensor;
}

/** Error, nuclear norm, effective rank and leading singular values of a solution. */
export function summarize(solution: la.Matrix, target: la.Matrix, tracked: number): SolutionSummary {
  const values = gramSingularValues(solution);
  return {
    error: reconstructionError(solution.data, target),
    nuclearNorm: nuclearNorm(values),
    effectiveRank: effectiveRank(values),
    topSingularValues: Array.from(values.subarray(0, tracked)),
  };
}

/** Options of `runDepth`. */
export interface RunOptions {
  depth: number;
  initScale: number;
  learningRate: number;
  maxSteps: number;
  targetLoss: number;
  seed: number;
  /** Leading singular values kept in the summary (and in the trajectory). */
  tracked: number;
  /** Record the trajectory every this many steps… */
  recordEvery?: number;
  /** …and check Theorem 3 on the `rank` leading singular values every this many. */
  checkEvery?: number;
  rank?: number;
}

/** Halvings of the step size tried after a run whose loss became NaN or ∞ (the paper re-ran such runs with a smaller one). */
const MAX_HALVINGS = 3;

/**
 * Trains W_e = W_N ⋯ W_1 from the authors' Gaussian init by full-batch GD (SGD without
 * momentum from src/optim; gradients by the autodiff) until the loss reaches the target or
 * the step cap.
 */
export function runDepth(problem: Problem, options: RunOptions): { summary: RunSummary; trajectory?: Trajectory } {
  const size = problem.target.rows;
  for (let halvings = 0; ; halvings++) {
    const learningRate = options.learningRate / 2 ** halvings;
    const model = DeepMatrixFactorization.gaussian({
      size,
      depth: options.depth,
      scale: options.initScale,
      seed: options.seed,
      dtype: 'float64',
    });
    const trajectory = options.recordEvery === undefined ? undefined : recorder(problem, options, learningRate);
    const optimizer = new SGD(model.parameters(), { lr: learningRate });
    const result = trainFactorization(model, problem.loss, optimizer, {
      targetLoss: options.targetLoss,
      maxSteps: options.maxSteps,
      observe: trajectory?.observe,
    });
    if (!Number.isFinite(result.loss) && halvings < MAX_HALVINGS) continue;
    const solution = { rows: size, cols: size, data: Float64Array.from(result.endToEnd.data) };
    const summary: RunSummary = {
      depth: options.depth,
      learningRate,
      steps: result.steps,
      trainLoss: result.loss,
      converged: result.converged,
      halvings,
      millisecondsPerStep: result.millisecondsPerStep,
      ...summarize(solution, problem.target, options.tracked),
    };
    return { summary, trajectory: trajectory?.trajectory };
  }
}

/** A Trajectory and the `observe` callback that fills it (see Trajectory.theorem3). */
function recorder(
  problem: Problem,
  options: RunOptions,
  learningRate: number,
): { trajectory: Trajectory; observe: (step: number, endToEnd: ad.Tensor) => void } {
  const { depth, tracked, recordEvery = 1, checkEvery = Infinity, rank = 1 } = options;
  const trajectory: Trajectory = {
    steps: [],
    singularValues: Array.from({ length: tracked }, () => []),
    theorem3: { step: [], predicted: [], measured: [] },
  };
  let pending: { step: number; values: Float64Array; predicted: number[] } | undefined;
  const observe = (step: number, endToEnd: ad.Tensor): void => {
    const matrix = la.fromArray(endToEnd.shape[0], endToEnd.shape[1], endToEnd.data);
    if (pending !== undefined && step === pending.step + 1) {
      const values = gramSingularValues(matrix);
      pending.predicted.forEach((predicted, r) => {
        trajectory.theorem3.step.push(pending!.step);
        trajectory.theorem3.predicted.push(predicted);
        trajectory.theorem3.measured.push(values[r] - pending!.values[r]);
      });
      pending = undefined;
    }
    if (step % recordEvery === 0) {
      const values = gramSingularValues(matrix);
      trajectory.steps.push(step);
      trajectory.singularValues.forEach((series, k) => series.push(values[k]));
    }
    if (step > 0 && step % checkEvery === 0) {
      const gradient = ad.grad(problem.loss)(endToEnd.detach());
      const { U, singularValues, V } = la.svd(matrix);
      const rotated = la.matmul(
        la.matmul(la.transpose(U), la.fromArray(gradient.shape[0], gradient.shape[1], gradient.data)),
        V,
      );
      const predicted = Array.from(
        { length: rank },
        (_, r) =>
          -learningRate * depth * (singularValues[r] ** 2) ** (1 - 1 / depth) * rotated.data[r * rotated.cols + r],
      );
      pending = { step, values: singularValues, predicted };
    }
  };
  return { trajectory, observe };
}

/** A minimum nuclear norm solution with its solver statistics. */
export interface NuclearNormSummary extends SolutionSummary {
  iterations: number;
  converged: boolean;
  primalResidual: number;
  dualResidual: number;
}

/** min ‖X‖_* subject to the problem's constraints (the paper's convex baseline). */
export function runNuclearNorm(constraint: AffineConstraint, target: la.Matrix, tracked: number): NuclearNormSummary {
  const solved = minimumNuclearNorm(constraint, { tolerance: 1e-4, maxIterations: 2000 });
  return {
    iterations: solved.iterations,
    converged: solved.converged,
    primalResidual: solved.primalResidual,
    dualResidual: solved.dualResidual,
    ...summarize(solved.solution, target, tracked),
  };
}
