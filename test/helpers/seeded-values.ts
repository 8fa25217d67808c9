/** Deterministic test operands without fast-check's shrinking machinery, for large arrays. */
import type { Data, DType } from '../../gpu/backend.ts';

/** Values in [−2, 2) from a seed (mulberry32). */
export function seededValues(length: number, seed: number, dtype: DType): Data {
  const out = dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 4 - 2;
  }
  return out;
}
