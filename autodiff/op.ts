/**
 * What a primitive op is, and how one is applied: validate, compute the shape, run the
 * backend kernel, and record the node when gradients are wanted.
 */
import {
  isData,
  type Backend,
  type Data,
  type DType,
  type Indices,
  type Kernels,
  type Storage,
} from '../gpu/backend.ts';
import { currentBackend } from '../gpu/registry.ts';
import { allocating } from './allocation.ts';
import { checkTensor } from './arguments.ts';
import { isRecording } from './grad-mode.ts';
import { Tensor } from './tensor.ts';

/** What a VJP rule sees: the op's inputs, its output, and its attributes. */
export interface OpContext<Attrs> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: Attrs;
}

/**
 * A primitive: forward (a backend call), shape rule, and vector-Jacobian product side by
 * side. The VJP is written with Tensor ops, so it is itself differentiable (gradients of
 * gradients). It may return a gradient in the broadcast output shape: the engine sums it
 * back to the input's shape once (autodiff/engine.ts). `null` means "no gradient flows
 * to this input" (indices, conditions, piecewise-constant ops).
 *
 * The members are function-typed properties, not methods, so their parameters are checked
 * contravariantly: a definition typed for other attributes does not fit the registry's slot
 * (autodiff/ops/registry.ts), and `Name` ties each definition to its registry key.
 */
export interface OpDef<Attrs, Name extends string = string> {
  readonly name: Name;
  /** The output is piecewise constant in every input (comparisons, argmax): it never requires grad. */
  readonly constant?: boolean;
  /** The output dtype, when it is not the inputs' (cast, and argmax's float64 indices). */
  readonly dtype?: (inputs: readonly Tensor[], attrs: Attrs, backend: Backend) => DType;
  /** The output shape; throws an error naming the op and the shapes when they do not fit. */
  readonly shape: (inputs: readonly Tensor[], attrs: Attrs) => number[];
  /** Runs the kernel on the inputs' `storage` (and indices): host, or also device on a resident backend. */
  readonly forward: (
    kernels: Kernels<Storage, Indices>,
    inputs: readonly Tensor[],
    attrs: Attrs,
    outShape: readonly number[],
  ) => Storage;
  /** The one VJP signature every primitive shares: the output gradient in, one gradient (or null) per input out. */
  readonly vjp: (outGrad: Tensor, context: OpContext<Attrs>) => (Tensor | null)[];
}

/** The record that links an op's output to its inputs. */
export interface Node {
  readonly op: OpDef<any>;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
}

/** A shape as error messages print it. @example shapeText([2, 3]) // '[2,3]' */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** Applies a primitive to tensors: the single path every op takes. */
export function apply<Attrs>(op: OpDef<Attrs>, inputs: readonly Tensor[], attrs: Attrs): Tensor {
  inputs.forEach((input, i) => {
    if (checkTensor(op.name, input, `input ${i}`).disposed)
      throw new Error(`${op.name}: input ${i} was disposed (shape ${shapeText(input.shape)})`);
  });
  const dtype = inputs[0].dtype;
  for (const input of inputs) {
    if (input.dtype !== dtype) {
      throw new Error(
        `${op.name}: dtypes must match, got ${inputs.map((t) => t.dtype).join(' and ')} (cast one with .cast())`,
      );
    }
  }
  const backend = currentBackend();
  const outDtype = op.dtype ? op.dtype(inputs, attrs, backend) : dtype;
  // cast reads any dtype (a host copy); every other op computes in its inputs' dtype
  if (!backend.dtypes.includes(outDtype) || (!op.dtype && !backend.dtypes.includes(dtype))) {
    throw new Error(
      `${op.name}: the ${backend.name} backend does not compute in ${op.dtype ? outDtype : dtype} (it supports ${backend.dtypes.join(', ')})`,
    );
  }
  const outShape = op.shape(inputs, attrs);
  // A resident backend takes host or device storage; any other sees only host storage, so
  // a device tensor meeting it is read back here (its Kernels<Data> then gets Data only).
  // Likewise indices: OpIndices.operand hands device indices only to a resident backend.
  const kernels: Kernels<Storage, Indices> =
    backend.device ?? (backend as Kernels<Data> as unknown as Kernels<Storage, Indices>);
  // On a resident backend host inputs go to the device once (Tensor.upload), so reuse does not copy again.
  if (backend.device)
    for (const input of inputs) if (backend.dtypes.includes(input.dtype)) input.upload(backend.device);
  const operands = backend.device ? inputs : inputs.map(onHost);
  const storage = allocating(op.name, outShape, outDtype, () => op.forward(kernels, operands, attrs, outShape));
  const tracked = isRecording() && !op.constant && inputs.some((input) => input.requiresGrad);
  return new Tensor(storage, outShape, outDtype, tracked ? { op, inputs, attrs } : undefined);
}

/** The tensor itself when its storage is on the host, else a host copy of it (read back). */
function onHost(tensor: Tensor): Tensor {
  return isData(tensor.storage) ? tensor : new Tensor(tensor.data, tensor.shape, tensor.dtype);
}
