/**
 * Saliency maps of any differentiable classifier, batched, by reverse-mode autodiff. The
 * classifier enters as `logits`, a function from inputs [n, ...] to logits [n, k]; examples
 * must not interact (no BatchNorm in training mode), so one backward pass of Σᵢ f_{yᵢ}(xᵢ)
 * gives every example's own gradient. The caller chooses the label of each example.
 *
 * - gradient (Simonyan et al. 2014): ∇ₓ f_y(x)
 * - gradient ⊙ input (Shrikumar et al. 2017): x ⊙ ∇ₓ f_y(x)
 * - competitive gradient ⊙ input, CGI (Gupta & Arora 2019, arXiv 1905.12152, §3): gradient ⊙
 *   input for label y, kept only at the pixels y wins against every other label
 * - integrated gradients (Sundararajan et al. 2017, eq. 1): (x − x′) ⊙ ∫₀¹ ∇f_y(x′ + α(x − x′)) dα,
 *   by the midpoint rule
 */
import * as ad from '../../autodiff/index.ts';

/** Logits [n, k] of inputs [n, ...]: the classifier a saliency method explains. */
export type Logits = (inputs: ad.Tensor) => ad.Tensor;

/** Labels, one per example, each in 0 … k − 1. */
export type LabelList = ArrayLike<number>;

function checkLabels(caller: string, logits: ad.Tensor, inputs: ad.Tensor, labels: LabelList): void {
  const [n, k] = logits.shape;
  if (logits.rank !== 2 || n !== inputs.shape[0])
    throw new Error(
      `${caller}: logits must be [${inputs.shape[0]}, k] for inputs [${inputs.shape}], got [${logits.shape}]`,
    );
  if (labels.length !== n) throw new Error(`${caller}: ${n} examples but ${labels.length} labels`);
  for (let i = 0; i < n; i++)
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= k)
      throw new Error(`${caller}: labels[${i}] must be an integer in 0 … ${k - 1}, got ${labels[i]}`);
}

/** The one-hot matrix [n, k] of `labels`, as the cotangent that picks f_{yᵢ} from each row. */
function oneHot(labels: LabelList, k: number, dtype: ad.DType): ad.Tensor {
  const values = new Float64Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) values[i * k + labels[i]] = 1;
  return ad.tensor(values, { shape: [labels.length, k], dtype });
}

/**
 * ∇ₓ f_{yᵢ}(xᵢ) for every example: the plain gradient map, shaped like the inputs.
 * @example gradientMap((x) => x.matmul(w), ad.ones([2, 3]), [0, 1])
 */
export function gradientMap(logits: Logits, inputs: ad.Tensor, labels: LabelList): ad.Tensor {
  const [output, pullback] = ad.vjp(logits, inputs.detach());
  checkLabels('gradientMap', output, inputs, labels);
  return pullback(oneHot(labels, output.shape[1], output.dtype))[0];
}

/**
 * x ⊙ ∇ₓ f_y(x), shaped like the inputs. For a ReLU net without biases its entries sum to the
 * logit f_y(x) (Euler's theorem for a positively 1-homogeneous function; paper §3).
 * @example gradientTimesInput((x) => x.matmul(w), ad.ones([2, 3]), [0, 1])
 */
export function gradientTimesInput(logits: Logits, inputs: ad.Tensor, labels: LabelList): ad.Tensor {
  return gradientMap(logits, inputs, labels).mul(inputs.detach());
}

/**
 * Gradient ⊙ input for every label: [k, n, ...], entry [c, i] the map of example i for label c
 * (one forward pass, k backward passes).
 * @example allLabelGradientTimesInput((x) => x.matmul(w), ad.ones([2, 3])).shape // [k, 2, 3]
 */
export function allLabelGradientTimesInput(logits: Logits, inputs: ad.Tensor): ad.Tensor {
  const x = inputs.detach();
  const [output, pullback] = ad.vjp(logits, x);
  checkLabels('allLabelGradientTimesInput', output, inputs, new Array(inputs.shape[0]).fill(0));
  const [n, k] = output.shape;
  const maps = Array.from({ length: k }, (_, label) =>
    pullback(oneHot(new Array(n).fill(label), k, output.dtype))[0]
      .mul(x)
      .reshape([1, ...x.shape]),
  );
  return ad.concat(maps, 0);
}

/** How a map's entries group into pixels: the channels of one pixel share its score. */
function pixelLayout(shape: readonly number[], caller: string): { n: number; channels: number; pixels: number } {
  if (shape.length < 2) throw new Error(`${caller}: inputs must be [n, ...], got [${shape}]`);
  const n = shape[0];
  if (shape.length === 4) return { n, channels: shape[1], pixels: shape[2] * shape[3] };
  return { n, channels: 1, pixels: shape.slice(1).reduce((a, b) => a * b, 1) };
}

/**
 * A map's score per pixel: [n, pixels], the sum over channels for images [n, C, H, W] (the
 * score the competition compares, see competitiveGradientTimesInput), the entries themselves
 * for any other shape.
 * @example pixelScores(ad.ones([2, 3, 4, 4])).length // 2 × 16, each 3
 */
export function pixelScores(map: ad.Tensor): Float64Array {
  const { n, channels, pixels } = pixelLayout(map.shape, 'pixelScores');
  return sumChannels(map.data, 0, n, channels, pixels);
}

/** Σ over channels of the [n, channels, pixels] block of `data` that starts at `offset`. */
function sumChannels(
  data: ArrayLike<number>,
  offset: number,
  n: number,
  channels: number,
  pixels: number,
): Float64Array {
  const scores = new Float64Array(n * pixels);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < pixels; p++) scores[i * pixels + p] += data[offset + (i * channels + c) * pixels + p];
  return scores;
}

/**
 * Which pixels label yᵢ wins (1) or loses (0), [n, pixels], from the gradient ⊙ input scores of
 * every label (allLabelGradientTimesInput, [k, n, ...]). Gupta & Arora 2019, §3: a label wins a
 * pixel when its score there is positive and the largest of all labels' scores, or negative and
 * the smallest (ties: every tied label wins). For colour images the score of a pixel is the sum
 * of its channels' scores (our reading; see papers/saliency-cgi/text/description.md).
 * @example competitionMask(allLabelGradientTimesInput(f, x), [3, 1])
 */
export function competitionMask(allScores: ad.Tensor, labels: LabelList): Uint8Array {
  const k = allScores.shape[0];
  const { n, channels, pixels } = pixelLayout(allScores.shape.slice(1), 'competitionMask');
  if (labels.length !== n) throw new Error(`competitionMask: ${n} examples but ${labels.length} labels`);
  const data = allScores.data;
  const size = n * channels * pixels;
  const perLabel = Array.from({ length: k }, (_, c) => sumChannels(data, c * size, n, channels, pixels));
  const mask = new Uint8Array(n * pixels);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= k)
      throw new Error(`competitionMask: labels[${i}] must be an integer in 0 … ${k - 1}, got ${label}`);
    for (let p = 0; p < pixels; p++) {
      const at = i * pixels + p;
      const own = perLabel[label][at];
      let wins = own !== 0;
      for (let c = 0; c < k && wins; c++) if (own > 0 ? perLabel[c][at] > own : perLabel[c][at] < own) wins = false;
      mask[at] = wins ? 1 : 0;
    }
  }
  return mask;
}

/**
 * Competitive gradient ⊙ input (CGI; Gupta & Arora 2019, §3): label yᵢ's gradient ⊙ input, kept
 * at the pixels yᵢ wins against every label (competitionMask, all channels of a won pixel) and
 * zero elsewhere. Shaped like the inputs.
 * @example competitiveGradientTimesInput((x) => net.forward(x), images, predictedLabels)
 */
export function competitiveGradientTimesInput(logits: Logits, inputs: ad.Tensor, labels: LabelList): ad.Tensor {
  const all = allLabelGradientTimesInput(logits, inputs);
  const { n, channels, pixels } = pixelLayout(inputs.shape, 'competitiveGradientTimesInput');
  if (labels.length !== n) throw new Error(`competitiveGradientTimesInput: ${n} examples but ${labels.length} labels`);
  const mask = competitionMask(all, labels);
  const data = all.data;
  const size = n * channels * pixels;
  const kept = new Float64Array(size);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < pixels; p++) {
        const at = (i * channels + c) * pixels + p;
        if (mask[i * pixels + p]) kept[at] = data[labels[i] * size + at];
      }
  return ad.tensor(kept, { shape: inputs.shape, dtype: inputs.dtype });
}

/** Integrated gradients' options: Riemann steps (midpoint rule) and the baseline x′ (default 0). */
export interface IntegratedGradientsOptions {
  steps: number;
  baseline?: ad.Tensor;
}

/**
 * Integrated gradients (Sundararajan et al. 2017, eq. 1) by the midpoint rule with `steps`
 * points: (x − x′) ⊙ (1/m)Σⱼ ∇f_y(x′ + ((j − ½)/m)(x − x′)). Completeness: its entries sum to
 * f_y(x) − f_y(x′) as m → ∞; for a ReLU net without biases and x′ = 0 it equals gradient ⊙
 * input for every m (∇f is constant along the ray).
 * @example integratedGradients((x) => net.forward(x), images, labels, { steps: 16 })
 */
export function integratedGradients(
  logits: Logits,
  inputs: ad.Tensor,
  labels: LabelList,
  { steps, baseline }: IntegratedGradientsOptions,
): ad.Tensor {
  if (!Number.isInteger(steps) || steps < 1)
    throw new Error(`integratedGradients: steps must be a positive integer, got ${steps}`);
  const x = inputs.detach();
  const start = baseline?.detach() ?? ad.zeros(x.shape, { dtype: x.dtype });
  if (start.shape.join() !== x.shape.join())
    throw new Error(`integratedGradients: baseline [${start.shape}] must match inputs [${x.shape}]`);
  const difference = x.sub(start);
  let total = ad.zeros(x.shape, { dtype: x.dtype });
  for (let j = 0; j < steps; j++) {
    const point = start.add(difference.mul((j + 0.5) / steps));
    total = total.add(gradientMap(logits, point, labels));
  }
  return total.mul(difference).div(steps);
}
