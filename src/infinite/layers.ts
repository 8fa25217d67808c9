/**
 * Infinite-width layers in the manner of neural-tangents' stax (DESIGN.md style 6): each
 * layer transforms a kernel record (record.ts: Σ = NNGP, Θ = NTK, per block of pairs) and
 * builds its finite-width counterpart (finite.ts), in the NTK parameterization; each layer's
 * transform is stated at its function, and reference.ts writes out, densely, the recursions
 * they compose to (with patchSum, reluStep and readoutOf for conv, relu and readout). The
 * readouts are linear steps summing the stored entries (the input keeps the readout's offsets).
 * A layer that is not trained (`trainable: false`) leaves out its own term Σ′ from Θ′ (the
 * "fix" kernels). A ReLU followed by a conv, dense or readout layer runs as one backend pass
 * (InfiniteKernels.relu with that layer's LinearStep).
 */
import type { Data, DType } from '../../gpu/backend.ts';
import {
  bandLayout,
  entriesAfter,
  pairCount,
  type AxisBands,
  type CovarianceGeometry,
  type LinearStep,
  type Padding,
} from '../../gpu/infinite.ts';
import * as nn from '../nn/index.ts';
import { finiteConvolution, finiteDense, finiteReadout, Scale, type FiniteLayer, type FiniteShape } from './finite.ts';
import { FLAT, ntkOf, type KernelRecord } from './record.ts';

/** One infinite-width layer. */
export interface Layer {
  readonly name: string;
  /** The layer's kernel transform on a block (equations in the file comment). */
  kernel(record: KernelRecord): KernelRecord;
  /** Offsets |i − i′| its input must keep so that its output keeps `window` (readouts: their own). */
  inputWindow(window: number): number;
  /** Its finite-width form with `width` outputs (`padding`: the network's, requirements()). */
  finite(input: FiniteShape, width: number, seed: number, dtype: DType, padding: Padding): FiniteLayer;
  /** A linear layer's step on a record of this geometry (lets a ReLU before it run in the same pass). */
  linearStep?(record: Pick<KernelRecord, 'geometry'>): LinearStep;
  /** For the ReLU: its transform followed by a linear layer's step, in one pass. */
  kernelThen?(record: KernelRecord, step: LinearStep): KernelRecord;
  /** Its padding, for a convolution. */
  readonly padding?: Padding;
  /** True for layers with weights (conv, dense): the last of them has the network's outputs. */
  readonly weighted?: boolean;
}

/** A network: its layers, and whether Σ⁰ is the mean over input channels (neural-tangents) or their sum (the authors' code). */
export interface Network {
  readonly layers: readonly Layer[];
  readonly input: 'mean' | 'sum';
}

/** No linear layer: the step of a ReLU with nothing to fuse (relu().kernel). */
export const IDENTITY: LinearStep = Object.freeze({ filter: 1, scale: 1, shift: 0, trainable: false });

/** The geometry of the per-image variance planes [n, H, W]: the vanilla band. */
function positions(geometry: CovarianceGeometry): CovarianceGeometry {
  return { ...geometry, window: 0 };
}

/** Values of Σ′ (or Θ′) for the block after `step`: pairs × entries (× 1 after a sum). */
function entriesAfterStep(record: KernelRecord, step: LinearStep): number {
  return pairCount(record.pairs) * entriesAfter(bandLayout(record.geometry), step);
}

/** The record after a step's Σ′, Θ′: positions and variances pooled away by a sum, else the variances stepped too. */
function stepped(
  record: KernelRecord,
  step: LinearStep,
  nngp: Data,
  ntk: Data | undefined,
  variances: [Data, Data] | undefined,
): KernelRecord {
  if (step.filter === 'sum')
    return { ...record, nngp, ntk, geometry: FLAT, variances1: undefined, variances2: undefined };
  return { ...record, nngp, ntk, variances1: variances?.[0], variances2: variances?.[1] };
}

/** Applies `step` to both variance planes (one backend call when they are the same images). */
function stepVariances(record: KernelRecord, variances1: Data, variances2: Data, step: LinearStep): [Data, Data] {
  const geometry = positions(record.geometry);
  const plane = record.geometry.height * record.geometry.width;
  const apply = (variances: Data): Data =>
    record.kernels.linear(variances, undefined, variances.length / plane, geometry, step);
  const first = apply(variances1);
  return [first, variances2 === variances1 ? first : apply(variances2)];
}

/** A linear layer's transform: Σ′, Θ′ into the workspace, and its variances. */
function applyLinear(record: KernelRecord, step: LinearStep): KernelRecord {
  const count = pairCount(record.pairs);
  const size = entriesAfterStep(record, step);
  const variances =
    record.variances1 && record.variances2 && step.filter !== 'sum'
      ? stepVariances(record, record.variances1, record.variances2, step)
      : undefined;
  if (!record.ntk) {
    // Θ = 0: Θ′ = Σ′ when trained (the same values, shared), else 0
    const nngp = record.kernels.linear(
      record.nngp,
      undefined,
      count,
      record.geometry,
      step,
      record.workspace.take(size, [record.nngp]),
    );
    return stepped(record, step, nngp, step.trainable ? nngp : undefined, variances);
  }
  const out = record.workspace.take(2 * size, [record.nngp, record.ntk]);
  record.kernels.linear(record.nngp, record.ntk, count, record.geometry, step, out);
  return stepped(record, step, out.subarray(0, size), out.subarray(size), variances);
}

/**
 * A 3×3 convolution, stride 1, 'same' output, no bias: Σ′ = (σ_w²/9)·P(Σ), Θ′ = (σ_w²/9)·P(Θ) + Σ′.
 * @example serial(conv({ weightVariance: 2 }), relu(), readout('gap'), dense())
 */
export function conv({
  weightVariance = 1,
  padding = 'zero',
  trainable = true,
}: { weightVariance?: number; padding?: Padding; trainable?: boolean } = {}): Layer {
  const linearStep = (record: Pick<KernelRecord, 'geometry'>): LinearStep => {
    if (record.geometry === FLAT)
      throw new Error(
        'conv: the record has no positions (flat inputs, or after a readout); conv needs images [n, C, H, W]',
      );
    return { filter: 3, scale: weightVariance / 9, shift: 0, trainable };
  };
  return {
    name: `conv(σ_w²=${weightVariance}, ${padding}${trainable ? '' : ', fixed'})`,
    padding,
    weighted: true,
    linearStep,
    kernel: (record) => applyLinear(record, linearStep(record)),
    inputWindow: (window) => window,
    finite: (input, width, seed, dtype) =>
      finiteConvolution(input, width, { seed, dtype, weightVariance, padding, trainable }),
  };
}

/**
 * A fully connected layer: Σ′ = σ_w²·Σ + σ_b², Θ′ = σ_w²·Θ + Σ′ (on records without positions).
 * @example serial(dense({ weightVariance: 1 }), relu(), dense({ weightVariance: 2 }))
 */
export function dense({
  weightVariance = 1,
  biasVariance = 0,
  trainable = true,
}: { weightVariance?: number; biasVariance?: number; trainable?: boolean } = {}): Layer {
  const linearStep = (record: Pick<KernelRecord, 'geometry'>): LinearStep => {
    if (record.geometry !== FLAT)
      throw new Error(
        `dense: the record still has ${record.geometry.height}×${record.geometry.width} positions; put a readout before dense`,
      );
    return { filter: 1, scale: weightVariance, shift: biasVariance, trainable };
  };
  return {
    name: `dense(σ_w²=${weightVariance}${biasVariance ? `, σ_b²=${biasVariance}` : ''}${trainable ? '' : ', fixed'})`,
    weighted: true,
    linearStep,
    kernel: (record) => applyLinear(record, linearStep(record)),
    inputWindow: (window) => window,
    finite: (input, width, seed, dtype) =>
      finiteDense(input, width, { seed, dtype, weightVariance, biasVariance, trainable }),
  };
}

/** The ReLU step followed by `step`, one backend pass (InfiniteKernels.relu). */
function reluThen(record: KernelRecord, step: LinearStep): KernelRecord {
  const { variances1, variances2 } = record;
  if (!variances1 || !variances2)
    throw new Error(
      'relu: the record has no per-image variances Σ(x, x) (a readout pooled them); put relu before the readout',
    );
  // plain loops over a copy: TypedArray.map calls back per element (≈ 9% of a CNTK-V pair)
  const deviation = (variances: Data): Data => {
    const out = variances.slice();
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]);
    return out;
  };
  const deviations1 = deviation(variances1);
  const deviations2 = variances2 === variances1 ? deviations1 : deviation(variances2);
  const ntk = ntkOf(record);
  const size = entriesAfterStep(record, step);
  const out = record.workspace.take(2 * size, [record.nngp, ntk]);
  record.kernels.relu(record.nngp, ntk, deviations1, deviations2, record.pairs, record.geometry, step, out);
  // on the diagonal λ = 1 and κ1(1) = 1: Σ(x, x) becomes Σ(x, x)/2 before the step
  const halved = (variances: Data): Data => {
    const out = variances.slice();
    for (let i = 0; i < out.length; i++) out[i] = out[i] / 2;
    return out;
  };
  const halved1 = halved(variances1);
  const variances =
    step.filter === 'sum'
      ? undefined
      : stepVariances(record, halved1, variances2 === variances1 ? halved1 : halved(variances2), step);
  return stepped(record, step, out.subarray(0, size), out.subarray(size), variances);
}

/**
 * The ReLU: Σ′ = K, Θ′ = Θ·K̇ with K, K̇ of reluStep (reference.ts) at weight 1 (c_σ = 1; the
 * c_σ = 2 normalization is σ_w² = 2 in the next layer).
 * @example serial(dense(), relu(), dense({ weightVariance: 2 }))
 */
export function relu(): Layer {
  return {
    name: 'relu',
    kernel: (record) => reluThen(record, IDENTITY),
    kernelThen: reluThen,
    inputWindow: (window) => window,
    finite: (input) => ({ module: new nn.ReLU(), output: input }),
  };
}

/**
 * LAP(c)'s weight of each entry (i, i′) of one axis: the pooled trace of readoutOf in
 * reference.ts (arXiv 1911.00809), factored per axis, counts for the entry (i, i′) the q with
 * |q − i|, |q − i′| ≤ c (q inside the image: zero padding) or the (a, a′) ∈ [−c, c]² with
 * a − a′ ≡ i − i′ mod the extent (circular padding), over (2c+1)². Being the covariance of
 * pooled features, it is PSD; it reads offsets |i − i′| ≤ 2c. LAP(0) is the trace; with
 * circular padding and 2c + 1 = H = W every offset weighs 1/H and LAP is H·W·GAP. (A flat box
 * of offsets |i − i′| ≤ c would not be PSD on random inputs: the tests keep that regression case.)
 */
function lapAxisWeights(bands: AxisBands, extent: number, c: number, padding: Padding): Float64Array {
  const norm = 1 / (2 * c + 1) ** 2;
  return Float64Array.from(bands.first, (i, entry) => {
    const j = bands.second[entry];
    if (padding === 'zero')
      return Math.max(0, Math.min(Math.min(i, j) + c, extent - 1) - Math.max(Math.max(i, j) - c, 0) + 1) * norm;
    let pairs = 0;
    for (let t = -2 * c; t <= 2 * c; t++)
      if ((((t - (i - j)) % extent) + extent) % extent === 0) pairs += 2 * c + 1 - Math.abs(t);
    return pairs * norm;
  });
}

/** The readout's step on a record's geometry (its window is the readout's own). */
function readoutStep(kind: 'vanilla' | 'gap' | 'lap', c: number, geometry: CovarianceGeometry): LinearStep {
  const { height, width, padding } = geometry;
  const step: LinearStep = {
    filter: 'sum',
    scale: kind === 'gap' ? 1 / (height * width) ** 2 : 1,
    shift: 0,
    trainable: false,
  };
  if (kind !== 'lap') return step;
  const { rows, columns } = bandLayout(geometry);
  return {
    ...step,
    weights: { rows: lapAxisWeights(rows, height, c, padding), columns: lapAxisWeights(columns, width, c, padding) },
  };
}

/**
 * Pools positions, a linear map without parameters: 'vanilla' (the trace Σ_p Σ_{p,p}), 'gap'
 * (the mean over all pairs of positions) or { lap: c } (the trace after a (2c+1)×(2c+1)
 * average pool, lapAxisWeights). LAP(0) is vanilla.
 * @example serial(conv(), relu(), readout({ lap: 2 }), dense())
 */
export function readout(kind: 'vanilla' | 'gap' | { lap: number }): Layer {
  const lap = typeof kind === 'object' ? kind.lap : undefined;
  if (lap !== undefined && !(Number.isInteger(lap) && lap >= 0))
    throw new Error(`readout: the LAP window must be a non-negative integer, got ${lap}`);
  const type = lap !== undefined ? 'lap' : kind;
  if (type !== 'vanilla' && type !== 'gap' && type !== 'lap')
    throw new Error(`readout: kind must be 'vanilla', 'gap' or { lap: c }, got ${JSON.stringify(kind)}`);
  const linearStep = (record: Pick<KernelRecord, 'geometry'>): LinearStep => {
    if (record.geometry === FLAT) throw new Error(`readout(${type}): the record has no positions to pool`);
    return readoutStep(type, lap ?? 0, record.geometry);
  };
  return {
    name: lap !== undefined ? `readout(lap ${lap})` : `readout(${type})`,
    linearStep,
    kernel: (record) => applyLinear(record, linearStep(record)),
    inputWindow: () => (type === 'vanilla' ? 0 : type === 'gap' ? Number.MAX_SAFE_INTEGER : 2 * lap!),
    finite: (input, _width, _seed, _dtype, padding) =>
      finiteReadout(input, lap === undefined ? (type as 'vanilla' | 'gap') : { lap }, padding),
  };
}

/**
 * Layers in sequence (stax.serial); Σ⁰ is the mean over input channels unless `input` says 'sum'.
 * @example const network = serial(conv({ weightVariance: 27 }), relu(), conv({ weightVariance: 2 }), relu(), readout('gap'), dense({ weightVariance: 2 / 9 }))
 */
export function serial(...layers: Layer[]): Network {
  if (layers.length === 0) throw new Error('serial: a network needs at least one layer');
  return { layers, input: 'mean' };
}

/** What walkNetwork does at each step: a layer alone, or a ReLU fused with the linear step after it. */
export interface NetworkVisitor<State> {
  layer(state: State, layer: Layer): State;
  fused(state: State, layer: Layer, step: LinearStep): State;
}

/**
 * The network's layers in the order applyNetwork takes them, each ReLU (kernelThen) fused with
 * the linear layer after it (its step on the state's geometry): the one walk of the host path
 * and of the resident one (resident.ts).
 * @example walkNetwork(network, record, { layer: (r, layer) => layer.kernel(r), fused: (r, layer, step) => layer.kernelThen!(r, step) })
 */
export function walkNetwork<State extends Pick<KernelRecord, 'geometry'>>(
  network: Network,
  state: State,
  visit: NetworkVisitor<State>,
): State {
  const { layers } = network;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i],
      next = layers[i + 1];
    if (layer.kernelThen && next?.linearStep) {
      state = visit.fused(state, layer, next.linearStep(state));
      i++;
    } else {
      state = visit.layer(state, layer);
    }
  }
  return state;
}

const HOST: NetworkVisitor<KernelRecord> = {
  layer: (record, layer) => layer.kernel(record),
  fused: (record, layer, step) => layer.kernelThen!(record, step),
};

/**
 * Runs the network's kernel transforms on a block's input record, fusing each ReLU with the
 * linear layer after it.
 * @example applyNetwork(network, inputRecord(...)).ntk // Θ of each pair, after the readout
 */
export function applyNetwork(network: Network, record: KernelRecord): KernelRecord {
  return walkNetwork(network, record, HOST);
}

/**
 * Throws unless a walk ended without positions (after a readout, or on flat inputs): the kernel
 * matrices hold one value per pair.
 * @example pooledGeometry(record.geometry, 'kernelMatrix')
 */
export function pooledGeometry(geometry: CovarianceGeometry, caller: string): void {
  if (geometry !== FLAT)
    throw new Error(`${caller}: the network must end without positions (a readout, or a fully connected network)`);
}

/**
 * The offsets the input record must keep (the readout's window) and the network's padding.
 * @example requirements(network) // { window: 0, padding: 'zero' } for a vanilla CNTK
 */
export function requirements(network: Network): { window: number; padding: Padding } {
  const window = network.layers.reduceRight((needed, layer) => layer.inputWindow(needed), 0);
  const paddings = new Set(network.layers.map((layer) => layer.padding).filter((padding) => padding !== undefined));
  if (paddings.size > 1)
    throw new Error(`requirements: every conv of a network must use one padding, got ${[...paddings].join(' and ')}`);
  return { window, padding: paddings.values().next().value ?? 'zero' };
}

/**
 * The network's finite-width form: each layer `width` wide, the last one `outputs` wide.
 * @example finiteNetwork(network, { channels: 3, height: 8, width: 8, flat: false }, { width: 256, outputs: 1, seed: 0 })
 */
export function finiteNetwork(
  network: Network,
  input: FiniteShape,
  options: { width: number; outputs: number; seed: number; dtype?: DType },
): nn.Sequential {
  const { width, outputs, seed, dtype = 'float32' } = options;
  const modules: nn.Module[] = network.input === 'sum' ? [new Scale(Math.sqrt(input.channels))] : [];
  let shape = input;
  const lastWeighted = network.layers.reduce((last, layer, i) => (layer.weighted ? i : last), -1);
  const { padding } = requirements(network);
  network.layers.forEach((layer, i) => {
    const built = layer.finite(shape, i === lastWeighted ? outputs : width, seed * 1000 + i, dtype, padding);
    if (built.module) modules.push(built.module);
    shape = built.output;
  });
  return new nn.Sequential(...modules);
}
