/**
 * SGD on the cpu backend takes the fused step (src/optim/fused-sgd.ts); these runs check that its
 * parameters and velocity buffers stay bit-identical, step after step, to the tensor ops of
 * sgd.ts's definition applied by hand, float32 and float64, in every variant (weight decay,
 * momentum with and without a buffer set before the first step, dampening, nesterov), with
 * sizes on both sides of the wasm threshold.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import { Parameter } from '../../src/nn/index.ts';
import { SGD } from '../../src/optim/index.ts';
import { expectIdentical } from '../helpers/wasm-checks.ts';

describe('SGD: the fused cpu step', () => {
  it('equals the unfused tensor ops bit for bit over several steps', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('float32' as const, 'float64' as const),
        fc.constantFrom(7, 2053, 4100),
        fc.record({
          lr: fc.double({ min: 1e-4, max: 1, noNaN: true }),
          momentum: fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 0.99, noNaN: true })),
          dampening: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
          nesterov: fc.boolean(),
          weightDecay: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
        }),
        fc.boolean(),
        fc.nat(1000),
        (dtype, n, options, presetBuffer, seed) => {
          const nesterov = options.nesterov && options.momentum > 0 && options.dampening === 0;
          const { lr, momentum, dampening, weightDecay } = options;
          const parameter = new Parameter(ad.randomNormal([n], { seed, dtype }));
          const optimizer = new SGD([parameter], { ...options, nesterov });
          let weight = parameter.value.detach();
          let velocity: ad.Tensor | undefined;
          if (presetBuffer && momentum > 0) {
            velocity = ad.randomNormal([n], { seed: seed + 1, dtype });
            optimizer.setMomentumBuffer(parameter, velocity);
          }
          for (let t = 0; t < 3; t++) {
            const gradient = ad.randomNormal([n], { seed: seed + 2 + t, dtype });
            parameter.value.mul(gradient).sum().backward(); // ∂/∂w Σ w·g = g
            optimizer.step();
            ad.noGrad(() => {
              let direction = weightDecay === 0 ? gradient : gradient.add(weight.mul(weightDecay));
              if (momentum !== 0) {
                velocity =
                  velocity === undefined ? direction : velocity.mul(momentum).add(direction.mul(1 - dampening));
                direction = nesterov ? direction.add(velocity.mul(momentum)) : velocity;
              }
              weight = weight.sub(direction.mul(lr));
            });
            const what = `${dtype} n=${n} ${JSON.stringify({ ...options, nesterov })} step ${t}`;
            expect(parameter.value.dtype).toBe(dtype);
            expect(parameter.value.shape).toEqual([n]);
            expectIdentical(parameter.value.data, weight.data, `weight ${what}`);
            if (momentum !== 0)
              expectIdentical(optimizer.momentumBuffer(parameter)!.data, velocity!.data, `velocity ${what}`);
            else expect(optimizer.momentumBuffer(parameter)).toBeUndefined();
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
