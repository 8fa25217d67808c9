/**
 * `npx tsx bench/kernels.ts`: the infinite-width kernels (src/infinite) on the cpu and gpujs
 * backends, float32 and float64 (gpujs: float32 only), beside a vectorized numpy implementation
 * of the same recursion (OpenBLAS, 2 threads, float32), whose figures, measured on this
 * machine, are fixed reference columns:
 *   CNTK-V 32×32×3 depth 11: 10,500 pairs/s; CNTK-GAP 16×16×3 depth 6: 280 pairs/s;
 *   CNTK-GAP 8×8×3 depth 6: 3,600 pairs/s; FC NTK n = 5000, d = 100, depth 5: 1.0 s.
 * Throughput is over distinct image sets (x1 ≠ x2, so no symmetry savings); the FC NTK is the
 * NTK matrix (ntkMatrix, the peer's H) of one set with itself (symmetry used). Each figure is the best of several runs, the
 * backends interleaved, since the machine is shared. Flags: --quick (fewer sizes and repeats),
 * --no-gpujs.
 */
import { loadavg } from 'node:os';
import * as ad from '../autodiff/index.ts';
import { cntk, fullyConnected, infiniteKernels, kernelMatrix, ntkMatrix, type Network } from '../src/infinite/index.ts';
import { commandLine, formatTable } from '../src/report/index.ts';
import { threadCount } from '../gpu/cpu/threads.ts';

const { quick, noGpujs: skipGpuJs } = commandLine(
  {
    quick: { kind: 'boolean', description: 'fewer sizes and repeats' },
    noGpujs: { kind: 'boolean', description: 'skip the (slow) gpu.js webasm runs' },
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

type Setting = { backend: 'cpu' | 'gpujs'; dtype: ad.DType };
const settings: Setting[] = [
  { backend: 'cpu', dtype: 'float32' },
  { backend: 'cpu', dtype: 'float64' },
  ...(skipGpuJs ? [] : [{ backend: 'gpujs' as const, dtype: 'float32' as const }]),
];
const label = ({ backend, dtype }: Setting) => `${backend} ${dtype}`;

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
    const time = ad.withBackend(setting.backend, () =>
      seconds(() => kernelMatrix(network, x, x.detach(), { quiet: true })),
    );
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
      const time = ad.withBackend(setting.backend, () => seconds(() => kernelMatrix(network, x1, x2, { quiet: true })));
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
      const time = ad.withBackend(setting.backend, () =>
        seconds(() => ntkMatrix(network, x, undefined, { quiet: true })),
      );
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
  const sizes = quick ? [8, 16] : [8, 16, 32];
  const depths = quick ? [3, 6] : [3, 6, 11];
  const rows: { workload: string; unit: string; values: Record<string, number> }[] = [];
  for (const readout of ['vanilla', 'gap'] as const) {
    for (const size of sizes) {
      for (const depth of depths) {
        const workload = `CNTK-${readout === 'gap' ? 'GAP' : 'V'} ${size}×${size} depth ${depth}`;
        if (readout === 'gap' && size === 32 && quick) continue;
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
    ];
  });
  console.log(
    formatTable({
      columns: ['workload', 'unit', ...columns, 'numpy f32', ...columns.map((column) => `${column} / numpy`), 'goal'],
      rows: body,
    }),
  );
}

main();
