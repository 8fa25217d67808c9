/**
 * The exhaustive table of primitives, typed per op as jax-js types its rule table:
 * `AttrsOf` states each primitive's attributes, and the table must hold, under each name,
 * an `OpDef` of that name for exactly those attributes. `OpDef` requires a VJP, so a
 * primitive without one, a definition filed under the wrong name, or one written for other
 * attributes does not compile. The tests walk this table to check each entry.
 */
import type { BinaryOp, UnaryOp } from '../../gpu/backend.ts';
import type { OpDef } from '../op.ts';
import { unaryDefinitions } from './unary.ts';
import { binaryDefinitions } from './binary.ts';
import {
  argmaxDefinition,
  maxDefinition,
  minDefinition,
  sumDefinition,
  type ArgmaxAttrs,
  type ReduceAttrs,
} from './reduce.ts';
import {
  broadcastToDefinition,
  castDefinition,
  concatDefinition,
  padDefinition,
  permuteDefinition,
  reshapeDefinition,
  sliceDefinition,
  type CastAttrs,
  type ConcatAttrs,
  type PadAttrs,
  type PermuteAttrs,
  type ShapeAttrs,
  type SliceAttrs,
} from './layout.ts';
import { gatherDefinition, scatterAddDefinition, type IndexAttrs, type ScatterAttrs } from './gather.ts';
import { whereDefinition } from './where.ts';
import { matmulDefinition, type MatmulAttrs } from './matmul.ts';
import { channelAffineDefinition, channelMomentsDefinition, channelSumsDefinition } from './channels.ts';
import { conv2dDefinition, conv2dInputGradDefinition, conv2dWeightGradDefinition, type ConvAttrs } from './conv.ts';

/** The attributes each primitive is applied with (`void`: none). */
export type AttrsOf = { readonly [Name in UnaryOp | BinaryOp]: void } & {
  readonly sum: ReduceAttrs;
  readonly max: ReduceAttrs;
  readonly min: ReduceAttrs;
  readonly argmax: ArgmaxAttrs;
  readonly reshape: ShapeAttrs;
  readonly permute: PermuteAttrs;
  readonly broadcastTo: ShapeAttrs;
  readonly pad: PadAttrs;
  readonly slice: SliceAttrs;
  readonly concat: ConcatAttrs;
  readonly cast: CastAttrs;
  readonly gather: IndexAttrs;
  readonly scatterAdd: ScatterAttrs;
  readonly where: void;
  readonly matmul: MatmulAttrs;
  readonly conv2d: ConvAttrs;
  readonly conv2dInputGrad: ConvAttrs;
  readonly conv2dWeightGrad: ConvAttrs;
  readonly channelMoments: void;
  readonly channelAffine: void;
  readonly channelSums: void;
};

export type PrimitiveName = keyof AttrsOf;

/** Every primitive's definition, by name. */
export type PrimitiveTable = { readonly [Name in PrimitiveName]: OpDef<AttrsOf[Name], Name> };

export const primitives: PrimitiveTable = {
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
  channelMoments: channelMomentsDefinition,
  channelAffine: channelAffineDefinition,
  channelSums: channelSumsDefinition,
};
