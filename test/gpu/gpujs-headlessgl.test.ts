/**
 * The gpujs backend in Node's headless-gl mode (GLSL, like WebGL in a browser) against cpu: the
 * same checks as the browser's (test/web/agreement.ts), and the device-residency checks
 * (web/device-check.ts, judged by test/web/device.ts). Needs the optional `gl` package and a
 * display (README, "In the browser, on the GPU"); skips with the reason where either is missing.
 */
import { createRequire } from 'node:module';
import { describe, it } from 'vitest';
import type { Backend } from '../../gpu/backend.ts';
import { createGpuJsBackend } from '../../gpu/gpujs/index.ts';
import { webglAgreement } from '../web/agreement.ts';
import { decode } from '../web/encode.ts';
import { expectDeviceReport } from '../web/device.ts';
import { deviceReport } from '../../web/device-check.ts';

/** Why headless-gl cannot run here, or undefined when it can. */
function headlessGlMissing(): string | undefined {
  try {
    const createContext = createRequire(import.meta.url)('gl') as (width: number, height: number) => unknown;
    return createContext(1, 1) ? undefined : 'the `gl` package loads but makes no context (no display: use xvfb-run)';
  } catch (error) {
    return `the optional \`gl\` package is not installed (${(error as Error).message.split('\n')[0]})`;
  }
}

const missing = headlessGlMissing();
if (missing) console.warn(`test/gpu/gpujs-headlessgl skipped: ${missing}`);

describe.skipIf(missing !== undefined)('gpujs in headless-gl mode matches cpu (the browser checks)', () => {
  it('unary, binary, reductions and matmul within the GLSL bounds', async () => {
    const backend = createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'headlessgl' }) as unknown as Record<string, unknown>;
    const call = async (method: string, args: unknown[]) => {
      const fn = backend[method] as (...values: unknown[]) => ArrayLike<number>;
      return Float32Array.from(fn.apply(backend as unknown as Backend, args.map(decode)));
    };
    await webglAgreement(call, 12);
  });

  it('results stay on the GPU: no texture leak over 10,000 ops in tidy, a chain equal to the host path, a training step as on cpu', () => {
    expectDeviceReport(deviceReport(createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'headlessgl' }), 10_000));
  }, 300_000);
});
