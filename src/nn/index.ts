/**
 * theorygrad's layers: Module (parameters as assignable slots, see module.ts), affine
 * layers with standard or NTK parameterization, pooling, activations, dropout,
 * normalization, losses, and state files.
 * @example
 *   import * as nn from './src/nn/index.ts';
 *   const net = new nn.Sequential(new nn.Linear(784, 100, { seed: 0 }), new nn.ReLU(), new nn.Linear(100, 10, { seed: 1 }));
 *   nn.crossEntropy(net.forward(images), labels).backward();
 */
export { Module } from './module.ts';
export { Parameter, StateBuffer } from './parameter.ts';
export { readStateFile, writeStateFile } from './state-file.ts';
export { fanIn, initializeLayer, kaimingUniform, type LayerInit, type LayerInitOptions } from './init.ts';
export { Conv2d, Linear, type Conv2dLayerOptions } from './linear.ts';
export { AvgPool2d, Dropout, Flatten, GlobalAvgPool2d, MaxPool2d, ReLU, Sequential, Sigmoid, Tanh } from './layers.ts';
export {
  BatchNorm,
  BatchNorm1d,
  BatchNorm2d,
  GroupNorm,
  InstanceNorm,
  LayerNorm,
  type BatchNormOptions,
  type NormalizationOptions,
} from './normalization.ts';
export { accuracy, crossEntropy, hingeLoss, logisticLoss, mseLoss, type Labels, type Reduction } from './losses.ts';
export { logSoftmax, softmax } from '../../autodiff/index.ts';
