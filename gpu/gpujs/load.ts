/**
 * Loading gpu.js and pinning its mode: THEORYGRAD_GPUJS_MODE, else headless-gl where the
 * optional `gl` package makes a context, else webasm (never 'gpu'/auto, which switches
 * modes silently); a bundled page hands gpu.js over with provideGpuJs.
 *
 * @example
 *   const runtime = createRuntime();
 *   runtime.describe();   // 'gpujs (gpu.js 2.24.1, mode webasm)'
 */
import type { GPU } from 'gpu.js';
import { GPUJS_MODES, GpuJsRuntime, type GpuJsMode } from './runtime.ts';

type Require = (id: string) => unknown;

/** The mode to pin: THEORYGRAD_GPUJS_MODE, else headlessgl where `gl` makes a context, else webasm. */
export function chooseMode(requireModule: Require, environment: Record<string, string | undefined>): GpuJsMode {
  const requested = environment.THEORYGRAD_GPUJS_MODE;
  if (requested !== undefined && requested !== '') {
    if (!(GPUJS_MODES as readonly string[]).includes(requested)) {
      throw new Error(
        `gpujs backend: THEORYGRAD_GPUJS_MODE='${requested}' is not one of ${GPUJS_MODES.join(', ')} ('gpu'/auto is never used: gpu.js switches modes silently)`,
      );
    }
    return requested as GpuJsMode;
  }
  return headlessGlWorks(requireModule) ? 'headlessgl' : 'webasm';
}

/** True when the optional `gl` package loads and creates a working context. */
function headlessGlWorks(requireModule: Require): boolean {
  try {
    const createContext = requireModule('gl') as (
      width: number,
      height: number,
    ) => { getExtension(name: string): { destroy(): void } | null } | null;
    const context = createContext(1, 1);
    if (!context) return false;
    context.getExtension('STACKGL_destroy_context')?.destroy();
    return true;
  } catch {
    return false;
  }
}

/** gpu.js as a page hands it over (see provideGpuJs): its GPU class, version and the mode to pin. */
export interface ProvidedGpuJs {
  GPU: new (settings: { mode: string }) => GPU;
  version: string;
  /** The mode a browser supports (e.g. 'webgl2'); THEORYGRAD_GPUJS_MODE still overrides it. */
  mode: GpuJsMode;
}

let provided: ProvidedGpuJs | undefined;

/**
 * Hands gpu.js to the runtime where Node's require does not exist (a bundled browser page
 * imports gpu.js itself and calls this before the gpujs backend is first created).
 * @example import { GPU } from 'gpu.js'; provideGpuJs({ GPU, version: '2.24.1', mode: 'webgl2' });
 */
export function provideGpuJs(gpujs: ProvidedGpuJs): void {
  if (!(GPUJS_MODES as readonly string[]).includes(gpujs.mode))
    throw new Error(`provideGpuJs: mode '${String(gpujs.mode)}' is not one of ${GPUJS_MODES.join(', ')}`);
  provided = gpujs;
}

/**
 * Node's require, reached without a static `node:module` import so that a browser bundle of
 * the library carries no Node built-in (process.getBuiltinModule: Node ≥ 20.16).
 */
function nodeRequire(): Require {
  const node = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process;
  const nodeModule = node?.getBuiltinModule?.('node:module') as { createRequire(url: string): Require } | undefined;
  if (!nodeModule)
    throw new Error(
      "gpujs backend: Node's require is unavailable here and gpu.js was not provided; a browser page must call provideGpuJs first",
    );
  return nodeModule.createRequire(import.meta.url);
}

/** Loads gpu.js (provided by a page, else CommonJS through Node's require) and builds a runtime pinned to one mode. */
export function createRuntime(
  environment: Record<string, string | undefined> = typeof process === 'undefined' ? {} : process.env,
): GpuJsRuntime {
  const requested = environment.THEORYGRAD_GPUJS_MODE;
  const requireModule = provided ? undefined : nodeRequire();
  const mode =
    provided && (requested === undefined || requested === '')
      ? provided.mode
      : chooseMode(requireModule ?? (() => undefined), environment);
  if (mode === 'webgpu') {
    throw new Error(
      "gpujs backend: mode 'webgpu' is asynchronous in gpu.js (every kernel call returns a Promise) and the Backend interface is synchronous; choose another THEORYGRAD_GPUJS_MODE",
    );
  }
  const gpujs = provided ?? {
    ...(requireModule!('gpu.js') as { GPU: ProvidedGpuJs['GPU'] }),
    version: (requireModule!('gpu.js/package.json') as { version: string }).version,
  };
  let gpu: GPU;
  try {
    gpu = new gpujs.GPU({ mode });
  } catch (error) {
    throw new Error(
      `gpujs backend: gpu.js cannot run in mode '${mode}' here (${(error as Error).message}); set THEORYGRAD_GPUJS_MODE to another mode or use the cpu backend`,
    );
  }
  return new GpuJsRuntime(gpu, mode, gpujs.version);
}
