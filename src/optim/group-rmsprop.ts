/**
 * GroupRMSprop: the optimizer of deep-matrix-factorization (Arora, Cohen, Hu & Luo 2019,
 * PAPERS.md §7; `opt.py` of their official code). It is RMSprop whose squared-gradient
 * average is one scalar shared by a whole group of parameters, so it rescales plain
 * gradient descent by one adaptive learning rate instead of per coordinate.
 */
import type * as ad from '../../autodiff/index.ts';
import type { Parameter } from '../nn/parameter.ts';
import { checkRange, Optimizer, type ActiveParameter } from './optimizer.ts';

export interface GroupRMSpropOptions {
  /** Base learning rate η (default in the official code 1e-2). */
  lr: number;
  /** Decay α of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** ε added to the root (default 1e-6; the paper's runs pass 1e-4). */
  eps?: number;
  /**
   * What shares one average: 'all' (default) = every parameter of this optimizer, as the
   * official code does with `GroupRMSprop(model.parameters(), …)`; 'parameter' = each
   * parameter tensor has its own.
   */
  scope?: 'all' | 'parameter';
}

interface AverageState {
  step: number;
  squareAverage: number;
  adjustedLr: number;
}

function squaredNorm(gradient: ad.Tensor): number {
  let total = 0;
  for (let i = 0; i < gradient.data.length; i++) total += gradient.data[i] * gradient.data[i];
  return total;
}

/**
 * GroupRMSprop. For each group G (see `scope`), at its t-th step (t = 1, 2, …), s = 0 at first:
 *   s ← α·s + (1 − α)·Σ_{w∈G} ‖g_w‖²
 *   η̂ = η / (√(s/(1 − αᵗ)) + ε)
 *   w ← w − η̂·g_w   for every w in G
 * @example const optimizer = new GroupRMSprop(net.parameters(), { lr: 0.01, eps: 1e-4 });
 */
export class GroupRMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly scope: 'all' | 'parameter';
  /** The one average under scope 'all'. */
  #shared: AverageState | undefined;
  /** One average per parameter under scope 'parameter'. */
  readonly #perParameter = new Map<Parameter, AverageState>();

  constructor(parameters: Iterable<Parameter>, { lr, alpha = 0.99, eps = 1e-6, scope = 'all' }: GroupRMSpropOptions) {
    super(parameters, lr);
    checkRange('GroupRMSprop', 'alpha', alpha, 0, 1, { excludeMaximum: true });
    checkRange('GroupRMSprop', 'eps', eps, 0);
    if (scope !== 'all' && scope !== 'parameter')
      throw new Error(`GroupRMSprop: scope must be 'all' or 'parameter', got ${JSON.stringify(scope)}`);
    this.alpha = alpha;
    this.eps = eps;
    this.scope = scope;
  }

  /**
   * The learning rate η̂ the last step applied to `parameter` (the official code logs it as
   * `adjusted_lr`); undefined before the parameter's first step.
   * @example optimizer.adjustedLr(net.parameters()[0])
   */
  adjustedLr(parameter: Parameter): number | undefined {
    this.checkOwned('adjustedLr', parameter);
    return (this.scope === 'all' ? this.#shared : this.#perParameter.get(parameter))?.adjustedLr;
  }

  /** One group's average advanced by its summed squared gradient norm, and the resulting η̂. */
  #advance(previous: AverageState | undefined, squaredNormSum: number): AverageState {
    const step = (previous?.step ?? 0) + 1;
    const squareAverage = this.alpha * (previous?.squareAverage ?? 0) + (1 - this.alpha) * squaredNormSum;
    const adjustedLr = this.lr / (Math.sqrt(squareAverage / (1 - this.alpha ** step)) + this.eps);
    return { step, squareAverage, adjustedLr };
  }

  protected computeUpdates(active: readonly ActiveParameter[]): ad.Tensor[] {
    if (this.scope === 'all') {
      const shared = this.#advance(
        this.#shared,
        active.reduce((total, { gradient }) => total + squaredNorm(gradient), 0),
      );
      this.#shared = shared;
      return active.map(({ parameter, gradient }) => parameter.value.sub(gradient.mul(shared.adjustedLr)));
    }
    return active.map(({ parameter, gradient }) => {
      const state = this.#advance(this.#perParameter.get(parameter), squaredNorm(gradient));
      this.#perParameter.set(parameter, state);
      return parameter.value.sub(gradient.mul(state.adjustedLr));
    });
  }
}
