/**
 * gradcheck of every primitive in the registry, on random shapes (broadcasting, size-1
 * and size-0 axes) and random values. The case table is typed by PrimitiveName, so a new
 * primitive without a gradient test does not compile.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import type { PrimitiveName } from '../../autodiff/index.ts';
import { channelAffine, channelMoments, channelSums } from '../../autodiff/ops/channels.ts';
import { sizeOf } from '../../gpu/shape.ts';
import { broadcastPairArb, convCaseArb, makeTensor, shapeArb, tensorArb, valuesArb } from '../helpers/arbitraries.ts';

type Case = fc.Arbitrary<{ f: (...xs: ad.Tensor[]) => ad.Tensor; inputs: ad.Tensor[] }>;

/** Values kept away from kinks (relu at 0, abs at 0, ties of max) so differences are smooth. */
const awayFromZero = (shape: readonly number[], min = 0.2, max = 2) =>
  fc
    .tuple(valuesArb(shape, min, max), fc.array(fc.boolean(), { minLength: sizeOf(shape), maxLength: sizeOf(shape) }))
    .map(([v, signs]) =>
      makeTensor(
        v.map((x, i) => (signs[i] ? x : -x)),
        shape,
      ),
    );

const unaryCase = (op: (x: ad.Tensor) => ad.Tensor, values = (shape: number[]) => awayFromZero(shape)): Case =>
  shapeArb().chain((shape) => values(shape).map((x) => ({ f: op, inputs: [x] })));

const binaryCase = (
  op: (a: ad.Tensor, b: ad.Tensor) => ad.Tensor,
  left = (s: number[]) => awayFromZero(s),
  right = (s: number[]) => awayFromZero(s),
): Case =>
  broadcastPairArb().chain(([sa, sb]) => fc.tuple(left(sa), right(sb)).map(([a, b]) => ({ f: op, inputs: [a, b] })));

/** Distinct values, so max/min/maximum have a unique winner. */
const distinct = (shape: readonly number[]) =>
  fc
    .shuffledSubarray(
      Array.from({ length: Math.max(sizeOf(shape), 1) * 3 }, (_, i) => i / 7 - 1),
      { minLength: sizeOf(shape), maxLength: sizeOf(shape) },
    )
    .map((v) => makeTensor(v, shape));

/** Piecewise-constant ops, at points away from their jumps (no ties, no zeros). */
const constantCase = (op: (...xs: ad.Tensor[]) => ad.Tensor, arity: number): Case =>
  broadcastPairArb().chain(([sa, sb]) =>
    fc
      .tuple(
        distinct(sa).map((t) => t.add(0.003)),
        distinct(sb).map((t) => t.add(0.01)),
      )
      .map(([a, b]) => ({ f: op, inputs: arity === 1 ? [a] : [a, b] })),
  );

/** [N, C] or [N, C, L, M] with N·L·M ≥ 2 (a variance over one value has no second value to move). */
const channelShapeArb = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom<number[]>([], [1, 2], [2, 2]))
  .map(([n, c, rest]) => [Math.max(n, rest.length === 0 ? 2 : 1), c, ...rest]);

const cases: Record<PrimitiveName, Case> = {
  neg: unaryCase(ad.neg),
  exp: unaryCase(ad.exp),
  log: unaryCase(ad.log, (s) => tensorArb(fc.constant(s), 0.2, 3)),
  sqrt: unaryCase(ad.sqrt, (s) => tensorArb(fc.constant(s), 0.2, 3)),
  abs: unaryCase(ad.abs),
  relu: unaryCase(ad.relu),
  sigmoid: unaryCase(ad.sigmoid),
  tanh: unaryCase(ad.tanh),
  sin: unaryCase(ad.sin),
  cos: unaryCase(ad.cos),
  arccos: unaryCase(ad.arccos, (s) => tensorArb(fc.constant(s), -0.9, 0.9)),
  sign: constantCase(ad.sign, 1),
  step: constantCase(ad.step, 1),
  add: binaryCase(ad.add),
  sub: binaryCase(ad.sub),
  mul: binaryCase(ad.mul),
  div: binaryCase(ad.div),
  pow: binaryCase(ad.pow, (s) => tensorArb(fc.constant(s), 0.3, 2)),
  maximum: broadcastPairArb().chain(([sa, sb]) =>
    fc
      .tuple(
        distinct(sa),
        distinct(sb).map((t) => t.add(0.01)),
      )
      .map(([a, b]) => ({ f: ad.maximum, inputs: [a, b] })),
  ),
  minimum: broadcastPairArb().chain(([sa, sb]) =>
    fc
      .tuple(
        distinct(sa),
        distinct(sb).map((t) => t.add(0.01)),
      )
      .map(([a, b]) => ({ f: ad.minimum, inputs: [a, b] })),
  ),
  eq: constantCase(ad.eq, 2),
  ne: constantCase(ad.ne, 2),
  lt: constantCase(ad.lt, 2),
  le: constantCase(ad.le, 2),
  gt: constantCase(ad.gt, 2),
  ge: constantCase(ad.ge, 2),
  sum: tensorArb(shapeArb(3, 3)).chain((x) =>
    fc
      .tuple(fc.subarray(x.shape.map((_, i) => i)), fc.boolean())
      .map(([axes, keep]) => ({ f: (t) => ad.sum(t, axes, keep), inputs: [x] })),
  ),
  max: shapeArb(3, 3, 1)
    .chain((s) => distinct(s))
    .chain((x) => fc.subarray(x.shape.map((_, i) => i)).map((axes) => ({ f: (t) => ad.max(t, axes), inputs: [x] }))),
  min: shapeArb(3, 3, 1)
    .chain((s) => distinct(s))
    .chain((x) =>
      fc.subarray(x.shape.map((_, i) => i)).map((axes) => ({ f: (t) => ad.min(t, axes, true), inputs: [x] })),
    ),
  argmax: shapeArb(3, 3, 1)
    .filter((s) => s.length > 0)
    .chain((s) => distinct(s))
    .map((x) => ({ f: (t) => ad.argmax(t, 0).add(t.sum()), inputs: [x] })),
  reshape: tensorArb(shapeArb(3, 3)).map((x) => ({ f: (t) => ad.reshape(t, [-1]).mul(t.reshape([-1])), inputs: [x] })),
  permute: tensorArb(shapeArb(3, 3)).chain((x) =>
    fc
      .shuffledSubarray(
        x.shape.map((_, i) => i),
        { minLength: x.rank, maxLength: x.rank },
      )
      .map((perm) => ({ f: (t) => ad.permute(t, perm).square(), inputs: [x] })),
  ),
  broadcastTo: tensorArb(shapeArb(2, 3)).map((x) => ({
    f: (t) => ad.broadcastTo(t, [2, ...t.shape]).square(),
    inputs: [x],
  })),
  pad: tensorArb(shapeArb(3, 3)).chain((x) =>
    fc
      .array(fc.tuple(fc.nat(2), fc.nat(2)), { minLength: x.rank, maxLength: x.rank })
      .map((p) => ({ f: (t) => ad.pad(t, p, 0.5).square(), inputs: [x] })),
  ),
  slice: tensorArb(shapeArb(3, 4, 1)).chain((x) =>
    fc.tuple(...x.shape.map((e) => fc.nat(e - 1))).map((begin) => ({
      f: (t) =>
        ad
          .slice(
            t,
            begin,
            begin.map((b, a) => x.shape[a] - b),
          )
          .square(),
      inputs: [x],
    })),
  ),
  concat: shapeArb(3, 3, 1)
    .filter((s) => s.length > 0)
    .chain((s) => fc.tuple(tensorArb(fc.constant(s)), tensorArb(fc.constant(s))))
    .map(([a, b]) => ({ f: (p, q) => ad.concat([p, q.square()], a.rank - 1), inputs: [a, b] })),
  // float32 rounding is a staircase at the scale of ε = 1e-6, so cast is checked on a
  // linear function with a step far above float32's spacing (see options below)
  cast: tensorArb(shapeArb()).map((x) => ({ f: (t) => ad.cast(ad.cast(t, 'float32'), 'float64').mul(3), inputs: [x] })),
  gather: tensorArb(shapeArb(2, 3, 1).filter((s) => s.length > 0)).chain((x) =>
    fc
      .array(fc.nat(x.shape[0] - 1), {
        minLength: 5 * sizeOf(x.shape.slice(1)),
        maxLength: 5 * sizeOf(x.shape.slice(1)),
      })
      .map((idx) => ({ f: (t) => ad.gather(t, 0, idx).square(), inputs: [x] })),
  ),
  scatterAdd: tensorArb(fc.constant([5, 2])).chain((x) =>
    fc
      .array(fc.nat(2), { minLength: 10, maxLength: 10 })
      .map((idx) => ({ f: (t) => ad.scatterAdd(t, 0, idx, [3, 2]).square(), inputs: [x] })),
  ),
  where: broadcastPairArb().chain(([sa, sb]) =>
    fc
      .tuple(awayFromZero(sa), awayFromZero(sb))
      .map(([a, b]) => ({ f: (p, q) => ad.where(p.gt(0), p.square(), q), inputs: [a, b] })),
  ),
  matmul: fc
    .tuple(
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      fc.integer({ min: 0, max: 3 }),
      broadcastPairArb(2, 2),
      fc.boolean(),
      fc.boolean(),
    )
    .chain(([m, k, n, [ba, bb], ta, tb]) =>
      fc
        .tuple(valuesArb([...ba, ...(ta ? [k, m] : [m, k])]), valuesArb([...bb, ...(tb ? [n, k] : [k, n])]))
        .map(([va, vb]) => ({
          f: (a: ad.Tensor, b: ad.Tensor) => ad.matmul(a, b, { transposeA: ta, transposeB: tb }),
          inputs: [
            makeTensor(va, [...ba, ...(ta ? [k, m] : [m, k])]),
            makeTensor(vb, [...bb, ...(tb ? [n, k] : [k, n])]),
          ],
        })),
    ),
  conv2d: convCaseArb.map(({ x, w, stride, padding, dilation, groups }) => ({
    f: (a, b) => ad.conv2d(a, b, { stride, padding, dilation, groups }),
    inputs: [x, w],
  })),
  // the two gradient primitives, reached as the VJPs of conv2d: differentiating the
  // gradient of ⟨conv2d(x, w), y⟩ exercises both of their own VJPs
  conv2dInputGrad: convCaseArb.map(({ x, w, stride, padding, dilation, groups }) => ({
    f: (a, b) => ad.grad((t: ad.Tensor) => ad.conv2d(t, b, { stride, padding, dilation, groups }).square().sum())(a),
    inputs: [x, w],
  })),
  conv2dWeightGrad: convCaseArb.map(({ x, w, stride, padding, dilation, groups }) => ({
    f: (a, b) => ad.grad((t: ad.Tensor) => ad.conv2d(a, t, { stride, padding, dilation, groups }).square().sum())(b),
    inputs: [x, w],
  })),
  // BatchNorm's fused primitives (cpu): [N, C] or [N, C, L, M] inputs, at least two values per channel
  channelMoments: channelShapeArb.chain((shape) =>
    valuesArb(shape).map((v) => ({ f: channelMoments, inputs: [makeTensor(v, shape)] })),
  ),
  channelAffine: channelShapeArb.chain((shape) =>
    fc
      .tuple(valuesArb(shape), valuesArb([shape[1]]), valuesArb([shape[1]]), valuesArb([shape[1]]))
      .map(([x, mean, scale, shift]) => ({
        f: channelAffine,
        inputs: [
          makeTensor(x, shape),
          makeTensor(mean, [shape[1]]),
          makeTensor(scale, [shape[1]]),
          makeTensor(shift, [shape[1]]),
        ],
      })),
  ),
  channelSums: channelShapeArb.chain((shape) =>
    fc.tuple(valuesArb(shape), valuesArb(shape), valuesArb([shape[1]])).map(([g, x, mean]) => ({
      f: channelSums,
      inputs: [makeTensor(g, shape), makeTensor(x, shape), makeTensor(mean, [shape[1]])],
    })),
  ),
};

describe('gradcheck of every primitive', () => {
  for (const [name, arb] of Object.entries(cases)) {
    it(name, () => {
      fc.assert(
        fc.property(arb, ({ f, inputs }) => {
          ad.gradcheck(f, inputs, name === 'cast' ? { eps: 1e-2, atol: 1e-5, rtol: 1e-4 } : { atol: 1e-6, rtol: 1e-4 });
        }),
        { numRuns: name.startsWith('conv') ? 15 : 40 },
      );
    });
  }
  it('covers the whole registry', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(ad.primitives).sort());
  });
  it('gradcheck catches a wrong VJP', () => {
    // x ↦ x·stopgrad(x) has derivative x, not 2x: gradcheck against x² must fail
    const x = makeTensor([0.5, -1.5, 2], [3]);
    expect(() => ad.gradcheck((t) => t.mul(t.detach()), [x])).toThrow(/gradcheck: input 0 \[3\] element 0: analytic/);
  });
});
