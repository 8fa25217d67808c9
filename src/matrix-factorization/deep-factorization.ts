/**
 * Deep matrix factorization (Arora, Cohen, Hu & Luo 2019, PAPERS.md §7, Eq. (3) of the
 * paper): the end-to-end matrix W_e = W_N ⋯ W_1 of N square factors, trained by gradient
 * descent on a loss of W_e alone. It is a deep linear network (forward(x) = W_e·x), so the
 * gradients come from the autodiff and the steps from any optimizer of src/optim.
 */
import * as ad from '../../autodiff/index.ts';
import { Module, type Parameter } from '../nn/index.ts';
import type { Optimizer } from '../optim/index.ts';

/** Options of `DeepMatrixFactorization.gaussian`. */
export interface GaussianInitOptions {
  size: number;
  depth: number;
  /**
   * The authors' `init_scale` (official code, `main.py`): each factor is N(0, s²) entrywise
   * with s = scale^{1/N}/√size, so that ‖W_e‖_F ≈ scale·√size.
   */
  scale: number;
  seed: number;
  dtype?: ad.DType;
}

/**
 * W_e = W_N ⋯ W_1 with `factors[j]` = W_{j+1}, each a trainable Parameter.
 * @example
 *   const model = DeepMatrixFactorization.gaussian({ size: 100, depth: 3, scale: 1e-3, seed: 0, dtype: 'float64' });
 *   model.endToEnd().shape // [100, 100]
 */
export class DeepMatrixFactorization extends Module {
  /** W_1, …, W_N (W_1 is applied first). */
  readonly factors: readonly Parameter[];

  constructor(factors: readonly ad.Tensor[]) {
    super();
    if (factors.length === 0) throw new Error('DeepMatrixFactorization: needs at least one factor');
    factors.forEach((factor, j) => {
      if (factor.rank !== 2)
        throw new Error(
          `DeepMatrixFactorization: factor ${j + 1} must be a matrix, got shape [${factor.shape.join(',')}]`,
        );
      if (j > 0 && factor.shape[1] !== factors[j - 1].shape[0]) {
        throw new Error(
          `DeepMatrixFactorization: factor ${j + 1} [${factor.shape.join(',')}] does not follow factor ${j} [${factors[j - 1].shape.join(',')}]`,
        );
      }
    });
    this.factors = factors.map((factor, j) => this.addParameter(`W${j + 1}`, factor));
  }

  /**
   * The authors' Gaussian initialization (see GaussianInitOptions.scale), factor j drawn
   * with seed `seed + j`.
   * @example DeepMatrixFactorization.gaussian({ size: 10, depth: 2, scale: 1e-3, seed: 0 })
   */
  static gaussian({ size, depth, scale, seed, dtype = 'float64' }: GaussianInitOptions): DeepMatrixFactorization {
    if (!(Number.isInteger(depth) && depth >= 1))
      throw new Error(`DeepMatrixFactorization.gaussian: depth must be a positive integer, got ${depth}`);
    if (!(scale > 0)) throw new Error(`DeepMatrixFactorization.gaussian: scale must be > 0, got ${scale}`);
    const std = scale ** (1 / depth) / Math.sqrt(size);
    return new DeepMatrixFactorization(
      Array.from({ length: depth }, (_, j) => ad.randomNormal([size, size], { seed: seed + j, std, dtype })),
    );
  }

  get depth(): number {
    return this.factors.length;
  }

  /** W_e = W_N ⋯ W_1, recorded for differentiation. */
  endToEnd(): ad.Tensor {
    let product = this.factors[0].value;
    for (let j = 1; j < this.factors.length; j++) product = this.factors[j].value.matmul(product);
    return product;
  }

  /** W_e·x for a batch of column vectors x [size, batch]. */
  forward(input: ad.Tensor): ad.Tensor {
    return this.factors.reduce((x, factor) => factor.value.matmul(x), input);
  }
}

/**
 * ℓ(W) = mean_k (W[i_k] − y_k)² over observed entries at flat row-major positions i_k: the
 * completion loss of the official code (`MatrixCompletion.get_train_loss`).
 * @example completionLoss([0, 3], ad.tensor([1, 2], { dtype: 'float64' }))(model.endToEnd())
 */
export function completionLoss(
  indices: Int32Array | readonly number[],
  values: ad.Tensor,
): (endToEnd: ad.Tensor) => ad.Tensor {
  const positions = Int32Array.from(indices);
  return (endToEnd) => endToEnd.reshape([endToEnd.size]).gather(0, positions).sub(values).square().mean();
}

/**
 * ℓ(W) = mean_i (⟨A_i, W⟩ − y_i)² for measurement matrices stacked as the rows of
 * `sensing` [m, rows·cols] (row i = vec(A_i), row-major): the sensing loss of the official
 * code (`MatrixSensing.get_train_loss`).
 * @example sensingLoss(a, y)(model.endToEnd())
 */
export function sensingLoss(sensing: ad.Tensor, measurements: ad.Tensor): (endToEnd: ad.Tensor) => ad.Tensor {
  return (endToEnd) =>
    sensing
      .matmul(endToEnd.reshape([endToEnd.size]))
      .sub(measurements)
      .square()
      .mean();
}

/** Options of `trainFactorization`. */
export interface TrainOptions {
  /** Stop once the training loss is at most this (the official code's `train_thres`, 1e-6). */
  targetLoss: number;
  /** The step cap. */
  maxSteps: number;
  /** Called before step t with W_e(t) and its loss (step = maxSteps or the stopping step last). */
  observe?: (step: number, endToEnd: ad.Tensor, loss: number) => void;
}

/** How a run ended. */
export interface TrainResult {
  /** Steps taken. */
  steps: number;
  /** The final training loss. */
  loss: number;
  /** The final end-to-end matrix (cut from the graph). */
  endToEnd: ad.Tensor;
  /** Whether the loss reached `targetLoss` (rather than the cap, or NaN/∞). */
  converged: boolean;
  /** Wall-clock milliseconds per step (forward, backward and optimizer step; `observe` not counted). */
  millisecondsPerStep: number;
}

/**
 * Full-batch training of W_e on `loss` with `optimizer` until the loss reaches the target
 * or the step cap, as the official code's main loop does.
 * @example trainFactorization(model, completionLoss(indices, values), new SGD(model.parameters(), { lr: 4 }), { targetLoss: 1e-6, maxSteps: 3000 })
 */
export function trainFactorization(
  model: DeepMatrixFactorization,
  loss: (endToEnd: ad.Tensor) => ad.Tensor,
  optimizer: Optimizer,
  { targetLoss, maxSteps, observe }: TrainOptions,
): TrainResult {
  const start = performance.now();
  let observing = 0;
  for (let step = 0; ; step++) {
    const endToEnd = model.endToEnd();
    const value = loss(endToEnd);
    const current = value.item();
    if (observe !== undefined) {
      const before = performance.now();
      observe(step, endToEnd, current);
      observing += performance.now() - before;
    }
    const converged = current <= targetLoss;
    if (converged || step >= maxSteps || !Number.isFinite(current)) {
      const millisecondsPerStep = (performance.now() - start - observing) / Math.max(step, 1);
      return { steps: step, loss: current, endToEnd: endToEnd.detach(), converged, millisecondsPerStep };
    }
    value.backward();
    optimizer.step();
  }
}
