/**
 * The WebGL agreement checks, shared by the browser (page.test.ts) and Node's headless-gl
 * (test/gpu/gpujs-headlessgl.test.ts): the gpujs backend in a GLSL mode against the cpu
 * backend on the op fuzz subset of test/gpu/gpujs.test.ts, with the bounds of
 * test/gpu/gpujs-helpers.ts for GLSL (webglUnaryBound, flushDenormals).
 */
import fc from 'fast-check';
import type { ReduceOp } from '../../gpu/backend.ts';
import { cpuBackend as cpu } from '../../gpu/cpu/index.ts';
import { absolute, expectExact, expectWithin } from '../helpers/close.ts';
import {
  binaryOps,
  broadcastOperandsArb,
  dataArb,
  flushDenormals,
  productBound,
  shapeArb,
  sumBound,
  tensorArb,
  unaryOps,
  poolArb,
  webglPowBound,
  webglUnaryBound,
} from '../gpu/gpujs-helpers.ts';
import { f32 } from './encode.ts';

/** Runs Backend method `method` on the GLSL backend under test (arguments encoded by f32). */
export type GlslCall = (method: string, args: unknown[]) => Promise<Float32Array>;

/**
 * Checks unary maps, binary ops, reductions, argmax, max-pooling indices and matmul, `numRuns` cases each.
 * @example await webglAgreement((method, args) => callInPage(page, method, args), 6);
 */
export async function webglAgreement(call: GlslCall, numRuns: number): Promise<void> {
  const runs = { numRuns };
  await fc.assert(
    fc.asyncProperty(
      shapeArb(1, 3).chain((shape) => tensorArb(shape, 4, true)),
      async (x) => {
        for (const op of unaryOps) {
          const expected = flushDenormals(cpu.unary(op, flushDenormals(x)));
          expectWithin(await call('unary', [op, f32(x)]), expected, webglUnaryBound(op, x, expected), `webgl ${op}`);
        }
      },
    ),
    runs,
  );
  await fc.assert(
    fc.asyncProperty(broadcastOperandsArb(), async ([[aShape, bShape], outShape, a, b]) => {
      // exact but for denormals: flushed where arithmetic or comparisons read them, passed
      // through where a kernel only selects (maximum of 0 and 1e−45), so within 2⁻¹²⁶
      const [flatA, flatB] = [flushDenormals(a), flushDenormals(b)];
      for (const op of binaryOps.filter((name) => name !== 'pow'))
        expectWithin(
          await call('binary', [op, f32(a), aShape, f32(b), bShape, outShape]),
          flushDenormals(cpu.binary(op, flatA, aShape, flatB, bShape, outShape)),
          () => 2 ** -126,
          `webgl ${op} [${aShape}] [${bShape}]`,
        );
      // pow: its GLSL precision is that of exp2(v·log2 u) (webglPowBound); a base of −0 counts as +0 there
      const base = cpu.broadcastTo(flatA, aShape, outShape).map((value) => (Object.is(value, -0) ? 0 : value));
      const power = cpu.broadcastTo(flatB, bShape, outShape);
      const expected = flushDenormals(cpu.binary('pow', base, outShape, power, outShape, outShape));
      expectWithin(
        await call('binary', ['pow', f32(a), aShape, f32(b), bShape, outShape]),
        expected,
        webglPowBound(base, power, expected),
        `webgl pow [${aShape}] [${bShape}]`,
      );
    }),
    {
      ...runs,
      // pow(−∞, −2⁻¹²⁶) = +0: once NaN on WebGL, where a negative base with a fractional exponent was NaN even at −∞.
      examples: [
        [
          [
            [
              [1, 2, 4, 3],
              [1, 1, 4, 3],
            ],
            [1, 2, 4, 3],
            Float32Array.from({ length: 24 }, (_, i) => (i === 0 || i === 12 ? NaN : i === 19 ? -Infinity : 0)),
            Float32Array.from({ length: 12 }, (_, i) => (i === 7 ? -(2 ** -126) : 0)),
          ],
        ],
      ],
    },
  );
  await fc.assert(
    fc.asyncProperty(
      shapeArb(1, 3).chain((shape) =>
        fc.tuple(
          fc.constant(shape),
          fc.subarray(
            shape.map((_, axis) => axis),
            { minLength: 1 },
          ),
          tensorArb(shape, 4, true),
        ),
      ),
      async ([shape, axes, raw]) => {
        const x = flushDenormals(raw);
        for (const op of ['sum', 'mean'] as ReduceOp[])
          expectWithin(
            await call('reduce', [op, f32(x), shape, axes]),
            cpu.reduce(op, x, shape, axes),
            sumBound(op, x, shape, axes),
            `webgl ${op} [${shape}] axes [${axes}]`,
          );
        for (const op of ['max', 'min'] as ReduceOp[])
          expectExact(
            await call('reduce', [op, f32(x), shape, axes]),
            flushDenormals(cpu.reduce(op, x, shape, axes)),
            `webgl ${op} [${shape}] axes [${axes}]`,
          );
      },
    ),
    runs,
  );
  await fc.assert(
    fc.asyncProperty(
      shapeArb(1, 3).chain((shape) =>
        fc.tuple(fc.constant(shape), fc.nat(shape.length - 1), tensorArb(shape, 2, true)),
      ),
      async ([shape, axis, raw]) => {
        // the first maximum, a NaN counting as the maximum (comparisons spelled out in the kernel)
        const x = flushDenormals(raw);
        expectExact(
          await call('argmax', [f32(x), shape, axis]),
          cpu.argmax(x, shape, axis),
          `webgl argmax [${shape}] ${axis}`,
        );
      },
    ),
    runs,
  );
  await fc.assert(
    fc.asyncProperty(poolArb, async ([spec, x]) => {
      // padding never wins and a window wholly in the padding gives −1, as on the cpu
      const expected = cpu.maxPool2dIndices(x, spec);
      expectExact(
        await call('maxPool2dIndices', [f32(x), spec]),
        expected,
        `webgl maxPool2dIndices ${JSON.stringify(spec)}`,
      );
    }),
    runs,
  );
  await fc.assert(
    fc.asyncProperty(
      fc
        .record({
          m: fc.integer({ min: 1, max: 9 }),
          k: fc.integer({ min: 1, max: 40 }),
          n: fc.integer({ min: 1, max: 9 }),
        })
        .chain(({ m, k, n }) => fc.tuple(fc.constant({ m, k, n }), dataArb(m * k, 2), dataArb(k * n, 2))),
      async ([{ m, k, n }, rawA, rawB]) => {
        const [a, b] = [flushDenormals(rawA), flushDenormals(rawB)];
        const spec = { batch: 1, m, k, n, transposeA: false, transposeB: false, strideA: 0, strideB: 0 };
        expectWithin(
          await call('matmul', [f32(a), f32(b), spec]),
          cpu.matmul(a, b, spec),
          productBound(k, cpu.matmul(absolute(a), absolute(b), spec)),
          `webgl matmul ${JSON.stringify(spec)}`,
        );
      },
    ),
    {
      ...runs,
      // four products of 1.25·2⁻¹²⁸ (subnormal) summing to 1.25·2⁻¹²⁶: 0 where GLSL flushes
      // each product to zero, once beyond the bound's single 2⁻¹²⁶ (SwiftShader, m = 6, k = 4, n = 6)
      examples: [
        [[{ m: 1, k: 4, n: 1 }, new Float32Array(4).fill(2 ** -63), new Float32Array(4).fill(1.25 * 2 ** -65)]],
      ],
    },
  );
}
