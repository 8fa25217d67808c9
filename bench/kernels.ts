/**
 * `npx tsx bench/kernels.ts`: the infinite-width kernels (src/infinite) on the cpu and gpujs
 * backends, float32 and float64 (gpujs: float32 only), beside a vectorized numpy implementation
 * of the same recursion (OpenBLAS, 2 threads, float32), whose figures, measured on this
 * machine, are fixed reference columns:
 *   CNTK-V 32×32×3 depth 11: 10,500 pairs/s; CNTK-GAP 16×16×3 depth 6: 280 pairs/s;
 *   CNTK-GAP 8×8×3 depth 6: 3,600 pairs/s; FC NTK n = 5000, d = 100, depth 5: 1.0 s.
 * Throughput is over distinct image sets (x1 ≠ x2, so no symmetry savings); the FC NTK is the
 * NTK matrix (ntkMatrix, the peer's H) of one set with itself (symmetry used). Each figure is the best of several runs, the
 * backends interleaved, since the machine is shared. The cpu's float32 runs twice, with the
 * covariance steps (Σ⁰, the ReLU rows, the patch sums) in WebAssembly SIMD ('wasm',
 * gpu/cpu/infinite/wasm-rows.ts, wasm-input.ts) and in TypeScript ('ts', as with
 * THEORYGRAD_WASM=0), switched in process, so 'wasm / ts' compares them in one run; the
 * last line gives the process's peak RSS. Flags: --quick (fewer sizes and repeats), --no-gpujs,
 * --focus (only the workloads with goals in issue #21: CNTK-GAP 16×16 depth 6, CNTK-V 32×32
 * depth 11, the FC NTK).
 */
import { loadavg } from 'node:os';
import * as ad from '../autodiff/index.ts';
import { cntk, fullyConnected, infiniteKernels, kernelMatrix, ntkMatrix, type Network } from '../src/infinite/index.ts';
import { commandLine, formatTable } from '../src/report/index.ts';
import { threadCount } from '../gpu/cpu/threads.ts';
import { useWasmRows } from '../gpu/cpu/infinite/wasm-rows.ts';
import { wasmEnabled } from '../gpu/cpu/wasm/runtime.ts';

const {
  quick,
  noGpujs: skipGpuJs,
  focus,
} = commandLine(
  {
    quick: { kind: 'boolean', description: 'fewer sizes and repeats' },
    noGpujs: { kind: 'boolean', description: 'skip the (slow) gpu.js webasm runs' },
    focus: { kind: 'boolean', description: "only issue #21's goal workloads (GAP 16 depth 6, V 32 depth 11, FC NTK)" },
  },
  {
    program: 'bench/kernels',
    command: 'npx tsx bench/kernels.ts [flags]',
    about: ['Infinite-width kernel throughput on both backends, beside a numpy reference.'],
  },
);
const repeats = quick ? 2 : 4;
/** Seconds one timed run should take (the image counts grow until it does). */
const targetSeconds = quick ? 0.3 : 1;
const log = (message: string) => process.stderr.write(`${message}\n`);

/** wasm: the cpu's covariance steps in wasm (true) or TypeScript (false); undefined where there is no wasm path. */
type Setting = { backend: 'cpu' | 'gpujs'; dtype: ad.DType; wasm?: boolean };
const settings: Setting[] = [
  ...(wasmEnabled() ? [{ backend: 'cpu' as const, dtype: 'float32' as const, wasm: true }] : []),
  { backend: 'cpu', dtype: 'float32', wasm: false },
  { backend: 'cpu', dtype: 'float64' },
  ...(skipGpuJs ? [] : [{ backend: 'gpujs' as const, dtype: 'float32' as const }]),
];
const label = ({ backend, dtype, wasm }: Setting) =>
  `${backend} ${dtype}${wasm === undefined ? '' : wasm ? ' wasm' : ' ts'}`;
/** Runs `fn` on the setting's backend, with its wasm switch. */
function within<T>(setting: Setting, fn: () => T): T {
  useWasmRows(setting.wasm);
  try {
    return ad.withBackend(setting.backend, fn);
  } finally {
    useWasmRows(undefined);
  }
}

/** numpy's figures (pairs/s, or seconds for the FC NTK), keyed by workload. */
const peer: Record<string, number> = {
  'CNTK-V 32×32 depth 11': 10_500,
  'CNTK-GAP 16×16 depth 6': 280,
  'CNTK-GAP 8×8 depth 6': 3_600,
  'FC NTK n=5000 d=100 depth 5': 1.0,
};
/** What we aim for against the peer: the same on the GAP path, half elsewhere. */
const goal = (workload: string) => (workload.startsWith('CNTK-GAP') ? 1 : 0.5);

function seconds(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return (performance.now() - start) / 1000;
}

/** Images per side so that one run takes about targetSeconds, from a probe run. */
function sideFor(network: Network, size: number, setting: Setting): number {
  let side = 1;
  for (;;) {
    const x = ad.randomNormal([side, 3, size, size], { seed: 1, dtype: setting.dtype });
    const time = within(setting, () => seconds(() => kernelMatrix(network, x, x.detach(), { quiet: true })));
    if (time > targetSeconds / 4 || side >= 64)
      return Math.max(1, Math.min(64, Math.round(side * Math.sqrt(targetSeconds / Math.max(time, 1e-3)))));
    side *= 2;
  }
}

/** Best pairs/s of each setting, runs interleaved across settings. */
function throughput(network: Network, size: number): Record<string, number> {
  const sides = settings.map((setting) => sideFor(network, size, setting));
  const best: Record<string, number> = {};
  for (let run = 0; run < repeats; run++) {
    settings.forEach((setting, i) => {
      const side = sides[i];
      const x1 = ad.randomNormal([side, 3, size, size], { seed: 2 + run, dtype: setting.dtype });
      const x2 = ad.randomNormal([side, 3, size, size], { seed: 100 + run, dtype: setting.dtype });
      const time = within(setting, () => seconds(() => kernelMatrix(network, x1, x2, { quiet: true })));
      best[label(setting)] = Math.max(best[label(setting)] ?? 0, (side * side) / time);
    });
  }
  return best;
}

/** Best seconds of the FC NTK matrix of n vectors with itself (Θ only, as the peer's H). */
function fullyConnectedSeconds(n: number, d: number, depth: number): Record<string, number> {
  const network = fullyConnected({ depth, normalization: 'authors' });
  const best: Record<string, number> = {};
  for (let run = 0; run < Math.min(repeats, 3); run++) {
    for (const setting of settings) {
      const x = ad.randomNormal([n, d], { seed: run, dtype: setting.dtype });
      const time = within(setting, () => seconds(() => ntkMatrix(network, x, undefined, { quiet: true })));
      best[label(setting)] = Math.min(best[label(setting)] ?? Infinity, time);
    }
  }
  return best;
}

function main(): void {
  const loadAtStart = loadavg()[0];
  for (const backend of settings.map((s) => s.backend).filter((b, i, all) => all.indexOf(b) === i)) {
    log(
      `${backend}: ${ad.withBackend(backend, () => `${ad.currentBackend().describe()}, infinite kernels '${infiniteKernels().name}'`)}`,
    );
  }
  const sizes = quick && !focus ? [8, 16] : [8, 16, 32];
  const depths = quick && !focus ? [3, 6] : [3, 6, 11];
  const rows: { workload: string; unit: string; values: Record<string, number> }[] = [];
  for (const readout of ['vanilla', 'gap'] as const) {
    for (const size of sizes) {
      for (const depth of depths) {
        const workload = `CNTK-${readout === 'gap' ? 'GAP' : 'V'} ${size}×${size} depth ${depth}`;
        if (readout === 'gap' && size === 32 && quick) continue;
        if (focus && workload !== 'CNTK-GAP 16×16 depth 6' && workload !== 'CNTK-V 32×32 depth 11') continue;
        log(`${workload}…`);
        rows.push({
          workload,
          unit: 'pairs/s',
          values: throughput(cntk({ depth, readout, fix: readout === 'gap' }), size),
        });
      }
    }
  }
  const fc = quick ? { n: 2000, d: 100 } : { n: 5000, d: 100 };
  const fcWorkload = `FC NTK n=${fc.n} d=${fc.d} depth 5`;
  log(`${fcWorkload}…`);
  rows.push({ workload: fcWorkload, unit: 's', values: fullyConnectedSeconds(fc.n, fc.d, 5) });
  printTable(rows);
  // the machine is shared: say how busy it was (1-minute load average; 2 cores)
  console.log(
    `load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, with ${threadCount()} cpu threads`,
  );
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

/** The cpu float32 speed-up of the wasm rows over the TypeScript ones (> 1: wasm faster). */
function wasmRatio(unit: string, values: Record<string, number>): string {
  const wasm = values['cpu float32 wasm'],
    typescript = values['cpu float32 ts'];
  if (wasm === undefined || typescript === undefined) return '–';
  return (unit === 's' ? typescript / wasm : wasm / typescript).toFixed(2);
}

function printTable(rows: { workload: string; unit: string; values: Record<string, number> }[]): void {
  const columns = settings.map(label);
  const format = (value: number | undefined) =>
    value === undefined ? '–' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
  const body = rows.map(({ workload, unit, values }) => {
    const reference = peer[workload];
    // > 1 means ours is better; for seconds the ratio is peer/ours
    const ratio = (value: number | undefined) =>
      reference === undefined || value === undefined
        ? '–'
        : (unit === 's' ? reference / value : value / reference).toFixed(2);
    const best = Math.max(
      ...columns
        .map((column) => (unit === 's' ? reference / values[column] : values[column] / reference))
        .filter(Number.isFinite),
    );
    return [
      workload,
      unit,
      ...columns.map((column) => format(values[column])),
      reference === undefined ? '–' : format(reference),
      ...columns.map((column) => ratio(values[column])),
      reference === undefined ? '–' : `${goal(workload)}× ${best >= goal(workload) ? 'met' : 'not met'}`,
      wasmRatio(unit, values),
    ];
  });
  console.log(
    formatTable({
      columns: [
        'workload',
        'unit',
        ...columns,
        'numpy f32',
        ...columns.map((column) => `${column} / numpy`),
        'goal',
        'wasm / ts',
      ],
      rows: body,
    }),
  );
}

main();
