/**
 * Initialization. Two parameterizations of a layer y = W·x + b with fan-in n:
 * - 'standard' (PyTorch's defaults): W ~ kaiming_uniform(a = √5) = U(±1/√n), b ~ U(±1/√n),
 *   and y = W·x + b.
 * - 'ntk' (Jacot, Gabriel & Hongler 2018; the parameterization of Arora et al. 2019,
 *   PAPERS.md §8): W ~ N(0, 1), b ~ N(0, 1), and y = (σ_w/√n)·W·x + σ_b·b, so the scale
 *   lives in the forward pass and gradient descent sees the NTK scaling.
 * Every draw takes an explicit seed.
 */
import * as ad from '../../autodiff/index.ts';
import { shapeText } from '../../autodiff/op.ts';
import { Random } from '../../gpu/random.ts';

/**
 * Fan-in of a weight of shape [out, in, ...kernel]: in·∏kernel (PyTorch's convention).
 * @example fanIn([64, 3, 3, 3]) // 27
 */
export function fanIn(shape: readonly number[]): number {
  if (shape.length < 2) throw new Error(`fanIn: weight must have rank ≥ 2 [out, in, ...], got ${shapeText(shape)}`);
  return shape.slice(1).reduce((product, extent) => product * extent, 1);
}

/**
 * He et al. 2015's uniform init: U(±gain·√(3/fan_in)) with gain = √(2/(1 + a²)); the
 * default a = √5 gives U(±1/√fan_in), PyTorch's default for Linear and Conv2d weights.
 * @example kaimingUniform([10, 784], { seed: 0 })
 */
export function kaimingUniform(
  shape: readonly number[],
  { seed, a = Math.sqrt(5), dtype = 'float32' }: { seed: number; a?: number; dtype?: ad.DType },
): ad.Tensor {
  const bound = Math.sqrt(2 / (1 + a * a)) * Math.sqrt(3 / fanIn(shape));
  return ad.randomUniform(shape, { seed, low: -bound, high: bound, dtype });
}

/** How a Linear or Conv2d layer draws and scales its weights (see the file comment). */
export interface LayerInitOptions {
  /** Required: the same seed gives the same initial weights. */
  seed: number;
  dtype?: ad.DType;
  /** Whether the layer has a bias (default true). */
  bias?: boolean;
  /** 'standard' (PyTorch, default) or 'ntk'. */
  parameterization?: 'standard' | 'ntk';
  /** σ_w of the NTK parameterization (default 1). */
  weightStd?: number;
  /** σ_b of the NTK parameterization (default 1). */
  biasStd?: number;
}

/** Initial values and forward-pass scales of a layer's weight and bias. */
export interface LayerInit {
  weight: ad.Tensor;
  bias: ad.Tensor | undefined;
  /** Multiplies W·x in the forward pass: 1, or σ_w/√fan_in under NTK. */
  weightScale: number;
  /** Multiplies b in the forward pass: 1, or σ_b under NTK. */
  biasScale: number;
}

/**
 * Draws a layer's weight (shape [out, in, ...]) and bias ([out]) under either parameterization.
 * @example initializeLayer('Linear', [10, 784], { seed: 0, parameterization: 'ntk', weightStd: Math.SQRT2 })
 */
export function initializeLayer(caller: string, weightShape: readonly number[], options: LayerInitOptions): LayerInit {
  const { seed, dtype = 'float32', bias = true, parameterization = 'standard', weightStd, biasStd } = options;
  if (!Number.isInteger(seed)) throw new Error(`${caller}: options.seed must be an integer, got ${String(seed)}`);
  if (parameterization !== 'standard' && parameterization !== 'ntk') {
    throw new Error(`${caller}: parameterization must be 'standard' or 'ntk', got ${JSON.stringify(parameterization)}`);
  }
  if (parameterization === 'standard' && (weightStd !== undefined || biasStd !== undefined)) {
    throw new Error(`${caller}: weightStd and biasStd belong to parameterization 'ntk'`);
  }
  const random = new Random(seed);
  const [weightSeed, biasSeed] = [random.nextUint32(), random.nextUint32()];
  const n = fanIn(weightShape);
  const biasShape = [weightShape[0]];
  if (parameterization === 'ntk') {
    return {
      weight: ad.randomNormal(weightShape, { seed: weightSeed, dtype }),
      bias: bias ? ad.randomNormal(biasShape, { seed: biasSeed, dtype }) : undefined,
      weightScale: (weightStd ?? 1) / Math.sqrt(n),
      biasScale: biasStd ?? 1,
    };
  }
  const bound = 1 / Math.sqrt(n);
  return {
    weight: kaimingUniform(weightShape, { seed: weightSeed, dtype }),
    bias: bias ? ad.randomUniform(biasShape, { seed: biasSeed, low: -bound, high: bound, dtype }) : undefined,
    weightScale: 1,
    biasScale: 1,
  };
}
