/**
 * The toy example of Li & Arora 2020 (abstract, claim 3): "using either weight decay or BN
 * alone reaches global minimum, but convergence fails when both are used". The paper's own
 * construction was not available to us; this is our instance of the claim.
 *
 * Data: n points in R², two classes y = ±1, linearly separable through the origin.
 * Models (full-batch GD, no momentum, logistic loss ℓ(m) = log(1 + e^{−m})):
 *   WD alone   F(w) = mean ℓ(y·c·⟨w, x⟩) + (λ/2)‖w‖²  — strongly convex: one global minimum.
 *   BN alone   L(w) = mean ℓ(y·c·BN(⟨w, x⟩))          — scale-invariant, a function of the
 *              direction only; its global minimum L* is found by a grid over angles.
 *   BN + WD    L(w) + (λ/2)‖w‖²                        — inf = L*, approached only as w → 0.
 * Why BN + WD cannot converge (the scale-invariance lemma, Lemma 1 of the authors' blog):
 * ⟨∇L(w), w⟩ = 0, so a fixed point of GD, ∇L(w) + λw = 0, needs λ‖w‖² = 0, i.e. w = 0,
 * where L is undefined. Dynamically: near a minimum the gradient vanishes, weight decay
 * shrinks ‖w‖ geometrically, the effective LR η/‖w‖² (∇L(w) = ∇L(w/‖w‖)/‖w‖) grows
 * until GD is unstable around the minimum, the loss jumps, the large gradient inflates
 * ‖w‖ again (‖w_{t+1}‖² = (1 − ηλ)²‖w_t‖² + η²‖∇L‖²), and the cycle repeats. Without WD,
 * ‖w‖ only grows, the effective LR decays and GD settles.
 */
import * as ad from '../../autodiff/index.ts';
import { Random } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';

export interface ToyOptions {
  points: number;
  steps: number;
  lr: number;
  weightDecay: number;
  /** The fixed scale c of the scores. */
  scoreScale: number;
  seed: number;
}

/** One GD run of the toy. */
export interface ToyRun {
  name: string;
  /** The objective each step (loss, plus (λ/2)‖w‖² for WD alone). */
  objective: number[];
  /** Objective minus its global minimum (infimum for BN + WD). */
  excess: number[];
  weightNorm: number[];
}

export interface ToyResult {
  runs: ToyRun[];
  /** L* = min over directions of the BN loss. */
  bnMinimum: number;
  /** min of the WD-alone objective (Newton's method in closed form). */
  wdMinimum: number;
}

interface ToyData {
  x: Float64Array; // [n, 2]
  y: number[];
}

function toyData(points: number, seed: number): ToyData {
  const random = new Random(seed);
  const x = new Float64Array(points * 2);
  const y: number[] = [];
  for (let i = 0; i < points; i++) {
    const label = i % 2 === 0 ? 1 : -1;
    // class means ±(1, 0.5), spread 0.3, shifted by (0.5, 2): BN's centring matters
    let [a, b] = [label * 1 + 0.3 * random.normal(), label * 0.5 + 0.3 * random.normal()];
    if (label * (a + 0.5 * b) < 0.3) [a, b] = [label * 1, label * 0.5]; // keep a margin: separable through the origin
    x[2 * i] = a + 0.5;
    x[2 * i + 1] = b + 2;
    y.push(label);
  }
  return { x, y };
}

/** The BN loss of direction θ in plain arithmetic: mean ℓ(y·c·(z − z̄)/σ_z), z = ⟨(cos θ, sin θ), x⟩. */
function bnLossAt(data: ToyData, theta: number, scoreScale: number): number {
  const n = data.y.length;
  const z = data.y.map((_, i) => Math.cos(theta) * data.x[2 * i] + Math.sin(theta) * data.x[2 * i + 1]);
  const mean = z.reduce((s, v) => s + v, 0) / n;
  const std = Math.sqrt(z.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
  return z.reduce((s, v, i) => s + Math.log1p(Math.exp(-data.y[i] * scoreScale * ((v - mean) / std))), 0) / n;
}

/** min over θ of the BN loss: a 3600-point grid, then golden-section refinement. */
function bnMinimum(data: ToyData, scoreScale: number): number {
  let best = 0;
  for (let k = 1; k < 3600; k++)
    if (bnLossAt(data, (k * Math.PI) / 1800, scoreScale) < bnLossAt(data, (best * Math.PI) / 1800, scoreScale))
      best = k;
  let [low, high] = [((best - 1) * Math.PI) / 1800, ((best + 1) * Math.PI) / 1800];
  const ratio = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100; i++) {
    const [a, b] = [high - ratio * (high - low), low + ratio * (high - low)];
    if (bnLossAt(data, a, scoreScale) < bnLossAt(data, b, scoreScale)) high = b;
    else low = a;
  }
  return bnLossAt(data, (low + high) / 2, scoreScale);
}

/** min of mean ℓ(y·c·⟨w, x⟩) + (λ/2)‖w‖² by Newton's method on the 2×2 system. */
function wdMinimum(data: ToyData, scoreScale: number, weightDecay: number): number {
  const n = data.y.length;
  const objective = (w: number[]) =>
    data.y.reduce(
      (s, y, i) => s + Math.log1p(Math.exp(-y * scoreScale * (w[0] * data.x[2 * i] + w[1] * data.x[2 * i + 1]))),
      0,
    ) /
      n +
    (weightDecay / 2) * (w[0] ** 2 + w[1] ** 2);
  const w = [0, 0];
  for (let iteration = 0; iteration < 50; iteration++) {
    const g = [weightDecay * w[0], weightDecay * w[1]];
    const h = [weightDecay, 0, 0, weightDecay];
    data.y.forEach((y, i) => {
      const u = [y * scoreScale * data.x[2 * i], y * scoreScale * data.x[2 * i + 1]];
      const p = 1 / (1 + Math.exp(u[0] * w[0] + u[1] * w[1])); // σ(−m)
      g[0] -= (p * u[0]) / n;
      g[1] -= (p * u[1]) / n;
      const curvature = (p * (1 - p)) / n;
      h[0] += curvature * u[0] * u[0];
      h[1] += curvature * u[0] * u[1];
      h[3] += curvature * u[1] * u[1];
    });
    const determinant = h[0] * h[3] - h[1] * h[1];
    w[0] -= (h[3] * g[0] - h[1] * g[1]) / determinant;
    w[1] -= (h[0] * g[1] - h[1] * g[0]) / determinant;
  }
  return objective(w);
}

/** Full-batch GD on one toy model, with our Linear, BatchNorm1d and SGD. */
function runToy(
  name: string,
  data: ToyData,
  options: ToyOptions,
  { batchNorm, weightDecay }: { batchNorm: boolean; weightDecay: number },
  minimum: number,
): ToyRun {
  const n = data.y.length;
  const linear = new nn.Linear(2, 1, { seed: options.seed, bias: false, dtype: 'float64' });
  const net = batchNorm
    ? new nn.Sequential(linear, new nn.BatchNorm1d(1, { eps: 0, freezeAffine: true, dtype: 'float64' }))
    : linear;
  const optimizer = new SGD(
    net.parameters().filter((p) => !p.frozen),
    { lr: options.lr, weightDecay },
  );
  const x = ad.tensor(data.x, { shape: [n, 2], dtype: 'float64' });
  const run: ToyRun = { name, objective: [], excess: [], weightNorm: [] };
  for (let step = 0; step < options.steps; step++) {
    const loss = nn.logisticLoss(net.forward(x).reshape([n]).mul(options.scoreScale), data.y);
    const squaredNorm = linear.weight.value.toArray().reduce((s, v) => s + v * v, 0);
    const objective = loss.item() + (batchNorm ? 0 : (weightDecay / 2) * squaredNorm);
    run.objective.push(objective);
    run.excess.push(objective - minimum);
    run.weightNorm.push(Math.sqrt(squaredNorm));
    loss.backward();
    optimizer.step();
  }
  return run;
}

/**
 * Runs WD alone, BN alone and BN + WD from the same initial weights.
 * @example runToyExample({ points: 20, steps: 3000, lr: 0.1, weightDecay: 0.1, scoreScale: 2, seed: 0 }).runs[2].excess
 */
export function runToyExample(options: ToyOptions): ToyResult {
  const data = toyData(options.points, options.seed);
  const result = {
    bnMinimum: bnMinimum(data, options.scoreScale),
    wdMinimum: wdMinimum(data, options.scoreScale, options.weightDecay),
  };
  return {
    ...result,
    runs: [
      runToy(
        'WD alone (no BN)',
        data,
        options,
        { batchNorm: false, weightDecay: options.weightDecay },
        result.wdMinimum,
      ),
      runToy('BN alone (no WD)', data, options, { batchNorm: true, weightDecay: 0 }, result.bnMinimum),
      runToy('BN + WD', data, options, { batchNorm: true, weightDecay: options.weightDecay }, result.bnMinimum),
    ],
  };
}
