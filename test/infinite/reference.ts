/**
 * A direct float64 transcription of the authors' CNTK and FC NTK recursions (PAPERS.md §4
 * and §8) on full covariances, written independently of src/infinite's band layout, for
 * the tests to compare against: Σ, Θ as [H, W, H′, W′] of one pair, the patch sum over the
 * joint shifts (i+a, j+b, i′+a, j′+b), and the diagonal variances taken from the pair of
 * each image with itself, as their `xx` function does.
 */

type Padding = 'zero' | 'circular';

/** P(s)[i,j,i′,j′] = Σ_{a,b} s[i+a, j+b, i′+a, j′+b], out-of-range terms 0 (zero) or wrapped (circular). */
function patchSum(s: Float64Array, h: number, w: number, padding: Padding): Float64Array {
  const t = new Float64Array(s.length);
  const index = (i: number, j: number, k: number, l: number) => ((i * w + j) * h + k) * w + l;
  for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) for (let k = 0; k < h; k++) for (let l = 0; l < w; l++) {
    let sum = 0;
    for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) {
      let [i2, j2, k2, l2] = [i + a, j + b, k + a, l + b];
      if (padding === 'circular') [i2, j2, k2, l2] = [(i2 + h) % h, (j2 + w) % w, (k2 + h) % h, (l2 + w) % w];
      else if (i2 < 0 || i2 >= h || j2 < 0 || j2 >= w || k2 < 0 || k2 >= h || l2 < 0 || l2 >= w) continue;
      sum += s[index(i2, j2, k2, l2)];
    }
    t[index(i, j, k, l)] = sum;
  }
  return t;
}

/** The authors' `trans`: λ = S·iL·iR, S ← √·κ1(λ)/9 (L·R), T ← T·κ0(λ)/9 + S. */
function trans(s: Float64Array, t: Float64Array, left: Float64Array, right: Float64Array): void {
  const p = left.length, q = right.length;
  for (let x = 0; x < p; x++) for (let y = 0; y < q; y++) {
    const e = x * q + y;
    const lambda = Math.min(1, Math.max(-1, s[e] / (left[x] * right[y])));
    const complement = Math.PI - Math.acos(lambda);
    const bs = (lambda * complement + Math.sqrt(1 - Math.min(lambda * lambda, 1))) * left[x] * right[y] / (9 * Math.PI);
    t[e] = t[e] * complement / (9 * Math.PI) + bs;
    s[e] = bs;
  }
}

/** Σ⁰ = Σ_c x_c(p)·z_c(p′) as [H·W, H·W]. */
function inputCovariance(x: Float64Array, z: Float64Array, channels: number, positions: number): Float64Array {
  const s = new Float64Array(positions * positions);
  for (let c = 0; c < channels; c++) for (let p = 0; p < positions; p++) for (let q = 0; q < positions; q++) s[p * positions + q] += x[c * positions + p] * z[c * positions + q];
  return s;
}

/** √diag of Σ at each layer for one image (the authors' xx). */
function deviations(x: Float64Array, channels: number, h: number, w: number, depth: number, padding: Padding): Float64Array[] {
  const positions = h * w;
  let s = patchSum(inputCovariance(x, x, channels, positions), h, w, padding);
  const t = new Float64Array(s.length);
  const list: Float64Array[] = [];
  for (let layer = 1; layer < depth; layer++) {
    const d = Float64Array.from({ length: positions }, (_, p) => Math.sqrt(s[p * positions + p]));
    list.push(d);
    trans(s, t, d, d);
    s = patchSum(s, h, w, padding);
  }
  return list;
}

export interface ReferenceOptions {
  depth: number;
  readout: 'vanilla' | 'gap';
  fix: boolean;
  padding: Padding;
}

/**
 * [nngp, ntk] of one pair of images [C, H, W] (flat Float64Arrays) by the authors' recursion:
 * vanilla = trace, GAP = mean; the NNGP is the same readout of the final S.
 */
export function referenceCntk(x: Float64Array, z: Float64Array, channels: number, h: number, w: number, options: ReferenceOptions): [number, number] {
  const { depth, readout, fix, padding } = options;
  const positions = h * w;
  const dx = deviations(x, channels, h, w, depth, padding);
  const dz = deviations(z, channels, h, w, depth, padding);
  let s: Float64Array = patchSum(inputCovariance(x, z, channels, positions), h, w, padding);
  let t: Float64Array = fix ? new Float64Array(s.length) : s.slice();
  for (let layer = 1; layer < depth - 1; layer++) {
    trans(s, t, dx[layer - 1], dz[layer - 1]);
    s = patchSum(s, h, w, padding);
    t = patchSum(t, h, w, padding);
  }
  trans(s, t, dx[depth - 2], dz[depth - 2]);
  if (fix) for (let e = 0; e < t.length; e++) t[e] -= s[e];
  const read = (a: Float64Array): number => {
    if (readout === 'gap') return a.reduce((sum, v) => sum + v, 0) / a.length;
    let trace = 0;
    for (let p = 0; p < positions; p++) trace += a[p * positions + p];
    return trace;
  };
  return [read(s), read(t)];
}

/** The authors' FC NTK code (kernel_value): K[depth − 1] with the first fixedLayers layers fixed, for rows of X [n, d]. */
export function referenceFullyConnected(x: Float64Array, n: number, d: number, depth: number, fixedLayers: number): { nngp: Float64Array; ntk: Float64Array } {
  let s: Float64Array = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) for (let c = 0; c < d; c++) s[a * n + b] += x[a * d + c] * x[b * d + c];
  const h = new Float64Array(n * n);
  for (let dep = 0; dep < depth; dep++) {
    if (fixedLayers <= dep) for (let e = 0; e < h.length; e++) h[e] += s[e];
    if (dep === depth - 1) break;
    const diag = Float64Array.from({ length: n }, (_, a) => s[a * n + a]);
    const next = new Float64Array(n * n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
      const p = Math.max(Math.sqrt(diag[a] * diag[b]), 1e-9);
      const lambda = Math.min(1, Math.max(-1, s[a * n + b] / p));
      next[a * n + b] = (lambda * (Math.PI - Math.acos(lambda)) + Math.sqrt(1 - lambda * lambda)) * p / 2 / Math.PI;
      h[a * n + b] = h[a * n + b] * (Math.PI - Math.acos(lambda)) / 2 / Math.PI;
    }
    s = next;
  }
  return { nngp: s, ntk: h };
}
