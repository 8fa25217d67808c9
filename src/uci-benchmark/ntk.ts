/**
 * The fully connected NTK of Arora, Du, Li, Salakhutdinov, Wang & Yu, "Harnessing the Power of
 * Infinitely Wide Deep Nets on Small-data Tasks" (ICLR 2020, arXiv 1910.01663, §4 and Appendix),
 * in the authors' normalization (PAPERS.md §4): S⁽⁰⁾ = XXᵀ, H = 0; at each step dep = 0, 1, …:
 *     if fix ≤ dep: H += S;   record K[dep][fix] = H;   then
 *     λ = clip(S / max(√(diag S · diag Sᵀ), 1e-9), −1, 1)
 *     S ← (λ(π − arccos λ) + √(1 − λ²))·√(diag·diagᵀ) / (2π),   H ← H·(π − arccos λ) / (2π).
 * dep + 1 is the network's depth, fix the number of bottom layers held fixed (fix ≤ dep).
 * The S chain does not depend on fix, so every fix is carried in one pass: with
 * Ṡ⁽ᵈᵉᵖ⁾ = (π − arccos λ⁽ᵈᵉᵖ⁾)/(2π), K[dep+1][fix] = K[dep][fix]·Ṡ⁽ᵈᵉᵖ⁾ + S⁽ᵈᵉᵖ⁺¹⁾ for fix ≤ dep and
 * K[dep+1][dep+1] = S⁽ᵈᵉᵖ⁺¹⁾, so one arccos per pair of points and depth step gives all fixes.
 * Layout: every matrix is n×n, row-major Float64Array (computed on a ≤ b, mirrored), in shared
 * memory (sharedFloat64) so that the protocol's helper threads read it in place; each depth step
 * runs on both cores through the worker pool, in bands of consecutive rows holding equal shares
 * of the triangle a ≤ b (interleaved rows made two threads write neighbouring columns of the
 * mirrored half, one cache line, at once). Every entry is computed by the same expression as on one
 * thread, so the kernels do not depend on the number of threads.
 */
import { defineTask, runParallel, sharedFloat64 } from '../../gpu/cpu/threads.ts';

/** One depth step's arrays: S⁽ᵈᵉᵖ⁾ and K[dep][·] read, S⁽ᵈᵉᵖ⁺¹⁾ and K[dep+1][0…dep] written. */
interface StepArgs {
  n: number;
  /** Chunk c computes rows bands[c] ≤ a < bands[c + 1]. */
  bands: Int32Array;
  sigma: Float64Array;
  /** diag S⁽ᵈᵉᵖ⁾, contiguous (read once per entry). */
  diagonal: Float64Array;
  level: Float64Array[];
  next: Float64Array;
  kernels: Float64Array[];
}

/** Rows bands[chunk] … bands[chunk + 1] − 1 of one depth step (the recursion of the header), mirrored onto b > a. */
function stepRows(args: StepArgs, chunk: number): void {
  const { n, bands, sigma, diagonal, level, next, kernels } = args;
  for (let a = bands[chunk]; a < bands[chunk + 1]; a++) {
    for (let b = a; b < n; b++) {
      const p = Math.max(Math.sqrt(diagonal[a] * diagonal[b]), 1e-9);
      const lambda = Math.min(1, Math.max(-1, sigma[a * n + b] / p));
      const angle = Math.PI - Math.acos(lambda);
      const value = ((lambda * angle + Math.sqrt(1 - lambda * lambda)) * p) / (2 * Math.PI);
      const derivative = angle / (2 * Math.PI);
      next[a * n + b] = next[b * n + a] = value;
      for (let fix = 0; fix < kernels.length; fix++) {
        kernels[fix][a * n + b] = kernels[fix][b * n + a] = level[fix][a * n + b] * derivative + value;
      }
    }
  }
}

const stepTask = defineTask('uci-ntk-step', import.meta.url, stepRows);

/** Chunks of a depth step: enough for the dynamic claiming to balance two to eight threads. */
const STEP_CHUNKS = 64;

/** Band starts for `chunks` chunks of the n-row upper triangle, each about n(n + 1)/(2·chunks) entries (rows a ≥ 0 hold n − a). */
function triangleBands(n: number, chunks: number): Int32Array {
  const bands = new Int32Array(chunks + 1);
  let row = 0;
  let area = 0;
  for (let c = 1; c < chunks; c++) {
    const target = (c * n * (n + 1)) / (2 * chunks);
    while (row < n && area + (n - row) <= target) area += n - row++;
    bands[c] = row;
  }
  bands[chunks] = n;
  return bands;
}

/** The kernels of one input set, K[dep][fix] for 0 ≤ fix ≤ dep < maxDepth. */
export interface FullyConnectedNtkFamily {
  count: number;
  maxDepth: number;
  /**
   * K[dep][fix] as an n×n row-major matrix, never mutated afterwards. Only the latest depth's
   * kernels are kept: asking in increasing dep (the authors' order) costs one step each;
   * asking for an earlier dep recomputes the chain from XXᵀ.
   */
  kernel(dep: number, fix: number): Float64Array;
}

/**
 * The authors' FC NTK family of the rows of x [count, dimension] for dep = 0 … maxDepth − 1.
 * @example fullyConnectedNtkFamily(Float64Array.from([1, 0, 0, 1]), 2, 2, 5).kernel(4, 1) // 2×2
 */
export function fullyConnectedNtkFamily(
  x: Float64Array,
  count: number,
  dimension: number,
  maxDepth: number,
): FullyConnectedNtkFamily {
  if (!Number.isInteger(count) || !Number.isInteger(dimension) || count < 1 || dimension < 1)
    throw new Error(
      `fullyConnectedNtkFamily: count and dimension must be positive integers, got ${count}, ${dimension}`,
    );
  if (x.length !== count * dimension)
    throw new Error(
      `fullyConnectedNtkFamily: x has ${x.length} values, expected count·dimension = ${count}·${dimension}`,
    );
  if (!Number.isInteger(maxDepth) || maxDepth < 1)
    throw new Error(`fullyConnectedNtkFamily: maxDepth must be a positive integer, got ${maxDepth}`);
  const n = count;
  const gram = () => {
    const first = sharedFloat64(n * n);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let sum = 0;
        for (let c = 0; c < dimension; c++) sum += x[a * dimension + c] * x[b * dimension + c];
        first[a * n + b] = sum;
        first[b * n + a] = sum;
      }
    }
    return first;
  };
  // the latest depth: S⁽ᵈᵉᵖ⁾ and K[dep][0…dep]
  let depth = 0;
  let sigma = gram();
  let level: Float64Array[] = [sigma];
  const step = () => {
    const next = sharedFloat64(n * n);
    const kernels = level.map(() => sharedFloat64(n * n));
    const chunks = Math.min(n, STEP_CHUNKS);
    const bands = triangleBands(n, chunks);
    const diagonal = Float64Array.from({ length: n }, (_, a) => sigma[a * n + a]);
    runParallel(stepTask, { n, bands, sigma, diagonal, level, next, kernels }, chunks, n >= 64);
    kernels.push(next);
    sigma = next;
    level = kernels;
    depth++;
  };
  return {
    count: n,
    maxDepth,
    kernel(dep: number, fix: number): Float64Array {
      if (!Number.isInteger(dep) || !Number.isInteger(fix) || dep < 0 || dep >= maxDepth || fix < 0 || fix > dep)
        throw new Error(`fullyConnectedNtkFamily.kernel: need 0 ≤ fix ≤ dep < ${maxDepth}, got dep ${dep}, fix ${fix}`);
      if (dep < depth) {
        depth = 0;
        sigma = gram();
        level = [sigma];
      }
      while (depth < dep) step();
      return level[fix];
    },
  };
}

/**
 * The squared distances ‖x_a − x_b‖² of the rows of x [count, dimension], n×n row-major: computed
 * once and shared by every γ of a Gaussian-kernel grid (gaussianKernel).
 * @example squaredDistances(Float64Array.from([0, 1]), 2, 1) // [0, 1, 1, 0]
 */
export function squaredDistances(x: Float64Array, count: number, dimension: number): Float64Array {
  if (x.length !== count * dimension)
    throw new Error(`squaredDistances: x has ${x.length} values, expected count·dimension = ${count}·${dimension}`);
  const n = count;
  const distances = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      let sum = 0;
      for (let c = 0; c < dimension; c++) {
        const delta = x[a * dimension + c] - x[b * dimension + c];
        sum += delta * delta;
      }
      distances[a * n + b] = distances[b * n + a] = sum;
    }
  }
  return distances;
}

/**
 * The Gaussian (RBF) kernel exp(−γ‖x_a − x_b‖²) from the squared distances of squaredDistances.
 * @example gaussianKernel(squaredDistances(Float64Array.from([0, 1]), 2, 1), 1) // [1, e⁻¹, e⁻¹, 1]
 */
export function gaussianKernel(distances: Float64Array, gamma: number): Float64Array {
  if (!(gamma > 0)) throw new Error(`gaussianKernel: gamma must be > 0, got ${gamma}`);
  const kernel = sharedFloat64(distances.length); // read in place by the protocol's helper threads
  for (let e = 0; e < distances.length; e++) kernel[e] = Math.exp(-gamma * distances[e]);
  return kernel;
}
