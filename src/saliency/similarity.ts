/**
 * How alike two saliency maps are, the measures of Adebayo et al. 2018 ("Sanity Checks for
 * Saliency Maps", arXiv 1810.03292, §3): Spearman rank correlation of the absolute values and
 * of the signed values, and the structural similarity index (SSIM; Wang et al. 2004, eq. 13)
 * of the absolute maps scaled to [0, 1]. All take flat per-pixel maps (e.g. pixelScores rows).
 */

/** Ranks 1 … n of `values`, ties sharing their average rank (as scipy.stats.rankdata). */
export function ranks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const result = new Float64Array(values.length);
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const average = (start + end + 1) / 2; // mean of ranks start+1 … end
    for (let j = start; j < end; j++) result[order[j]] = average;
    start = end;
  }
  return result;
}

/** Pearson correlation; 0 when either side is constant (no ordering to agree with). */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`pearson: lengths differ (${a.length} vs ${b.length})`);
  const n = a.length;
  let meanA = 0;
  let meanB = 0;
  for (let i = 0; i < n; i++) {
    meanA += a[i];
    meanB += b[i];
  }
  meanA /= n;
  meanB /= n;
  let cross = 0;
  let squaresA = 0;
  let squaresB = 0;
  for (let i = 0; i < n; i++) {
    cross += (a[i] - meanA) * (b[i] - meanB);
    squaresA += (a[i] - meanA) ** 2;
    squaresB += (b[i] - meanB) ** 2;
  }
  return squaresA > 0 && squaresB > 0 ? cross / Math.sqrt(squaresA * squaresB) : 0;
}

/**
 * Spearman's rank correlation: the Pearson correlation of the ranks (ties averaged); 0 when a
 * map is constant (e.g. an all-zero competitive map).
 * @example spearman([1, 2, 3], [10, 20, 25]) // 1
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`spearman: lengths differ (${a.length} vs ${b.length})`);
  return pearson(ranks(a), ranks(b));
}

/** SSIM's options: the side of the square uniform window (default 7, as scikit-image) and the data range. */
export interface SsimOptions {
  window?: number;
  range?: number;
}

/**
 * Mean SSIM of two [height, width] images over every window position inside the image (Wang et
 * al. 2004, eq. 13, with C₁ = (0.01L)², C₂ = (0.03L)², uniform window, sample covariances).
 * @example ssim(map, map, 28, 28) // 1
 */
export function ssim(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  height: number,
  width: number,
  { window = 7, range = 1 }: SsimOptions = {},
): number {
  if (a.length !== height * width || b.length !== height * width)
    throw new Error(`ssim: maps of ${a.length} and ${b.length} values do not fit ${height}×${width}`);
  const side = Math.min(window, height, width);
  const count = side * side;
  const c1 = (0.01 * range) ** 2;
  const c2 = (0.03 * range) ** 2;
  let total = 0;
  let positions = 0;
  for (let top = 0; top + side <= height; top++)
    for (let left = 0; left + side <= width; left++) {
      let sumA = 0;
      let sumB = 0;
      let sumAA = 0;
      let sumBB = 0;
      let sumAB = 0;
      for (let y = top; y < top + side; y++)
        for (let x = left; x < left + side; x++) {
          const u = a[y * width + x];
          const v = b[y * width + x];
          sumA += u;
          sumB += v;
          sumAA += u * u;
          sumBB += v * v;
          sumAB += u * v;
        }
      const meanA = sumA / count;
      const meanB = sumB / count;
      const correction = count / (count - 1 || 1);
      const varianceA = (sumAA / count - meanA * meanA) * correction;
      const varianceB = (sumBB / count - meanB * meanB) * correction;
      const covariance = (sumAB / count - meanA * meanB) * correction;
      total +=
        ((2 * meanA * meanB + c1) * (2 * covariance + c2)) /
        ((meanA * meanA + meanB * meanB + c1) * (varianceA + varianceB + c2));
      positions++;
    }
  return total / positions;
}

/** |values| divided by their largest magnitude (all zeros stay zeros). */
export function scaledMagnitudes(values: ArrayLike<number>): Float64Array {
  let largest = 0;
  for (let i = 0; i < values.length; i++) largest = Math.max(largest, Math.abs(values[i]));
  return Float64Array.from(values, (value) => (largest > 0 ? Math.abs(value) / largest : 0));
}

/** The three similarities of a pair of per-pixel maps. */
export interface MapSimilarity {
  spearmanAbsolute: number;
  spearmanSigned: number;
  ssim: number;
}

/**
 * Adebayo et al.'s three similarities between two [height, width] per-pixel maps: Spearman of
 * |maps|, Spearman of the signed maps, SSIM of the |maps| scaled to [0, 1].
 * @example mapSimilarity(original, randomized, 28, 28).spearmanAbsolute
 */
export function mapSimilarity(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  height: number,
  width: number,
): MapSimilarity {
  const magnitudeA = scaledMagnitudes(a);
  const magnitudeB = scaledMagnitudes(b);
  return {
    spearmanAbsolute: spearman(magnitudeA, magnitudeB),
    spearmanSigned: spearman(a, b),
    ssim: ssim(magnitudeA, magnitudeB, height, width),
  };
}
