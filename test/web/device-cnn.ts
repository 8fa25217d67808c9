/**
 * The judge of web/device-cnn.ts's report (a CNN step with device-resident pooling indices, and
 * scatterAdd on device indices), called by test/web/device.ts for the browser and headless-gl.
 */
import { expect } from 'vitest';
import type { CnnReport } from '../../web/device-cnn.ts';
import { expectExact, expectWithin } from '../helpers/close.ts';
import { STEP_RELATIVE } from './device.ts';

/** float32's unit roundoff u = 2⁻²⁴, and γ_k = k·u/(1 − k·u) (Higham, Accuracy and Stability, §3.1). */
const gamma = (k: number): number => (k * 2 ** -24) / (1 - k * 2 ** -24);

/**
 * Asserts: the steps read nothing back, reading the loss is the one download; loss and gradients
 * within STEP_RELATIVE of cpu's largest; every texture (index textures too) freed; scatterAdd on
 * device indices within the summation bound of cpu, and gather on them exact; the windowed
 * pooling gradient equal to the generic kernel and within the bound of cpu.
 */
export function expectCnnReport(report: CnnReport): void {
  expect(report.transfers.first.downloads, 'CNN step: reads back nothing (the argmax included)').toBe(0);
  expect(report.transfers.second.downloads, 'CNN step, again: reads back nothing').toBe(0);
  expect(report.transfers.loss, 'reading the loss').toEqual({ uploads: 0, downloads: 1 });
  const largest = Math.max(...report.cpu.map(Math.abs));
  expectWithin(report.device, report.cpu, () => STEP_RELATIVE * largest, 'CNN step on the device vs cpu');
  expect(report.liveAfter, 'live textures after the CNN steps').toBe(report.liveBefore);
  // each output adds its m sources in cpu's order from 0: exact with correctly rounded float32
  // adds, else each side within γ_(m−1)·Σ|src| of the exact sum (recursive summation, Higham §4.2)
  const { scatter } = report;
  expect(scatter.sources, 'several sources land on one output').toBeGreaterThan(1);
  expectWithin(
    scatter.device,
    scatter.cpu,
    (i) => 2 * gamma(scatter.sources - 1) * scatter.magnitudes[i],
    'scatterAdd on device indices vs cpu',
  );
  expectExact(scatter.gather[0], scatter.gather[1], 'gather on device indices vs cpu');
  // the pooling gradient that visits only the windows over each cell adds the same sources in
  // the same order as the generic kernel: equal bit for bit; and within the bound of cpu
  for (const run of report.windows) {
    expectExact(run.windowed, run.generic, `pooling scatterAdd ${run.spec}: windowed vs generic kernel`);
    expectWithin(
      run.windowed,
      run.cpu,
      (i) => 2 * gamma(run.sources - 1) * run.magnitudes[i],
      `pooling scatterAdd ${run.spec} on the device vs cpu`,
    );
  }
}
