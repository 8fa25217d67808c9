/**
 * The kernels of the LAP sweep (Li et al. 2019, arXiv 1911.00809, §4–5; PAPERS.md §3): the
 * CNN-GP (Σ) and CNTK (Θ) of one CNN with the LAP(c) readout for every c at once, with and
 * without horizontal-flip averaging, cached on disk (src/infinite/kernel-cache.ts).
 *
 * One pass for every c: the readout is the last linear step, and LAP(c) reads the offsets up
 * to 2c of the final covariance (src/infinite/layers.ts, lapAxisWeights). So each block of
 * pairs runs the network up to its last ReLU once, keeping every offset (the band of the
 * widest window), and then, for each c, the readout and the output layer branch off that
 * record (blockedKernelMatrices' readouts: a side workspace on the host, a branch of the
 * block on a resident device, read back once per c). The cost is that of the widest window
 * alone (the band, not the number of c's).
 *
 * Flip (§5): K_flip(x, x′) = ½[K(x, x′) + K(flip x, x′)]. The plain kernel is one of the two
 * terms, so the passes are K(x, x′) (train: symmetric) and K(flip x, x′), and both kernels,
 * with and without flip, come out of them.
 */
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../autodiff/index.ts';
import { flipHorizontal, imagesOf, type Dataset } from '../../src/data/index.ts';
import {
  cachedKernels,
  kernelCacheFingerprint,
  KernelCacheEntry,
  kernelSourceVersion,
} from '../../src/infinite/kernel-cache.ts';
import { blockedKernelMatrices, type KernelMatrices } from '../../src/infinite/kernel-matrix.ts';
import { cntk, readout, type Network } from '../../src/infinite/index.ts';
import type { Matrix } from '../../src/linalg/index.ts';

/**
 * The version of the code that computes the cached kernels: a hash of this file's module graph
 * (lapSweep, the src/infinite layers and kernel steps it runs, the flip and imagesOf), so that any change to
 * that code makes older entries misses.
 */
export const kernelVersion: string = kernelSourceVersion(fileURLToPath(import.meta.url));

/** The CNN of the sweep: depth (conv layers + 1), padding, fix, and the LAP windows c. */
export interface SweepNetwork {
  depth: number;
  windows: readonly number[];
  fix: boolean;
  padding: 'zero' | 'circular';
}

/** The CNN-GP and CNTK matrices of each c, in the order of `windows`. */
export type WindowKernels = KernelMatrices[];

/**
 * The matrices of cntk({ depth, readout: { lap: c }, fix, padding }) for every c of `sweep`
 * between the rows of x1 and x2 (x2 omitted: x1 with itself), in one blocked pass.
 * @example lapSweep({ depth: 4, windows: [0, 1, 2], fix: false, padding: 'zero' }, images)[2].ntk // LAP(2)'s n×n CNTK
 */
export function lapSweep(
  sweep: SweepNetwork,
  x1: Tensor,
  x2?: Tensor,
  options: { label?: string; quiet?: boolean } = {},
): WindowKernels {
  const { depth, windows, fix, padding } = sweep;
  if (windows.length === 0 || windows.some((c) => !Number.isInteger(c) || c < 0))
    throw new Error(`lapSweep: windows must be non-negative integers, got [${windows.join(', ')}]`);
  // the widest window decides the band every layer keeps
  const network = cntk({ depth, readout: { lap: Math.max(...windows) }, fix, padding });
  // the trunk keeps every offset up to its last ReLU; each c's readout and output layer branch off it
  const trunk: Network = { ...network, layers: network.layers.slice(0, -2) };
  const output = network.layers[network.layers.length - 1];
  const tails = windows.map((c): Network => ({ ...network, layers: [readout({ lap: c }), output] }));
  const label = `${options.label ?? 'kernel'}, LAP c = ${windows.join(', ')} in one pass`;
  return blockedKernelMatrices(
    network,
    [{ trunk, readouts: tails }],
    x1,
    x2,
    { label, quiet: options.quiet },
    ['nngp', 'ntk'],
    'lapSweep',
  ) as WindowKernels;
}

/** A set's train and test kernels of every c and both kernels, plain and flip-averaged. */
export interface SweepKernels {
  /** [c][kernel] matrices, c in the order of the sweep's windows. */
  train: { plain: WindowKernels; flip: WindowKernels };
  test: { plain: WindowKernels; flip: WindowKernels };
  seconds: number;
  pairs: number;
  cached: boolean;
  /** The cache entry's name. */
  entry: string;
}

const average = (a: Matrix, b: Matrix): Matrix => ({
  rows: a.rows,
  cols: a.cols,
  data: a.data.map((value, i) => (value + b.data[i]) / 2),
});

/**
 * The plain and flip-averaged kernels of every c on `train` and `test` (four passes: the
 * train set with itself, flipped train against train, test against train, flipped test
 * against train), from the cache when computed before.
 * @example sweepKernels({ sweep, train, test, key: 'cifar10-8x8', backend, cacheDirectory, quiet: true }).test.flip[2].nngp
 */
export function sweepKernels(options: {
  sweep: SweepNetwork;
  train: Dataset;
  test: Dataset;
  /** The readable part of the cache entry's name, e.g. "cifar10-8x8-train400-test500-seed0-plain". */
  key: string;
  backend: string;
  cacheDirectory: string;
  quiet: boolean;
}): SweepKernels {
  const { sweep, train, test, key, backend, cacheDirectory, quiet } = options;
  const settings = { backend, dtype: 'float32', sweep, version: kernelVersion };
  const entry = new KernelCacheEntry(
    cacheDirectory,
    key,
    kernelCacheFingerprint({ datasets: [train, test], settings }),
  );
  const n = train.count,
    t = test.count;
  const names = (part: string) => sweep.windows.flatMap((c) => [`${part}-c${c}-nngp`, `${part}-c${c}-ntk`]);
  const shapes = Object.fromEntries([
    ...names('train').map((name) => [name, [n, n] as const]),
    ...names('trainflipped').map((name) => [name, [n, n] as const]),
    ...names('test').map((name) => [name, [t, n] as const]),
    ...names('testflipped').map((name) => [name, [t, n] as const]),
  ]);
  const named = (part: string, kernels: WindowKernels) =>
    kernels.flatMap((matrices, i) => [
      [`${part}-c${sweep.windows[i]}-nngp`, matrices.nngp],
      [`${part}-c${sweep.windows[i]}-ntk`, matrices.ntk],
    ]);
  const pairs = (n * (n + 1)) / 2 + n * n + 2 * t * n;
  const result = cachedKernels(
    entry,
    shapes,
    () => {
      const x = imagesOf(train);
      const run = (first: Dataset, second: Tensor | undefined, part: string) =>
        named(part, lapSweep(sweep, imagesOf(first), second, { quiet, label: `${key} ${part}` }));
      return Object.fromEntries([
        ...run(train, undefined, 'train'),
        ...run(flipHorizontal(train), x, 'trainflipped'),
        ...run(test, x, 'test'),
        ...run(flipHorizontal(test), x, 'testflipped'),
      ]);
    },
    pairs,
  );
  const m = result.matrices;
  const kernels = (part: string): WindowKernels =>
    sweep.windows.map((c) => ({ nngp: m[`${part}-c${c}-nngp`], ntk: m[`${part}-c${c}-ntk`] }));
  const flipped = (part: string): WindowKernels =>
    kernels(part).map((plain, i) => ({
      nngp: average(plain.nngp, kernels(`${part}flipped`)[i].nngp),
      ntk: average(plain.ntk, kernels(`${part}flipped`)[i].ntk),
    }));
  return {
    train: { plain: kernels('train'), flip: flipped('train') },
    test: { plain: kernels('test'), flip: flipped('test') },
    seconds: result.seconds,
    pairs,
    cached: result.cached,
    entry: entry.name,
  };
}
