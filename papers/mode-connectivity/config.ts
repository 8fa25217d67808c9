/**
 * The two scales of the mode-connectivity rebuild (PAPERS.md §5; Kuditipudi et al. 2019,
 * §5 and the official code: SGD with learning rate 0.1, batch 64, keep probabilities
 * 0.5–0.95, a CNN of three bias-free 3×3 convolutions with 32 channels and a dense layer).
 * The default fits ten minutes on two shared CPU cores, so the nets train for a few hundred
 * steps instead of 5,000; --quick shrinks every size so the run takes seconds.
 */
import type { Architecture } from '../../src/connectivity/index.ts';

/** One family of nets: an architecture on a dataset, trained at several keep probabilities. */
export interface FamilyConfig {
  name: string;
  dataset: 'mnist' | 'fashion-mnist';
  architecture: Architecture;
  /** Keep probabilities of dropout in training; 1 is no dropout. */
  keeps: readonly number[];
  steps: number;
  batch: number;
  learningRate: number;
  /** Training examples the losses are measured on (train loss) and test examples. */
  trainEvaluation: number;
  testEvaluation: number;
  /** Random halves averaged in ε. */
  halves: number;
  /** Constructed paths per pair, each with its own random halves (the first is evaluated on test data too). */
  paths: number;
  /** Points evaluated inside each segment whose function changes, inside constant segments, and on the line. */
  interior: { changing: number; constant: number; line: number };
}

export interface Config {
  families: FamilyConfig[];
}

/** A bias-free MLP 784 → width → width → 10. */
export function mlp(width: number): Architecture {
  return {
    input: [1, 28, 28],
    layers: [
      { kind: 'dense', inputs: 784, outputs: width },
      { kind: 'dense', inputs: width, outputs: width },
      { kind: 'dense', inputs: width, outputs: 10 },
    ],
  };
}

/** The official code's CNN: three bias-free 3×3 convolutions (stride 2 here, for speed) and a dense layer. */
export function cnn(channels: number): Architecture {
  const conv = (inChannels: number) => ({
    kind: 'conv' as const,
    inChannels,
    outChannels: channels,
    kernel: 3,
    stride: 2,
    padding: 1,
  });
  return {
    input: [1, 28, 28],
    layers: [conv(1), conv(channels), conv(channels), { kind: 'dense', inputs: channels * 16, outputs: 10 }],
  };
}

const training = { batch: 64, learningRate: 0.1 };

/** A default MLP family: the two datasets share every size and differ in name, dataset and keeps. */
const mlpFamily = (name: string, dataset: FamilyConfig['dataset'], keeps: readonly number[]): FamilyConfig => ({
  name,
  dataset,
  architecture: mlp(128),
  keeps,
  steps: 250,
  ...training,
  trainEvaluation: 600,
  testEvaluation: 600,
  halves: 8,
  paths: 4,
  interior: { changing: 3, constant: 1, line: 7 },
});

export const defaultConfig: Config = {
  families: [
    mlpFamily('MNIST MLP', 'mnist', [1, 0.8, 0.5]),
    mlpFamily('Fashion-MNIST MLP', 'fashion-mnist', [1, 0.5]),
    {
      name: 'MNIST CNN',
      dataset: 'mnist',
      architecture: cnn(32),
      keeps: [1, 0.5],
      steps: 80,
      ...training,
      trainEvaluation: 250,
      testEvaluation: 250,
      halves: 6,
      paths: 4,
      interior: { changing: 2, constant: 1, line: 5 },
    },
  ],
};

export const quickConfig: Config = {
  families: defaultConfig.families.map((family) => ({
    ...family,
    architecture: family.architecture.layers[0].kind === 'conv' ? cnn(8) : mlp(32),
    keeps: [1, 0.5],
    steps: family.architecture.layers[0].kind === 'conv' ? 10 : 30,
    trainEvaluation: 100,
    testEvaluation: 100,
    halves: 3,
    paths: 2,
    interior: { changing: 1, constant: 1, line: 3 },
  })),
};

/** The sizes of a default or a --quick run. */
export function configuration(quick: boolean): Config {
  return quick ? quickConfig : defaultConfig;
}
