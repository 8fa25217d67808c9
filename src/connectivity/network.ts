/**
 * Bias-free feed-forward nets held as plain weight arrays, so that a path in parameter space
 * (Kuditipudi et al., NeurIPS 2019, arXiv 1906.06247, §3) can be built by editing rows and
 * columns of weights. A "unit" of a hidden layer is a row of a dense weight [out, in] or an
 * output channel of a conv weight [out, in, kh, kw]; the next layer reads unit j through its
 * input column j (dense after dense, conv after conv) or through the block of columns
 * j·H·W … (j+1)·H·W (dense after a flattened conv output, NCHW order).
 */
import * as ad from '../../autodiff/index.ts';

/** One layer: a dense map y = x·Wᵀ, or a 3×3-style conv with stride and padding; ReLU after every layer but the last. */
export type LayerSpec =
  | { kind: 'dense'; inputs: number; outputs: number }
  | { kind: 'conv'; inChannels: number; outChannels: number; kernel: number; stride: number; padding: number };

/** An architecture: the per-example input shape ([D] or [C, H, W]) and the layers. */
export interface Architecture {
  input: number[];
  layers: LayerSpec[];
}

/** The parameters of a net: one weight array per layer, in the layer's PyTorch layout. */
export type Weights = Float32Array[];

/** The shape of layer `index`'s weight. */
export function weightShape(spec: LayerSpec): number[] {
  return spec.kind === 'dense'
    ? [spec.outputs, spec.inputs]
    : [spec.outChannels, spec.inChannels, spec.kernel, spec.kernel];
}

/** Per-example activation shapes: [input, after layer 0, after layer 1, …]. */
export function activationShapes(architecture: Architecture): number[][] {
  const shapes: number[][] = [architecture.input];
  for (const [index, spec] of architecture.layers.entries()) {
    const previous = shapes[shapes.length - 1];
    if (spec.kind === 'dense') {
      const size = previous.reduce((a, b) => a * b, 1);
      if (size !== spec.inputs)
        throw new Error(`activationShapes: dense layer ${index} expects ${spec.inputs} inputs, gets [${previous}]`);
      shapes.push([spec.outputs]);
    } else {
      if (previous.length !== 3 || previous[0] !== spec.inChannels)
        throw new Error(
          `activationShapes: conv layer ${index} expects ${spec.inChannels} channels, gets [${previous}]`,
        );
      const side = (n: number) => Math.floor((n + 2 * spec.padding - spec.kernel) / spec.stride) + 1;
      shapes.push([spec.outChannels, side(previous[1]), side(previous[2])]);
    }
  }
  return shapes;
}

/**
 * How layer `index`'s weight reads the units of the layer before it: for element e, its row
 * unit (this layer's unit) and its column unit (the previous layer's unit).
 * @example const { rowUnit, columnUnit } = unitMaps(mlp, 1);
 */
export function unitMaps(architecture: Architecture, index: number): { rowUnit: Int32Array; columnUnit: Int32Array } {
  const spec = architecture.layers[index];
  if (spec === undefined) throw new Error(`unitMaps: no layer ${index} (net has ${architecture.layers.length})`);
  const shape = weightShape(spec);
  const size = shape.reduce((a, b) => a * b, 1);
  const rest = shape.slice(2).reduce((a, b) => a * b, 1);
  const inputs = shape[1];
  const previous = activationShapes(architecture)[index];
  // A dense layer after a conv reads channel c through the H·W columns of its flattened map.
  const group = spec.kind === 'dense' && previous.length === 3 ? previous[1] * previous[2] : 1;
  const rowUnit = new Int32Array(size);
  const columnUnit = new Int32Array(size);
  for (let e = 0; e < size; e++) {
    rowUnit[e] = Math.floor(e / (inputs * rest));
    columnUnit[e] = Math.floor((Math.floor(e / rest) % inputs) / group);
  }
  return { rowUnit, columnUnit };
}

/** The number of units of each hidden layer (every layer but the last). */
export function hiddenWidths(architecture: Architecture): number[] {
  return architecture.layers.slice(0, -1).map((spec) => (spec.kind === 'dense' ? spec.outputs : spec.outChannels));
}

/**
 * He-normal initial weights (std √(2/fan-in)), seeded.
 * @example const weights = initialWeights(mlp, 0);
 */
export function initialWeights(architecture: Architecture, seed: number): Weights {
  return architecture.layers.map((spec, index) => {
    const shape = weightShape(spec);
    const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
    const draw = ad.randomNormal(shape, { seed: seed * 1009 + index, std: Math.sqrt(2 / fanIn) });
    return Float32Array.from(draw.data as Float32Array);
  });
}

/** Weight arrays as tensors (requiresGrad for training). */
export function weightTensors(architecture: Architecture, weights: Weights, requiresGrad = false): ad.Tensor[] {
  if (weights.length !== architecture.layers.length)
    throw new Error(`weightTensors: ${weights.length} weight arrays for ${architecture.layers.length} layers`);
  return architecture.layers.map((spec, index) => {
    const shape = weightShape(spec);
    const size = shape.reduce((a, b) => a * b, 1);
    if (weights[index].length !== size)
      throw new Error(`weightTensors: layer ${index} needs ${size} weights [${shape}], got ${weights[index].length}`);
    return ad.tensor(weights[index], { shape, requiresGrad });
  });
}

/**
 * The logits of a batch [N, …input]: ReLU after every hidden layer; `unitScales[l]`, when
 * given, multiplies hidden layer l's units (a dropout mask: 0 for dropped, 1/keep for kept).
 * @example const logits = forward(mlp, weightTensors(mlp, weights), images);
 */
export function forward(
  architecture: Architecture,
  weights: readonly ad.Tensor[],
  input: ad.Tensor,
  unitScales?: readonly (ad.Tensor | undefined)[],
): ad.Tensor {
  let h = input;
  const last = architecture.layers.length - 1;
  for (const [index, spec] of architecture.layers.entries()) {
    if (spec.kind === 'dense') {
      if (h.rank !== 2) h = h.reshape([h.shape[0], h.size / h.shape[0]]);
      h = h.matmul(weights[index].transpose());
    } else {
      h = ad.conv2d(h, weights[index], { stride: spec.stride, padding: spec.padding });
    }
    if (index === last) break;
    h = h.relu();
    const scale = unitScales?.[index];
    if (scale !== undefined) h = h.mul(h.rank === 4 ? scale.reshape([scale.shape[0], scale.shape[1], 1, 1]) : scale);
  }
  return h;
}
