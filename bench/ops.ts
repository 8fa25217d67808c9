/**
 * `npm run bench`: our cpu backend, with its WebAssembly SIMD kernels ('wasm') and with the plain
 * TypeScript ones ('ts', as THEORYGRAD_WASM=0 runs), beside TensorFlow.js (cpu and wasm backends),
 * numpy and torch (python3, where installed; their BLAS is printed, torch runs on our thread
 * count), our gpujs backend and a naive gpu.js matmul kernel, on float32 matmul, conv2d forward
 * and one MLP training step. Every system is measured once per round, rounds alternate, and each
 * figure is the best round's median: on a shared machine the ratios are more robust than the
 * figures. The load average and the process's peak RSS are printed. Flags: --quick (one round,
 * fewer repeats, no n = 1024), --no-gpujs, --no-peers (ours only), --only matmul|conv|mlp,
 * --ours both|wasm|ts (for the RSS of one path).
 */
import { availableParallelism, loadavg } from 'node:os';
import { withBackend, backendByName } from '../autodiff/index.ts';
import { naiveMatmulKernel, type GpuJsBackend } from '../gpu/gpujs/index.ts';
import { setWasmEnabled, wasmEnabled } from '../gpu/cpu/wasm/runtime.ts';
import { threadCount } from '../gpu/cpu/threads.ts';
import { commandLine } from '../src/report/index.ts';
import { medianMs, matmulGflops, type TimingOptions } from './timing.ts';
import { oursConv, oursMatmul, oursMlpStep } from './ours.ts';
import { tfConv, tfMatmul, tfMlpStep, useTfBackend, type TfBackend } from './peers/tfjs.ts';
import { numpyMs, numpyPeer } from './peers/numpy.ts';
import { torchMs, torchPeer } from './peers/torch.ts';

const flags = commandLine(
  {
    quick: { kind: 'boolean', description: 'one round, fewer repeats, and no n = 1024' },
    noGpujs: { kind: 'boolean', description: 'skip the (slow) gpu.js webasm runs' },
    noPeers: { kind: 'boolean', description: 'skip tfjs, numpy and torch' },
    only: { kind: 'string', description: 'one workload', choices: ['matmul', 'conv', 'mlp'] },
    ours: {
      kind: 'string',
      description: 'which of our cpu paths run',
      choices: ['both', 'wasm', 'ts'],
      default: 'both',
    },
  },
  {
    program: 'bench/ops',
    command: 'npx tsx bench/ops.ts [flags]',
    about: ['Our cpu backend (wasm and TypeScript kernels) beside TensorFlow.js, numpy and torch, as ratios.'],
  },
);
const timing: TimingOptions = flags.quick ? { warmup: 1, minRepeats: 2, maxRepeats: 5, minTotalMs: 200 } : {};
const rounds = flags.quick ? 1 : 3;
const sizes = flags.quick ? [128, 256, 512] : [128, 256, 512, 1024];
const conv = { batch: 32, inChannels: 16, outChannels: 32, size: 32, kernel: 3 };
const mlpBatch = 128;
const log = (message: string) => process.stderr.write(`${message}\n`);

/** A system's measurement of one workload, in ms (undefined: it does not run this workload). */
type Measure = () => Promise<number>;
interface Workload {
  name: string;
  unit: 'GFLOP/s' | 'ms';
  /** ms → the figure shown. */
  figure: (ms: number) => number;
  systems: Record<string, Measure>;
}

const wasmPresent = wasmEnabled();
const ourPaths = (['wasm', 'ts'] as const).filter(
  (path) => (flags.ours === 'both' || flags.ours === path) && (path === 'ts' || wasmPresent),
);
const gpujs = flags.noGpujs ? undefined : (backendByName('gpujs') as GpuJsBackend);
const numpy = flags.noPeers ? undefined : numpyPeer();
// torch gets our thread count (its intra-op pool and OpenBLAS's), so the comparison is per core budget
const torch = flags.noPeers ? undefined : torchPeer(threadCount());

/** Our cpu backend with the wasm kernels on or off, and the gpujs backend. */
function ours(make: () => () => void): Record<string, Measure> {
  const systems: Record<string, Measure> = {};
  for (const path of ourPaths) {
    const fn = make();
    systems[path] = async () => {
      setWasmEnabled(path === 'wasm');
      try {
        return await medianMs(() => withBackend('cpu', fn), timing);
      } finally {
        setWasmEnabled(wasmPresent);
      }
    };
  }
  if (gpujs) {
    const fn = make();
    systems.gpujs = () => medianMs(() => withBackend('gpujs', fn), timing);
  }
  return systems;
}

function peers(
  make: () => { run: () => Promise<void>; dispose: () => void },
  pythonArgs: (string | number)[],
): Record<string, Measure> {
  if (flags.noPeers) return {};
  const systems: Record<string, Measure> = {};
  for (const name of ['cpu', 'wasm'] as TfBackend[]) {
    systems[`tfjs-${name}`] = async () => {
      await useTfBackend(name);
      const workload = make();
      const ms = await medianMs(workload.run, timing);
      workload.dispose();
      return ms;
    };
  }
  if (numpy?.available) systems.numpy = async () => numpyMs(pythonArgs).ms;
  if (torch?.available) systems.torch = async () => torchMs(torch, pythonArgs).ms;
  return systems;
}

function workloads(): Workload[] {
  const list: Workload[] = [];
  if (!flags.only || flags.only === 'matmul') {
    for (const n of sizes) {
      const systems = { ...ours(() => oursMatmul(n)), ...peers(() => tfMatmul(n), ['matmul', n]) };
      if (gpujs) {
        const kernel = naiveMatmulKernel(gpujs.runtime, n, n, n);
        const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
        systems['naive gpu.js'] = () => medianMs(() => kernel(a, a), timing);
      }
      list.push({ name: `matmul ${n}×${n}, float32`, unit: 'GFLOP/s', figure: (ms) => matmulGflops(n, ms), systems });
    }
  }
  const { batch, inChannels, outChannels, size, kernel } = conv;
  if (!flags.only || flags.only === 'conv')
    list.push({
      name: `conv2d fwd ${batch}×${inChannels}→${outChannels}, ${size}², 3×3`,
      unit: 'ms',
      figure: (ms) => ms,
      systems: {
        ...ours(() => oursConv(batch, inChannels, outChannels, size, kernel)),
        ...peers(
          () => tfConv(batch, inChannels, outChannels, size, kernel),
          ['conv', batch, inChannels, outChannels, size, kernel],
        ),
      },
    });
  if (!flags.only || flags.only === 'mlp')
    list.push({
      name: `MLP step 784-512-10, batch ${mlpBatch}`,
      unit: 'ms',
      figure: (ms) => ms,
      systems: { ...ours(() => oursMlpStep(mlpBatch)), ...peers(() => tfMlpStep(mlpBatch), ['mlp', mlpBatch]) },
    });
  return list;
}

/** Best (lowest) ms per system over alternating rounds. */
async function measure(workload: Workload): Promise<Record<string, number>> {
  const best: Record<string, number> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [system, run] of Object.entries(workload.systems)) {
      const ms = await run();
      best[system] = Math.min(best[system] ?? Infinity, ms);
    }
  }
  return best;
}

async function main(): Promise<void> {
  const load = loadavg();
  log(
    `cpu backend: ${threadCount()} threads; wasm kernels ${wasmPresent ? 'on' : 'off (THEORYGRAD_WASM=0 or no SIMD)'}`,
  );
  if (gpujs) log(`gpujs: ${gpujs.describe()}`);
  const lines: string[] = [];
  if (numpy && !numpy.available) lines.push(`skipped: numpy (${numpy.reason})`);
  if (numpy?.available) lines.push(`numpy ${numpy.version}, BLAS: ${numpy.blas}`);
  if (torch && !torch.available) lines.push(`skipped: torch (${torch.reason})`);
  if (torch?.available)
    lines.push(
      `torch ${torch.version} (${torch.python}, ${torch.threads} threads${
        torch.coreType ? `, OPENBLAS_CORETYPE=${torch.coreType}` : ''
      }), BLAS: ${torch.blas}`,
    );
  const table: { workload: Workload; ms: Record<string, number> }[] = [];
  for (const workload of workloads()) {
    log(`${workload.name}…`);
    table.push({ workload, ms: await measure(workload) });
  }
  printTable(table);
  for (const line of lines) console.log(line);
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `load average before ${load.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; peak RSS ${peakMiB.toFixed(0)} MiB`,
  );
  // Threaded BLAS peers busy-wait between calls: with more runnable threads than cores they lose
  // far more than we do (numpy's MLP step, 2 threads: 2.3 ms idle, 150 ms at load 12 on 2 cores).
  const cores = availableParallelism();
  if (Math.max(load[0], loadavg()[0]) > cores)
    console.log(`warning: load average above the ${cores} cores; the ratios to the threaded peers are not meaningful`);
}

/** One table: each system's figure, then ours ('wasm', else 'ts') relative to each other system (>1: ours is better). */
function printTable(table: { workload: Workload; ms: Record<string, number> }[]): void {
  const order = ['wasm', 'ts', 'gpujs', 'tfjs-cpu', 'tfjs-wasm', 'numpy', 'torch', 'naive gpu.js'];
  const systems = order.filter((s) => table.some((row) => row.ms[s] !== undefined));
  const ours = systems[0];
  const others = systems.slice(1);
  const header = ['workload', 'unit', ...systems, ...others.map((peer) => `${ours} vs ${peer}`)];
  const format = (v: number | undefined) =>
    v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  const body = table.map(({ workload, ms }) => [
    workload.name,
    workload.unit,
    ...systems.map((s) => format(ms[s] === undefined ? undefined : workload.figure(ms[s]))),
    // a time ratio for either unit: how many times faster ours ran
    ...others.map((peer) =>
      ms[peer] === undefined || ms[ours] === undefined ? '–' : `${(ms[peer] / ms[ours]).toFixed(2)}×`,
    ),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
  console.log(`\nRatios: how many times faster our cpu backend ('${ours}') ran than each other system (time ratio).`);
}

await main();
