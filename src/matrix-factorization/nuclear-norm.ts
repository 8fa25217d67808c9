/**
 * Minimum nuclear norm under linear equality constraints,
 *   min ‖X‖_*  subject to  A(X) = b,
 * the convex baseline of deep-matrix-factorization (PAPERS.md §7; §2 of the paper, where
 * Gunasekar et al. 2017 conjecture that depth-2 factorizations find it). A(X) = b is either
 * a set of observed entries (matrix completion) or linear measurements ⟨A_i, X⟩ = y_i
 * (matrix sensing). Solved by Douglas–Rachford splitting (Lions & Mercier 1979; Combettes
 * & Pesquet 2011, Algorithm 10.15) of f = ‖·‖_* and g = the indicator of the affine set:
 *   X = prox_{γf}(Z) = D_γ(Z)          (singular value thresholding)
 *   Z ← Z + λ·(P_C(2X − Z) − X)        (λ ∈ (0, 2) relaxation)
 * γ is balanced on the fly (as ADMM's penalty in Boyd et al. 2011, §3.4.1): a larger γ
 * speeds the dual residual and slows the primal one; when γ changes, Z is rebuilt as X + γG,
 * which keeps the current primal and dual points. The number of changes is capped, so γ is
 * eventually fixed and the usual convergence proof applies (unbounded balancing can cycle).
 * The prox step gives a subgradient for free: G = (Z − X)/γ ∈ ∂‖X‖_*. X is optimal exactly
 * when it is feasible and G also lies in the range of A* (Karush–Kuhn–Tucker: then for any
 * feasible X′, ‖X′‖_* ≥ ⟨G, X′⟩ = ⟨G, X⟩ = ‖X‖_*), so the two residuals below certify the
 * answer, and `optimalityResiduals` re-checks any (X, G) pair from scratch.
 */
import * as la from '../linalg/index.ts';
import { nuclearNorm, shrinkSingularValues } from './spectral.ts';

/** The affine set {X : A(X) = b} of rows×cols matrices, through its two projections. */
export interface AffineConstraint {
  readonly rows: number;
  readonly cols: number;
  /** The Euclidean projection onto {X : A(X) = b}. */
  project(x: la.Matrix): la.Matrix;
  /** The component of Y in the null space of A (zero exactly when Y = A*(λ) for some λ). */
  nullSpacePart(y: la.Matrix): la.Matrix;
}

/**
 * Observed entries X[i] = values[k] at flat row-major positions indices[k] (matrix completion).
 * @example observedEntries(2, 2, [0, 3], [1, 1]).project(la.zeros(2, 2)) // [[1, 0], [0, 1]]
 */
export function observedEntries(
  rows: number,
  cols: number,
  indices: ArrayLike<number>,
  values: ArrayLike<number>,
): AffineConstraint {
  if (indices.length !== values.length)
    throw new Error(`observedEntries: ${indices.length} indices but ${values.length} values`);
  const positions = Int32Array.from(indices);
  positions.forEach((position) => {
    if (!(position >= 0 && position < rows * cols))
      throw new Error(`observedEntries: index ${position} is outside a ${rows}×${cols} matrix`);
  });
  if (new Set(positions).size !== positions.length) throw new Error('observedEntries: an entry is observed twice');
  return {
    rows,
    cols,
    project(x) {
      const result = la.clone(x);
      positions.forEach((position, k) => {
        result.data[position] = values[k];
      });
      return result;
    },
    nullSpacePart(y) {
      const result = la.clone(y);
      positions.forEach((position) => {
        result.data[position] = 0;
      });
      return result;
    },
  };
}

/**
 * Linear measurements ⟨A_i, X⟩ = y_i (matrix sensing): row i of `sensing` (m × rows·cols) is
 * vec(A_i), row-major. The rows must be linearly independent (m ≤ rows·cols); AAᵀ is
 * factored once, so each projection costs two products with A.
 * @example linearMeasurements(1, 2, la.fromRows([[1, 1]]), [2]).project(la.zeros(1, 2)) // [[1, 1]]
 */
export function linearMeasurements(
  rows: number,
  cols: number,
  sensing: la.Matrix,
  measurements: ArrayLike<number>,
): AffineConstraint {
  if (sensing.cols !== rows * cols)
    throw new Error(`linearMeasurements: sensing matrix has ${sensing.cols} columns, expected ${rows * cols}`);
  if (measurements.length !== sensing.rows)
    throw new Error(`linearMeasurements: ${sensing.rows} measurements expected, got ${measurements.length}`);
  const transposed = la.transpose(sensing);
  const factor = la.cholesky(la.matmul(sensing, transposed));
  // x + A*(AA*)⁻¹(target − A·vec(x)), with target 0 for the null-space part.
  const correct = (x: la.Matrix, target: ArrayLike<number> | undefined): la.Matrix => {
    const applied = la.matvec(sensing, x.data);
    const residual = applied.map((value, i) => (target === undefined ? 0 : target[i]) - value);
    const multipliers = la.solveWithCholesky(factor, residual);
    const step = la.matvec(transposed, multipliers);
    return { rows, cols, data: x.data.map((value, i) => value + step[i]) };
  };
  return { rows, cols, project: (x) => correct(x, measurements), nullSpacePart: (y) => correct(y, undefined) };
}

/** Options of `minimumNuclearNorm`. */
export interface NuclearNormOptions {
  /** Initial prox step γ (default ‖P_C(0)‖_F / √min(rows, cols)); adapted at most 20 times. */
  stepSize?: number;
  /** Relaxation λ ∈ (0, 2) (default 1.5). */
  relaxation?: number;
  /** Stop when both relative residuals are below this (default 1e-6). */
  tolerance?: number;
  /** Default 5000. */
  maxIterations?: number;
}

/** The answer of `minimumNuclearNorm`, with its optimality certificate. */
export interface NuclearNormSolution {
  /** The low-rank iterate X = D_γ(Z). */
  solution: la.Matrix;
  /** G = (Z − X)/γ ∈ ∂‖X‖_*, the dual certificate. */
  certificate: la.Matrix;
  nuclearNorm: number;
  rank: number;
  iterations: number;
  /** ‖X − P_C(X)‖_F / ‖P_C(X)‖_F. */
  primalResidual: number;
  /** ‖G restricted to the null space of A‖_F / ‖G‖_F. */
  dualResidual: number;
  converged: boolean;
}

/** Iterations between step-size updates, the residual ratio that triggers one, and the most updates. */
const ADAPT_EVERY = 5;
const BALANCE = 5;
const MAX_ADAPTATIONS = 20;

function frobenius(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] * values[i];
  return Math.sqrt(total);
}

function combine(a: la.Matrix, b: la.Matrix, alpha: number, beta: number): la.Matrix {
  return { rows: a.rows, cols: a.cols, data: a.data.map((value, i) => alpha * value + beta * b.data[i]) };
}

/**
 * min ‖X‖_* s.t. A(X) = b by Douglas–Rachford splitting (see the file comment).
 * @example minimumNuclearNorm(observedEntries(2, 2, [0, 1, 2], [1, 1, 1])).solution // ≈ [[1, 1], [1, 1]]
 */
export function minimumNuclearNorm(
  constraint: AffineConstraint,
  options: NuclearNormOptions = {},
): NuclearNormSolution {
  const { relaxation = 1.5, tolerance = 1e-6, maxIterations = 5000 } = options;
  if (!(relaxation > 0 && relaxation < 2))
    throw new Error(`minimumNuclearNorm: relaxation must be in (0, 2), got ${relaxation}`);
  let z = constraint.project(la.zeros(constraint.rows, constraint.cols));
  let step = options.stepSize ?? frobenius(z.data) / Math.sqrt(Math.min(constraint.rows, constraint.cols));
  if (!(step > 0))
    throw new Error(`minimumNuclearNorm: step size must be > 0, got ${step} (are all constraints zero?)`);
  let result: NuclearNormSolution | undefined;
  let adaptations = 0;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const { result: x, rank, nuclearNorm: norm } = shrinkSingularValues(z, step);
    const certificate = combine(z, x, 1 / step, -1 / step);
    const feasible = constraint.project(x);
    const primalResidual =
      frobenius(combine(x, feasible, 1, -1).data) / Math.max(frobenius(feasible.data), Number.MIN_VALUE);
    const dualResidual =
      frobenius(constraint.nullSpacePart(certificate).data) / Math.max(frobenius(certificate.data), Number.MIN_VALUE);
    const converged = primalResidual < tolerance && dualResidual < tolerance;
    result = {
      solution: x,
      certificate,
      nuclearNorm: norm,
      rank,
      iterations: iteration,
      primalResidual,
      dualResidual,
      converged,
    };
    if (converged) break;
    const unbalanced = Math.max(primalResidual, dualResidual) > BALANCE * Math.min(primalResidual, dualResidual);
    if (iteration % ADAPT_EVERY === 0 && unbalanced && adaptations < MAX_ADAPTATIONS) {
      adaptations++;
      step *= dualResidual > primalResidual ? 2 : 0.5;
      z = combine(x, certificate, 1, step);
    }
    const reflected = constraint.project(combine(x, z, 2, -1));
    z = combine(z, combine(reflected, x, 1, -1), 1, relaxation);
  }
  return result!;
}

/** How far (X, G) is from the optimality conditions of min ‖X‖_* s.t. A(X) = b. */
export interface OptimalityResiduals {
  /** ‖X − P_C(X)‖_F: feasibility. */
  infeasibility: number;
  /** max(‖G‖₂ − 1, 0): G must lie in the unit spectral-norm ball. */
  spectralExcess: number;
  /** |⟨G, X⟩ − ‖X‖_*|: with ‖G‖₂ ≤ 1 this makes G a subgradient of ‖·‖_* at X. */
  alignmentGap: number;
  /** ‖G restricted to the null space of A‖_F: G must be A*(λ) for some multipliers λ. */
  nullSpaceComponent: number;
}

/**
 * The optimality (subgradient) conditions checked from scratch with an SVD: X is a minimum
 * nuclear norm solution when all four residuals are zero.
 * @example const s = minimumNuclearNorm(c); optimalityResiduals(c, s.solution, s.certificate)
 */
export function optimalityResiduals(
  constraint: AffineConstraint,
  solution: la.Matrix,
  certificate: la.Matrix,
): OptimalityResiduals {
  let inner = 0;
  for (let i = 0; i < solution.data.length; i++) inner += solution.data[i] * certificate.data[i];
  return {
    infeasibility: frobenius(combine(solution, constraint.project(solution), 1, -1).data),
    spectralExcess: Math.max(la.singularValues(certificate)[0] - 1, 0),
    alignmentGap: Math.abs(inner - nuclearNorm(la.singularValues(solution))),
    nullSpaceComponent: frobenius(constraint.nullSpacePart(certificate).data),
  };
}
