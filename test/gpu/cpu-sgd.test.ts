/**
 * The fused SGD step (gpu/cpu/sgd.ts and its wasm loop, wasm/sgd.ts) against the unfused step it
 * replaces, bit for bit: the same update composed from the cpu backend's binary kernels
 * (elementwise.ts, scalars as one-element arrays of the dtype, as operand.ts makes them), on
 * random lengths around the vector steps and the wasm threshold, every variant (weight decay,
 * no / first / later momentum step, nesterov), float32 and float64, with NaN, ±Inf, ±0 planted.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Data } from '../../gpu/backend.ts';
import { binary } from '../../gpu/cpu/elementwise.ts';
import { sgdStep, type SgdHyper } from '../../gpu/cpu/sgd.ts';
import { wasmSgdModule } from '../../gpu/cpu/wasm/sgd.ts';
import { setWasmEnabled, wasmEnabled } from '../../gpu/cpu/wasm/runtime.ts';
import { valuesWithSpecials, expectIdentical, expectPinnedModule } from '../helpers/wasm-checks.ts';

const wasmPresent = wasmEnabled();

/** src/optim/sgd.ts's tensor ops, as the binary kernels they run on the cpu backend. */
function unfused(w: Data, g: Data, v: Data | undefined, h: SgdHyper): { weight: Data; velocity?: Data } {
  const shape = [w.length];
  const scalar = (x: number) => (w instanceof Float64Array ? new Float64Array([x]) : new Float32Array([x]));
  const op = (name: 'add' | 'sub' | 'mul', a: Data, b: Data) =>
    binary(name, a, shape, b, b.length === 1 && w.length !== 1 ? [] : shape, shape);
  let direction = h.weightDecay === 0 ? g : op('add', g, op('mul', w, scalar(h.weightDecay)));
  let velocity: Data | undefined;
  if (h.momentum !== 0) {
    velocity =
      v === undefined
        ? direction
        : op('add', op('mul', v, scalar(h.momentum)), op('mul', direction, scalar(1 - h.dampening)));
    direction = h.nesterov ? op('add', direction, op('mul', velocity, scalar(h.momentum))) : velocity;
  }
  return { weight: op('sub', w, op('mul', direction, scalar(h.lr))), velocity };
}

const hypers = fc.record({
  lr: fc.oneof(fc.constant(0.01), fc.double({ min: 0, max: 10, noNaN: true })),
  momentum: fc.oneof(fc.constant(0), fc.constant(0.9), fc.double({ min: 0, max: 2, noNaN: true })),
  dampening: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
  nesterov: fc.boolean(),
  weightDecay: fc.oneof(fc.constant(0), fc.constant(5e-4), fc.double({ min: 0, max: 1, noNaN: true })),
});

function check(
  n: number,
  type: Float32ArrayConstructor | Float64ArrayConstructor,
  h: SgdHyper,
  hasVelocity: boolean,
  seed: number,
  at: number[],
) {
  const w = valuesWithSpecials(type, n, seed, at);
  const g = valuesWithSpecials(
    type,
    n,
    seed + 1,
    at.map((p) => p * 5 + 2),
  );
  const v = hasVelocity
    ? valuesWithSpecials(
        type,
        n,
        seed + 2,
        at.map((p) => p * 3 + 1),
      )
    : undefined;
  const what = `${type.name} n=${n} ${JSON.stringify(h)} velocity=${hasVelocity}`;
  const expected = unfused(w, g, v, h);
  const fused = sgdStep(w, g, v, h);
  expectIdentical(fused.weight, expected.weight, `weight ${what}`);
  if (h.momentum === 0) expect(fused.velocity, what).toBeUndefined();
  else expectIdentical(fused.velocity!, expected.velocity!, `velocity ${what}`);
}

describe('fused SGD step', () => {
  it.runIf(wasmPresent)('emits the same module bytes every time (SHA-256 pinned)', () => {
    expectPinnedModule(wasmSgdModule, 'ae059cc7e9f3099e66a89b7f110afa916d92e86380ec9fd999a10e10f19102f6');
  });

  for (const path of wasmPresent ? ['wasm', 'typescript'] : ['typescript']) {
    it(`equals the unfused binary ops bit for bit (${path} path; every variant, float32 and float64, specials)`, () => {
      setWasmEnabled(path === 'wasm');
      try {
        fc.assert(
          fc.property(
            fc.oneof(
              fc.integer({ min: 1, max: 40 }),
              fc.integer({ min: 2000, max: 2100 }),
              fc.integer({ min: 4090, max: 5000 }),
            ),
            fc.constantFrom(Float32Array, Float64Array),
            hypers,
            fc.boolean(),
            fc.nat(1000),
            fc.array(fc.nat(), { maxLength: 12 }),
            (n, type, h, hasVelocity, seed, at) => check(n, type, h, hasVelocity, seed, at),
          ),
          { numRuns: 200 },
        );
      } finally {
        setWasmEnabled(wasmPresent);
      }
    });
  }

  it('names itself and the lengths when the operands differ', () => {
    const h = { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
    expect(() => sgdStep(new Float32Array(3), new Float32Array(2), undefined, h)).toThrow(
      /sgdStep: .*weight 3, gradient 2/,
    );
    expect(() => sgdStep(new Float32Array(3), new Float64Array(3), undefined, h)).toThrow(/sgdStep: .*dtype/);
  });
});
