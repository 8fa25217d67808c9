/**
 * Closed-form infinite-width kernels (GitHub issue #8): stax-like layers that transform a
 * kernel record (NNGP Σ, NTK Θ), the fully connected NTK and the CNTK / CNN-GP of the papers'
 * code (PAPERS.md §4, §8) with vanilla, GAP and LAP readouts and flip averaging (§3), kernel
 * matrices in blocks of image pairs on the active backend, empirical kernels of finite
 * networks, and Coates et al.'s random-patch features.
 * @example
 *   import { cntk, kernelMatrix } from './src/infinite/index.ts';
 *   const { nngp, ntk } = kernelMatrix(cntk({ depth: 6, readout: 'gap', fix: true }), images); // n×n Matrices
 */
export {
  conv,
  dense,
  relu,
  readout,
  serial,
  applyNetwork,
  requirements,
  finiteNetwork,
  type Layer,
  type Network,
} from './layers.ts';
export { cntk, fullyConnected } from './presets.ts';
export {
  kernelMatrix,
  ntkMatrix,
  nngpMatrix,
  planKernelMatrix,
  type KernelMatrices,
  type KernelMatrixOptions,
  type KernelPlan,
} from './kernel-matrix.ts';
export { FLAT, inputRecord, ntkOf, Workspace, type BlockInput, type KernelRecord } from './record.ts';
export { empiricalNtk, finiteShapeOf, monteCarloNngp } from './empirical.ts';
export { CircularPad, Scale, TraceFlatten, type FiniteLayer, type FiniteShape } from './finite.ts';
export { applyRandomPatches, fitRandomPatches, type RandomPatchOptions, type RandomPatches } from './random-patches.ts';
export { infiniteKernels } from './backend.ts';
export { cntkDepthSweep, type DepthKernelMatrices, type DepthSweep } from './depth-sweep.ts';
export { referenceCntk, referenceFullyConnected, type ReferenceCntkOptions, type ReferenceImage } from './reference.ts';
