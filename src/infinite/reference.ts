/**
 * The infinite-width kernels of the papers, written out once, densely and slowly: the readable
 * definition that every fast path (layers.ts on the band layout, gpu/cpu/infinite/,
 * gpu/gpujs/infinite.ts, kernel-matrix.ts's blocks, depth-sweep.ts) is tested against.
 *
 * Sources: the CNTK / CNN-GP of Arora et al. 2019, "On Exact Computation with an Infinitely
 * Wide Neural Net" (arXiv 1904.11955, §4 and the Appendix's dynamic program, as their code runs
 * it); the LAP readout and flip averaging of Li et al. 2019, "Enhanced Convolutional Neural
 * Tangent Kernels" (arXiv 1911.00809, §3–4); the fully connected NTK of Arora et al. 2020,
 * "Harnessing the Power of Infinitely Wide Deep Nets on Small-data Tasks" (arXiv 1910.01663,
 * §3 and their code's `kernel_value`).
 *
 * Conventions (the authors' code):
 * - A CNTK of depth L has L − 1 3×3 convolutions (stride 1, 'same', no bias), a ReLU after each,
 *   a readout and a linear output layer; depth 3 has two convolutions.
 * - Σ⁰(x, x′)[p, p′] = Σ_c x_c(p)·x′_c(p′): summed over channels, no 1/C.
 * - P is the patch sum of a 3×3 convolution: P(S)[i, j, i′, j′] = Σ_{a,b ∈ {−1,0,1}} S[i+a, j+b, i′+a, j′+b]
 *   (out-of-image terms 0 for zero padding, wrapped for circular). Σ⁽¹⁾ = P(Σ⁰) and Θ⁽¹⁾ = Σ⁽¹⁾
 *   (the first convolution's own tangent kernel).
 * - Each ReLU and the layer after it: with a, b the variances Σ(x, x)[p, p], Σ(x′, x′)[p′, p′]
 *   and λ = Σ/√(ab) clipped to [−1, 1] (λ = 0 where ab = 0),
 *     K = √(ab)·κ1(λ)/9,  K̇ = κ0(λ)/9,  κ1(λ) = (λ(π − arccos λ) + √(1 − λ²))/π,  κ0(λ) = (π − arccos λ)/π,
 *   i.e. c_σ = 2 times E[σ(u)σ(v)] = √(ab)·κ1(λ)/2 and E[σ′(u)σ′(v)] = κ0(λ)/2, over 9, the
 *   patch of a 3×3 filter (σ_w² = 2 over a fan-in of 9 positions per channel); then
 *   Σ ← P(K), Θ ← P(Θ ⊙ K̇ + K) for the next convolution, and after the last ReLU no patch sum:
 *   Σ⁽ᴸ⁾ = K, Θ⁽ᴸ⁾ = Θ ⊙ K̇ + K.
 * - fix: the first and the last layer are not trained: Θ⁽¹⁾ = 0 and Θ⁽ᴸ⁾ = Θ ⊙ K̇ (the final K,
 *   the output layer's own term, left out).
 * - Readouts of the final [H, W, H, W] covariances: vanilla = the trace Σ_p M[p, p] (no 1/HW);
 *   GAP = the mean over all H²W² pairs of positions; LAP(c) = the trace after a (2c+1)×(2c+1)
 *   average pool of each image, Σ_q (2c+1)⁻⁴ Σ_{g,g′ ∈ [−c,c]²} M[q + g, q + g′] (positions
 *   outside the image dropped, or wrapped for circular padding), which with circular padding is
 *   the vanilla kernel averaged over the shifts g, g′ of both images: local translation
 *   augmentation. LAP(0) is vanilla.
 * - flip: K_flip(x, x′) = ½[K(x, x′) + K(flip x, x′)], flip the horizontal mirror j → W − 1 − j.
 * - Fully connected, 'authors' (1910.01663's code): Σ⁰ = x·x′, then per ReLU and dense layer
 *   Σ ← √(ab)·κ1(λ)/2, Θ ← Θ·κ0(λ)/2 + Σ; the first `fixedLayers` layers are not trained
 *   (their term Σ left out of Θ). 'standard' (c_σ = 2): Σ⁰ = x·x′/d and σ_w² = 2 after each ReLU
 *   (Σ ← √(ab)·κ1(λ), Θ ← Θ·κ0(λ) + Σ), so Σ(x, x) = ‖x‖²/d at every depth.
 *
 * Covariances here are dense Float64Arrays [H·W, H·W] of one pair (row p = i·W + j of the first
 * image, column p′ of the second); the cost is O(depth·(HW)²) per pair, for tests on small inputs.
 */
import type { Padding } from '../../gpu/infinite.ts';

/** An image [C, H, W] as a flat float64 array, with its extents. */
export interface ReferenceImage {
  data: Float64Array;
  channels: number;
  height: number;
  width: number;
}

export interface ReferenceCntkOptions {
  depth: number;
  readout: 'vanilla' | 'gap' | { lap: number };
  fix?: boolean;
  padding?: Padding;
  flip?: boolean;
}

/** The position index of (i, j) on an h×w grid, or −1 outside it (zero) / wrapped (circular). */
function position(i: number, j: number, h: number, w: number, padding: Padding): number {
  if (padding === 'circular') return (((i % h) + h) % h) * w + (((j % w) + w) % w);
  return i < 0 || i >= h || j < 0 || j >= w ? -1 : i * w + j;
}

/**
 * P(S): the 3×3 patch sum over joint shifts of both positions.
 * @example patchSum(sigma0, 8, 8, 'zero') // Σ⁽¹⁾ of an 8×8 pair
 */
export function patchSum(s: Float64Array, h: number, w: number, padding: Padding): Float64Array {
  const n = h * w;
  const out = new Float64Array(n * n);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++)
      for (let k = 0; k < h; k++)
        for (let l = 0; l < w; l++) {
          let sum = 0;
          for (let a = -1; a <= 1; a++)
            for (let b = -1; b <= 1; b++) {
              const p = position(i + a, j + b, h, w, padding),
                q = position(k + a, l + b, h, w, padding);
              if (p >= 0 && q >= 0) sum += s[p * n + q];
            }
          out[(i * w + j) * n + k * w + l] = sum;
        }
  return out;
}

/** Σ⁰[p, p′] = Σ_c x_c(p)·z_c(p′). */
function inputCovariance(x: ReferenceImage, z: ReferenceImage): Float64Array {
  const n = x.height * x.width;
  const s = new Float64Array(n * n);
  for (let c = 0; c < x.channels; c++)
    for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) s[p * n + q] += x.data[c * n + p] * z.data[c * n + q];
  return s;
}

/**
 * The ReLU step of one pair followed by a layer of weight variance `weight` (σ_w² over its
 * fan-in): K = weight·√(ab)·κ1(λ)/2, K̇ = weight·κ0(λ)/2, a and b the variances of the two
 * inputs' positions (E[σ(u)σ(v)] = √(ab)·κ1(λ)/2 and E[σ′(u)σ′(v)] = κ0(λ)/2 for u, v of those variances).
 * @example reluStep(sigma, variances1, variances2, 2 / 9) // the CNTK's K, K̇ (c_σ = 2, /9)
 */
export function reluStep(
  s: Float64Array,
  a: Float64Array,
  b: Float64Array,
  weight: number,
): { k: Float64Array; kDot: Float64Array } {
  const k = new Float64Array(s.length),
    kDot = new Float64Array(s.length);
  for (let p = 0; p < a.length; p++)
    for (let q = 0; q < b.length; q++) {
      const e = p * b.length + q,
        norm = Math.sqrt(a[p] * b[q]);
      const lambda = norm > 0 ? Math.min(1, Math.max(-1, s[e] / norm)) : 0;
      const complement = Math.PI - Math.acos(lambda);
      k[e] = (weight * norm * (lambda * complement + Math.sqrt(1 - lambda * lambda))) / (2 * Math.PI);
      kDot[e] = (weight * complement) / (2 * Math.PI);
    }
  return { k, kDot };
}

const diagonal = (s: Float64Array, n: number) => Float64Array.from({ length: n }, (_, p) => s[p * n + p]);

/**
 * vanilla (trace), GAP (mean) or LAP(c) (pooled trace) of a final [H·W, H·W] covariance.
 * @example readoutOf(k, 8, 8, { lap: 2 }, 'circular')
 */
export function readoutOf(
  m: Float64Array,
  h: number,
  w: number,
  readout: ReferenceCntkOptions['readout'],
  padding: Padding,
): number {
  const n = h * w;
  if (readout === 'gap') return m.reduce((sum, v) => sum + v, 0) / (n * n);
  const c = readout === 'vanilla' ? 0 : readout.lap;
  let total = 0;
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      for (let a = -c; a <= c; a++)
        for (let b = -c; b <= c; b++)
          for (let a2 = -c; a2 <= c; a2++)
            for (let b2 = -c; b2 <= c; b2++) {
              const p = position(i + a, j + b, h, w, padding),
                q = position(i + a2, j + b2, h, w, padding);
              if (p >= 0 && q >= 0) total += m[p * n + q];
            }
    }
  return total / (2 * c + 1) ** 4;
}

/**
 * The horizontal mirror of an image (j → W − 1 − j).
 * @example flipImage({ data: Float64Array.of(1, 2), channels: 1, height: 1, width: 2 }).data // [2, 1]
 */
export function flipImage(x: ReferenceImage): ReferenceImage {
  const { channels, height, width } = x;
  const data = Float64Array.from(x.data, (_, e) => x.data[e - (e % width) + width - 1 - (e % width)]);
  return { data, channels, height, width };
}

/**
 * The CNN-GP (nngp) and CNTK (ntk) of one pair of images, by the recursion in the file comment.
 * @example referenceCntk(x, z, { depth: 3, readout: 'gap', fix: true }) // { nngp, ntk }
 */
export function referenceCntk(
  x: ReferenceImage,
  z: ReferenceImage,
  options: ReferenceCntkOptions,
): { nngp: number; ntk: number } {
  const { depth, readout, fix = false, padding = 'zero', flip = false } = options;
  if (flip) {
    const [plain, flipped] = [x, flipImage(x)].map((first) => referenceCntk(first, z, { ...options, flip: false }));
    return { nngp: (plain.nngp + flipped.nngp) / 2, ntk: (plain.ntk + flipped.ntk) / 2 };
  }
  const { height: h, width: w } = x,
    n = h * w;
  // Σ of the pair and of each image with itself (whose diagonals are the ReLU's variances)
  let sigma = patchSum(inputCovariance(x, z), h, w, padding);
  let sigmaX = patchSum(inputCovariance(x, x), h, w, padding);
  let sigmaZ = patchSum(inputCovariance(z, z), h, w, padding);
  let theta: Float64Array = fix ? new Float64Array(n * n) : sigma.slice();
  for (let layer = 1; ; layer++) {
    const { k, kDot } = reluStep(sigma, diagonal(sigmaX, n), diagonal(sigmaZ, n), 2 / 9);
    const lastTerm = fix && layer === depth - 1 ? 0 : 1;
    const next = theta.map((t, e) => t * kDot[e] + lastTerm * k[e]);
    if (layer === depth - 1)
      return { nngp: readoutOf(k, h, w, readout, padding), ntk: readoutOf(next, h, w, readout, padding) };
    sigma = patchSum(k, h, w, padding);
    theta = patchSum(next, h, w, padding);
    sigmaX = patchSum(reluStep(sigmaX, diagonal(sigmaX, n), diagonal(sigmaX, n), 2 / 9).k, h, w, padding);
    sigmaZ = patchSum(reluStep(sigmaZ, diagonal(sigmaZ, n), diagonal(sigmaZ, n), 2 / 9).k, h, w, padding);
  }
}

/**
 * The fully connected NNGP and NTK matrices [n, n] of the rows of x [n, d] (file comment).
 * @example referenceFullyConnected(x, n, d, { depth: 5, normalization: 'authors', fixedLayers: 1 }).ntk
 */
export function referenceFullyConnected(
  x: Float64Array,
  n: number,
  d: number,
  options: { depth: number; normalization: 'authors' | 'standard'; fixedLayers?: number },
): { nngp: Float64Array; ntk: Float64Array } {
  const { depth, normalization, fixedLayers = 0 } = options;
  const scale = normalization === 'authors' ? 1 : 1 / d;
  const weight = normalization === 'authors' ? 1 : 2; // σ_w² after each ReLU
  let sigma: Float64Array = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) for (let c = 0; c < d; c++) sigma[a * n + b] += scale * x[a * d + c] * x[b * d + c];
  let theta: Float64Array = fixedLayers > 0 ? new Float64Array(n * n) : sigma.slice();
  for (let layer = 1; layer < depth; layer++) {
    const variances = diagonal(sigma, n);
    const { k, kDot } = reluStep(sigma, variances, variances, weight);
    const trained = layer >= fixedLayers ? 1 : 0;
    theta = theta.map((t, e) => t * kDot[e] + trained * k[e]);
    sigma = k;
  }
  return { nngp: sigma, ntk: theta };
}
