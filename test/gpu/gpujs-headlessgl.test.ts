/**
 * The gpujs backend in Node's headless-gl mode (GLSL, like WebGL in a browser) against cpu: the
 * same checks as the browser's (test/web/agreement.ts), and the device-residency checks
 * (web/device-check.ts, judged by test/web/device.ts). Needs the optional `gl` package and a
 * display (README, "In the browser, on the GPU"); skips with the reason where either is missing.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Backend, Pool2dSpec } from '../../gpu/backend.ts';
import { cpuBackend } from '../../gpu/cpu/index.ts';
import { createGpuJsBackend, TextureIndices } from '../../gpu/gpujs/index.ts';
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

  it('a pooling gradient at the device argmax: the windowed kernel equals the generic one bit for bit, and cpu', () => {
    const device = createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'headlessgl' }).device!;
    const geometry = fc.record({
      kernel: fc.integer({ min: 1, max: 4 }),
      stride: fc.integer({ min: 1, max: 4 }),
      height: fc.integer({ min: 1, max: 9 }),
      width: fc.integer({ min: 1, max: 9 }),
      planes: fc.constantFrom<[number, number]>([1, 1], [2, 1], [1, 3]),
      half: fc.boolean(),
    });
    fc.assert(
      fc.property(geometry, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (g, seed) => {
        const pad = g.half ? Math.floor(g.kernel / 2) : 0;
        if (Math.min(g.height, g.width) + 2 * pad < g.kernel) return; // the window does not fit
        const out = (extent: number) => Math.floor((extent + 2 * pad - g.kernel) / g.stride) + 1;
        const [batch, channels] = g.planes;
        const spec: Pool2dSpec = {
          batch,
          channels,
          inHeight: g.height,
          inWidth: g.width,
          kernelHeight: g.kernel,
          kernelWidth: g.kernel,
          outHeight: out(g.height),
          outWidth: out(g.width),
          strideHeight: g.stride,
          strideWidth: g.stride,
          padHeight: pad,
          padWidth: pad,
        };
        // small integers: ties, decided by the first-maximum rule; sums exact in float32
        const values = (count: number, salt: number) =>
          Float32Array.from({ length: count }, (_, i) => ((seed + salt + i * 7919) % 9) - 4);
        const x = values(batch * channels * g.height * g.width, 1);
        const src = values(batch * channels * spec.outHeight * spec.outWidth, 2);
        const pooled = [batch, channels, spec.outHeight * spec.outWidth];
        const planes = [batch, channels, g.height * g.width];
        const found = device.maxPool2dIndices(x, spec) as TextureIndices;
        const read = (storage: unknown) => Array.from((storage as { read(): Float32Array }).read());
        const windowed = device.scatterAdd(src, found, pooled, 2, planes);
        const generic = device.scatterAdd(src, new TextureIndices(found.storage, 0, found.bound), pooled, 2, planes);
        const cpu = cpuBackend.scatterAdd(src, cpuBackend.maxPool2dIndices(x, spec), pooled, 2, planes);
        expect(read(windowed)).toEqual(read(generic));
        expect(read(windowed)).toEqual(Array.from(cpu));
        for (const storage of [windowed, generic, found]) (storage as { release(): void }).release();
      }),
      { numRuns: 20 },
    );
  }, 120_000);

  it('results stay on the GPU: no texture leak over 10,000 ops in tidy, a chain equal to the host path, a training step as on cpu', () => {
    expectDeviceReport(deviceReport(createGpuJsBackend({ THEORYGRAD_GPUJS_MODE: 'headlessgl' }), 10_000));
  }, 300_000);
});
