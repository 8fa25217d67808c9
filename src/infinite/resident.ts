/**
 * A block of kernelMatrix on a backend that keeps results on a device
 * (InfiniteKernels.residentBlock, gpujs in its WebGL modes): the images go up once, the
 * network's layers run there as the same steps applyNetwork takes (each ReLU fused with the
 * linear layer after it), and only the final Σ and Θ come back (issue #23).
 */
import type { Data } from '../../gpu/backend.ts';
import type { InfiniteKernels, LinearStep } from '../../gpu/infinite.ts';
import type { Network } from './layers.ts';
import { FLAT, type BlockInput } from './record.ts';

/** relu() alone (no linear layer after it): the ReLU step then the identity, as layers.ts's relu().kernel. */
const IDENTITY: LinearStep = Object.freeze({ filter: 1, scale: 1, shift: 0, trainable: false });

/**
 * Σ and Θ of the block after `network` computed on the device, or undefined where the
 * kernels keep nothing on a device, the dtype is not float32, or a layer is neither a linear
 * step nor the ReLU (then the host path of applyNetwork runs).
 * @example residentKernels(network, infiniteKernels(), { x1, x2: x1, pairs, channels: 3, geometry, scale: 1 / 3 })?.ntk
 */
export function residentKernels(
  network: Network,
  kernels: InfiniteKernels,
  inputs: BlockInput,
): { nngp: Data; ntk: Data | undefined } | undefined {
  const { layers } = network;
  const supported = layers.every((layer) => layer.linearStep || (layer.name === 'relu' && layer.kernelThen));
  if (!kernels.residentBlock || !supported || !(inputs.x1 instanceof Float32Array)) return undefined;
  const { x1, x2, channels, pairs, scale } = inputs;
  let geometry = inputs.geometry;
  const block = kernels.residentBlock(x1, x2, channels, pairs, geometry, scale);
  try {
    for (let i = 0; i < layers.length; i++) {
      const layer = layers[i],
        next = layers[i + 1];
      let step: LinearStep;
      if (layer.linearStep) {
        step = layer.linearStep({ geometry });
        block.linear(step);
      } else {
        // the ReLU: fused with the linear layer after it, as applyNetwork does
        step = next?.linearStep ? next.linearStep({ geometry }) : IDENTITY;
        if (next?.linearStep) i++;
        block.reluThen(step);
      }
      if (step.filter === 'sum') geometry = FLAT;
    }
    if (geometry !== FLAT)
      throw new Error('kernelMatrix: the network must end without positions (a readout, or a fully connected network)');
    return block.read();
  } finally {
    block.release();
  }
}
