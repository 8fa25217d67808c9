/**
 * The judge of web/device-check.ts's report, shared by the browser (page.test.ts) and
 * Node's headless-gl (test/gpu/gpujs-headlessgl.test.ts).
 */
import { expect } from 'vitest';
import type { DeviceReport } from '../../web/device-check.ts';
import { expectExact, expectWithin } from '../helpers/close.ts';
import { expectCnnReport } from './device-cnn.ts';
import { expectReadoutReport } from './device-readouts.ts';

/**
 * One SGD step of relu(x·w1)·w2 (k ≤ 8) in float32 on WebGL against cpu: every value within
 * 1e-5 of the largest magnitude. Each dot product is within γ_k·Σ|a||b| (γ_8 ≈ 4.8e-7) and
 * the forward, backward and update chain a handful of them; 1e-5 leaves a factor ~20 for
 * the GLSL division (mean) and the compounding.
 */
export const STEP_RELATIVE = 1e-5;

/** The CNTK steps agree within 1e-5 of the largest magnitude each (test/infinite/kernels.test.ts); depth 4 compounds four (as test/web/page.test.ts). */
export const CNTK_RELATIVE = 4e-5;

/** Asserts: live textures bounded over the loop and back to the start; upload exact; chain equal to the host path; step within STEP_RELATIVE of cpu; host tensors uploaded once; a CNTK block resident and within CNTK_RELATIVE of cpu. */
export function expectDeviceReport(report: DeviceReport): void {
  expect(report.resident, 'the backend keeps results on the device').toBe(true);
  expect(report.liveMax, `live textures over ${report.ops} ops`).toBeLessThanOrEqual(report.liveBefore + 1);
  expect(report.liveAfter, 'live textures after the loop').toBe(report.liveBefore);
  expect(report.upload).toEqual([1.5, -2, Math.fround(3e-8)]);
  expect(report.chain.onDevice).toBe(true);
  // the same GLSL kernels read textures or uploaded arrays: the same float32 arithmetic
  expectExact(report.chain.device, report.chain.host, 'chain on the device vs with host round trips');
  expectExact(report.evicted.device, report.evicted.host, 'textures read after their kernels left the cache');
  expect(report.step.onDevice).toBe(true);
  const largest = Math.max(...report.step.cpu.map(Math.abs));
  expectWithin(report.step.device, report.step.cpu, () => STEP_RELATIVE * largest, 'SGD step on the device vs cpu');
  // host tensors are uploaded once, on first use, and nothing comes back until read
  expect(report.transfers.first, 'the first run').toEqual({ uploads: 3, downloads: 0 });
  expect(report.transfers.second, 'the second run').toEqual({ uploads: 0, downloads: 0 });
  expect(report.transfers.read, 'reading the result').toEqual({ uploads: 0, downloads: 1 });
  // maxPool2d on a texture: cpu's indices (first maximum of each window, padding never wins),
  // kept on the device; the pooled values are a gather (exact), the gradient a few sums
  for (const { spec, device, cpu, transfers } of report.pool.indices) {
    expect(device, `maxPool2d indices ${spec} on the device vs cpu`).toEqual(cpu);
    expect(transfers, `maxPool2d ${spec}: x and its indices stay on the device`).toEqual({ uploads: 0, downloads: 0 });
  }
  expectExact(report.pool.forward.device, report.pool.forward.cpu, 'maxPool2d forward on the device vs cpu');
  expect(report.cnn, 'the CNN step ran on the device').toBeDefined();
  expectCnnReport(report.cnn!);
  const poolLargest = Math.max(...report.pool.gradient.cpu.map(Math.abs));
  expectWithin(
    report.pool.gradient.device,
    report.pool.gradient.cpu,
    () => STEP_RELATIVE * poolLargest,
    'maxPool2d loss and gradient on the device vs cpu',
  );
  // a CNTK block: no copy between layers, one read, every texture freed; the same GLSL
  // arithmetic as with host round trips (equal values), within the float32 bound of cpu
  const { cntk } = report;
  expect(cntk.layers, 'CNTK layers on the device').toEqual({ uploads: 0, downloads: 0 });
  expect(cntk.read, 'CNTK read-back').toEqual({ uploads: 0, downloads: 1 });
  expect(cntk.liveAfter, 'live textures after the CNTK block').toBe(cntk.liveBefore);
  expectExact(cntk.device, cntk.host, 'CNTK block on the device vs with host round trips');
  const cntkLargest = Math.max(...cntk.cpu.map(Math.abs));
  expectWithin(
    cntk.device,
    cntk.cpu,
    () => CNTK_RELATIVE * cntkLargest,
    'CNTK block on the device vs kernelMatrix on cpu',
  );
  // the public kernelMatrix: each block read back once (Σ and Θ share a texture), nothing
  // between its layers; a block uploads no more than cntkResident's setup, plus the second
  // image set when it differs; every texture freed; within the float32 bound of cpu
  for (const run of report.kernelMatrix.cases) {
    expect(run.transfers.downloads, `kernelMatrix ${run.name}: one read-back per block`).toBe(run.blocks);
    expect(run.transfers.uploads, `kernelMatrix ${run.name}: uploads`).toBeGreaterThan(0);
    expect(run.transfers.uploads, `kernelMatrix ${run.name}: uploads`).toBeLessThanOrEqual(
      run.blocks * (report.kernelMatrix.setupUploads + 1),
    );
    expect(run.liveAfter, `kernelMatrix ${run.name}: live textures after`).toBe(run.liveBefore);
    const largest = Math.max(...run.cpu.map(Math.abs));
    expectWithin(run.device, run.cpu, () => CNTK_RELATIVE * largest, `kernelMatrix ${run.name} on gpujs vs cpu`);
  }
  expect(
    report.kernelMatrix.cases[0].transfers,
    'kernelMatrix, one symmetric block: the copies of cntkResident',
  ).toEqual({
    uploads: report.kernelMatrix.setupUploads,
    downloads: 1,
  });
  // several readouts of one block (a depth sweep, vanilla/GAP/LAP): one read-back each per block
  expectReadoutReport(report.readouts, report.kernelMatrix.setupUploads);
}
