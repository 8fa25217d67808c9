/**
 * The gpujs backend in Node's headless-gl mode (GLSL, like WebGL in a browser) against cpu: the
 * same checks as the browser's (test/web/agreement.ts), and the device-residency checks
 * (web/device-check.ts, judged by test/web/device.ts). Needs the optional `gl` package and a
 * display (README, "In the browser, on the GPU"); skips with the reason where either is missing.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
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

  it('device indices are range-checked from the bound their producer states, without a read-back', () => {
    const device = createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'headlessgl' }).device!;
    expect(() => device.uploadIndices(Int32Array.of(0, 3), 3)).toThrow(
      /^gpujs uploadIndices: index 3 at position 1 is outside \[0, 3\)$/,
    );
    const indices = device.uploadIndices(Int32Array.of(0, 2), 3);
    const before = device.transfers();
    expect(() => device.gather(Float32Array.of(1, 2), [2], 0, indices, [2])).toThrow(
      /^gpujs gather: device indices span \[0, 3\), outside \[0, 2\)/,
    );
    expect(() => device.scatterAdd(Float32Array.of(1, 2, 3), indices, [3], 0, [3])).toThrow(
      /^gpujs scatterAdd: device indices have 2 elements, expected 3$/,
    );
    expect(device.transfers(), 'nothing read back').toEqual(before);
    const gathered = device.gather(Float32Array.of(5, 6, 7), [3], 0, indices, [2]);
    expect(Array.from((gathered as { read(): Float32Array }).read())).toEqual([5, 7]);
    (gathered as { release(): void }).release();
    indices.release();
    expect(indices.released).toBe(true);
  });

  it('results stay on the GPU: no texture leak over 10,000 ops in tidy, a chain equal to the host path, a training step as on cpu', () => {
    expectDeviceReport(deviceReport(createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'headlessgl' }), 10_000));
  }, 300_000);
});
