/** Adam (Kingma & Ba 2015) in torch.optim.Adam's convention. */
import type * as ad from '../../autodiff/index.ts';
import type { Parameter } from '../nn/parameter.ts';
import { checkRange, Optimizer, type ActiveParameter } from './optimizer.ts';

export interface AdamOptions {
  /** Learning rate η. */
  lr: number;
  /** (β₁, β₂), default (0.9, 0.999). */
  betas?: [number, number];
  /** ε added to the denominator (default 1e-8). */
  eps?: number;
  /** L2 weight decay λ added to the gradient (default 0; this is Adam, not AdamW). */
  weightDecay?: number;
}

interface AdamState {
  step: number;
  firstMoment: ad.Tensor;
  secondMoment: ad.Tensor;
}

/**
 * Adam. Per parameter w with gradient g, at its t-th step (t = 1, 2, …), with m = v = 0 at first:
 *   g ← g + λ·w
 *   m ← β₁·m + (1 − β₁)·g
 *   v ← β₂·v + (1 − β₂)·g²
 *   w ← w − (η/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε)     (PyTorch's arrangement of the bias corrections)
 * @example const optimizer = new Adam(net.parameters(), { lr: 1e-3 });
 */
export class Adam extends Optimizer {
  readonly betas: readonly [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly #state = new Map<Parameter, AdamState>();

  constructor(parameters: Iterable<Parameter>, { lr, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0 }: AdamOptions) {
    super(parameters, lr);
    if (!Array.isArray(betas) || betas.length !== 2)
      throw new Error(`Adam: betas must be a pair [β₁, β₂], got ${JSON.stringify(betas)}`);
    checkRange('Adam', 'betas[0]', betas[0], 0, 1, { excludeMaximum: true });
    checkRange('Adam', 'betas[1]', betas[1], 0, 1, { excludeMaximum: true });
    checkRange('Adam', 'eps', eps, 0);
    checkRange('Adam', 'weightDecay', weightDecay, 0);
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** The step count t and moments m, v of `parameter`, undefined before its first step. @example adam.state(p)?.step */
  state(parameter: Parameter): Readonly<AdamState> | undefined {
    this.checkOwned('state', parameter);
    return this.#state.get(parameter);
  }

  protected computeUpdates(active: readonly ActiveParameter[]): ad.Tensor[] {
    const [beta1, beta2] = this.betas;
    return active.map(({ parameter, gradient }) => {
      const weight = parameter.value;
      const g = this.weightDecay === 0 ? gradient : gradient.add(weight.mul(this.weightDecay));
      const previous = this.#state.get(parameter);
      const step = (previous?.step ?? 0) + 1;
      const firstMoment = previous ? previous.firstMoment.mul(beta1).add(g.mul(1 - beta1)) : g.mul(1 - beta1);
      const secondMoment = previous
        ? previous.secondMoment.mul(beta2).add(g.square().mul(1 - beta2))
        : g.square().mul(1 - beta2);
      this.#state.set(parameter, { step, firstMoment, secondMoment });
      const stepSize = this.lr / (1 - beta1 ** step);
      const denominator = secondMoment
        .sqrt()
        .div(Math.sqrt(1 - beta2 ** step))
        .add(this.eps);
      return weight.sub(firstMoment.div(denominator).mul(stepSize));
    });
  }
}
