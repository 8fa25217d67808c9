/**
 * The UCI protocol of Arora et al. (ICLR 2020, arXiv 1910.01663, §4; the authors' UCI script):
 * for every kernel of a family and every C, train an SVM on the training side of the fixed
 * split (conxuntos.dat) and score it on the validation side; keep the first strictly best
 * (kernel, C) in enumeration order; report that choice's mean accuracy over the four folds of
 * conxuntos_kfold.dat. Kernels are n×n over all rows of the dataset, row-major.
 *
 * The fits run on both cores through the cpu backend's worker pool (gpu/cpu/threads.ts): one
 * chunk per candidate kernel (its whole warm-started C path on the validation split), then one
 * chunk per fold. Each chunk computes exactly what the single-threaded loop computed, and the
 * selection is made afterwards in enumeration order, so the result does not depend on the
 * number of threads (THEORYGRAD_THREADS=1 runs everything on the caller).
 */
import { defineTask, runParallel, sharedFloat64, threadsAvailable } from '../../gpu/cpu/threads.ts';
import type { UciDataset } from '../data/uci.ts';
import { predictPath, svmCostPath } from './cost-path.ts';

/** One candidate kernel: a label for reports and the n×n matrix (built when asked). */
export interface KernelCandidate<Label> {
  label: Label;
  matrix: () => Float64Array;
}

/** The outcome of the protocol for one dataset and one kernel family. */
export interface ProtocolResult<Label> {
  label: Label;
  cost: number;
  /** Accuracy (0…1) of the chosen (kernel, C) on the validation side of conxuntos.dat. */
  validationAccuracy: number;
  /** Mean accuracy (0…1) over the four folds of conxuntos_kfold.dat, and per fold. */
  foldAccuracy: number;
  folds: number[];
  /** SMO iterations over every fit (all pairs of classes), and whether every fit converged. */
  iterations: number;
  maxIterations: number;
  fits: number;
  converged: boolean;
}

function accuracyOf(predictions: Int32Array, labels: ArrayLike<number>): number {
  let correct = 0;
  for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct / predictions.length;
}

function gather(labels: Int32Array, indices: Int32Array): Int32Array {
  return Int32Array.from(indices, (index) => labels[index]);
}

type Stats = { iterations: number; maxIterations: number; fits: number; converged: boolean };

/** The `rows`×`cols` block of an n×n kernel, or its transpose (`cols`×`rows`) with `transposed`. */
function block(kernel: Float64Array, n: number, rows: Int32Array, cols: Int32Array, transposed = false): Float64Array {
  const out = new Float64Array(rows.length * cols.length);
  const [rowStride, colStride] = transposed ? [1, rows.length] : [cols.length, 1];
  for (let r = 0; r < rows.length; r++) {
    const offset = rows[r] * n;
    for (let c = 0; c < cols.length; c++) out[r * rowStride + c * colStride] = kernel[offset + cols[c]];
  }
  return out;
}

/**
 * Trains on `train` for each C of `costs` (one warm-started path), scores on `test`; accuracy
 * 0…1 per C. A training side with a single class predicts that class (the SVM needs two).
 */
function fitAndScore(
  kernel: Float64Array,
  n: number,
  labels: Int32Array,
  train: Int32Array,
  test: Int32Array,
  costs: readonly number[],
  tolerance: number,
  stats: Stats,
): number[] {
  const trainLabels = gather(labels, train);
  const testLabels = gather(labels, test);
  if (new Set(trainLabels).size < 2)
    return costs.map(() => accuracyOf(new Int32Array(test.length).fill(trainLabels[0]), testLabels));
  const models = svmCostPath(block(kernel, n, train, train), trainLabels, costs, { tolerance });
  const evaluation = block(kernel, n, test, train, true); // training-major: predictPath's fast layout
  return models.map((model) => {
    stats.iterations += model.iterations;
    stats.maxIterations = Math.max(stats.maxIterations, model.maxIterations);
    stats.fits += model.pairs.length;
    stats.converged &&= model.converged;
    return accuracyOf(predictPath(model, evaluation, train.length, { trainingMajor: true }), testLabels);
  });
}

/**
 * One chunk per fit: fit `f` trains on kernels[kernel[f]] over train[f] along costs[0 … steps[f]),
 * scores on test[f], and writes its accuracies and statistics to its slot of `out`
 * (costs.length accuracies, then iterations, maxIterations, fits, converged). The kernels and
 * `out` live in SharedArrayBuffers (sharedFloat64), seen by every thread.
 */
interface FitArgs {
  kernels: Float64Array[];
  n: number;
  labels: Int32Array;
  kernel: number[];
  train: Int32Array[];
  test: Int32Array[];
  steps: number[];
  costs: readonly number[];
  tolerance: number;
  out: Float64Array;
}

const slotSize = (costs: readonly number[]) => costs.length + 4;

const fitTask = defineTask('uci-fit-and-score', import.meta.url, (args: FitArgs, f: number) => {
  const stats: Stats = { iterations: 0, maxIterations: 0, fits: 0, converged: true };
  const path = args.costs.slice(0, args.steps[f]);
  const { kernels, n, labels, train, test, tolerance, out } = args;
  const accuracies = fitAndScore(kernels[args.kernel[f]], n, labels, train[f], test[f], path, tolerance, stats);
  const slot = f * slotSize(args.costs);
  out.set(accuracies, slot);
  out.set([stats.iterations, stats.maxIterations, stats.fits, stats.converged ? 1 : 0], slot + args.costs.length);
});

/** Runs the fits of `args` (one chunk each, spread over the threads); per fit, accuracies per C and the statistics added to `stats`. */
function runFits(args: Omit<FitArgs, 'out'>, stats: Stats): number[][] {
  const fits = args.kernel.length;
  const size = slotSize(args.costs);
  const out = sharedFloat64(fits * size);
  runParallel(fitTask, { ...args, out }, fits, true);
  return args.kernel.map((_, f) => {
    const slot = f * size;
    const at = slot + args.costs.length;
    stats.iterations += out[at];
    stats.maxIterations = Math.max(stats.maxIterations, out[at + 1]);
    stats.fits += out[at + 2];
    stats.converged &&= out[at + 3] === 1;
    return Array.from(out.subarray(slot, slot + args.steps[f]));
  });
}

/** `values` where helper threads can read it: itself when already shared (or without helpers), else a shared copy. */
function shared(values: Float64Array): Float64Array {
  if (values.buffer instanceof SharedArrayBuffer || !threadsAvailable()) return values;
  const copy = sharedFloat64(values.length);
  copy.set(values);
  return copy;
}

/**
 * Candidate kernels held at once (in shared memory, where the helper threads read them): as many
 * as fit in about 1 GB, so a 5,000-row dataset (200 MB per kernel) runs 5 at a time.
 */
const SHARED_KERNEL_BYTES = 1e9;

/**
 * Runs the protocol on one dataset for the candidates (in the authors' enumeration order)
 * and the C grid; `onFit` is called after each candidate's C path (for progress).
 * @example
 *   const result = runProtocol(loadUci('iris'), [{ label: 'linear', matrix: () => linearKernel }], [0.01, 1, 100]);
 *   result.foldAccuracy; // mean 4-fold accuracy of the chosen C
 */
export function runProtocol<Label>(
  dataset: UciDataset,
  candidates: readonly KernelCandidate<Label>[],
  costs: readonly number[],
  options: { tolerance?: number; onFit?: () => void } = {},
): ProtocolResult<Label> {
  const { tolerance = 1e-3, onFit } = options;
  if (candidates.length === 0 || costs.length === 0)
    throw new Error(
      `runProtocol: ${dataset.name}: need candidates and costs, got ${candidates.length} and ${costs.length}`,
    );
  const n = dataset.count;
  const stats: Stats = { iterations: 0, maxIterations: 0, fits: 0, converged: true };
  let best: { candidate: KernelCandidate<Label>; cost: number; accuracy: number; values: Float64Array } | undefined;
  const { labels, trainIndices, validationIndices } = dataset;
  const batch = Math.max(1, Math.floor(SHARED_KERNEL_BYTES / (8 * n * n)));
  for (let first = 0; first < candidates.length; first += batch) {
    const group = candidates.slice(first, first + batch);
    const kernels = group.map((candidate) => {
      const values = candidate.matrix();
      if (values.length !== n * n)
        throw new Error(`runProtocol: ${dataset.name}: kernel has ${values.length} entries, expected ${n}×${n}`);
      return shared(values);
    });
    const accuracies = runFits(
      {
        kernels,
        n,
        labels,
        kernel: group.map((_, g) => g),
        train: group.map(() => trainIndices),
        test: group.map(() => validationIndices),
        steps: group.map(() => costs.length),
        costs,
        tolerance,
      },
      stats,
    );
    group.forEach((candidate, g) => {
      accuracies[g].forEach((accuracy, c) => {
        // strictly better only: ties keep the earlier (kernel, C), as the authors' `acc > best_acc`
        if (best === undefined || accuracy > best.accuracy)
          best = { candidate, cost: costs[c], accuracy, values: kernels[g] };
      });
      onFit?.();
    });
  }
  const chosen = best!;
  // each fold walks the C grid up to the chosen C (warm starts), keeping the last model's accuracy
  const steps = costs.filter((cost) => cost <= chosen.cost).length;
  const folds = runFits(
    {
      kernels: [chosen.values],
      n,
      labels,
      kernel: dataset.folds.map(() => 0),
      train: dataset.folds.map((fold) => fold.trainIndices),
      test: dataset.folds.map((fold) => fold.testIndices),
      steps: dataset.folds.map(() => steps),
      costs,
      tolerance,
    },
    stats,
  ).map((accuracies) => accuracies.at(-1)!);
  return {
    label: chosen.candidate.label,
    cost: chosen.cost,
    validationAccuracy: chosen.accuracy,
    foldAccuracy: folds.reduce((sum, value) => sum + value, 0) / folds.length,
    folds,
    ...stats,
  };
}
