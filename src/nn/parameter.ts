/**
 * The mutable slots of a Module. Tensors are immutable, so a trained value is never
 * written in place: an optimizer computes the next value and `assign`s it, and the slot
 * stores it as a fresh leaf (cut from any graph, `.grad` empty). Forward passes read
 * `slot.value` each time they run, so they always see the latest value.
 */
import * as ad from '../../autodiff/index.ts';
import { shapeText } from '../../autodiff/op.ts';

/** Throws unless `next` can replace `current` (same shape and dtype), naming the caller. */
function checkReplacement(caller: string, current: ad.Tensor, next: ad.Tensor): void {
  if (!(next instanceof ad.Tensor)) throw new Error(`${caller}: the new value must be a Tensor, got ${typeof next}`);
  const sameShape = next.rank === current.rank && next.shape.every((extent, i) => extent === current.shape[i]);
  if (!sameShape || next.dtype !== current.dtype) {
    throw new Error(
      `${caller}: the new value ${next.dtype} ${shapeText(next.shape)} must match the current ${current.dtype} ${shapeText(current.shape)}`,
    );
  }
}

/**
 * A trainable tensor slot. `value` is always a leaf; it requires grad unless the
 * parameter is frozen, so `loss.backward()` fills `parameter.grad` (= `value.grad`).
 * @example
 *   const weight = new Parameter(ad.randomNormal([3, 2], { seed: 0 }));
 *   weight.value.sum().backward(); weight.grad; // ones [3,2]
 *   weight.assign(weight.value.sub(weight.grad!.mul(0.1))); // a fresh leaf, grad cleared
 */
export class Parameter {
  #value: ad.Tensor;
  #frozen: boolean;

  constructor(value: ad.Tensor, { frozen = false }: { frozen?: boolean } = {}) {
    if (!(value instanceof ad.Tensor)) throw new Error(`Parameter: value must be a Tensor, got ${typeof value}`);
    this.#frozen = frozen;
    this.#value = this.#leaf(value);
  }

  #leaf(value: ad.Tensor): ad.Tensor {
    return this.#frozen ? value.detach() : value.requireGrad();
  }

  /** The current value: a leaf tensor. @example linear.weight.value.shape // [out, in] */
  get value(): ad.Tensor {
    return this.#value;
  }

  /** The gradient accumulated by backward() since the last assign or zeroGrad. */
  get grad(): ad.Tensor | undefined {
    return this.#value.grad;
  }

  /** The value's shape. */
  get shape(): readonly number[] {
    return this.#value.shape;
  }

  /** The value's dtype. */
  get dtype(): ad.DType {
    return this.#value.dtype;
  }

  /** A frozen parameter does not require grad, so optimizers skip it (e.g. BN's affine in exp-lr). */
  get frozen(): boolean {
    return this.#frozen;
  }

  set frozen(frozen: boolean) {
    this.#frozen = frozen;
    this.#value = this.#leaf(this.#value);
  }

  /** Replaces the value by a same-shape, same-dtype tensor, stored as a fresh leaf. @example p.assign(ad.zeros(p.shape)) */
  assign(next: ad.Tensor): void {
    checkReplacement('Parameter.assign', this.#value, next);
    this.#value = this.#leaf(next);
  }

  /** Clears the accumulated gradient. @example parameter.zeroGrad() */
  zeroGrad(): void {
    this.#value.grad = undefined;
  }
}

/**
 * A non-trainable state slot (BatchNorm's running statistics): saved and loaded with
 * the parameters, never differentiated.
 * @example const runningMean = new StateBuffer(ad.zeros([4])); runningMean.assign(ad.ones([4]));
 */
export class StateBuffer {
  #value: ad.Tensor;

  constructor(value: ad.Tensor) {
    if (!(value instanceof ad.Tensor)) throw new Error(`StateBuffer: value must be a Tensor, got ${typeof value}`);
    this.#value = value.detach();
  }

  /** The current value (not differentiated). */
  get value(): ad.Tensor {
    return this.#value;
  }

  /** Replaces the value by a same-shape, same-dtype tensor (stored detached). @example buffer.assign(ad.ones(buffer.value.shape)) */
  assign(next: ad.Tensor): void {
    checkReplacement('StateBuffer.assign', this.#value, next);
    this.#value = next.detach();
  }
}
