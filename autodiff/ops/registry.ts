/**
 * The exhaustive table of primitives. Every op the engine can differentiate is listed
 * here with its definition; `OpDef` requires a VJP, so a primitive without one does not
 * compile. The tests walk this table to check each entry.
 */
import type { BinaryOp, UnaryOp } from '../../gpu/backend.ts';
import type { OpDef } from '../op.ts';
import { unaryDefinitions } from './unary.ts';
import { binaryDefinitions } from './binary.ts';
import { argmaxDefinition, maxDefinition, minDefinition, sumDefinition } from './reduce.ts';
import { broadcastToDefinition, castDefinition, concatDefinition, padDefinition, permuteDefinition, reshapeDefinition, sliceDefinition } from './layout.ts';
import { gatherDefinition, scatterAddDefinition } from './gather.ts';
import { whereDefinition } from './where.ts';
import { matmulDefinition } from './matmul.ts';
import { conv2dDefinition, conv2dInputGradDefinition, conv2dWeightGradDefinition } from './conv.ts';

export type PrimitiveName =
  | UnaryOp | BinaryOp
  | 'sum' | 'max' | 'min' | 'argmax'
  | 'reshape' | 'permute' | 'broadcastTo' | 'pad' | 'slice' | 'concat' | 'cast'
  | 'gather' | 'scatterAdd' | 'where'
  | 'matmul' | 'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad';

export const primitives: { readonly [Name in PrimitiveName]: OpDef<any> } = {
  ...unaryDefinitions,
  ...binaryDefinitions,
  sum: sumDefinition,
  max: maxDefinition,
  min: minDefinition,
  argmax: argmaxDefinition,
  reshape: reshapeDefinition,
  permute: permuteDefinition,
  broadcastTo: broadcastToDefinition,
  pad: padDefinition,
  slice: sliceDefinition,
  concat: concatDefinition,
  cast: castDefinition,
  gather: gatherDefinition,
  scatterAdd: scatterAddDefinition,
  where: whereDefinition,
  matmul: matmulDefinition,
  conv2d: conv2dDefinition,
  conv2dInputGrad: conv2dInputGradDefinition,
  conv2dWeightGrad: conv2dWeightGradDefinition,
};
