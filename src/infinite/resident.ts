/**
 * A block of kernelMatrix on a backend that keeps results on a device
 * (InfiniteKernels.residentBlock, gpujs in its WebGL modes): the images go up once, the
 * network's layers run there as the same steps applyNetwork takes (walkNetwork), and only the
 * pooled Σ and Θ of each readout come back, one read per readout (issue #23). Several readouts
 * of one block (a depth sweep's depths, a LAP sweep's windows) branch off the record kept on
 * the device (ResidentSteps.branch), as the host path branches into a side workspace.
 */
import type { Data } from '../../gpu/backend.ts';
import type { CovarianceGeometry, InfiniteKernels, ResidentSteps } from '../../gpu/infinite.ts';
import { IDENTITY, walkNetwork, type Network, type NetworkVisitor } from './layers.ts';
import { FLAT, type BlockInput } from './record.ts';

/**
 * One segment of a block's evaluation: `trunk` continues the block's record; then each of
 * `readouts` runs from that state to a pooled kernel (one output each, in order).
 */
export interface BlockSegment {
  readonly trunk: Network;
  readonly readouts: readonly Network[];
}

/** A pooled kernel read back, and the geometry its walk ended in (FLAT unless the network kept positions). */
export interface ResidentKernels {
  nngp: Data;
  ntk: Data | undefined;
  geometry: CovarianceGeometry;
}

/** A chain on the device and the geometry its record is laid out in. */
interface Chain {
  steps: ResidentSteps;
  geometry: CovarianceGeometry;
}

/** applyNetwork's steps on the device: a linear layer, the ReLU alone (its step then the identity), or fused. */
const DEVICE: NetworkVisitor<Chain> = {
  layer: ({ steps, geometry }, layer) => {
    if (!layer.linearStep) return { steps: steps.reluThen(IDENTITY), geometry };
    const step = layer.linearStep({ geometry });
    return { steps: steps.linear(step), geometry: step.filter === 'sum' ? FLAT : geometry };
  },
  fused: ({ steps, geometry }, _, step) => ({
    steps: steps.reluThen(step),
    geometry: step.filter === 'sum' ? FLAT : geometry,
  }),
};

/** A chain's Σ and Θ read back (one copy), with its geometry. */
function read(chain: Chain): ResidentKernels {
  return { ...chain.steps.read(), geometry: chain.geometry };
}

/**
 * The readouts of `segments` on the block computed on the device, in order, or undefined where
 * the kernels keep nothing on a device, the dtype is not float32, or a layer is neither a
 * linear step nor the ReLU (then the host path of applyNetwork runs).
 * @example residentKernels([{ trunk: { ...network, layers: [] }, readouts: [network] }], infiniteKernels(), { x1, x2: x1, pairs, channels: 3, geometry, scale: 1 / 3 })?.[0].ntk
 */
export function residentKernels(
  segments: readonly BlockSegment[],
  kernels: InfiniteKernels,
  inputs: BlockInput,
): ResidentKernels[] | undefined {
  const layers = segments.flatMap((segment) => [segment.trunk, ...segment.readouts].flatMap((net) => net.layers));
  const supported = layers.every((layer) => layer.linearStep || (layer.name === 'relu' && layer.kernelThen));
  if (!kernels.residentBlock || !supported || !(inputs.x1 instanceof Float32Array)) return undefined;
  const { x1, x2, channels, pairs, scale } = inputs;
  const block = kernels.residentBlock(x1, x2, channels, pairs, inputs.geometry, scale);
  try {
    const out: ResidentKernels[] = [];
    let chain: Chain = { steps: block, geometry: inputs.geometry };
    segments.forEach((segment, s) => {
      chain = walkNetwork(segment.trunk, chain, DEVICE);
      segment.readouts.forEach((readout, r) => {
        // the last readout needs nothing after it: it runs on the block's own chain
        if (s === segments.length - 1 && r === segment.readouts.length - 1) {
          out.push(read(walkNetwork(readout, chain, DEVICE)));
          return;
        }
        const branch = chain.steps.branch();
        try {
          out.push(read(walkNetwork(readout, { steps: branch, geometry: chain.geometry }, DEVICE)));
        } finally {
          branch.release();
        }
      });
    });
    return out;
  } finally {
    block.release();
  }
}
