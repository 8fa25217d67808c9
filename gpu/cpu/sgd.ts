/**
 * One SGD step over a parameter's flat storage in a single pass (src/optim/sgd.ts's update,
 * fused): read the weight, the gradient and the velocity once, write the new weight and the new
 * velocity once, where the same step as tensor ops makes two to six passes and as many fresh arrays.
 *
 * The definition below repeats the tensor ops' arithmetic exactly, operation by operation and in
 * their order (sgd.ts: g + w·λ, v·γ + d·(1 − dampening), d + v·γ, w − d·η), each rounded to the
 * dtype as a binary op rounds it (float32: the float64 result of two float32 operands rounded to
 * float32, i.e. the correctly rounded float32 operation; see wasm/binary.ts), and the scalars
 * rounded to the dtype as `x.mul(lr)` rounds them (operand.ts: a scalar tensor of x's dtype). So
 * the fused step is bit-identical to the unfused one, float32 and float64. float32 and float64
 * arrays from WASM_MIN_ELEMENTS on run the same operations in WebAssembly SIMD (wasm/sgd.ts).
 */
import type { Data } from '../backend.ts';
import { wasmEnabled } from './wasm/runtime.ts';
import { wasmSgdStep } from './wasm/sgd.ts';

/** The hyperparameters of one step, as SGD holds them (plain numbers; rounded to the dtype here). */
export interface SgdHyper {
  /** Learning rate η. */
  lr: number;
  /** Momentum γ (0: no velocity). */
  momentum: number;
  /** Dampening d. */
  dampening: number;
  nesterov: boolean;
  /** L2 weight decay λ (0: none). */
  weightDecay: number;
}

/** The new weight and, when momentum ≠ 0, the new velocity. */
export interface SgdResult {
  weight: Data;
  velocity?: Data;
}

/**
 * From this many elements on, the step runs in wasm. Measured here (2 shared cores, load ≈ 8,
 * float32, no momentum, best of 3 medians), unfused binary ops → fused TypeScript → fused wasm:
 * 1024 elements 0.029 → 0.016 → 0.016 ms, 2048 0.043 → 0.027 → 0.014, 65536 0.30 → 0.74 → 0.15,
 * 401408 3.3 → 5.5 → 1.6 (the plain loop's Math.fround costs more than the copies save).
 */
const WASM_MIN_ELEMENTS = 2048;

/**
 * The step w ← w − η·dir of torch.optim.SGD on flat arrays of one dtype and length; `velocity`
 * is the previous velocity (undefined on the first momentum step, when v ← d).
 * @example
 *   sgdStep(new Float32Array([1]), new Float32Array([2]), undefined,
 *     { lr: 0.5, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }).weight // [0]
 */
export function sgdStep(weight: Data, gradient: Data, velocity: Data | undefined, hyper: SgdHyper): SgdResult {
  const n = weight.length;
  const float64 = weight instanceof Float64Array;
  const mismatch = (x: Data) => x.length !== n || x instanceof Float64Array !== float64;
  if (mismatch(gradient) || (velocity !== undefined && mismatch(velocity)))
    throw new Error(
      `sgdStep: weight, gradient and velocity must share one dtype and length, got weight ${weight.length}, gradient ${gradient.length}, velocity ${velocity?.length ?? 'none'}`,
    );
  const out = float64 ? new Float64Array(n) : new Float32Array(n);
  const velocityOut = hyper.momentum === 0 ? undefined : float64 ? new Float64Array(n) : new Float32Array(n);
  if (n >= WASM_MIN_ELEMENTS && wasmEnabled()) wasmSgdStep(weight, gradient, velocity, hyper, out, velocityOut);
  else definition(weight, gradient, velocity, hyper, out, velocityOut);
  return velocityOut ? { weight: out, velocity: velocityOut } : { weight: out };
}

/**
 * The readable definition (and the path under WASM_MIN_ELEMENTS or with THEORYGRAD_WASM=0): float32
 * rounds after every operation (Math.fround), float64 needs no rounding. Two loops rather than one
 * with a rounding function chosen by dtype: that call site turns polymorphic and V8 ran the loop
 * 3–15× slower (measured here, 401408 elements).
 */
function definition(
  w: Data,
  g: Data,
  v: Data | undefined,
  { lr, momentum, dampening, nesterov, weightDecay }: SgdHyper,
  out: Data,
  velocityOut: Data | undefined,
): void {
  const first = v === undefined;
  if (w instanceof Float64Array) {
    const keep = 1 - dampening;
    for (let i = 0; i < w.length; i++) {
      let d = weightDecay === 0 ? g[i] : g[i] + w[i] * weightDecay;
      if (velocityOut) {
        const velocity = first ? d : v[i] * momentum + d * keep;
        velocityOut[i] = velocity;
        d = nesterov ? d + velocity * momentum : velocity;
      }
      out[i] = w[i] - d * lr;
    }
    return;
  }
  const round = Math.fround;
  const [eta, lambda, gamma, keep] = [round(lr), round(weightDecay), round(momentum), round(1 - dampening)];
  for (let i = 0; i < w.length; i++) {
    let d = weightDecay === 0 ? g[i] : round(g[i] + round(w[i] * lambda));
    if (velocityOut) {
      const velocity = first ? d : round(round(v[i] * gamma) + round(d * keep));
      velocityOut[i] = velocity;
      d = nesterov ? round(d + round(velocity * gamma)) : velocity;
    }
    out[i] = round(w[i] - round(d * eta));
  }
}
