/**
 * The torch peer: bench/peers/torch_ops.py, one process per measurement (as the numpy peer), run by
 * the first of `python3` and Debian's `/usr/bin/python3` that imports torch (apt's python3-torch
 * lives beside the system python, not in a pyenv one). torch's intra-op threads and OpenBLAS's are
 * set to ours; the BLAS the process mapped is reported. Debian's OpenBLAS 0.3.21 does not recognize
 * an unnamed virtual CPU ("Intel(R) Xeon(R) Processor") and falls back to its generic Prescott
 * kernels (sgemm 512: 20 ms against 7.5 ms with Haswell's, one thread, measured here), so where it
 * reports Prescott on a CPU with AVX2 the peer sets OPENBLAS_CORETYPE (SkylakeX with AVX-512,
 * else Haswell), as numpy's own OpenBLAS detects by itself; the line printed names the core. Where
 * no python has torch, `torchPeer()` says why instead.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./torch_ops.py', import.meta.url));
const pythons = ['python3', '/usr/bin/python3'];

export interface TorchResult {
  ms: number;
  blas: string;
  threads: number;
  torch: string;
}

/** The OpenBLAS kernel set this CPU supports, from /proc/cpuinfo's flags (undefined: unknown or no AVX2). */
function coreTypeOfCpu(): string | undefined {
  try {
    const flags =
      readFileSync('/proc/cpuinfo', 'utf8')
        .match(/^flags\s*:(.*)$/m)?.[1]
        .split(' ') ?? [];
    return flags.includes('avx512f') ? 'SkylakeX' : flags.includes('avx2') ? 'Haswell' : undefined;
  } catch {
    return undefined;
  }
}

function run(python: string, threads: number, workload: readonly (string | number)[], coreType?: string): TorchResult {
  const env: Record<string, string | undefined> = {
    ...process.env,
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_NUM_THREADS: String(threads),
  };
  if (coreType) env.OPENBLAS_CORETYPE = coreType;
  const child = spawnSync(python, [script, String(threads), ...workload.map(String)], { encoding: 'utf8', env });
  if (child.error || child.status !== 0)
    throw new Error(
      `torchMs: ${python} ${workload.join(' ')} failed: ${child.error?.message ?? child.stderr.trim().split('\n').at(-1)}`,
    );
  return JSON.parse(child.stdout) as TorchResult;
}

/**
 * Whether the torch peer can run here: the python that has it, its BLAS and version, or why it is skipped.
 * @example const peer = torchPeer(2); if (peer.available) console.log(torchMs(peer, ['mlp', 128]).ms);
 */
export function torchPeer(
  threads: number,
):
  | { available: true; python: string; threads: number; coreType?: string; blas: string; version: string }
  | { available: false; reason: string } {
  const reasons: string[] = [];
  for (const python of pythons) {
    try {
      const probe = run(python, threads, ['matmul', 8]);
      const coreType = / Prescott$/.test(probe.blas) && !process.env.OPENBLAS_CORETYPE ? coreTypeOfCpu() : undefined;
      const blas = coreType ? run(python, threads, ['matmul', 8], coreType).blas : probe.blas;
      return { available: true, python, threads, coreType, blas, version: probe.torch };
    } catch (error) {
      reasons.push((error as Error).message);
    }
  }
  return { available: false, reason: reasons.join('; ') };
}

/**
 * Runs one workload under torch with the peer's python and thread count; throws with python's message on failure.
 * @example torchMs(peer, ['matmul', 512]).ms
 */
export function torchMs(
  peer: { python: string; threads: number; coreType?: string },
  workload: readonly (string | number)[],
): TorchResult {
  return run(peer.python, peer.threads, workload, peer.coreType);
}
