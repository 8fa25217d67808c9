/**
 * `npm run bench`: our cpu and gpujs backends beside TensorFlow.js (cpu and wasm
 * backends) and a naive gpu.js matmul kernel, on float32 matmul, conv2d forward and one
 * MLP training step. One table, with ratios, from a single run on this machine.
 * Flags: --quick (fewer repeats, skips n = 1024), --no-gpujs (skip the slow webasm runs).
 */
import { withBackend, backendByName } from '../autodiff/index.ts';
import { naiveMatmulKernel, type GpuJsBackend } from '../gpu/gpujs/index.ts';
import { commandLine } from '../src/report/index.ts';
import { medianMs, matmulGflops, type TimingOptions } from './timing.ts';
import { oursConv, oursMatmul, oursMlpStep } from './ours.ts';
import { tfConv, tfMatmul, tfMlpStep, useTfBackend, type TfBackend } from './peers/tfjs.ts';

const { quick, noGpujs: skipGpuJs } = commandLine(
  {
    quick: { kind: 'boolean', description: 'fewer repeats, and no n = 1024' },
    noGpujs: { kind: 'boolean', description: 'skip the (slow) gpu.js webasm runs' },
  },
  {
    program: 'bench/ops',
    command: 'npx tsx bench/ops.ts [flags]',
    about: ['Our backends beside TensorFlow.js, as ratios.'],
  },
);
const timing: TimingOptions = quick ? { warmup: 1, minRepeats: 2, maxRepeats: 5, minTotalMs: 200 } : {};
const sizes = quick ? [128, 256, 512] : [128, 256, 512, 1024];
const conv = { batch: 32, inChannels: 16, outChannels: 32, size: 32, kernel: 3 };
const mlpBatch = 128;

type Row = { name: string; unit: 'GFLOP/s' | 'ms'; values: Record<string, number | undefined> };
const rows: Row[] = [];
const log = (message: string) => process.stderr.write(`${message}\n`);

/** Times fn with `backend` active; each call is wrapped, since medianMs awaits between calls. */
async function measureOurs(backend: 'cpu' | 'gpujs', fn: () => void): Promise<number> {
  return medianMs(() => withBackend(backend, fn), timing);
}

async function measurePeer(
  name: TfBackend,
  make: () => { run: () => Promise<void>; dispose: () => void },
): Promise<number> {
  await useTfBackend(name);
  const workload = make();
  const ms = await medianMs(workload.run, timing);
  workload.dispose();
  return ms;
}

async function main(): Promise<void> {
  const ourBackends: ('cpu' | 'gpujs')[] = skipGpuJs ? ['cpu'] : ['cpu', 'gpujs'];
  const gpujs = skipGpuJs ? undefined : (backendByName('gpujs') as GpuJsBackend);
  log(`backends: ${ourBackends.map((b) => backendByName(b).describe()).join('; ')}`);

  for (const n of sizes) {
    log(`matmul ${n}…`);
    const values: Row['values'] = {};
    for (const backend of ourBackends) values[backend] = matmulGflops(n, await measureOurs(backend, oursMatmul(n)));
    for (const peer of ['cpu', 'wasm'] as const)
      values[`tfjs-${peer}`] = matmulGflops(n, await measurePeer(peer, () => tfMatmul(n)));
    if (gpujs) {
      const kernel = naiveMatmulKernel(gpujs.runtime, n, n, n);
      const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
      values['naive gpu.js'] = matmulGflops(n, await medianMs(() => kernel(a, a), timing));
    }
    rows.push({ name: `matmul ${n}×${n}, float32`, unit: 'GFLOP/s', values });
  }

  log('conv2d…');
  const convValues: Row['values'] = {};
  const { batch, inChannels, outChannels, size, kernel } = conv;
  for (const backend of ourBackends)
    convValues[backend] = await measureOurs(backend, oursConv(batch, inChannels, outChannels, size, kernel));
  for (const peer of ['cpu', 'wasm'] as const)
    convValues[`tfjs-${peer}`] = await measurePeer(peer, () => tfConv(batch, inChannels, outChannels, size, kernel));
  rows.push({
    name: `conv2d fwd ${batch}×${inChannels}→${outChannels}, ${size}², 3×3`,
    unit: 'ms',
    values: convValues,
  });

  log('MLP step…');
  const mlpValues: Row['values'] = {};
  for (const backend of ourBackends) mlpValues[backend] = await measureOurs(backend, oursMlpStep(mlpBatch));
  for (const peer of ['cpu', 'wasm'] as const)
    mlpValues[`tfjs-${peer}`] = await measurePeer(peer, () => tfMlpStep(mlpBatch));
  rows.push({ name: `MLP step 784-512-10, batch ${mlpBatch}`, unit: 'ms', values: mlpValues });

  printTable();
}

/** One table: each system's figure, then ours relative to each peer (>1 means ours is better). */
function printTable(): void {
  const systems = ['cpu', 'gpujs', 'tfjs-cpu', 'tfjs-wasm', 'naive gpu.js'].filter((s) =>
    rows.some((r) => r.values[s] !== undefined),
  );
  const ratioColumns = ['tfjs-cpu', 'tfjs-wasm', 'naive gpu.js'].filter((s) => systems.includes(s));
  const header = ['workload', 'unit', ...systems, ...ratioColumns.map((peer) => `cpu vs ${peer}`)];
  const format = (v: number | undefined) =>
    v === undefined ? '–' : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  const body = rows.map((row) => {
    const ours = row.values.cpu!;
    const ratios = ratioColumns.map((peer) => {
      const other = row.values[peer];
      if (other === undefined) return '–';
      // for throughput higher is better, for time lower is better: both shown as "× better"
      return `${(row.unit === 'ms' ? other / ours : ours / other).toFixed(2)}×`;
    });
    return [row.name, row.unit, ...systems.map((s) => format(row.values[s])), ...ratios];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of body) console.log(line(r));
  console.log(
    '\nRatios: how many times better our cpu backend is than the peer (throughput ratio for GFLOP/s, time ratio for ms).',
  );
}

await main();
