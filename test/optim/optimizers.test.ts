/** SGD, Adam and GroupRMSprop against their update equations, computed by hand in plain numbers. */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import { Parameter } from '../../src/nn/index.ts';
import { Adam, GroupRMSprop, SGD, type Optimizer } from '../../src/optim/index.ts';
import { expectClose } from '../helpers/close.ts';

const float64 = { dtype: 'float64' } as const;
const curvature = [
  [0.5, 2, -1],
  [1.5, 0.25],
];
const offset = [
  [0.3, -0.2, 1],
  [-0.7, 0.4],
];
const start = [
  [1, -2, 0.5],
  [0.25, 3],
];

/** Two parameters under L = Σ a·w²/2 + b·w, whose gradient is a·w + b. */
function makeParameters(): Parameter[] {
  return start.map((values) => new Parameter(ad.tensor(values, float64)));
}

function loss(parameters: Parameter[]): ad.Tensor {
  return parameters
    .map((p, i) =>
      p.value
        .square()
        .mul(ad.tensor(curvature[i], float64))
        .mul(0.5)
        .add(p.value.mul(ad.tensor(offset[i], float64)))
        .sum(),
    )
    .reduce((a, b) => a.add(b));
}

function gradientOf(weights: number[][]): number[][] {
  return weights.map((w, i) => w.map((value, j) => curvature[i][j] * value + offset[i][j]));
}

/** Runs `steps` optimizer steps and returns the parameter values after each. */
function run(optimizer: Optimizer, parameters: Parameter[], steps = 3): number[][][] {
  const history: number[][][] = [];
  for (let t = 0; t < steps; t++) {
    loss(parameters).backward();
    optimizer.step();
    history.push(parameters.map((p) => p.value.toArray()));
  }
  return history;
}

/** PyTorch's SGD, element by element. */
function referenceSgd(
  lr: number,
  momentum: number,
  dampening: number,
  nesterov: boolean,
  weightDecay: number,
  steps = 3,
): number[][][] {
  let weights = start.map((w) => [...w]);
  let velocity: number[][] | undefined;
  const history: number[][][] = [];
  for (let t = 0; t < steps; t++) {
    const gradient = gradientOf(weights).map((g, i) => g.map((value, j) => value + weightDecay * weights[i][j]));
    let direction = gradient;
    if (momentum !== 0) {
      velocity =
        velocity === undefined
          ? gradient
          : velocity.map((v, i) => v.map((value, j) => momentum * value + (1 - dampening) * gradient[i][j]));
      direction = nesterov ? gradient.map((g, i) => g.map((value, j) => value + momentum * velocity![i][j])) : velocity;
    }
    weights = weights.map((w, i) => w.map((value, j) => value - lr * direction[i][j]));
    history.push(weights.map((w) => [...w]));
  }
  return history;
}

function expectHistory(actual: number[][][], expected: number[][][]): void {
  actual.forEach((step, t) => step.forEach((w, i) => expectClose(w, expected[t][i], 1e-15, 1e-14)));
}

describe('SGD', () => {
  const cases: [string, { momentum?: number; dampening?: number; nesterov?: boolean; weightDecay?: number }][] = [
    ['plain', {}],
    ['momentum', { momentum: 0.9 }],
    ['momentum with dampening', { momentum: 0.9, dampening: 0.3 }],
    ['nesterov', { momentum: 0.8, nesterov: true }],
    ['weight decay with momentum', { momentum: 0.9, weightDecay: 0.05 }],
    ['nesterov with weight decay', { momentum: 0.5, nesterov: true, weightDecay: 0.1 }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: three steps follow PyTorch's equations`, () => {
      const parameters = makeParameters();
      const history = run(new SGD(parameters, { lr: 0.1, ...options }), parameters);
      const { momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 } = options;
      expectHistory(history, referenceSgd(0.1, momentum, dampening, nesterov, weightDecay));
    });
  }

  it('a worked example: momentum 0.5 on L = w²/2 from w = 1 with η = 0.1', () => {
    const parameter = new Parameter(ad.tensor([1], float64));
    const optimizer = new SGD([parameter], { lr: 0.1, momentum: 0.5 });
    const values: number[] = [];
    for (let t = 0; t < 3; t++) {
      parameter.value.square().mul(0.5).sum().backward();
      optimizer.step();
      values.push(parameter.value.item());
    }
    // v₁ = 1, w₁ = 0.9; v₂ = 0.5 + 0.9 = 1.4, w₂ = 0.76; v₃ = 0.7 + 0.76 = 1.46, w₃ = 0.614
    expectClose(values, [0.9, 0.76, 0.614], 1e-15, 1e-15);
    expectClose(optimizer.momentumBuffer(parameter)!.data, [1.46], 1e-15, 1e-15);
  });

  it('momentum buffers can be read and set; a set buffer is used on the first step', () => {
    const parameters = makeParameters();
    const optimizer = new SGD(parameters, { lr: 0.1, momentum: 0.9 });
    expect(optimizer.momentumBuffer(parameters[0])).toBeUndefined();
    optimizer.setMomentumBuffer(parameters[0], ad.tensor([1, 1, 1], float64));
    loss(parameters).backward();
    optimizer.step();
    const gradient = gradientOf(start);
    expectClose(
      optimizer.momentumBuffer(parameters[0])!.data,
      gradient[0].map((g) => 0.9 + g),
      1e-15,
      1e-15,
    );
    expectClose(optimizer.momentumBuffer(parameters[1])!.data, gradient[1], 1e-15, 1e-15);
    expect(() => optimizer.setMomentumBuffer(parameters[0], ad.zeros([2], float64))).toThrow(
      'SGD.setMomentumBuffer: buffer float64 [2] must match the parameter float64 [3]',
    );
    expect(() => optimizer.momentumBuffer(new Parameter(ad.zeros([1])))).toThrow(
      "SGD.momentumBuffer: the parameter is not one of this optimizer's",
    );
  });

  it('skips parameters without a gradient (frozen or unused), and validates its options', () => {
    const parameters = makeParameters();
    parameters[1].frozen = true;
    const optimizer = new SGD(parameters, { lr: 0.1, weightDecay: 0.5 });
    loss(parameters).backward();
    optimizer.step();
    expect(parameters[1].value.toArray()).toEqual(start[1]);
    expect(parameters[0].value.toArray()).not.toEqual(start[0]);
    expect(parameters[0].grad).toBeUndefined();
    expect(() => new SGD(parameters, { lr: 0.1, nesterov: true })).toThrow(
      'SGD: nesterov needs momentum > 0 and dampening 0, got momentum 0 and dampening 0',
    );
    expect(() => new SGD(parameters, { lr: -1 })).toThrow('SGD: lr must be a number in [0, Infinity], got -1');
    expect(() => new SGD([parameters[0], parameters[0]], { lr: 1 })).toThrow('SGD: a parameter appears more than once');
    expect(() => {
      optimizer.lr = Number.NaN;
    }).toThrow('SGD: lr must be a number');
  });
});

describe('Adam', () => {
  it('three steps follow the bias-corrected moment equations, with L2 weight decay', () => {
    const [lr, beta1, beta2, eps, weightDecay] = [0.01, 0.8, 0.95, 1e-6, 0.1];
    const parameters = makeParameters();
    const optimizer = new Adam(parameters, { lr, betas: [beta1, beta2], eps, weightDecay });
    const history = run(optimizer, parameters);
    let weights = start.map((w) => [...w]);
    let m = start.map((w) => w.map(() => 0));
    let v = start.map((w) => w.map(() => 0));
    const expected: number[][][] = [];
    for (let t = 1; t <= 3; t++) {
      const g = gradientOf(weights).map((row, i) => row.map((value, j) => value + weightDecay * weights[i][j]));
      m = m.map((row, i) => row.map((value, j) => beta1 * value + (1 - beta1) * g[i][j]));
      v = v.map((row, i) => row.map((value, j) => beta2 * value + (1 - beta2) * g[i][j] ** 2));
      weights = weights.map((row, i) =>
        row.map((value, j) => {
          const mHat = m[i][j] / (1 - beta1 ** t);
          const vHat = v[i][j] / (1 - beta2 ** t);
          return value - (lr * mHat) / (Math.sqrt(vHat) + eps);
        }),
      );
      expected.push(weights.map((row) => [...row]));
    }
    expectHistory(history, expected);
    expect(optimizer.state(parameters[0])!.step).toBe(3);
  });

  it('its first step moves each coordinate by about lr·sign(g)', () => {
    const parameters = makeParameters();
    run(new Adam(parameters, { lr: 0.001 }), parameters, 1);
    const gradient = gradientOf(start);
    parameters.forEach((p, i) =>
      expectClose(
        p.value.data,
        start[i].map((w, j) => w - 0.001 * Math.sign(gradient[i][j])),
        1e-9,
        0,
      ),
    );
  });
});

describe('GroupRMSprop', () => {
  function reference(lr: number, alpha: number, eps: number, scope: 'all' | 'parameter'): number[][][] {
    let weights = start.map((w) => [...w]);
    const averages = scope === 'all' ? [0] : [0, 0];
    const expected: number[][][] = [];
    for (let t = 1; t <= 3; t++) {
      const g = gradientOf(weights);
      const norms = g.map((row) => row.reduce((total, value) => total + value * value, 0));
      const sums = scope === 'all' ? [norms[0] + norms[1]] : norms;
      sums.forEach((sum, k) => (averages[k] = alpha * averages[k] + (1 - alpha) * sum));
      const rates = averages.map((s) => lr / (Math.sqrt(s / (1 - alpha ** t)) + eps));
      weights = weights.map((row, i) => row.map((value, j) => value - rates[scope === 'all' ? 0 : i] * g[i][j]));
      expected.push(weights.map((row) => [...row]));
    }
    return expected;
  }

  for (const scope of ['all', 'parameter'] as const) {
    it(`scope '${scope}': three steps share one squared-gradient average per ${scope === 'all' ? 'optimizer' : 'parameter tensor'}`, () => {
      const parameters = makeParameters();
      expectHistory(
        run(new GroupRMSprop(parameters, { lr: 0.01, alpha: 0.9, eps: 1e-4, scope }), parameters),
        reference(0.01, 0.9, 1e-4, scope),
      );
    });
  }

  it('its first step is normalized gradient descent: η̂ = η/(‖g‖ + ε) over the whole group', () => {
    const parameters = makeParameters();
    const optimizer = new GroupRMSprop(parameters, { lr: 0.1 });
    expect(optimizer.adjustedLr(parameters[0])).toBeUndefined();
    run(optimizer, parameters, 1);
    const norm = Math.sqrt(
      gradientOf(start)
        .flat()
        .reduce((total, g) => total + g * g, 0),
    );
    expect(optimizer.adjustedLr(parameters[0])).toBeCloseTo(0.1 / (norm + 1e-6), 15);
    expect(optimizer.adjustedLr(parameters[1])).toBe(optimizer.adjustedLr(parameters[0]));
  });
});
