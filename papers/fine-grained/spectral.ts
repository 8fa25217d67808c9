/**
 * The paper's predictions from the eigendecomposition H∞ = Σ_i λ_i v_i v_iᵀ (Arora et al. 2019):
 *   training speed (Thm 4.1):   ‖y − u(k)‖ ≈ √(Σ_i (1 − ηλ_i)^{2k} (v_iᵀy)²);
 *   each residual projection:   v_iᵀ(y − u(k)) ≈ (1 − ηλ_i)^k v_iᵀ(y − u(0));
 *   distance from init (§5):    ‖W(k) − W(0)‖_F ≈ √(Σ_i (1 − (1 − ηλ_i)^k)² (v_iᵀy)²/λ_i) → √(yᵀ(H∞)⁻¹y) as k → ∞
 *     (in the linearized dynamics W(k) − W(0) = Jᵀ(H∞)⁻¹(I − (I − ηH∞)^k)y with JJᵀ = H∞);
 *   generalization (Thm 5.1):   population loss ≤ √(2yᵀ(H∞)⁻¹y/n) + O(√(log(n/(λ₀δ))/n)).
 */
import { symmetricEigen, type Matrix, type SymmetricEigen } from '../../src/linalg/index.ts';

/** H∞'s eigenpairs and the projections of one label vector on them. */
export interface LabelSpectrum {
  /** λ_0 ≤ … ≤ λ_{n−1}. */
  values: Float64Array;
  /** v_iᵀy for each eigenvalue, in the same order. */
  projections: Float64Array;
}

/**
 * (v_iᵀz) for every eigenvector v_i (the columns of `eigen.vectors`).
 * @example project(symmetricEigen(gram), residual)
 */
export function project(eigen: SymmetricEigen, vector: ArrayLike<number>): Float64Array {
  const n = eigen.values.length;
  if (vector.length !== n)
    throw new Error(`project: vector has length ${vector.length}, expected ${n} (the size of the eigendecomposition)`);
  const projections = new Float64Array(n);
  const v = eigen.vectors.data;
  for (let r = 0; r < n; r++) {
    const value = vector[r];
    for (let c = 0; c < n; c++) projections[c] += v[r * n + c] * value;
  }
  return projections;
}

/**
 * The eigenvalues of `gram` and the projections of `labels` on its eigenvectors.
 * @example labelSpectrum(gramInfinity(inputs), labels).values[0] // λ_min(H∞)
 */
export function labelSpectrum(gram: Matrix, labels: ArrayLike<number>): LabelSpectrum {
  const eigen = symmetricEigen(gram);
  return { values: eigen.values, projections: project(eigen, labels) };
}

function checkStep(functionName: string, lr: number, step: number): void {
  if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`${functionName}: lr must be a positive number, got ${lr}`);
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`${functionName}: step must be a non-negative integer, got ${step}`);
}

/**
 * √(Σ_i (1 − ηλ_i)^{2k} (v_iᵀy)²), the predicted ‖y − u(k)‖ of Thm 4.1.
 * @example predictedResidualNorm(spectrum, 1 / lambdaMax, 100)
 */
export function predictedResidualNorm(spectrum: LabelSpectrum, lr: number, step: number): number {
  checkStep('predictedResidualNorm', lr, step);
  let sum = 0;
  spectrum.values.forEach((lambda, i) => {
    sum += (1 - lr * lambda) ** (2 * step) * spectrum.projections[i] ** 2;
  });
  return Math.sqrt(sum);
}

/**
 * √(Σ_i (1 − (1 − ηλ_i)^k)² (v_iᵀy)²/λ_i), the predicted ‖W(k) − W(0)‖_F of the linearized
 * dynamics (for k → ∞ see complexity()).
 * @example predictedDistance(spectrum, 1 / lambdaMax, 500)
 */
export function predictedDistance(spectrum: LabelSpectrum, lr: number, step: number): number {
  checkStep('predictedDistance', lr, step);
  let sum = 0;
  spectrum.values.forEach((lambda, i) => {
    sum += ((1 - (1 - lr * lambda) ** step) ** 2 * spectrum.projections[i] ** 2) / lambda;
  });
  return Math.sqrt(sum);
}

/**
 * yᵀ(H∞)⁻¹y = Σ_i (v_iᵀy)²/λ_i, the paper's data-dependent complexity measure.
 * @example Math.sqrt(complexity(spectrum)) // the k → ∞ distance from init
 */
export function complexity(spectrum: LabelSpectrum): number {
  if (!(spectrum.values[0] > 0))
    throw new Error(`complexity: H∞ must be positive definite, got λ_min = ${spectrum.values[0]}`);
  let sum = 0;
  spectrum.values.forEach((lambda, i) => {
    sum += spectrum.projections[i] ** 2 / lambda;
  });
  return sum;
}

/**
 * √(2yᵀ(H∞)⁻¹y/n), the leading term of the generalization bound of Thm 5.1.
 * @example generalizationBound(spectrum) // ≈ 0.58 for 500 MNIST 0s and 1s with true labels
 */
export function generalizationBound(spectrum: LabelSpectrum): number {
  return Math.sqrt((2 * complexity(spectrum)) / spectrum.values.length);
}
