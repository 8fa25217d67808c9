/**
 * The optimizer base class. An optimizer holds a list of `Parameter` slots (from
 * `module.parameters()` or built by hand); `step()` reads each slot's `.grad`, computes
 * the new value under `ad.noGrad`, and `assign`s it (the slot stores a fresh leaf, so
 * its gradient is cleared with the old value). Parameters without a gradient (frozen,
 * or unused by the loss) are skipped, as in PyTorch.
 */
import * as ad from '../../autodiff/index.ts';
import { Parameter } from '../nn/parameter.ts';

/** A parameter that takes part in this step, with its gradient. */
export interface ActiveParameter {
  readonly parameter: Parameter;
  readonly gradient: ad.Tensor;
}

/** Throws unless `value` is a finite number in [minimum, maximum] (or [minimum, maximum) when the maximum is excluded). @example checkRange('SGD', 'momentum', 0.9, 0) */
export function checkRange(
  caller: string,
  name: string,
  value: number,
  minimum: number,
  maximum = Infinity,
  { excludeMaximum = false } = {},
): void {
  const inRange =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= minimum &&
    (excludeMaximum ? value < maximum : value <= maximum);
  if (!inRange)
    throw new Error(
      `${caller}: ${name} must be a number in [${minimum}, ${maximum}${excludeMaximum ? ')' : ']'}, got ${value}`,
    );
}

/**
 * The shared machinery: the parameter list, the learning rate (settable between steps,
 * e.g. from a schedule), step() and zeroGrad().
 * @example
 *   const optimizer = new SGD(net.parameters(), { lr: 0.1 });
 *   for (let t = 0; t < steps; t++) {
 *     optimizer.lr = schedule(t);
 *     crossEntropy(net.forward(x), y).backward();
 *     optimizer.step();
 *   }
 */
export abstract class Optimizer {
  readonly parameters: readonly Parameter[];
  #lr = 0;

  constructor(parameters: Iterable<Parameter>, lr: number) {
    const list = [...parameters];
    list.forEach((parameter, i) => {
      if (!(parameter instanceof Parameter))
        throw new Error(`${this.constructor.name}: parameter ${i} is not a Parameter (pass module.parameters())`);
    });
    if (new Set(list).size !== list.length)
      throw new Error(`${this.constructor.name}: a parameter appears more than once`);
    this.parameters = list;
    this.lr = lr;
  }

  /** The learning rate η used by the next step. */
  get lr(): number {
    return this.#lr;
  }

  set lr(lr: number) {
    checkRange(this.constructor.name, 'lr', lr, 0);
    this.#lr = lr;
  }

  /** Updates every parameter that has a gradient. @example loss.backward(); optimizer.step(); */
  step(): void {
    const active: ActiveParameter[] = [];
    for (const parameter of this.parameters) {
      const gradient = parameter.grad;
      if (gradient) active.push({ parameter, gradient: gradient.detach() });
    }
    const values = ad.noGrad(() => this.computeUpdates(active));
    active.forEach(({ parameter }, i) => parameter.assign(values[i]));
  }

  /** Clears every parameter's gradient. @example optimizer.zeroGrad() */
  zeroGrad(): void {
    for (const parameter of this.parameters) parameter.zeroGrad();
  }

  /** Throws unless `parameter` is one of this optimizer's. */
  protected checkOwned(caller: string, parameter: Parameter): void {
    if (!this.parameters.includes(parameter))
      throw new Error(`${this.constructor.name}.${caller}: the parameter is not one of this optimizer's`);
  }

  /** The new value of each active parameter, in order (runs under ad.noGrad). */
  protected abstract computeUpdates(active: readonly ActiveParameter[]): ad.Tensor[];
}
