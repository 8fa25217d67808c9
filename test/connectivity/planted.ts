/**
 * Test helpers: small random architectures and "planted" dropout-stable nets, whose hidden
 * units come in twin pairs (one in each half) with equal incoming rows and equal outgoing
 * columns, so that dropping either half and doubling the other changes nothing.
 */
import {
  activationShapes,
  initialWeights,
  weightShape,
  type Architecture,
  type Weights,
} from '../../src/connectivity/index.ts';
import { Random } from '../../gpu/random.ts';

/** An MLP input → widths → classes. */
export function mlpOf(input: number, widths: readonly number[], classes: number): Architecture {
  const sizes = [input, ...widths, classes];
  return {
    input: [input],
    layers: sizes.slice(1).map((outputs, i) => ({ kind: 'dense' as const, inputs: sizes[i], outputs })),
  };
}

/** A CNN on [1, 6, 6]: convolutions (3×3, stride 2, padding 1) with `channels`, then dense. */
export function cnnOf(channels: readonly number[], classes: number): Architecture {
  const layers: Architecture['layers'] = [];
  let inChannels = 1;
  for (const outChannels of channels) {
    layers.push({ kind: 'conv', inChannels, outChannels, kernel: 3, stride: 2, padding: 1 });
    inChannels = outChannels;
  }
  const architecture: Architecture = { input: [1, 6, 6], layers };
  const last = activationShapes(architecture).at(-1)!;
  layers.push({ kind: 'dense', inputs: last.reduce((a, b) => a * b, 1), outputs: classes });
  return architecture;
}

/** Pairs each unit outside `half` with one inside it (half must hold exactly half the units). */
function partners(half: Uint8Array): Int32Array {
  const inside = [...half.keys()].filter((i) => half[i]);
  const outside = [...half.keys()].filter((i) => !half[i]);
  const partner = Int32Array.from(half.keys());
  outside.forEach((unit, i) => (partner[unit] = inside[i]));
  return partner;
}

/**
 * Random weights (seeded, scaled by `scale`) with twin units across `halves` in every hidden layer.
 * @example const weights = plantedWeights(mlp, halves, 3);
 */
export function plantedWeights(
  architecture: Architecture,
  halves: readonly Uint8Array[],
  seed: number,
  scale = 1,
): Weights {
  const weights = initialWeights(architecture, seed).map((w) => w.map((value) => value * scale));
  const shapes = activationShapes(architecture);
  const maps = halves.map(partners);
  return weights.map((w, index) => {
    const shape = weightShape(architecture.layers[index]);
    const inputs = shape[1];
    const rest = shape.slice(2).reduce((a, b) => a * b, 1);
    const previous = shapes[index];
    const group = architecture.layers[index].kind === 'dense' && previous.length === 3 ? previous[1] * previous[2] : 1;
    const rowMap = maps[index];
    const columnMap = index > 0 ? maps[index - 1] : undefined;
    const out = new Float32Array(w.length);
    for (let e = 0; e < w.length; e++) {
      let row = Math.floor(e / (inputs * rest));
      let column = Math.floor(e / rest) % inputs;
      const k = e % rest;
      if (rowMap) row = rowMap[row];
      if (columnMap) column = columnMap[Math.floor(column / group)] * group + (column % group);
      out[e] = w[(row * inputs + column) * rest + k];
    }
    return out;
  });
}

/** A random labelled set for an architecture (seeded). */
export function randomSet(architecture: Architecture, count: number, seed: number) {
  const random = new Random(seed);
  const size = architecture.input.reduce((a, b) => a * b, 1);
  const classes = (architecture.layers.at(-1) as { outputs: number }).outputs;
  const images = Float32Array.from({ length: count * size }, () => random.normal());
  const labels = Int32Array.from({ length: count }, () => Math.floor(random.uniform() * classes));
  return { images, shape: architecture.input, labels, count };
}
