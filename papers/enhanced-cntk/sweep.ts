/**
 * The LAP sweep of one image set (arXiv 1911.00809, §5–6; PAPERS.md §3): the CNN-GP and the
 * CNTK with the LAP(c) readout for every c, each with and without flip averaging, by kernel
 * regression on the same test images, so that any two variants compare by a paired difference.
 */
import { kernelRegression, type RegressionOutcome } from '../../src/kernel-methods/kernel-regression.ts';
import { sweepKernels, type SweepKernels } from './kernels.ts';
import type { Split } from './data.ts';

/** The two kernels of one network: the NNGP of the CNN (only the last layer trained) and its NTK. */
export type KernelName = 'CNN-GP' | 'CNTK';

/** One kernel, with or without flip, at every c. */
export interface Variant {
  kernel: KernelName;
  flip: boolean;
  /** Accuracy at each c of the sweep's windows. */
  accuracies: number[];
  /** Cholesky's jitter relative to the mean diagonal, at each c (0: none needed). */
  jitters: number[];
  /** Per c, the per-image outcomes (left out of results.json). */
  outcomes: RegressionOutcome[];
}

/** One image set's sweep. */
export interface SweepResult {
  /** e.g. "CIFAR-10 8×8, random patches". */
  label: string;
  key: string;
  windows: number[];
  /** Side of the images the kernels see. */
  size: number;
  train: number;
  test: number;
  variants: Variant[];
  kernels: Omit<SweepKernels, 'train' | 'test'>;
}

/**
 * Kernels (cached) and regressions of every variant on `split`.
 * @example runSweep({ split, windows: [0, 1, 2], depth: 4, backend, cacheDirectory, quiet: true }).variants[0].accuracies
 */
export function runSweep(options: {
  split: Split;
  windows: number[];
  depth: number;
  backend: string;
  cacheDirectory: string;
  quiet: boolean;
  /** Runs the float64 regressions (the harness's onCpu: on the cpu backend whichever is chosen). */
  onCpu?: <T>(part: string, fn: () => T) => T;
}): SweepResult {
  const { split, windows, depth, backend, cacheDirectory, quiet, onCpu = (_part, fn) => fn() } = options;
  const label = split.label;
  const sweep = { depth, windows, fix: false, padding: 'zero' as const };
  const kernels = sweepKernels({
    sweep,
    train: split.train,
    test: split.test,
    key: split.key,
    backend,
    cacheDirectory,
    quiet,
  });
  const variants: Variant[] = [];
  for (const flip of [false, true]) {
    for (const kernel of ['CNN-GP', 'CNTK'] as const) {
      const field = kernel === 'CNN-GP' ? 'nngp' : 'ntk';
      const train = flip ? kernels.train.flip : kernels.train.plain;
      const test = flip ? kernels.test.flip : kernels.test.plain;
      const outcomes = windows.map((_, i) =>
        kernelRegression(train[i][field], test[i][field], split.train, split.test),
      );
      variants.push({
        kernel,
        flip,
        accuracies: outcomes.map((outcome) => outcome.accuracy),
        jitters: outcomes.map((outcome) => outcome.relativeJitter),
        outcomes,
      });
    }
  }
  const { train: _train, test: _test, ...cost } = kernels;
  return {
    label,
    key: split.key,
    windows,
    size: split.train.shape[1],
    train: split.train.count,
    test: split.test.count,
    variants,
    kernels: cost,
  };
}

/**
 * The variant of `kernel` with or without flip.
 * @example variantOf(result, 'CNN-GP', true).accuracies
 */
export function variantOf(result: SweepResult, kernel: KernelName, flip: boolean): Variant {
  const found = result.variants.find((variant) => variant.kernel === kernel && variant.flip === flip);
  if (!found) throw new Error(`variantOf: ${result.label} has no ${kernel}${flip ? ' + flip' : ''}`);
  return found;
}

/**
 * The outcome of a variant at window c.
 * @example outcomeAt(result, 'CNTK', false, 2).accuracy
 */
export function outcomeAt(result: SweepResult, kernel: KernelName, flip: boolean, c: number): RegressionOutcome {
  const index = result.windows.indexOf(c);
  if (index < 0)
    throw new Error(`outcomeAt: c = ${c} is not among ${result.label}'s windows [${result.windows.join(', ')}]`);
  return variantOf(result, kernel, flip).outcomes[index];
}

/**
 * The result without per-image outcomes, for results.json.
 * @example serializable(result).variants[0].accuracies
 */
export function serializable(result: SweepResult) {
  return { ...result, variants: result.variants.map(({ outcomes: _outcomes, ...variant }) => variant) };
}
