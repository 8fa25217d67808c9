/**
 * Which backend runs the kernels: `THEORYGRAD_BACKEND` ('cpu' or 'gpujs') picks the
 * default, and `withBackend(name, fn)` switches for one block of code.
 *
 * The default is `cpu` unless the environment says otherwise: in Node without a GPU,
 * gpu.js runs in WebAssembly mode, which is slower than the plain TypeScript loops
 * (DESIGN.md, gpu/). The gpu.js backend is loaded only when first asked for.
 */
import type { Backend } from './backend.ts';
import { cpuBackend } from './cpu/index.ts';
import { createGpuJsBackend } from './gpujs/index.ts';

export type BackendName = 'cpu' | 'gpujs';

const loaded = new Map<BackendName, Backend>([['cpu', cpuBackend]]);
let active: Backend | undefined;

/** The backend called `name`, created on first use. */
export function backendByName(name: string): Backend {
  if (name !== 'cpu' && name !== 'gpujs') {
    throw new Error(`backend: unknown backend '${name}', expected 'cpu' or 'gpujs'`);
  }
  let backend = loaded.get(name);
  if (!backend) {
    backend = createGpuJsBackend();
    loaded.set(name, backend);
  }
  return backend;
}

/** The backend in force: set by withBackend, else THEORYGRAD_BACKEND, else cpu. */
export function currentBackend(): Backend {
  active ??= backendByName(process.env.THEORYGRAD_BACKEND ?? 'cpu');
  return active;
}

/**
 * Runs fn with `name` (or a Backend object, e.g. a test double) as the active backend and
 * restores the previous one afterwards.
 * @example withBackend('gpujs', () => matmul(a, b))
 */
export function withBackend<T>(name: BackendName | Backend, fn: () => T): T {
  const previous = currentBackend();
  active = typeof name === 'string' ? backendByName(name) : name;
  try {
    return fn();
  } finally {
    active = previous;
  }
}

/**
 * withBackend for work that awaits: `name` stays the active backend until fn's promise
 * settles (so nothing else may switch backends meanwhile; the paper harness runs one paper).
 * @example await withBackendAsync('cpu', async () => fitKernelRegression(...))
 */
export async function withBackendAsync<T>(name: BackendName, fn: () => Promise<T>): Promise<T> {
  const previous = currentBackend();
  active = backendByName(name);
  try {
    return await fn();
  } finally {
    active = previous;
  }
}
