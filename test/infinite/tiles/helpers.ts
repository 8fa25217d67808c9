/** Small plans, their reference matrices (kernelMatrix on the whole set) and the merged files, for the tile tests. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { kernelMatrix } from '../../../src/infinite/index.ts';
import {
  createPlan,
  imageRange,
  loadPlanImages,
  networkOf,
  type OpenPlan,
  type TilePlan,
} from '../../../src/infinite/tiles/index.ts';

const folders: string[] = [];

// the folders of a test file go when its tests are done
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file. */
export function temporaryFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'theorygrad-tiles-'));
  folders.push(folder);
  return folder;
}

/** The plan fields of a small CNTK on synthetic 3×5×5 images (7 train, 3 test; tiles of 3: 6 + 9 tiles). */
export function smallPlanFields(
  overrides: Partial<Omit<TilePlan, 'format' | 'dataChecksum' | 'codeVersion' | 'backend'>> = {},
): Omit<TilePlan, 'format' | 'dataChecksum' | 'codeVersion' | 'backend'> {
  return {
    network: { kind: 'cntk', depth: 3, readout: 'gap', fix: false, padding: 'zero' },
    data: { kind: 'synthetic', seed: 5, train: 7, test: 3, channels: 3, height: 5, width: 5 },
    dtype: 'float32',
    flip: false,
    kernels: ['nngp', 'ntk'],
    tileSide: 3,
    memoryBudget: 2 ** 20,
    ...overrides,
  };
}

/** A small plan in a fresh folder. */
export function smallPlan(overrides: Parameters<typeof smallPlanFields>[0] = {}): OpenPlan {
  return createPlan(temporaryFolder(), smallPlanFields(overrides));
}

/** kernelMatrix's matrices for the plan's images, in the plan's storage dtype: `<section>.<kernel>.bin` → values. */
export function referenceFiles(plan: TilePlan): Record<string, Float32Array | Float64Array> {
  const images = loadPlanImages(plan.data, plan.dtype);
  const network = networkOf(plan.network);
  const options = { flip: plan.flip, quiet: true };
  const flat = plan.network.kind === 'fullyConnected';
  const train = imageRange(images.train, 0, plan.data.train, flat);
  const trainMatrices = kernelMatrix(network, train, undefined, options);
  const testMatrices = images.test
    ? kernelMatrix(network, imageRange(images.test, 0, plan.data.test, flat), train, options)
    : undefined;
  const Storage = plan.dtype === 'float32' ? Float32Array : Float64Array;
  const files: Record<string, Float32Array | Float64Array> = {};
  for (const kernel of plan.kernels) {
    files[`train.${kernel}.bin`] = Storage.from(trainMatrices[kernel].data);
    if (testMatrices) files[`test.${kernel}.bin`] = Storage.from(testMatrices[kernel].data);
  }
  return files;
}

/** A merged file's values. */
export function readMerged(folder: string, name: string, dtype: 'float32' | 'float64'): Float32Array | Float64Array {
  const bytes = new Uint8Array(readFileSync(join(folder, name)));
  return dtype === 'float32' ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
}
