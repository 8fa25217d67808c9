/**
 * A tile's bits: the plan's images, and one tile computed by kernelMatrix on its row and
 * column images (a diagonal tile as the kernel of its images with themselves, by the same
 * symmetric path as the whole matrix). Every pair's value comes out of the same per-pair
 * arithmetic wherever the block boundaries fall, so the assembled matrix is bit-identical to
 * kernelMatrix's on the whole set (tested for several tile sides, shard counts and block
 * budgets); the tile side and the block budget are pinned in the plan all the same. With
 * flip, the upper triangle and test×train are bit-identical and the lower triangle is their
 * mirror (kernelMatrix's own lower triangle differs from it by rounding). This file's module
 * graph is the plan's code version.
 */
import { createHash } from 'node:crypto';
import { endianness } from 'node:os';
import * as ad from '../../../autodiff/index.ts';
import { Random } from '../../../gpu/random.ts';
import { loadCifar10 } from '../../data/index.ts';
import { kernelMatrix } from '../kernel-matrix.ts';
import { networkOf, type DataSpec, type Tile, type TilePlan } from './plan.ts';

/** The plan's images, [count, C, H, W] in the plan's dtype (test undefined when there are none). */
export interface PlanImages {
  train: ad.Tensor;
  test: ad.Tensor | undefined;
  /** SHA-256 of the train then test images' bytes. */
  checksum: string;
}

/** Seeded standard-normal images (tests and trials). */
function syntheticImages(spec: Extract<DataSpec, { kind: 'synthetic' }>, count: number, stream: number): Float32Array {
  const random = new Random(spec.seed * 2 + stream);
  const values = new Float32Array(count * spec.channels * spec.height * spec.width);
  for (let i = 0; i < values.length; i++) values[i] = random.normal();
  return values;
}

/**
 * Loads the images a data spec names, in `dtype`, and their checksum.
 * @example loadPlanImages({ kind: 'synthetic', seed: 0, train: 8, test: 2, channels: 3, height: 6, width: 6 }, 'float64').checksum
 */
export function loadPlanImages(spec: DataSpec, dtype: 'float32' | 'float64', directory?: string): PlanImages {
  let shape: number[];
  let train: Float32Array;
  let test: Float32Array;
  if (spec.kind === 'synthetic') {
    shape = [spec.channels, spec.height, spec.width];
    train = syntheticImages(spec, spec.train, 0);
    test = syntheticImages(spec, spec.test, 1);
  } else if (spec.kind === 'cifar10') {
    shape = [3, 32, 32];
    const size = 3 * 32 * 32;
    const trainSet = loadCifar10('train', directory);
    const testSet = spec.test > 0 ? loadCifar10('test', directory) : undefined;
    if (spec.train > trainSet.count || spec.test > (testSet?.count ?? 0))
      throw new Error(
        `loadPlanImages: asked for ${spec.train} train and ${spec.test} test images, CIFAR-10 has ${trainSet.count} and ${testSet?.count ?? 0}`,
      );
    train = trainSet.images.subarray(0, spec.train * size);
    test = testSet ? testSet.images.subarray(0, spec.test * size) : new Float32Array(0);
  } else {
    throw new Error(`loadPlanImages: unknown data kind ${JSON.stringify((spec as { kind: unknown }).kind)}`);
  }
  const typed = (values: Float32Array): Float32Array | Float64Array =>
    dtype === 'float64' ? Float64Array.from(values) : values;
  const trainValues = typed(train);
  const testValues = typed(test);
  const hash = createHash('sha256');
  for (const values of [trainValues, testValues])
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  return {
    train: ad.tensor(trainValues, { shape: [spec.train, ...shape], dtype }),
    test: spec.test > 0 ? ad.tensor(testValues, { shape: [spec.test, ...shape], dtype }) : undefined,
    checksum: `sha256:${hash.digest('hex')}`,
  };
}

/**
 * Images [first, first + count) of a [n, C, H, W] tensor, as [count, C·H·W] vectors when `flat`
 * (a fully connected network).
 * @example imageRange(images.train, 200, 200, false).shape // [200, 3, 32, 32]
 */
export function imageRange(images: ad.Tensor, first: number, count: number, flat: boolean): ad.Tensor {
  const size = images.shape.slice(1).reduce((product, extent) => product * extent, 1);
  return ad.tensor(images.data.slice(first * size, (first + count) * size), {
    shape: flat ? [count, size] : [count, ...images.shape.slice(1)],
    dtype: images.dtype,
  });
}

/**
 * One tile's bytes: for each of plan.kernels, its rows×columns block of the matrix, float64 little-endian.
 * @example computeTile(plan, loadPlanImages(plan.data, plan.dtype), tileList(plan)[0]).length // rows·columns·8·kernels
 */
export function computeTile(plan: TilePlan, images: PlanImages, tile: Tile): Uint8Array {
  if (endianness() !== 'LE') throw new Error('computeTile: tiles are little-endian; this machine is big-endian');
  const network = networkOf(plan.network);
  const rowSet = tile.section === 'train' ? images.train : images.test;
  if (rowSet === undefined) throw new Error(`computeTile: tile ${tile.id} needs test images; the plan has none`);
  const flat = plan.network.kind === 'fullyConnected';
  const rows = imageRange(rowSet, tile.row, tile.rows, flat);
  const options = { flip: plan.flip, memoryBudget: plan.memoryBudget, quiet: true };
  const matrices = tile.diagonal
    ? kernelMatrix(network, rows, undefined, options)
    : kernelMatrix(network, rows, imageRange(images.train, tile.column, tile.columns, flat), options);
  const out = new Float64Array(plan.kernels.length * tile.rows * tile.columns);
  plan.kernels.forEach((name, k) => {
    const block = out.subarray(k * tile.rows * tile.columns, (k + 1) * tile.rows * tile.columns);
    block.set(matrices[name].data);
    // with flip, kernelMatrix's lower triangle adds K(flip xⱼ, xᵢ), equal to the upper's K(flip xᵢ, xⱼ)
    // only up to rounding: the tiles keep the upper triangle, mirrored, so the matrix is exactly symmetric
    if (plan.flip && tile.diagonal)
      for (let a = 0; a < tile.rows; a++)
        for (let b = 0; b < a; b++) block[a * tile.rows + b] = block[b * tile.rows + a];
  });
  return new Uint8Array(out.buffer);
}
