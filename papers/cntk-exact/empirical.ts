/**
 * The empirical NTK of finite CNNs against the exact CNTK (Arora et al. 2019, PAPERS.md §8):
 * - convergence (Theorem 3.1: at initialization the kernel of a wide enough net is within ε of
 *   the exact one): for widths w the relative error ‖Θ_w − Θ‖_F/‖Θ‖_F of the empirical NTK
 *   ⟨∂f/∂θ, ∂f/∂θ′⟩ of `finiteNetwork(cntk(…))` (one output, NTK parameterization) on a few
 *   images, over several random networks, and the log-log slope of its mean against w (a
 *   Monte-Carlo estimate: ≈ −½);
 * - the abstract's "Monte Carlo approximation can degrade the performance significantly":
 *   kernel regression (no ridge, 0.9/−0.1 targets) with the empirical kernel of width-w
 *   networks against the exact CNTK, on the same small train/test split.
 * Networks: depth 3 (two convolutions), CNTK-V without fix and CNTK-GAP with fix, as in the
 * paper's Table 1; the regression uses CNTK-V (the exact GAP kernel costs ≈ HW times more per
 * pair). Images larger than 8×8 are average-pooled to 8×8 first, to keep the cost in seconds.
 * The exact kernels are computed in float64 (the errors of wide nets reach ≈ 1e-2, and the
 * exact side should add nothing to them) through `onCpu`, which runs them on the cpu backend
 * (gpu.js has float32 only); the finite networks' empirical NTKs run in float32 on the chosen one.
 */
import * as ad from '../../autodiff/index.ts';
import { downsample, takeFirst, type Dataset } from '../../src/data/index.ts';
import {
  cntk,
  empiricalNtk,
  finiteNetwork,
  finiteShapeOf,
  kernelMatrix,
  ntkMatrix,
  type Network,
} from '../../src/infinite/index.ts';
import { correctOfScores, regressionTargets } from '../../src/kernel-methods/kernel-regression.ts';
import { kernelRidgeFit, kernelRidgePredict } from '../../src/kernel-methods/ridge.ts';
import { submatrix, type Matrix } from '../../src/linalg/index.ts';
import { progress } from '../../src/report/index.ts';
import { imagesOf } from './data.ts';
import { logLogSlope, mean } from './finite-training.ts';
import { pairedDifference } from './regression.ts';

/** Relative errors of one network's empirical NTK, errors[widthIndex][sample]. */
export interface ConvergenceCurve {
  network: string;
  widths: number[];
  errors: number[][];
  meanErrors: number[];
  /** Least-squares slope of log(mean error) against log(width). */
  slope: number;
}

/** Kernel-regression test accuracy with the exact CNTK and with empirical kernels, accuracies[widthIndex][sample]. */
export interface RegressionComparison {
  network: string;
  train: number;
  test: number;
  exactAccuracy: number;
  widths: number[];
  accuracies: number[][];
  /** Per width: exact accuracy minus the empirical kernels' mean, paired over the test images. */
  exactOverEmpirical: { difference: number; standardError: number }[];
}

export interface EmpiricalStudy {
  depth: number;
  /** Side of the (square) images the kernels are computed on, and how many images the convergence study uses. */
  imageSize: number;
  images: number;
  convergence: ConvergenceCurve[];
  regression: RegressionComparison;
  seconds: number;
}

const settings = {
  full: {
    images: 8,
    widths: [8, 16, 32, 64, 128],
    samples: 8,
    regression: { train: 120, test: 100, widths: [16, 64], samples: 2 },
  },
  quick: { images: 4, widths: [8, 128], samples: 4, regression: { train: 20, test: 20, widths: [8], samples: 1 } },
} as const;

const DEPTH = 3;
const networks: { name: string; network: Network }[] = [
  { name: 'CNTK-V', network: cntk({ depth: DEPTH, readout: 'vanilla' }) },
  { name: 'CNTK-GAP (fix)', network: cntk({ depth: DEPTH, readout: 'gap', fix: true }) },
];

/** The set average-pooled to at most 8×8 (when its side is a multiple of 8). */
function atMost8x8(set: Dataset): Dataset {
  const [, height, width] = set.shape;
  if (set.shape.length !== 3 || height !== width)
    throw new Error(`runEmpiricalStudy: images must be square [C, H, W], got [${set.shape.join(',')}]`);
  if (height <= 8) return set;
  if (height % 8 !== 0) throw new Error(`runEmpiricalStudy: image side ${height} is above 8 and not a multiple of 8`);
  return downsample(set, height / 8);
}

function relativeError(estimate: Matrix, exact: Matrix): number {
  let difference = 0,
    norm = 0;
  exact.data.forEach((value, e) => {
    difference += (estimate.data[e] - value) ** 2;
    norm += value * value;
  });
  return Math.sqrt(difference / norm);
}

/** Kernel regression with K over [train; test] rows: fit on the train block; per test image, 1 if correct, else 0. */
function regressionCorrect(kernel: Matrix, train: Dataset, test: Dataset): Float64Array {
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const [trainRows, testRows] = [range(0, train.count), range(train.count, train.count + test.count)];
  const fit = kernelRidgeFit(
    submatrix(kernel, trainRows, trainRows),
    regressionTargets(train.labels, train.classes),
    0,
  );
  return correctOfScores(kernelRidgePredict(submatrix(kernel, testRows, trainRows), fit.coefficients), test.labels);
}

const fraction = (correct: ArrayLike<number>) => Array.from(correct).reduce((a, b) => a + b, 0) / correct.length;

/**
 * Runs both parts on subsets of `train` and `test` (the first images of each).
 * @example const study = runEmpiricalStudy({ quick: true, seed: 0, quiet: true, train, test })
 */
export function runEmpiricalStudy(options: {
  quick: boolean;
  seed: number;
  quiet: boolean;
  train: Dataset;
  test: Dataset;
  /** Runs a float64 part on the cpu backend (the paper harness's `onCpu`); default: in place. */
  onCpu?: <T>(part: string, fn: () => T) => T;
}): EmpiricalStudy {
  const onCpu = options.onCpu ?? (<T>(_part: string, fn: () => T): T => fn());
  const exactPart = 'the exact CNTKs of the empirical-NTK study (float64)';
  const start = performance.now();
  const config = options.quick ? settings.quick : settings.full;
  const { regression } = config;
  const needed = Math.max(config.images, regression.train);
  if (options.train.count < needed || options.test.count < regression.test) {
    throw new Error(
      `runEmpiricalStudy: needs ≥ ${needed} training and ≥ ${regression.test} test images, got ${options.train.count} and ${options.test.count}`,
    );
  }
  const train = atMost8x8(takeFirst(options.train, needed));
  const test = atMost8x8(takeFirst(options.test, regression.test));
  const samples = (count: number) => Array.from({ length: count }, (_, sample) => options.seed + 1 + sample);
  const work = networks.length * config.widths.length * config.samples + regression.widths.length * regression.samples;
  const bar = progress('empirical NTK', work, { quiet: options.quiet });

  const images = imagesOf(train, 0, config.images);
  const convergence = networks.map(({ name, network }): ConvergenceCurve => {
    const exact = onCpu(exactPart, () => kernelMatrix(network, images.cast('float64'), undefined, { quiet: true }).ntk);
    const errors = config.widths.map((width) =>
      samples(config.samples).map((seed) => {
        const module = finiteNetwork(network, finiteShapeOf(images), { width, outputs: 1, seed });
        bar.tick();
        return relativeError(empiricalNtk(module, images), exact);
      }),
    );
    const meanErrors = errors.map(mean);
    return {
      network: name,
      widths: [...config.widths],
      errors,
      meanErrors,
      slope: logLogSlope([...config.widths], meanErrors),
    };
  });

  const regressionTrain = takeFirst(train, regression.train);
  const both = ad.concat([imagesOf(regressionTrain), imagesOf(test)], 0);
  const { name, network } = networks[0];
  const exactKernel = onCpu(exactPart, () => ntkMatrix(network, both.cast('float64'), undefined, { quiet: true }));
  const outcomes = regression.widths.map((width) =>
    samples(regression.samples).map((seed) => {
      const module = finiteNetwork(network, finiteShapeOf(both), { width, outputs: 1, seed });
      bar.tick();
      return regressionCorrect(empiricalNtk(module, both), regressionTrain, test);
    }),
  );
  const exactCorrect = regressionCorrect(exactKernel, regressionTrain, test);
  // paired over test images: exact minus the empirical kernels' mean outcome on each image
  const exactOverEmpirical = outcomes.map((perSample) =>
    pairedDifference(
      { correct: exactCorrect },
      { correct: exactCorrect.map((_, i) => mean(perSample.map((correct) => correct[i]))) },
    ),
  );
  bar.done();
  return {
    depth: DEPTH,
    imageSize: train.shape[1],
    images: config.images,
    convergence,
    regression: {
      network: name,
      train: regression.train,
      test: regression.test,
      exactAccuracy: fraction(exactCorrect),
      widths: [...regression.widths],
      accuracies: outcomes.map((perSample) => perSample.map(fraction)),
      exactOverEmpirical,
    },
    seconds: (performance.now() - start) / 1000,
  };
}
