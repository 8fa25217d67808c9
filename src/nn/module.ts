/**
 * Module: the base class of every layer and network.
 *
 * The parameter convention (tensors are immutable):
 * - A module registers its trainable tensors as `Parameter` slots (`addParameter`), its
 *   non-trainable state as `StateBuffer` slots (`addBuffer`), and its sub-layers with
 *   `addModule`. Names are dotted through children: `layers.0.weight`.
 * - `forward` reads `slot.value` every time it runs; it never caches a parameter's tensor.
 * - `loss.backward()` fills each parameter's `.grad`. An optimizer's `step()` then
 *   computes the new values under `ad.noGrad` and `assign`s them: each slot stores a
 *   fresh leaf, so the old graph and its gradients are dropped with the old value.
 *   Compute the next loss after the step (a graph built before it holds the old leaves).
 * - `zeroGrad()` clears the gradients when several backward passes would otherwise add
 *   up (as in PyTorch, `.grad` accumulates until it is cleared or the value is assigned).
 */
import * as ad from '../../autodiff/index.ts';
import { shapeText } from '../../autodiff/op.ts';
import { Parameter, StateBuffer } from './parameter.ts';
import { readStateFile, writeStateFile } from './state-file.ts';

/**
 * The base class: named parameters, buffers and children; train/eval mode; state
 * save/load. See the file comment for how parameters are updated.
 * @example
 *   class Affine extends Module {
 *     readonly scale = this.addParameter('scale', ad.ones([3]));
 *     forward(x: ad.Tensor) { return x.mul(this.scale.value); }
 *   }
 *   new Affine().namedParameters(); // [['scale', Parameter]]
 */
export abstract class Module {
  readonly #parameters = new Map<string, Parameter>();
  readonly #buffers = new Map<string, StateBuffer>();
  readonly #children = new Map<string, Module>();
  #training = true;

  /** Applies the module to a batch. */
  abstract forward(input: ad.Tensor): ad.Tensor;

  #checkName(caller: string, name: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`${caller}: name must be a non-empty string without dots, got ${JSON.stringify(name)}`);
    }
    if (this.#parameters.has(name) || this.#buffers.has(name) || this.#children.has(name)) {
      throw new Error(`${caller}: '${name}' is already registered on ${this.constructor.name}`);
    }
  }

  /** Registers a trainable tensor under `name`. @example this.weight = this.addParameter('weight', w) */
  protected addParameter(name: string, value: ad.Tensor, options: { frozen?: boolean } = {}): Parameter {
    this.#checkName('addParameter', name);
    const parameter = new Parameter(value, options);
    this.#parameters.set(name, parameter);
    return parameter;
  }

  /** Registers a non-trainable state tensor under `name`. @example this.addBuffer('runningMean', ad.zeros([c])) */
  protected addBuffer(name: string, value: ad.Tensor): StateBuffer {
    this.#checkName('addBuffer', name);
    const buffer = new StateBuffer(value);
    this.#buffers.set(name, buffer);
    return buffer;
  }

  /** Registers a child module under `name`. @example this.body = this.addModule('body', new Sequential(...)) */
  protected addModule<M extends Module>(name: string, module: M): M {
    this.#checkName('addModule', name);
    if (!(module instanceof Module)) throw new Error(`addModule: '${name}' must be a Module, got ${typeof module}`);
    this.#children.set(name, module);
    return module;
  }

  /** Whether the module is in training mode (BatchNorm uses batch statistics, Dropout drops). */
  get training(): boolean {
    return this.#training;
  }

  /** Sets training mode on this module and all its descendants. @example net.train() */
  train(training = true): this {
    for (const [, module] of this.namedModules()) module.#training = training;
    return this;
  }

  /** Evaluation mode: BatchNorm uses running statistics, Dropout is the identity. @example net.eval() */
  eval(): this {
    return this.train(false);
  }

  /** This module (named '') and every descendant, parents first. @example net.namedModules().map(([name]) => name) */
  namedModules(prefix = ''): [string, Module][] {
    const result: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.#children)
      result.push(...child.namedModules(prefix === '' ? name : `${prefix}.${name}`));
    return result;
  }

  /** Every parameter with its dotted name, in registration order. @example net.namedParameters()[0][0] // 'layers.0.weight' */
  namedParameters(): [string, Parameter][] {
    return this.namedModules().flatMap(([prefix, module]) =>
      [...module.#parameters].map(([name, parameter]): [string, Parameter] => [
        prefix === '' ? name : `${prefix}.${name}`,
        parameter,
      ]),
    );
  }

  /** Every parameter, frozen ones included (optimizers skip those without a gradient). @example new SGD(net.parameters(), { lr: 0.1 }) */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, parameter]) => parameter);
  }

  /** Every buffer with its dotted name. @example bn.namedBuffers() // runningMean, runningVariance */
  namedBuffers(): [string, StateBuffer][] {
    return this.namedModules().flatMap(([prefix, module]) =>
      [...module.#buffers].map(([name, buffer]): [string, StateBuffer] => [
        prefix === '' ? name : `${prefix}.${name}`,
        buffer,
      ]),
    );
  }

  /** Clears the gradient of every parameter. @example net.zeroGrad() */
  zeroGrad(): void {
    for (const parameter of this.parameters()) parameter.zeroGrad();
  }

  /** The values of every parameter and buffer by dotted name. @example net.stateDict().get('layers.0.weight') */
  stateDict(): Map<string, ad.Tensor> {
    const slots: [string, Parameter | StateBuffer][] = [...this.namedParameters(), ...this.namedBuffers()];
    return new Map(slots.map(([name, slot]) => [name, slot.value]));
  }

  /**
   * Replaces every parameter and buffer from `state`. All mismatches (missing, unexpected,
   * shape or dtype) are reported together in one error, and nothing is assigned unless all match.
   * @example other.loadStateDict(net.stateDict())
   */
  loadStateDict(state: ReadonlyMap<string, ad.Tensor>, source = 'the state'): void {
    this.#load('loadStateDict', source, state);
  }

  /** Writes the state atomically to `path` (safetensors layout, see state-file.ts). @example net.save('/tmp/net.safetensors') */
  save(path: string): void {
    writeStateFile(path, this.stateDict());
  }

  /** Reads the state written by save(); an error names the file and every mismatch. @example net.load('/tmp/net.safetensors') */
  load(path: string): this {
    this.#load('load', path, readStateFile(path));
    return this;
  }

  #load(caller: string, source: string, state: ReadonlyMap<string, ad.Tensor>): void {
    const slots = new Map<string, Parameter | StateBuffer>([...this.namedParameters(), ...this.namedBuffers()]);
    const problems: string[] = [];
    for (const [name, slot] of slots) {
      const value = state.get(name);
      if (value === undefined) problems.push(`missing '${name}' ${shapeText(slot.value.shape)}`);
      else if (value.dtype !== slot.value.dtype || shapeText(value.shape) !== shapeText(slot.value.shape)) {
        problems.push(
          `'${name}' is ${value.dtype} ${shapeText(value.shape)} in ${source} but ${slot.value.dtype} ${shapeText(slot.value.shape)} in the module`,
        );
      }
    }
    for (const [name, value] of state)
      if (!slots.has(name)) problems.push(`unexpected '${name}' ${shapeText(value.shape)}`);
    if (problems.length > 0) {
      throw new Error(
        `${this.constructor.name}.${caller}: ${source} does not match the module (${problems.length} problem${problems.length > 1 ? 's' : ''}): ${problems.join('; ')}`,
      );
    }
    for (const [name, slot] of slots) slot.assign(state.get(name)!);
  }
}
