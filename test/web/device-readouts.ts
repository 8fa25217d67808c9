/**
 * The judge of web/device-readouts.ts's report (part of test/web/device.ts's expectDeviceReport):
 * a depth sweep and vanilla/GAP/LAP readouts of one trunk through the public calls on gpujs.
 */
import { expect } from 'vitest';
import type { ReadoutReport } from '../../web/device-readouts.ts';
import { expectWithin } from '../helpers/close.ts';
import { CNTK_RELATIVE } from './device.ts';

/**
 * Asserts per case: one read-back per block and readout (Σ and Θ share a texture), so none
 * between layers; uploads within a block's setup (`setupUploads`, plus the second image set)
 * and each LAP readout's two weight vectors; every texture freed; values within the float32
 * bound of cpu's largest entry: CNTK_RELATIVE, plus Δ/π per ReLU step for the device's acos
 * error Δ (report.acosError). A ReLU step computes θ = acos λ; an error Δ in θ moves
 * Σ′ = norm·(λ(π − θ) + sin θ)/2π by at most norm·Δ/2π and Θ′ = Θ·(π − θ)/2π by |Θ|·Δ/2π,
 * while the diagonal entries are norm/2 and Θ/2: Δ/π of them (the layers after it are sums
 * and averages). GLSL leaves acos's precision open: Mesa's llvmpipe is 1.6e-4 rad off.
 */
export function expectReadoutReport(report: ReadoutReport, setupUploads: number): void {
  expect(report.acosError, 'the acos probe ran').toBeGreaterThanOrEqual(0);
  for (const run of report.cases) {
    expect(run.transfers.downloads, `${run.name}: one read-back per block and readout`).toBe(run.blocks * run.readouts);
    expect(run.transfers.uploads, `${run.name}: uploads`).toBeGreaterThan(0);
    expect(run.transfers.uploads, `${run.name}: uploads`).toBeLessThanOrEqual(
      run.blocks * (setupUploads + 1 + 2 * run.lapReadouts),
    );
    expect(run.liveAfter, `${run.name}: live textures after`).toBe(run.liveBefore);
    expect(run.device.length, `${run.name}: values`).toBe(run.cpu.length);
    const largest = Math.max(...run.cpu.map(Math.abs));
    const relative = CNTK_RELATIVE + (run.reluSteps * report.acosError) / Math.PI;
    expectWithin(run.device, run.cpu, () => relative * largest, `${run.name} on gpujs vs cpu`);
  }
}
