/** Every op as a plain function (the Tensor methods call these). */
export { abs, arccos, cos, exp, log, neg, relu, sigmoid, sign, sin, sqrt, step, tanh } from './unary.ts';
export { add, div, eq, ge, gt, le, lt, maximum, minimum, mul, ne, pow, sub } from './binary.ts';
export { argmax, max, mean, min, sum } from './reduce.ts';
export { logSoftmax, logsumexp, softmax } from './softmax.ts';
export { broadcastTo, cast, concat, flatten, pad, permute, reshape, slice, stridedSlice, transpose } from './layout.ts';
export { gather, indexSelect, scatterAdd } from './gather.ts';
export { where } from './where.ts';
export { matmul } from './matmul.ts';
export { conv2d, type Conv2dOptions } from './conv.ts';
export { avgPool2d, maxPool2d, type AvgPool2dOptions, type Pool2dOptions } from './pool.ts';
