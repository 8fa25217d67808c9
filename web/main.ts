/**
 * The page: the backend and gpu.js mode in use with the WebGL renderer, the live demos on
 * the gpujs backend (WebGL) beside the cpu backend with timings, the WebGL figures, and the
 * reproduction gallery. `window.theorygrad` exposes the backends and the demos' results to
 * test/web/ (and to a curious reader's console).
 */
import './process-shim.ts';
import { backendByName, type BackendName } from '../autodiff/index.ts';
import { cpuBackend } from '../gpu/cpu/index.ts';
import type { Backend } from '../gpu/backend.ts';
import type { GpuJsBackend } from '../gpu/gpujs/index.ts';
import gpujsPackage from 'gpu.js/package.json';
import { setUpWebGl } from './webgl.ts';
import { mnistSubset } from './mnist.ts';
import { cntkMatrix, MLP_STEPS, opTimings, relativeDifference, smallDigits, trainMlp, CNTK_IMAGES } from './demos.ts';
import { LossChart } from './loss-chart.ts';
import { deviceReport, type DeviceReport } from './device-check.ts';

const element = (id: string) => document.getElementById(id)!;
const show = (id: string, text: string) => {
  element(id).textContent = text;
};

/** Encoded arguments from a test: {f32: [...]} and {i32: [...]} become typed arrays. */
function decodeArgument(value: unknown): unknown {
  if (value && typeof value === 'object' && 'f32' in value) return Float32Array.from((value as { f32: number[] }).f32);
  if (value && typeof value === 'object' && 'i32' in value) return Int32Array.from((value as { i32: number[] }).i32);
  return value;
}

interface PageHandle {
  webgl: ReturnType<typeof setUpWebGl>;
  backend: string;
  results: Record<string, unknown>;
  /** Calls a Backend method on `backend` with encoded arguments; typed results come back as arrays. */
  call(backend: BackendName, method: string, args: unknown[]): unknown;
  /** The device-residency checks (web/device-check.ts) on the page's gpujs backend. */
  device(ops?: number): DeviceReport;
}

const webgl = setUpWebGl(gpujsPackage.version);
const gpujs: Backend | undefined = webgl.mode ? backendByName('gpujs') : undefined;
const handle: PageHandle = {
  webgl,
  backend: gpujs?.describe() ?? 'cpu only',
  results: {},
  call(backend, method, args) {
    const target = (backend === 'gpujs' ? gpujs : cpuBackend) as unknown as Record<string, unknown>;
    if (!target) throw new Error('page: the gpujs backend is unavailable here (no WebGL)');
    const path = method.split('.');
    const owner = path.length === 2 ? (target[path[0]] as Record<string, unknown>) : target;
    const fn = owner[path[path.length - 1]] as (...values: unknown[]) => unknown;
    const result = fn.apply(owner, args.map(decodeArgument));
    return ArrayBuffer.isView(result) ? Array.from(result as Float32Array) : result;
  },
  device(ops) {
    if (!gpujs) throw new Error('page: the gpujs backend is unavailable here (no WebGL)');
    return deviceReport(gpujs as GpuJsBackend, ops);
  },
};
(globalThis as { theorygrad?: PageHandle }).theorygrad = handle;

show('renderer', webgl.renderer);
show('backends', gpujs ? `${gpujs.describe()} beside ${cpuBackend.describe()}` : cpuBackend.describe());
if (!webgl.mode) {
  element('no-webgl').hidden = false;
  show('no-webgl', `WebGL is unavailable (${webgl.reason}): the demos run on the cpu backend only.`);
}

/** Prints one line of figures on the page and to the console, labelled with the renderer. */
function figure(line: string): void {
  const text = `[${webgl.renderer}] ${line}`;
  element('figures').textContent += `${text}\n`;
  console.log(`theorygrad figure ${text}`);
}

async function run(): Promise<void> {
  const digits = mnistSubset();
  const backends: BackendName[] = gpujs ? ['gpujs', 'cpu'] : ['cpu'];
  const chart = new LossChart(element('loss-chart') as unknown as SVGSVGElement, MLP_STEPS, backends);
  for (const name of backends) {
    const training = await trainMlp(name, digits, (step, loss) => chart.add(name, step, loss));
    handle.results[`mlp-${name}`] = training;
    const firstLoss = training.losses[0].toFixed(3);
    const last = training.losses[training.losses.length - 1].toFixed(3);
    const perStep = training.millisecondsPerStep.toFixed(1);
    const firstStep = training.firstStepMilliseconds.toFixed(0);
    show(
      `mlp-${name}`,
      `${name}: loss ${firstLoss} → ${last}, ${perStep} ms per step (the first, compiling: ${firstStep} ms)`,
    );
    figure(`MLP 784-64-10 step (batch 64), ${name}: ${perStep} ms (first step ${firstStep} ms)`);
  }
  const images = smallDigits(digits);
  // on WebGL kernelMatrix keeps each block on the GPU (src/infinite/resident.ts): the copies show it
  const copies = () => gpujs?.device?.transfers() ?? { uploads: 0, downloads: 0 };
  const kernels = backends.map((name) => {
    const before = copies();
    const run = cntkMatrix(name, images);
    const after = copies();
    const resident = name === 'gpujs' && gpujs?.device !== undefined;
    const downloads = after.downloads - before.downloads;
    const note = resident
      ? `, blocks on the GPU: ${after.uploads - before.uploads} uploads, ${downloads} read-back(s)`
      : '';
    return { name, run, note, downloads };
  });
  for (const { name, run: kernel, note, downloads } of kernels) {
    const pairsPerSecond = kernel.pairs / (kernel.milliseconds / 1000);
    show(`cntk-${name}`, `${name}: ${kernel.pairs} pairs in ${kernel.milliseconds.toFixed(0)} ms${note}`);
    figure(`CNTK depth 4 GAP, ${CNTK_IMAGES} images 7×7, ${name}: ${pairsPerSecond.toFixed(1)} pairs/s`);
    handle.results[`cntk-${name}`] = { ntk: Array.from(kernel.ntk.data), milliseconds: kernel.milliseconds, downloads };
  }
  if (kernels.length === 2) {
    const difference = relativeDifference(kernels[0].run.ntk, kernels[1].run.ntk);
    show(
      'cntk-agreement',
      `largest difference between the two NTK matrices: ${difference.toExponential(2)} of its largest entry`,
    );
  }
  for (const name of backends) {
    const { matmul, exp } = opTimings(name);
    figure(`ops, ${name}: matmul 128×128×128 ${matmul.toFixed(2)} ms, exp of 65,536 values ${exp.toFixed(2)} ms`);
  }
}

// ?demos=off: only the handle (the browser tests' op agreement checks)
const demos = new URLSearchParams(location.search).get('demos') !== 'off';
(demos ? run() : Promise.resolve())
  .then(() => {
    document.body.dataset.state = 'done';
  })
  .catch((error: Error) => {
    show('error', `The demo stopped: ${error.message}`);
    element('error').hidden = false;
    document.body.dataset.state = 'failed';
    throw error;
  });
