/**
 * The numpy peer: bench/peers/numpy_ops.py run by python3, one process per measurement (so
 * rounds can alternate with ours), reporting the BLAS numpy was built with. Where python3 or
 * numpy is missing, `numpyPeer()` says why instead.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./numpy_ops.py', import.meta.url));

export interface NumpyResult {
  ms: number;
  blas: string;
  threads: number | null;
  numpy: string;
}

/**
 * Runs one workload under numpy; throws with python's message on failure.
 * @example numpyMs(['matmul', 512]).ms
 */
export function numpyMs(workload: readonly (string | number)[]): NumpyResult {
  const run = spawnSync('python3', [script, ...workload.map(String)], { encoding: 'utf8' });
  if (run.error || run.status !== 0)
    throw new Error(`numpyMs: python3 ${workload.join(' ')} failed: ${run.error?.message ?? run.stderr.trim()}`);
  return JSON.parse(run.stdout) as NumpyResult;
}

/**
 * Whether the numpy peer can run here: `{ available: true, blas }`, or the reason it is skipped.
 * @example const peer = numpyPeer(); if (!peer.available) console.log(`skipped: numpy (${peer.reason})`);
 */
export function numpyPeer(): { available: true; blas: string; version: string } | { available: false; reason: string } {
  try {
    const probe = numpyMs(['matmul', 8]);
    return { available: true, blas: probe.blas, version: probe.numpy };
  } catch (error) {
    return { available: false, reason: (error as Error).message.split('\n').at(-1) ?? String(error) };
  }
}
