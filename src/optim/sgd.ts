/** Stochastic gradient descent with momentum, following torch.optim.SGD exactly. */
import type * as ad from '../../autodiff/index.ts';
import type { Parameter } from '../nn/parameter.ts';
import { checkRange, Optimizer, type ActiveParameter } from './optimizer.ts';
import { fusedSgdStep } from './fused-sgd.ts';

export interface SGDOptions {
  /** Learning rate η. */
  lr: number;
  /** Momentum γ (default 0). */
  momentum?: number;
  /** Dampening d (default 0). */
  dampening?: number;
  /** Nesterov momentum (needs γ > 0 and d = 0). */
  nesterov?: boolean;
  /** L2 weight decay λ (default 0). */
  weightDecay?: number;
}

/**
 * SGD in PyTorch's convention. Per parameter w with gradient g, each step:
 *   g ← g + λ·w                                  (weight decay)
 *   v ← γ·v + (1 − d)·g, and v ← g on the first step (when γ ≠ 0)
 *   g ← g + γ·v if nesterov, else g ← v          (when γ ≠ 0)
 *   w ← w − η·g
 * The velocity buffer v of each parameter is readable and settable (`momentumBuffer`,
 * `setMomentumBuffer`); a buffer set before the first step is used as v, so the first
 * step is then v ← γ·v + (1 − d)·g. exp-lr (PAPERS.md §2) starts its exponential-LR
 * twin that way (see `texpSchedule`).
 * @example const optimizer = new SGD(net.parameters(), { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  readonly #buffers = new Map<Parameter, ad.Tensor>();

  constructor(
    parameters: Iterable<Parameter>,
    { lr, momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 }: SGDOptions,
  ) {
    super(parameters, lr);
    checkRange('SGD', 'momentum', momentum, 0);
    checkRange('SGD', 'dampening', dampening, 0, 1);
    checkRange('SGD', 'weightDecay', weightDecay, 0);
    if (nesterov && (momentum === 0 || dampening !== 0)) {
      throw new Error(
        `SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${dampening}`,
      );
    }
    this.momentum = momentum;
    this.dampening = dampening;
    this.nesterov = nesterov;
    this.weightDecay = weightDecay;
  }

  /** The velocity v of `parameter`, undefined before its first step. @example optimizer.momentumBuffer(net.parameters()[0]) */
  momentumBuffer(parameter: Parameter): ad.Tensor | undefined {
    this.checkOwned('momentumBuffer', parameter);
    return this.#buffers.get(parameter);
  }

  /**
   * Sets (or, with undefined, clears) the velocity v of `parameter`; it must match the
   * parameter's shape and dtype.
   * @example twin.setMomentumBuffer(p, p.value.mul((1 - 1 / alpha) / lr))
   */
  setMomentumBuffer(parameter: Parameter, buffer: ad.Tensor | undefined): void {
    this.checkOwned('setMomentumBuffer', parameter);
    if (buffer === undefined) {
      this.#buffers.delete(parameter);
      return;
    }
    const same =
      buffer.dtype === parameter.dtype &&
      buffer.rank === parameter.shape.length &&
      buffer.shape.every((extent, i) => extent === parameter.shape[i]);
    if (!same) {
      throw new Error(
        `SGD.setMomentumBuffer: buffer ${buffer.dtype} [${buffer.shape.join(',')}] must match the parameter ${parameter.dtype} [${parameter.shape.join(',')}]`,
      );
    }
    this.#buffers.set(parameter, buffer.detach());
  }

  protected computeUpdates(active: readonly ActiveParameter[]): ad.Tensor[] {
    const { momentum, dampening, nesterov, weightDecay, lr } = this;
    const hyper = { lr, momentum, dampening, nesterov, weightDecay };
    return active.map(({ parameter, gradient }) => {
      const weight = parameter.value;
      const previous = this.#buffers.get(parameter);
      // on the cpu backend one pass computes the same bits as the tensor ops below (their definition)
      const fused = fusedSgdStep(weight, gradient, previous, hyper);
      if (fused) {
        if (fused.velocity) this.#buffers.set(parameter, fused.velocity);
        return fused.weight;
      }
      let direction = weightDecay === 0 ? gradient : gradient.add(weight.mul(weightDecay));
      if (momentum !== 0) {
        const velocity = previous === undefined ? direction : previous.mul(momentum).add(direction.mul(1 - dampening));
        this.#buffers.set(parameter, velocity);
        direction = nesterov ? direction.add(velocity.mul(momentum)) : velocity;
      }
      return weight.sub(direction.mul(lr));
    });
  }
}
