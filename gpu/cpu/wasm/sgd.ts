/**
 * The fused SGD step of gpu/cpu/sgd.ts in WebAssembly SIMD: four float32 (f32x4) or two float64
 * (f64x2) lanes per step and a scalar tail, the same IEEE operations in the same order as the
 * definition there (each f32x4/f64x2 add, sub, mul is the correctly rounded operation, which is
 * what the definition's float64-then-round computes for float32; see binary.ts), so the results
 * are bit-identical. The weight, gradient and velocity are copied into the shared memory, the
 * step writes the new weight and velocity over the old ones there (each lane is read before it is
 * written), and those are copied out: three to five memcpys where the unfused tensor ops make
 * five to fifteen.
 *
 * One function per variant, so the loop holds no branch: weight decay or not; no momentum, the
 * first momentum step (v ← d) or a later one (v ← γ·v + (1 − dampening)·d); nesterov or not.
 */
import type { Data } from '../../backend.ts';
import type { Body, Local, ValueType } from './emit.ts';
import { defineWasmModule, float32View, float64View, instance, withScratch } from './runtime.ts';

/** Momentum handling: none, the first step (v ← d), a later step (v ← γ·v + (1 − dampening)·d). */
type Mode = 'plain' | 'first' | 'momentum';
const MODES: readonly Mode[] = ['plain', 'first', 'momentum'];

/** The options of sgdStep the kernel needs (gpu/cpu/sgd.ts's SgdHyper). */
interface Hyper {
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
}

const LANES = [
  { lane: 'f32', vector: 'f32x4', bytes: 4 },
  { lane: 'f64', vector: 'f64x2', bytes: 8 },
] as const;

function functionName(lane: string, decay: boolean, mode: Mode, nesterov: boolean): string {
  return `sgd_${lane}_${decay ? 'decay' : 'nodecay'}_${mode}${nesterov ? '_nesterov' : ''}`;
}

const sgdModule = defineWasmModule('optim.sgd', (m) => {
  for (const { lane, vector, bytes } of LANES) {
    for (const decay of [false, true]) {
      for (const mode of MODES) {
        for (const nesterov of mode === 'plain' ? [false] : [false, true]) {
          // name(w, g, v, wOut, vOut, n, eta, lambda, gamma, keep), byte addresses; keep = 1 − dampening
          const params: ValueType[] = ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', lane, lane, lane, lane];
          m.addFunction(functionName(lane, decay, mode, nesterov), params, [], (f, all) => {
            const [w, g, v, wOut, vOut, n, eta, lambda, gamma, keep] = all;
            const at = f.local('i32'),
              end = f.local('i32'),
              vectorEnd = f.local('i32');
            const splat = (scalar: Local) => {
              const local = f.local('v128');
              f.get(scalar).op(`${vector}.splat`).set(local);
              return local;
            };
            const scalars = { eta: splat(eta), lambda: splat(lambda), gamma: splat(gamma), keep: splat(keep) };
            const vectorLocals = { d: f.local('v128'), velocity: f.local('v128') };
            const laneLocals = { d: f.local(lane), velocity: f.local(lane) };
            f.get(n).i32(bytes).op('i32.mul').set(end);
            f.get(end).i32(-16).op('i32.and').set(vectorEnd);
            f.forRange(at, 0, vectorEnd, 16, () =>
              step(f, at, { w, g, v, wOut, vOut }, scalars, vectorLocals, vector, 'v128', decay, mode, nesterov),
            );
            const laneScalars = { eta, lambda, gamma, keep };
            f.forRange(at, vectorEnd, end, bytes, () =>
              step(f, at, { w, g, v, wOut, vOut }, laneScalars, laneLocals, lane, lane, decay, mode, nesterov),
            );
          });
        }
      }
    }
  }
});

/** The module, for its byte pin in the tests. */
export const wasmSgdModule = sgdModule;

/**
 * One element (scalar) or one vector of the step at byte offset `at`, in the definition's order:
 * d = g + w·λ; v' = γ·v + keep·d (or d); d = d + v'·γ (nesterov) or v'; w' = w − d·η.
 */
function step(
  f: Body,
  at: Local,
  p: { w: Local; g: Local; v: Local; wOut: Local; vOut: Local },
  s: { eta: Local; lambda: Local; gamma: Local; keep: Local },
  locals: { d: Local; velocity: Local },
  prefix: 'f32x4' | 'f64x2' | 'f32' | 'f64',
  memoryType: 'v128' | 'f32' | 'f64',
  decay: boolean,
  mode: Mode,
  nesterov: boolean,
): void {
  const address = (base: Local) => f.get(base).get(at).op('i32.add');
  const load = (base: Local) => address(base).memory(`${memoryType}.load`);
  const op = (name: 'add' | 'sub' | 'mul') => f.op(`${prefix}.${name}`);
  load(p.g);
  if (decay) {
    load(p.w).get(s.lambda);
    op('mul');
    op('add');
  }
  f.set(locals.d);
  if (mode !== 'plain') {
    if (mode === 'first') f.get(locals.d).set(locals.velocity);
    else {
      load(p.v).get(s.gamma);
      op('mul');
      f.get(locals.d).get(s.keep);
      op('mul');
      op('add');
      f.set(locals.velocity);
    }
    address(p.vOut).get(locals.velocity).memory(`${memoryType}.store`);
    if (nesterov) {
      f.get(locals.d).get(locals.velocity).get(s.gamma);
      op('mul');
      op('add');
      f.set(locals.d);
    } else f.get(locals.velocity).set(locals.d);
  }
  address(p.wOut);
  load(p.w).get(locals.d).get(s.eta);
  op('mul');
  op('sub');
  f.memory(`${memoryType}.store`);
}

/**
 * gpu/cpu/sgd.ts's step through the wasm loop: writes the new weight into `out` and, when
 * momentum ≠ 0, the new velocity into `velocityOut` (all of one dtype and length; the caller checks).
 * @example wasmSgdStep(w, g, undefined, { lr: 0.1, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }, out, undefined)
 */
export function wasmSgdStep(
  weight: Data,
  gradient: Data,
  velocity: Data | undefined,
  { lr, momentum, dampening, nesterov, weightDecay }: Hyper,
  out: Data,
  velocityOut: Data | undefined,
): void {
  const n = weight.length;
  const float64 = weight instanceof Float64Array;
  if ((momentum === 0) !== (velocityOut === undefined))
    throw new Error(`wasmSgdStep: velocityOut must be given exactly when momentum ≠ 0 (momentum ${momentum})`);
  const mode: Mode = momentum === 0 ? 'plain' : velocity === undefined ? 'first' : 'momentum';
  const bytes = float64 ? 8 : 4;
  const view = float64 ? float64View : float32View;
  withScratch((alloc) => {
    const pw = alloc(bytes * n),
      pg = alloc(bytes * n),
      pv = mode === 'momentum' || mode === 'first' ? alloc(bytes * n) : 0;
    view(pw, n).set(weight);
    view(pg, n).set(gradient);
    if (mode === 'momentum') view(pv, n).set(velocity!);
    const name = functionName(float64 ? 'f64' : 'f32', weightDecay !== 0, mode, mode !== 'plain' && nesterov);
    const kernel = instance(sgdModule).exports[name] as (...args: number[]) => void;
    // the kernel takes the scalars at its lane type: float32 parameters round them as a float32 scalar tensor does
    kernel(pw, pg, pv, pw, pv, n, lr, weightDecay, momentum, 1 - dampening);
    out.set(view(pw, n));
    if (velocityOut) velocityOut.set(view(pv, n));
  });
}
