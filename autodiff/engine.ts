/**
 * The reverse-mode engine: order the recorded graph, walk it backwards calling each op's
 * VJP, sum gradients back over broadcast axes (once, here, for every op), and accumulate
 * them per tensor.
 */
import { checkBoolean, checkTensor } from './arguments.ts';
import { withRecording } from './grad-mode.ts';
import { shapeText } from './op.ts';
import type { Tensor } from './tensor.ts';
import { reshape } from './ops/layout.ts';
import { sum } from './ops/reduce.ts';

/**
 * Tensors that require grad and lead to `outputs`, inputs before the ops that use them.
 * Iterative depth-first search, so deep graphs (long training unrolls) cannot overflow
 * the call stack.
 */
export function topologicalOrder(outputs: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { tensor: Tensor; expanded: boolean }[] = outputs
    .filter((t) => t.requiresGrad)
    .map((tensor) => ({ tensor, expanded: false }));
  while (stack.length > 0) {
    const top = stack.pop()!;
    if (top.expanded) {
      order.push(top.tensor);
      continue;
    }
    if (visited.has(top.tensor)) continue;
    visited.add(top.tensor);
    stack.push({ tensor: top.tensor, expanded: true });
    for (const input of top.tensor.node?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push({ tensor: input, expanded: false });
    }
  }
  return order;
}

/** Sums a gradient in a broadcast shape back to `shape` (the adjoint of broadcasting). */
export function sumToShape(gradient: Tensor, shape: readonly number[], opName: string): Tensor {
  if (gradient.rank === shape.length && gradient.shape.every((extent, i) => extent === shape[i])) return gradient;
  const lead = gradient.rank - shape.length;
  const fits = lead >= 0 && shape.every((extent, i) => extent === gradient.shape[lead + i] || extent === 1);
  if (!fits)
    throw new Error(
      `${opName}: internal error, gradient of shape ${shapeText(gradient.shape)} does not broadcast to input ${shapeText(shape)}`,
    );
  const axes: number[] = [];
  for (let axis = 0; axis < gradient.rank; axis++) {
    if (axis < lead || (shape[axis - lead] === 1 && gradient.shape[axis] !== 1)) axes.push(axis);
  }
  return reshape(sum(gradient, axes), shape);
}

/**
 * Gradients of Σ⟨seed_i, output_i⟩ with respect to every tensor in `wrt` (or, when `wrt`
 * is undefined, every leaf that requires grad). With createGraph the VJPs are recorded,
 * so the gradients can be differentiated again.
 */
export function gradients(
  outputs: readonly Tensor[],
  seeds: readonly Tensor[],
  wrt: readonly Tensor[] | undefined,
  createGraph: boolean,
): Map<Tensor, Tensor> {
  const order = topologicalOrder(outputs);
  const keep = new Set(wrt ?? order.filter((t) => !t.node));
  const grads = new Map<Tensor, Tensor>();
  const accumulate = (tensor: Tensor, gradient: Tensor) => {
    const previous = grads.get(tensor);
    grads.set(tensor, previous ? previous.add(gradient) : gradient);
  };
  withRecording(createGraph, () => {
    outputs.forEach((output, i) => output.requiresGrad && accumulate(output, seeds[i]));
    for (let position = order.length - 1; position >= 0; position--) {
      const tensor = order[position];
      const gradient = grads.get(tensor);
      const node = tensor.node;
      if (!gradient || !node) continue;
      if (!keep.has(tensor)) grads.delete(tensor); // intermediate gradients are not needed again
      const inputGrads = node.op.vjp(gradient, { inputs: node.inputs, output: tensor, attrs: node.attrs });
      node.inputs.forEach((input, i) => {
        const inputGrad = inputGrads[i];
        if (inputGrad && input.requiresGrad) accumulate(input, sumToShape(inputGrad, input.shape, node.op.name));
      });
    }
  });
  for (const tensor of grads.keys()) if (!keep.has(tensor)) grads.delete(tensor);
  return grads;
}

/** Checks a seed gradient against the tensor it seeds, naming the caller. */
export function checkSeed(caller: string, output: Tensor, seed: Tensor): void {
  checkTensor(caller, seed, 'seed gradient');
  if (
    seed.dtype !== output.dtype ||
    seed.rank !== output.rank ||
    seed.shape.some((extent, i) => extent !== output.shape[i])
  ) {
    throw new Error(
      `${caller}: seed gradient ${seed.dtype} ${shapeText(seed.shape)} must match the output ${output.dtype} ${shapeText(output.shape)}`,
    );
  }
}

/** Tensor.backward: fills `.grad` of every leaf that requires grad and leads to `output`. */
export function backward(output: Tensor, seed: Tensor | undefined, createGraph: boolean): void {
  checkBoolean('backward', 'createGraph', createGraph);
  if (!output.requiresGrad) {
    throw new Error(
      'backward: this tensor does not require grad (no input was created with requiresGrad: true, or it was computed under noGrad)',
    );
  }
  if (seed === undefined && output.size !== 1) {
    throw new Error(
      `backward: output has shape ${shapeText(output.shape)}; pass a seed gradient of that shape, or reduce the output to one element first`,
    );
  }
  const start = seed ?? output.detach().mul(0).add(1);
  checkSeed('backward', output, start);
  const grads = gradients([output], [start], undefined, createGraph);
  withRecording(createGraph, () => {
    for (const [leaf, gradient] of grads) leaf.grad = leaf.grad ? leaf.grad.add(gradient) : gradient;
  });
}
