/**
 * The end-to-end dynamics of a deep matrix factorization W_e = W_N ⋯ W_1 (factors W_j of
 * size d_j × d_{j−1}), from Arora, Cohen & Hazan 2018 ("On the optimization of deep
 * networks", ACH18), which §3 of deep-matrix-factorization (PAPERS.md §7) builds on:
 * - balancedness: W_{j+1}ᵀW_{j+1} = W_jW_jᵀ for j = 1…N−1. Gradient flow conserves each
 *   difference W_{j+1}ᵀW_{j+1} − W_jW_jᵀ (ACH18, Theorem 1's proof), so gradient descent
 *   with step η keeps a balanced start balanced up to O(η²) per step;
 * - under balancedness a gradient step on the factors moves W_e by
 *   −η·Σ_{j=1}^{N} (W_eW_eᵀ)^{(j−1)/N} ∇ℓ(W_e) (W_eᵀW_e)^{(N−j)/N} + O(η²) (ACH18, Eq. (7) and
 *   Theorem 1), whose singular values then obey σ̇_r = −N(σ_r²)^{1−1/N}⟨∇ℓ(W_e), u_rv_rᵀ⟩
 *   (Theorem 3 of the paper).
 * Plain float64 numerics on la.Matrix (the factors are read from trained tensors).
 */
import * as la from '../linalg/index.ts';
import { Random } from '../data/index.ts';
import { psdPower } from './spectral.ts';

/**
 * W_N ⋯ W_1 for factors listed W_1 first.
 * @example endToEnd([la.identity(2), la.fromRows([[2, 0], [0, 3]])]) // diag(2, 3)
 */
export function endToEnd(factors: readonly la.Matrix[]): la.Matrix {
  if (factors.length === 0) throw new Error('endToEnd: needs at least one factor');
  return factors.slice(1).reduce((product, factor) => la.matmul(factor, product), factors[0]);
}

/**
 * ‖W_{j+1}ᵀW_{j+1} − W_jW_jᵀ‖_F for j = 1…N−1 (all zero for a balanced factorization).
 * @example balancednessGaps([la.identity(2), la.identity(2)]) // [0]
 */
export function balancednessGaps(factors: readonly la.Matrix[]): number[] {
  return factors.slice(1).map((next, j) => {
    const left = la.matmul(la.transpose(next), next);
    const right = la.matmul(factors[j], la.transpose(factors[j]));
    return Math.sqrt(left.data.reduce((total, value, i) => total + (value - right.data[i]) ** 2, 0));
  });
}

/** A Haar-distributed orthogonal n×n matrix: the left singular vectors of a Gaussian matrix. */
function randomOrthogonal(n: number, random: Random): la.Matrix {
  return la.svd(
    la.fromArray(
      n,
      n,
      Float64Array.from({ length: n * n }, () => random.normal()),
    ),
  ).U;
}

/**
 * A balanced depth-N factorization of a square target W = U S Vᵀ (ACH18, Procedure 1):
 * W_1 = Q_1 S^{1/N} Vᵀ, W_j = Q_j S^{1/N} Q_{j−1}ᵀ, W_N = U S^{1/N} Q_{N−1}ᵀ with random
 * orthogonal Q_j, so that W_jW_jᵀ = Q_j S^{2/N} Q_jᵀ = W_{j+1}ᵀW_{j+1} and W_N ⋯ W_1 = W.
 * @example balancedFactorization(la.identity(3), 3, 0) // three orthogonal factors
 */
export function balancedFactorization(target: la.Matrix, depth: number, seed: number): la.Matrix[] {
  la.assertSquare('balancedFactorization', 'target', target);
  if (!(Number.isInteger(depth) && depth >= 1))
    throw new Error(`balancedFactorization: depth must be a positive integer, got ${depth}`);
  const n = target.rows;
  const { U, singularValues, V } = la.svd(target);
  const root = singularValues.map((value) => value ** (1 / depth));
  const random = new Random(seed);
  const frames = [V, ...Array.from({ length: depth - 1 }, () => randomOrthogonal(n, random)), U];
  return Array.from({ length: depth }, (_, j) => {
    const scaled = la.clone(frames[j + 1]);
    for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) scaled.data[i * n + k] *= root[k];
    return la.matmul(scaled, la.transpose(frames[j]));
  });
}

/**
 * The first-order change of W_e per unit step under balancedness (ACH18, Eq. (7)):
 * Σ_{j=1}^{N} (W_eW_eᵀ)^{(j−1)/N} · gradient · (W_eᵀW_e)^{(N−j)/N}, so that one gradient
 * step of size η moves W_e by −η times this, up to O(η²).
 * @example endToEndDirection(la.identity(2), g, 3) // 3·g
 */
export function endToEndDirection(product: la.Matrix, gradient: la.Matrix, depth: number): la.Matrix {
  if (gradient.rows !== product.rows || gradient.cols !== product.cols) {
    throw new Error(`endToEndDirection: gradient ${la.shape(gradient)} must match the product ${la.shape(product)}`);
  }
  const left = la.matmul(product, la.transpose(product));
  const right = la.matmul(la.transpose(product), product);
  let total = la.zeros(product.rows, product.cols);
  for (let j = 1; j <= depth; j++) {
    const term = la.matmul(la.matmul(psdPower(left, (j - 1) / depth), gradient), psdPower(right, (depth - j) / depth));
    total = { ...total, data: total.data.map((value, i) => value + term.data[i]) };
  }
  return total;
}
