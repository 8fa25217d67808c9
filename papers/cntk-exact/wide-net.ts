/**
 * A fully trained wide net against kernel regression with its NTK (Arora et al. 2019,
 * Theorem 3.2, PAPERS.md §8): a depth-3 ReLU net (two hidden layers of width w, NTK
 * parameterization, `finiteNetwork(fullyConnected({ depth: 3 }))`, float64) is trained by
 * full-batch gradient descent on ½Σ_i (g(x_i) − y_i)² from its random initialization, and its
 * test predictions are compared with the kernel-regression predictor
 * f_ntk(x) = Θ(x, X)·Θ(X, X)⁻¹·y of the exact NTK Θ.
 * The initial output is removed exactly, g(x) = f(x; θ) − f(x; θ_0): the theorem instead
 * scales the output by a small κ so that f_0 ≈ 0, which leaves an O(κ) term that does not
 * shrink with width; subtracting f_0 is its κ → 0 limit, with the same kernel dynamics.
 * Problem: n = 16 training and 16 test points uniform on the sphere in d = 16 dimensions,
 * labels y = sign⟨x, u⟩ of a random direction u. η = 1/λ_max(Θ(X, X)); GD runs until kernel
 * GD would have shrunk the residual by 10⁴ (capped), and that kernel-GD predictor at the same
 * step, compared with f_ntk, is reported as the floor the finite nets cannot go below.
 */
import * as ad from '../../autodiff/index.ts';
import { finiteNetwork, finiteShapeOf, fullyConnected, ntkMatrix } from '../../src/infinite/index.ts';
import { kernelRidgeFit, kernelRidgePredict } from '../../src/kernel-methods/ridge.ts';
import { fromArray, matmul, symmetricEigen, transpose, type Matrix } from '../../src/linalg/index.ts';
import * as nn from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { progress } from '../../src/report/index.ts';
import { logLogSlope, mean } from './finite-training.ts';

export interface WideNetStudy {
  depth: number;
  points: { train: number; test: number; dimension: number };
  steps: number;
  learningRate: number;
  widths: number[];
  /** ‖g(X_test) − f_ntk(X_test)‖ / ‖f_ntk(X_test)‖, distances[widthIndex][seed]. */
  distances: number[][];
  meanDistances: number[];
  slope: number;
  /** ‖g(X) − y‖ / ‖y‖ on the training points after training, per width and seed. */
  trainResiduals: number[][];
  /** The same distance for kernel GD with the exact NTK after the same number of steps. */
  kernelGdFloor: number;
  seconds: number;
}

const settings = {
  full: { widths: [32, 64, 128, 256, 512], seeds: 3, maximumSteps: 2000 },
  quick: { widths: [16, 256], seeds: 2, maximumSteps: 150 },
} as const;
const DEPTH = 3;
const TRAIN = 16,
  TEST = 16,
  DIMENSION = 16;

/** n points uniform on the unit sphere in `DIMENSION` dimensions, float64 [n, d]. */
function spherePoints(count: number, seed: number): ad.Tensor {
  const x = ad.randomNormal([count, DIMENSION], { seed, dtype: 'float64' });
  return x.div(x.square().sum(1, true).sqrt());
}

function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0,
    norm = 0;
  for (let i = 0; i < b.length; i++) {
    difference += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return Math.sqrt(difference / norm);
}

/** Θ(test, X)·Θ⁻¹·(I − (I − ηΘ)^steps)·y: kernel GD's test predictions after `steps` steps from zero. */
function kernelGdPredictions(trainKernel: Matrix, testKernel: Matrix, y: Matrix, rate: number, steps: number): Matrix {
  const { values, vectors } = symmetricEigen(trainKernel);
  const projected = matmul(transpose(vectors), y);
  values.forEach((lambda, c) => (projected.data[c] *= (1 - (1 - rate * lambda) ** steps) / lambda));
  return matmul(testKernel, matmul(vectors, projected));
}

/** Trains one width-w net by full-batch GD and returns its test predictions g and the training residual. */
function trainWideNet(
  x: ad.Tensor,
  y: Matrix,
  xTest: ad.Tensor,
  width: number,
  seed: number,
  rate: number,
  steps: number,
): { predictions: Float64Array; residual: number } {
  const net = finiteNetwork(fullyConnected({ depth: DEPTH }), finiteShapeOf(x), {
    width,
    outputs: 1,
    seed,
    dtype: 'float64',
  });
  const [initialTrain, initialTest] = ad.noGrad(() => [net.forward(x), net.forward(xTest)]);
  const target = initialTrain.add(ad.tensor(y.data, { shape: [y.rows, 1], dtype: 'float64' }));
  const optimizer = new SGD(net.parameters(), { lr: rate });
  for (let step = 0; step < steps; step++) {
    const loss = nn.mseLoss(net.forward(x), target, { reduction: 'sum' }).mul(0.5);
    if (!Number.isFinite(loss.item()))
      throw new Error(`runWideNetStudy: width ${width}, seed ${seed}: the loss is ${loss.item()} at step ${step}`);
    net.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  return ad.noGrad(() => ({
    predictions: Float64Array.from(net.forward(xTest).sub(initialTest).data),
    residual: relativeDistance(net.forward(x).sub(initialTrain).data, y.data),
  }));
}

/**
 * Trains nets of each width (several seeds) and measures their distance to f_ntk.
 * @example const study = runWideNetStudy({ quick: true, seed: 0, quiet: true })
 */
export function runWideNetStudy(options: { quick: boolean; seed: number; quiet: boolean }): WideNetStudy {
  const start = performance.now();
  const config = options.quick ? settings.quick : settings.full;
  const x = spherePoints(TRAIN, options.seed),
    xTest = spherePoints(TEST, options.seed + 1);
  const direction = ad.randomNormal([DIMENSION, 1], { seed: options.seed + 2, dtype: 'float64' });
  const y = fromArray(
    TRAIN,
    1,
    Array.from(x.matmul(direction).data, (value) => Math.sign(value) || 1),
  );
  const network = fullyConnected({ depth: DEPTH });
  const trainKernel = ntkMatrix(network, x, undefined, { quiet: true });
  const testKernel = ntkMatrix(network, xTest, x, { quiet: true });
  const exact = kernelRidgePredict(testKernel, kernelRidgeFit(trainKernel, y, 0).coefficients).data;
  const { values } = symmetricEigen(trainKernel);
  const rate = 1 / values[values.length - 1];
  const steps = Math.min(config.maximumSteps, Math.ceil(Math.log(1e4) / (rate * values[0])));
  const bar = progress('wide nets (GD)', config.widths.length * config.seeds, { quiet: options.quiet });
  const runs = config.widths.map((width) =>
    Array.from({ length: config.seeds }, (_, k) => {
      const run = trainWideNet(x, y, xTest, width, options.seed + 10 + k, rate, steps);
      bar.tick();
      return { distance: relativeDistance(run.predictions, exact), residual: run.residual };
    }),
  );
  bar.done();
  const distances = runs.map((perSeed) => perSeed.map((run) => run.distance));
  const meanDistances = distances.map(mean);
  return {
    depth: DEPTH,
    points: { train: TRAIN, test: TEST, dimension: DIMENSION },
    steps,
    learningRate: rate,
    widths: [...config.widths],
    distances,
    meanDistances,
    slope: logLogSlope([...config.widths], meanDistances),
    trainResiduals: runs.map((perSeed) => perSeed.map((run) => run.residual)),
    kernelGdFloor: relativeDistance(kernelGdPredictions(trainKernel, testKernel, y, rate, steps).data, exact),
    seconds: (performance.now() - start) / 1000,
  };
}
