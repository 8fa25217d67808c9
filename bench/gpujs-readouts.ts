/**
 * Several readouts of each block of pairs on gpujs in a WebGL mode, side by side: kept on the
 * device (InfiniteKernels.residentBlock: each readout branches off the block's record and is
 * read back once) and on the host path (the same backend without residentBlock: every layer's
 * kernel reads its result back). Two calls: a CNTK depth sweep (cntkDepthSweep, depths 3–6,
 * GAP) and vanilla, GAP, LAP(1), LAP(2) readouts of one depth-4 trunk (blockedKernelMatrices,
 * as enhanced-cntk's LAP sweep). Runs alternate between the two paths; prints the medians, the
 * ratio and the host↔device copies of one call.
 *
 * Run where gpu.js has WebGL: `THEORYGRAD_GPUJS_MODE=headlessgl npx tsx bench/gpujs-readouts.ts`
 * (headless-gl: see the README's "In the browser, on the GPU"; under xvfb-run without a display).
 * Flags: --images N (default 12), --size N (image side, default 7), --rounds N (default 5).
 */
import * as ad from '../autodiff/index.ts';
import { createGpuJsBackend, type GpuJsBackend } from '../gpu/gpujs/index.ts';
import { cntkDepthSweep } from '../src/infinite/depth-sweep.ts';
import { blockedKernelMatrices } from '../src/infinite/kernel-matrix.ts';
import { readout, type Network } from '../src/infinite/layers.ts';
import { cntk } from '../src/infinite/presets.ts';

const flag = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const count = flag('images', 12);
const size = flag('size', 7);
const rounds = flag('rounds', 5);
if (![count, size, rounds].every((value) => Number.isInteger(value) && value >= 1) || size < 3)
  throw new Error(
    `bench/gpujs-readouts: --images and --rounds must be positive integers and --size ≥ 3, got ${count}, ${size}, ${rounds}`,
  );

const gpujs = createGpuJsBackend();
if (!gpujs.device)
  throw new Error(
    `bench/gpujs-readouts: ${gpujs.describe()} keeps nothing on a device; set THEORYGRAD_GPUJS_MODE=headlessgl (or run in a browser)`,
  );
/** The same backend on the host path: no residentBlock, so blockedKernelMatrices runs the layers on host arrays. */
const host: GpuJsBackend = { ...gpujs, infinite: { ...gpujs.infinite, residentBlock: undefined } };
const images = ad.randomUniform([count, 1, size, size], { seed: 5, dtype: 'float32' });

const network = cntk({ depth: 4, readout: 'gap' });
const trunk: Network = { ...network, layers: network.layers.slice(0, -2) };
const output = network.layers[network.layers.length - 1];
const readouts = [readout('vanilla'), readout('gap'), readout({ lap: 1 }), readout({ lap: 2 })].map(
  (pool): Network => ({ ...network, layers: [pool, output] }),
);
const calls: [string, () => unknown][] = [
  [
    'depth sweep 3, 4, 5, 6 (GAP)',
    () => cntkDepthSweep({ depths: [3, 4, 5, 6], readout: 'gap' }, images, undefined, { quiet: true }),
  ],
  [
    'vanilla, GAP, LAP(1), LAP(2) of a depth-4 trunk',
    () =>
      blockedKernelMatrices(
        network,
        [{ trunk, readouts }],
        images,
        undefined,
        { quiet: true },
        ['nngp', 'ntk'],
        'bench',
      ),
  ],
];

const median = (values: number[]): number => values.slice().sort((a, b) => a - b)[Math.floor(values.length / 2)];

console.log(`${gpujs.describe()}; ${count} images 1×${size}×${size}, ${rounds} alternated rounds`);
for (const [name, run] of calls) {
  const paths: [string, GpuJsBackend][] = [
    ['host path', host],
    ['resident', gpujs],
  ];
  const times = new Map<string, number[]>(paths.map(([label]) => [label, []]));
  const copies = new Map<string, string>();
  // round 0 compiles the kernels (untimed)
  for (let round = 0; round <= rounds; round++) {
    for (const [label, backend] of paths) {
      const before = gpujs.runtime.transfers;
      const start = performance.now();
      ad.withBackend(backend, run);
      const ms = performance.now() - start;
      const after = gpujs.runtime.transfers;
      if (round > 0) times.get(label)!.push(ms);
      copies.set(label, `${after.uploads - before.uploads} uploads, ${after.downloads - before.downloads} read-backs`);
    }
  }
  const [hostMs, residentMs] = paths.map(([label]) => median(times.get(label)!));
  console.log(`${name}:`);
  for (const [label] of paths)
    console.log(`  ${label.padEnd(10)} ${median(times.get(label)!).toFixed(1).padStart(8)} ms  (${copies.get(label)})`);
  console.log(`  host path / resident: ${(hostMs / residentMs).toFixed(2)}×`);
}
