/**
 * CNTK kernel matrices of several depths in one blocked pass (arXiv 1904.11955, §4 and
 * Appendix; the recursion is written out in reference.ts, referenceCntk). The dynamic program of
 * depth L passes through the state of every shallower depth: after d − 1 convolutions it holds
 * Σ⁽ᵈ⁻¹⁾, Θ⁽ᵈ⁻¹⁾ and the variances, and the depth-d kernel is that state followed by cntk's
 * final layers (the last ReLU, the readout and the dense layer). So each block of pairs runs the deepest network once and, at every depth asked
 * for, branches off a copy of the final layers (blockedKernelMatrices' readouts: a side
 * workspace on the host, a branch of the block's record on a resident device), leaving the
 * main chain untouched.
 * The blocks, symmetry, flip and progress are kernelMatrix's (kernel-matrix.ts). The "fix" and
 * no-fix variants differ in Θ⁽¹⁾ (Σ⁽¹⁾ vs 0), so they are separate chains, not one pass.
 */
import type { Tensor } from '../../autodiff/index.ts';
import type { Padding } from '../../gpu/infinite.ts';
import { blockedKernelMatrices, type KernelMatrices, type KernelMatrixOptions } from './kernel-matrix.ts';
import type { Network } from './layers.ts';
import { cntk } from './presets.ts';

/** Which CNTKs to compute: `depths` (each ≥ 2, increasing) share one readout, fix and padding. */
export interface DepthSweep {
  depths: readonly number[];
  readout?: 'vanilla' | 'gap' | { lap: number };
  fix?: boolean;
  padding?: Padding;
}

/** The matrices of one depth of the sweep. */
export interface DepthKernelMatrices extends KernelMatrices {
  depth: number;
}

/**
 * The chain of cntk({ depth: max }) cut after conv d − 1 for each depth d, and its final
 * layers [relu, readout, dense] (presets.ts builds conv, (relu, conv)×(L − 2), relu, readout, dense).
 */
function segments(sweep: DepthSweep): { network: Network; cuts: Network[]; tail: Network } {
  const { depths, readout = 'vanilla', fix = false, padding = 'zero' } = sweep;
  if (depths.length === 0 || depths.some((d, i) => !Number.isInteger(d) || d < 2 || (i > 0 && d <= depths[i - 1]))) {
    throw new Error(`cntkDepthSweep: depths must be increasing integers ≥ 2, got [${depths.join(', ')}]`);
  }
  const network = cntk({ depth: depths[depths.length - 1], readout, fix, padding });
  const chain = network.layers.slice(0, -3);
  const tail = network.layers.slice(-3);
  if (tail[0].name !== 'relu' || !tail[1].name.startsWith('readout'))
    throw new Error(`cntkDepthSweep: unexpected final layers ${tail.map((layer) => layer.name).join(', ')}`);
  // depth d's state follows layer 2d − 4 (conv number d − 1): cut the chain after it
  const cuts = depths.map((d, i) => ({
    ...network,
    layers: chain.slice(i === 0 ? 0 : 2 * depths[i - 1] - 3, 2 * d - 3),
  }));
  return { network, cuts, tail: { ...network, layers: tail } };
}

/**
 * The NNGP and NTK matrices of cntk({ depth: d, readout, fix, padding }) for every d in
 * `sweep.depths`, between the rows of x1 and x2 (x2 omitted: x1 with itself, by symmetry), in
 * one blocked pass of the deepest network, with a progress bar. Equal to kernelMatrix of each
 * depth's cntk to rounding, for about the cost of the deepest one alone.
 * @example const [d3, d6] = cntkDepthSweep({ depths: [3, 6], readout: 'gap', fix: true }, images); // d6.ntk: n×n
 */
export function cntkDepthSweep(
  sweep: DepthSweep,
  x1: Tensor,
  x2?: Tensor,
  options: KernelMatrixOptions = {},
): DepthKernelMatrices[] {
  const { network, cuts, tail } = segments(sweep);
  if (x1.rank !== 4) throw new Error(`cntkDepthSweep: inputs must be images [n, C, H, W], got [${x1.shape.join(',')}]`);
  const label = options.label ?? 'kernel';
  // each depth's state continues the trunk; its final layers branch off it (one readout each)
  const matrices = blockedKernelMatrices(
    network,
    cuts.map((cut) => ({ trunk: cut, readouts: [tail] })),
    x1,
    x2,
    { ...options, label: `${label}, depths ${sweep.depths.join(', ')} in one pass` },
    ['nngp', 'ntk'],
    'cntkDepthSweep',
  );
  return matrices.map((kernels, i) => ({ depth: sweep.depths[i], ...(kernels as KernelMatrices) }));
}
