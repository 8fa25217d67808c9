/** Allocation of flat storage for the CPU backend. */
import type { Data, DType } from '../backend.ts';

export function allocate(size: number, dtype: DType): Data {
  return dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
}

export function dtypeOf(x: Data): DType {
  return x instanceof Float64Array ? 'float64' : 'float32';
}
