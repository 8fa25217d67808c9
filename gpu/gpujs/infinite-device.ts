/**
 * A block of image pairs through an infinite-width network on the GPU with no host round
 * trip (issue #23): the block's images and tables are uploaded once, every layer's Σ, Θ and
 * per-image variances stay textures (the device runner of runtime.ts), and only the result
 * is read back. The steps mirror the layers of src/infinite/layers.ts (applyLinear and
 * reluThen, whose comments give the equations) on the kernels of infinite.ts; run on the host
 * runner instead, the same steps give the same float32 values with host arrays between them.
 *
 * @example
 *   const block = new ResidentBlock(runtime.device!, runtime, images, images, 1, pairs, geometry, 1);
 *   block.linear(conv9).reluThen(conv2).reluThen(readoutStep).linear(dense);
 *   const { ntk } = block.read(); block.release();
 */
import type { Storage } from '../backend.ts';
import {
  entriesAfter,
  type CovarianceGeometry,
  type InfiniteKernels,
  type LinearStep,
  type PairBlock,
  type ResidentSteps,
} from '../infinite.ts';
import { TextureStorage } from './device.ts';
import { KernelSource } from './indexing.ts';
import { covarianceKernel, linearKernel, reluKernel, type CovarianceInputs } from './infinite.ts';
import { bandTables, pairTables, type BandTables, type PairTables } from './infinite-tables.ts';
import { checked, float32, type GpuJsRuntime, type KernelInput, type KernelRunner } from './runtime.ts';

/** The geometry of a record without positions (src/infinite/record.ts's FLAT). */
const FLAT: CovarianceGeometry = { height: 1, width: 1, padding: 'zero', window: 0 };

/** Multiplying by ½ is exact: the halving of the variances after a ReLU (layers.ts, reluThen). */
const HALVE: LinearStep = { filter: 1, scale: 0.5, shift: 0, trainable: false };

/** Σ(x, x)_p = scale·Σ_c x_c(p)² per image and position, [count, H, W] (record.ts's inputVariances). */
function varianceKernel<Out extends Storage>(
  runner: KernelRunner<Out>,
  x: KernelInput,
  count: number,
  channels: number,
  plane: number,
  scale: number,
): Out | Float32Array {
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  s.line(`const image = Math.floor(this.thread.x / ${c(plane)});`);
  s.line(`let at = image * ${c(channels * plane)} + this.thread.x - image * ${c(plane)};`);
  s.line('let sum = 0;');
  s.line(`for (let channel = 0; channel < ${c(channels)}; channel++) {`);
  s.line('  sum = sum + x[at] * x[at];');
  s.line(`  at = at + ${c(plane)};`);
  s.line('}');
  s.line(`return sum * ${c(scale)};`);
  const size = count * plane;
  return runner.run(
    'variances',
    { source: s.build(['x']), output: [size], constants: s.constants, returnType: 'Float' },
    [x],
    size,
  );
}

/** √v elementwise (the deviations the ReLU step divides by). */
function deviationKernel<Out extends Storage>(runner: KernelRunner<Out>, v: KernelInput): Out | Float32Array {
  return runner.run(
    'deviations',
    {
      source: 'function(v) { return Math.sqrt(v[this.thread.x]); }',
      output: [v.length],
      constants: {},
      returnType: 'Float',
    },
    [v],
    v.length,
  );
}

/** A chain's record: Σ and Θ, the variances while positions remain, and the band tables they are laid out in. */
interface ChainState {
  band: BandTables;
  positions: BandTables | undefined;
  count: number;
  covariances: CovarianceInputs;
  variances: [KernelInput, KernelInput] | undefined;
}

/**
 * One block's kernel record kept on `runner`: Σ and Θ (a stack, or Θ = Σ shared, or Θ = 0),
 * and the variances of both image sets while positions remain. Each step replaces the record
 * and frees what it no longer needs; read() copies Σ and Θ to the host; branch() starts a
 * second chain from the current record (its textures stay this chain's, so the branch frees
 * only what it computes).
 */
class ResidentChain implements ResidentSteps {
  readonly #runner: KernelRunner<Storage>;
  readonly #pairs: PairTables;
  /** Every texture this chain holds (the block's tables and images, the records it computed), freed by release(). */
  readonly #held: Set<TextureStorage>;
  #band: BandTables;
  #positions: BandTables | undefined;
  #count: number;
  #covariances: CovarianceInputs;
  #variances: [KernelInput, KernelInput] | undefined;
  /** The chain this one branched from, until released; and the branches of this one not yet released. */
  #parent: ResidentChain | undefined;
  #branches = 0;

  constructor(
    runner: KernelRunner<Storage>,
    pairs: PairTables,
    state: ChainState,
    held: Iterable<TextureStorage>,
    parent?: ResidentChain,
  ) {
    this.#runner = runner;
    this.#pairs = pairs;
    this.#held = new Set(held);
    this.#band = state.band;
    this.#positions = state.positions;
    this.#count = state.count;
    this.#covariances = state.covariances;
    this.#variances = state.variances;
    this.#parent = parent;
  }

  /** A chain from the current record; this one takes no step until it is released (it reads this one's textures). */
  branch(): ResidentSteps {
    this.#branches++;
    const state = {
      band: this.#band,
      positions: this.#positions,
      count: this.#count,
      covariances: this.#covariances,
      variances: this.#variances,
    };
    return new ResidentChain(this.#runner, this.#pairs, state, [], this);
  }

  /** A linear layer (layers.ts, applyLinear): Σ′ = scale·F(Σ) + shift, Θ′ = scale·F(Θ) + (trainable ? Σ′ : 0). */
  linear(step: LinearStep): this {
    this.#stepping('linear');
    const before = this.#covariances;
    const size = this.#count * entriesAfter(this.#band.layout, step);
    const stack = this.#own(linearKernel(this.#runner, before, this.#count, this.#band, step));
    // Θ = 0 gives Σ′ alone, and Θ′ = Σ′ (shared) when the layer is trained
    const theta = before.t === undefined ? (step.trainable ? stack : undefined) : stack;
    this.#replace({ s: stack, sAt: 0, t: theta, tAt: before.t === undefined ? 0 : size }, step, this.#variances);
    return this;
  }

  /** The ReLU step then `step`, one pass (layers.ts, reluThen): needs the variances (before any readout). */
  reluThen(step: LinearStep): this {
    this.#stepping('reluThen');
    if (!this.#variances || !this.#positions)
      throw new Error('ResidentBlock.reluThen: the record has no per-image variances (a readout pooled them)');
    const [variances1, variances2] = this.#variances;
    const deviations1 = this.#own(deviationKernel(this.#runner, variances1));
    const deviations2 = variances2 === variances1 ? deviations1 : this.#own(deviationKernel(this.#runner, variances2));
    const entries = this.#count * this.#band.layout.entries;
    const pointwise = this.#own(
      reluKernel(this.#runner, this.#covariances, deviations1, deviations2, this.#pairs, this.#band),
    );
    const stack = this.#own(
      linearKernel(this.#runner, { s: pointwise, sAt: 0, t: pointwise, tAt: entries }, this.#count, this.#band, step),
    );
    for (const used of new Set([pointwise, deviations1, deviations2])) this.#free(used);
    const size = this.#count * entriesAfter(this.#band.layout, step);
    // on the diagonal λ = 1 and κ1(1) = 1: Σ(x, x) becomes Σ(x, x)/2 before the step (a readout drops them);
    // one "pair" of the positions' band per image: count·plane values, as many as it had
    const halve = (variances: KernelInput): KernelInput =>
      this.#own(
        linearKernel(
          this.#runner,
          { s: variances, sAt: 0, t: undefined, tAt: 0 },
          variances.length / this.#plane(),
          this.#positions!,
          HALVE,
        ),
      );
    const halved1 = step.filter === 'sum' ? undefined : halve(variances1);
    const halved: [KernelInput, KernelInput] | undefined = halved1 && [
      halved1,
      variances2 === variances1 ? halved1 : halve(variances2),
    ];
    this.#replace({ s: stack, sAt: 0, t: stack, tAt: size }, step, halved);
    for (const used of new Set(halved ?? [])) this.#free(used);
    return this;
  }

  /** Σ and Θ of every pair, copied to the host (the one read-back of a block). */
  read(): { nngp: Float32Array; ntk: Float32Array | undefined } {
    const size = this.#count * this.#band.layout.entries;
    const { s, sAt, t, tAt } = this.#covariances;
    const host = (values: KernelInput): Float32Array => (values instanceof TextureStorage ? values.read() : values);
    const sigma = host(s);
    return {
      nngp: sigma.slice(sAt, sAt + size),
      ntk: t === undefined ? undefined : (t === s ? sigma : host(t)).slice(tAt, tAt + size),
    };
  }

  /** Frees every texture the chain holds (a branch: those it computed), and lets its parent step again. */
  release(): void {
    for (const texture of this.#held) texture.release();
    this.#held.clear();
    if (this.#parent) this.#parent.#branches--;
    this.#parent = undefined;
  }

  /** A step would free the record an open branch still reads. */
  #stepping(name: string): void {
    if (this.#branches > 0)
      throw new Error(
        `ResidentBlock.${name}: ${this.#branches} branch(es) of this block still read its record; release them first`,
      );
  }

  /** The new record after `step`: Σ, Θ and the variances stepped alike, or pooled away by a sum. */
  #replace(covariances: CovarianceInputs, step: LinearStep, variances: [KernelInput, KernelInput] | undefined): void {
    const stepped =
      variances && this.#positions && step.filter !== 'sum'
        ? variances.map((values, side) =>
            side === 1 && values === variances[0]
              ? undefined
              : this.#own(
                  linearKernel(
                    this.#runner,
                    { s: values, sAt: 0, t: undefined, tAt: 0 },
                    values.length / this.#plane(),
                    this.#positions!,
                    step,
                  ),
                ),
          )
        : undefined;
    for (const old of new Set([this.#covariances.s, this.#covariances.t, ...(this.#variances ?? [])]))
      if (old !== undefined && old !== covariances.s) this.#free(old);
    this.#covariances = covariances;
    this.#variances = stepped ? [stepped[0]!, stepped[1] ?? stepped[0]!] : undefined;
    if (step.filter === 'sum') {
      // a readout pools the positions: the record becomes flat
      this.#band = bandTables(FLAT);
      this.#positions = undefined;
    }
  }

  #plane(): number {
    return this.#band.geometry.height * this.#band.geometry.width;
  }

  /** Tracks a texture result (host results need no freeing). */
  #own(result: Storage): KernelInput {
    if (result instanceof TextureStorage) this.#held.add(result);
    return result as KernelInput;
  }

  #free(values: KernelInput): void {
    if (values instanceof TextureStorage && this.#held.delete(values)) values.release();
  }
}

/**
 * A block's inputs on `runner` and the first record, Σ⁰ and the variances (record.ts's inputRecord).
 * @example
 *   const block = new ResidentBlock(runtime.device!, runtime, images, images, 1, pairs, geometry, 1);
 *   const readouts = [gap, lap].map((step) => { const side = block.branch(); side.linear(step); const kernels = side.read(); side.release(); return kernels; });
 */
export class ResidentBlock extends ResidentChain {
  /**
   * Uploads x1, x2 ([count, channels, H, W]) and the block's tables through `upload`, and
   * computes Σ⁰ = scale·Σ_c x·x′ and the variances (Θ⁰ = 0): record.ts's inputRecord.
   * `runner` is the runtime's device runner (textures) or the runtime itself (host arrays).
   */
  constructor(
    runner: KernelRunner<Storage>,
    runtime: GpuJsRuntime,
    x1: Float32Array,
    x2: Float32Array,
    channels: number,
    pairs: PairBlock,
    geometry: CovarianceGeometry,
    scale: number,
  ) {
    const plane = geometry.height * geometry.width;
    const shape = (count: number) => `[${count},${channels},${geometry.height},${geometry.width}]`;
    checked(x1, pairs.count1 * channels * plane, 'ResidentBlock', `x1 ${shape(pairs.count1)}`);
    checked(x2, pairs.count2 * channels * plane, 'ResidentBlock', `x2 ${shape(pairs.count2)}`);
    const held = new Set<TextureStorage>();
    const own = (result: Storage): KernelInput => {
      if (result instanceof TextureStorage) held.add(result);
      return result as KernelInput;
    };
    const onDevice = runner !== runtime;
    const upload = (values: Float32Array): KernelInput => (onDevice ? own(runtime.upload(values)) : values);
    const uploadAll = <T extends object>(tables: T): T =>
      Object.fromEntries(
        Object.entries(tables).map(([key, value]) => [key, value instanceof Float32Array ? upload(value) : value]),
      ) as T;
    const pairTable = uploadAll(pairTables(pairs));
    const band = uploadAll(bandTables(geometry));
    const images1 = upload(x1);
    const images2 = x2 === x1 ? images1 : upload(x2);
    const sigma = own(covarianceKernel(runner, images1, images2, channels, pairTable, band, scale));
    const variances1 = own(varianceKernel(runner, images1, pairs.count1, channels, plane, scale));
    const variances2 =
      x2 === x1 ? variances1 : own(varianceKernel(runner, images2, pairs.count2, channels, plane, scale));
    // the images are read by the first kernels only
    for (const images of new Set([images1, images2]))
      if (images instanceof TextureStorage && held.delete(images)) images.release();
    const state = {
      band,
      positions: uploadAll(bandTables({ ...geometry, window: 0 })),
      count: pairTable.count,
      covariances: { s: sigma, sAt: 0, t: undefined, tAt: 0 },
      variances: [variances1, variances2] as [KernelInput, KernelInput],
    };
    super(runner, pairTable, state, held);
  }
}

/**
 * InfiniteKernels.residentBlock of a runtime with a device runner (the WebGL modes): blocks on
 * its textures; undefined without one, so that kernelMatrix takes the host path.
 * @example const infinite = { ...createGpuJsInfiniteKernels(runtime), residentBlock: residentBlocks(runtime) };
 */
export function residentBlocks(runtime: GpuJsRuntime): InfiniteKernels['residentBlock'] {
  const device = runtime.device;
  if (!device) return undefined;
  return (x1, x2, channels, pairs, geometry, scale) =>
    new ResidentBlock(
      device,
      runtime,
      float32(x1, 'residentBlock'),
      float32(x2, 'residentBlock'), // the same array when x2 is x1: uploaded once
      channels,
      pairs,
      geometry,
      scale,
    );
}
