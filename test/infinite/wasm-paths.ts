/** The wasm covariance tests' switch: a computation with the wasm kernels on, then off. */
import { useWasmRows } from '../../gpu/cpu/infinite/wasm-rows.ts';

/** `f` with the wasm kernels on, then off (the caller's afterEach restores the default). */
export function bothPaths<T>(f: () => T): [T, T] {
  useWasmRows(true);
  const wasm = f();
  useWasmRows(false);
  return [wasm, f()];
}
