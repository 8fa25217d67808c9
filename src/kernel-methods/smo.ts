/**
 * The SMO solver of the binary C-SVC dual on a precomputed kernel, following libsvm
 * (Chang & Lin 2011): the second-order working-set selection of Fan, Chen & Lin (2005,
 * "WSS 3"), libsvm's shrinking, warm starts from a given α, and Newton steps on the free
 * face for the slow, nearly singular cases; it stops when the maximal KKT violation is
 * below `tolerance` (libsvm's -e, default 1e-3). The kernel is given whole, so every row is
 * at hand (libsvm's kernel cache has nothing to add). The model API around it is svm.ts.
 */
/** One binary dual solution: f(x) = Σ_i y_i α_i K(x, x_i) + bias. */
export interface BinarySolution {
  alpha: Float64Array;
  bias: number;
  /** The dual objective ½αᵀQα − Σα at the solution. */
  objective: number;
  /** SMO updates plus Newton steps on the free face (see solveBinary). */
  iterations: number;
  converged: boolean;
}

/** Options of solveBinary. */
export interface BinarySolveOptions {
  /** Stop when max_{I_up} m − min_{I_low} m < tolerance, m_t = −y_t ∇_t (default 1e-3, libsvm's -e). */
  tolerance?: number;
  /** Iteration guard (default max(10⁷, 100n), as libsvm); hitting it sets `converged` false. */
  maxIterations?: number;
  /** A starting α (clipped to the box; it must satisfy Σ y α = 0), e.g. the previous C's α scaled. */
  start?: Float64Array;
  /** Interleave Newton steps on the free face (default true); false gives plain SMO. */
  faceSolves?: boolean;
}

/** Below this the curvature K_ii + K_jj − 2K_ij is replaced (libsvm's TAU). */
const MINIMUM_CURVATURE = 1e-12;
const IN_UP = 1;
const IN_LOW = 2;

/**
 * Solves the binary C-SVC dual on an n×n row-major kernel (symmetric, PSD) with signs ±1: SMO
 * with the second-order working-set selection of Fan, Chen & Lin (2005, WSS 3) and libsvm's
 * shrinking (Chang & Lin 2011, §5.1: bounded α_t that cannot enter a working set leave the
 * active set every min(n, 1000) iterations; all return, gradients rebuilt, once the gap is
 * below 10·tolerance and again before the final check). The solver keeps the scores
 * m_t = −y_t ∇_t f(α) = y_t − Σ_s y_s α_s K_ts, which an update of the pair (i, j) by
 * α_i += y_i τ, α_j −= y_j τ changes by −τ(K_ti − K_tj), so the kernel is read unsigned.
 * On long runs (past 10n iterations, and work since the last one above the cost of one) it adds Newton steps on the
 * equality-constrained quadratic of the free face {0 < α < C} (see faceSolve), stopping at the
 * first bound they reach: nearly linear kernels at large C, where SMO converges linearly and
 * slowly on a singular free block, then finish in a few such steps. Every step lowers
 * the objective, and the stopping test is SMO's over all points.
 * @example solveBinary(Float64Array.from([1, 0, 0, 1]), Float64Array.from([1, -1]), 10).bias // 0
 */
export function solveBinary(
  kernel: Float64Array,
  signs: Float64Array,
  cost: number,
  options: BinarySolveOptions = {},
): BinarySolution {
  const n = signs.length;
  if (kernel.length !== n * n) throw new Error(`solveBinary: kernel has ${kernel.length} entries, expected ${n}×${n}`);
  if (!(cost > 0) || !Number.isFinite(cost)) throw new Error(`solveBinary: cost must be finite and > 0, got ${cost}`);
  const { tolerance = 1e-3, maxIterations = Math.max(10_000_000, 100 * n), start, faceSolves = true } = options;
  if (start && start.length !== n) throw new Error(`solveBinary: start has ${start.length} entries, expected ${n}`);
  const k = kernel;
  // plain loops, not Float64Array.from(…, fn): many solves are tiny (one-vs-one over 100 classes)
  const alpha = new Float64Array(n);
  const diagonal = new Float64Array(n);
  const score = new Float64Array(n);
  const active = new Int32Array(n);
  for (let t = 0; t < n; t++) {
    if (start) alpha[t] = Math.min(cost, Math.max(0, start[t]));
    diagonal[t] = k[t * n + t];
    score[t] = signs[t];
    active[t] = t;
  }
  // atCost_t = −C Σ_{α_s = C} y_s K_ts: the bounded part of the score, kept so that shrunk
  // scores are rebuilt from the free α alone (libsvm's G_bar).
  const atCost = new Float64Array(n);
  const flags = new Uint8Array(n);
  const setFlags = (t: number) => {
    const up = signs[t] > 0 ? alpha[t] < cost : alpha[t] > 0;
    const low = signs[t] > 0 ? alpha[t] > 0 : alpha[t] < cost;
    flags[t] = (up ? IN_UP : 0) | (low ? IN_LOW : 0);
  };
  const addRow = (target: Float64Array, s: number, weight: number) => {
    const row = s * n;
    for (let t = 0; t < n; t++) target[t] += weight * k[row + t];
  };
  for (let s = 0; s < n; s++) {
    setFlags(s);
    if (alpha[s] === 0) continue;
    addRow(score, s, -signs[s] * alpha[s]);
    if (alpha[s] === cost) addRow(atCost, s, -signs[s] * cost);
  }
  let activeCount = n;
  const rebuild = () => {
    const isActive = new Uint8Array(n);
    for (let a = 0; a < activeCount; a++) isActive[active[a]] = 1;
    const free: number[] = [];
    for (let s = 0; s < n; s++) if (alpha[s] > 0 && alpha[s] < cost) free.push(s);
    for (let t = 0; t < n; t++) {
      if (isActive[t]) continue;
      let sum = signs[t] + atCost[t];
      const row = t * n;
      for (const s of free) sum -= signs[s] * alpha[s] * k[row + s];
      score[t] = sum;
    }
    for (let t = 0; t < n; t++) active[t] = t;
    activeCount = n;
  };
  // The working pair and the gap of the last selection.
  let i = -1;
  let j = -1;
  let largestUp = -Infinity;
  let smallestLow = Infinity;
  // `upKnown`: i and largestUp were found by the last update's pass over the scores
  const select = (upKnown = false) => {
    if (!upKnown) {
      i = -1;
      largestUp = -Infinity;
      for (let a = 0; a < activeCount; a++) {
        const t = active[a];
        if (flags[t] & IN_UP && score[t] >= largestUp) {
          largestUp = score[t];
          i = t;
        }
      }
    }
    j = -1;
    smallestLow = Infinity;
    let bestGain = Infinity;
    const rowI = i * n;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      if (!(flags[t] & IN_LOW)) continue;
      const value = score[t];
      if (value < smallestLow) smallestLow = value;
      const violation = largestUp - value;
      if (i >= 0 && violation > 0) {
        const curvature = diagonal[i] + diagonal[t] - 2 * k[rowI + t];
        const gain = (-violation * violation) / (curvature > 0 ? curvature : MINIMUM_CURVATURE);
        if (gain <= bestGain) {
          bestGain = gain;
          j = t;
        }
      }
    }
    return j >= 0 && largestUp - smallestLow >= tolerance;
  };
  let unshrunk = false;
  const shrink = () => {
    if (!unshrunk && largestUp - smallestLow <= 10 * tolerance) {
      unshrunk = true;
      rebuild();
      select();
    }
    let kept = 0;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      const up = flags[t] & IN_UP;
      const low = flags[t] & IN_LOW;
      const removable = (up && !low && score[t] < smallestLow) || (low && !up && score[t] > largestUp);
      if (!removable) active[kept++] = t;
    }
    activeCount = kept;
  };
  // After α_s changed from `before`: flags and atCost.
  const bookkeeping = (s: number, before: number) => {
    setFlags(s);
    if ((before === cost) !== (alpha[s] === cost)) addRow(atCost, s, (alpha[s] === cost ? -1 : 1) * signs[s] * cost);
  };
  // ... and the active scores, m_t −= K_ts Δβ_s with β_s = y_s α_s.
  const moved = (s: number, before: number) => {
    const delta = signs[s] * (alpha[s] - before);
    if (delta === 0) return;
    const row = s * n;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      score[t] -= delta * k[row + t];
    }
    bookkeeping(s, before);
  };
  let iterations = 0;
  let converged = false;
  let countdown = Math.min(n, 1000);
  let workSinceFace = 0;
  let upKnown = false;
  while (iterations < maxIterations) {
    if (--countdown === 0) {
      upKnown = false;
      countdown = Math.min(n, 1000);
      select();
      if (faceSolves && iterations > 10 * n && workSinceFace > faceCost()) {
        workSinceFace = 0;
        iterations += faceSolve();
        select();
      }
      shrink();
    }
    if (!select(upKnown)) {
      if (activeCount === n) {
        converged = true;
        break;
      }
      rebuild(); // optimal on the active set: check again over all points
      if (!select()) {
        converged = true;
        break;
      }
      countdown = 1;
    }
    iterations++;
    workSinceFace += activeCount;
    const curvature = diagonal[i] + diagonal[j] - 2 * k[i * n + j];
    const boundI = signs[i] > 0 ? cost - alpha[i] : alpha[i];
    const boundJ = signs[j] > 0 ? alpha[j] : cost - alpha[j];
    const newton = (largestUp - score[j]) / (curvature > 0 ? curvature : MINIMUM_CURVATURE);
    const step = Math.min(newton, boundI, boundJ);
    const beforeI = alpha[i];
    const beforeJ = alpha[j];
    // Land exactly on a bound when the step is clipped, so the sets I_up and I_low stay exact.
    alpha[i] = step === boundI ? (signs[i] > 0 ? cost : 0) : alpha[i] + signs[i] * step;
    alpha[j] = step === boundJ ? (signs[j] > 0 ? 0 : cost) : alpha[j] - signs[j] * step;
    bookkeeping(i, beforeI);
    bookkeeping(j, beforeJ);
    // one pass: the scores, m_t −= K_ti Δβ_i + K_tj Δβ_j, and the next i = argmax of m over I_up
    const deltaI = signs[i] * (alpha[i] - beforeI);
    const deltaJ = signs[j] * (alpha[j] - beforeJ);
    const rowI = i * n;
    const rowJ = j * n;
    i = -1;
    largestUp = -Infinity;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      const value = score[t] - (deltaI * k[rowI + t] + deltaJ * k[rowJ + t]);
      score[t] = value;
      if (flags[t] & IN_UP && value >= largestUp) {
        largestUp = value;
        i = t;
      }
    }
    upKnown = true;
  }
  if (activeCount < n) rebuild(); // the guard was hit while shrunk: fresh scores for the objective and bias

  /** The work of one face solve: the free block's matrix-vector products and the final score update. */
  function faceCost(): number {
    let free = 0;
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      if (alpha[t] > 0 && alpha[t] < cost) free++;
    }
    return free < 2 ? Infinity : free * free * free + free * activeCount;
  }

  /**
   * Newton steps for min ½ΔβᵀK_FFΔβ − m_FᵀΔβ subject to ΣΔβ = 0 on the free set F (β_s = y_s α_s,
   * so the box is [0, C] for y = +1, [−C, 0] for y = −1): Δβ = A⁻¹(m_F − ν1) with ν making ΣΔβ = 0,
   * A the Cholesky factor of K_FF with its pivots floored at 10⁻¹² of the largest diagonal entry
   * (K_FF is often singular: free points outnumber the kernel's rank), then the exact line minimum
   * along Δβ on the true K_FF, clipped at the first bound; a point that reaches its bound leaves F
   * and the step is redone. Returns the steps taken.
   */
  function faceSolve(): number {
    const members: number[] = [];
    for (let a = 0; a < activeCount; a++) {
      const t = active[a];
      if (alpha[t] > 0 && alpha[t] < cost) members.push(t);
    }
    const size = members.length;
    const beta = Float64Array.from(members, (s) => signs[s] * alpha[s]);
    const before = Float64Array.from(members, (s) => alpha[s]);
    const local = Float64Array.from(members, (s) => score[s]);
    let face = members.map((_, e) => e);
    const factor = new Float64Array(size * size);
    const direction = new Float64Array(size);
    const ones = new Float64Array(size);
    let steps = 0;
    while (steps < 8 && face.length >= 2) {
      const f = face.length;
      let mean = 0;
      for (const e of face) mean += local[e] / f;
      if (face.every((e) => Math.abs(local[e] - mean) <= tolerance / 4)) break;
      steps++;
      let largest = 0;
      for (let r = 0; r < f; r++) {
        const row = members[face[r]] * n;
        for (let c = 0; c <= r; c++) factor[r * f + c] = k[row + members[face[c]]];
        largest = Math.max(largest, factor[r * f + r]);
      }
      choleskyInPlace(factor, f, 1e-12 * largest);
      for (let r = 0; r < f; r++) ((direction[r] = local[face[r]]), (ones[r] = 1));
      choleskySolveInPlace(factor, f, direction);
      choleskySolveInPlace(factor, f, ones);
      let sumDirection = 0;
      let sumOnes = 0;
      for (let r = 0; r < f; r++) ((sumDirection += direction[r]), (sumOnes += ones[r]));
      const multiplier = sumDirection / sumOnes;
      for (let r = 0; r < f; r++) direction[r] -= multiplier * ones[r];
      // On a nearly singular K_FF both terms above are huge and their difference is not: the
      // cancellation leaves ΣΔβ ≠ 0 far above rounding of Δβ itself (fast-check found |Σyα| = 3e-5
      // at C = 1000), so project onto ΣΔβ = 0 once more, exactly up to the rounding of Δβ.
      let residual = 0;
      for (let r = 0; r < f; r++) residual += direction[r];
      for (let r = 0; r < f; r++) direction[r] -= residual / f;
      // the exact line search on K_FF itself; Δβ is a descent direction since A is positive definite
      let slope = 0;
      let curvature = 0;
      const product = new Float64Array(size);
      for (let e = 0; e < size; e++) {
        const row = members[e] * n;
        let sum = 0;
        for (let c = 0; c < f; c++) sum += k[row + members[face[c]]] * direction[c];
        product[e] = sum;
      }
      let limit = Infinity;
      let hit = -1;
      for (let r = 0; r < f; r++) {
        const e = face[r];
        slope += local[e] * direction[r];
        curvature += product[e] * direction[r];
        if (direction[r] === 0) continue;
        const bound = direction[r] > 0 ? (signs[members[e]] > 0 ? cost : 0) : signs[members[e]] > 0 ? 0 : -cost;
        const room = (bound - beta[e]) / direction[r];
        if (room < limit) ((limit = room), (hit = r));
      }
      if (!(slope > 0)) break;
      const step = Math.min(curvature > 0 ? slope / curvature : Infinity, limit);
      if (!Number.isFinite(step)) break;
      for (let r = 0; r < f; r++) beta[face[r]] += step * direction[r];
      for (let e = 0; e < size; e++) local[e] -= step * product[e];
      if (step !== limit) continue;
      const e = face[hit];
      beta[e] = direction[hit] > 0 === signs[members[e]] > 0 ? signs[members[e]] * cost : 0;
      face = face.filter((other) => other !== e);
    }
    members.forEach((s, e) => {
      alpha[s] = Math.min(cost, Math.max(0, signs[s] * beta[e]));
      moved(s, before[e]);
    });
    return steps;
  }

  let objective = 0;
  let freeSum = 0;
  let freeCount = 0;
  let upperOfRange = Infinity;
  let lowerOfRange = -Infinity;
  for (let t = 0; t < n; t++) {
    // ∇_t = −y_t m_t, so ½αᵀQα − Σα = ½ Σ α_t (∇_t − 1)
    objective += 0.5 * alpha[t] * (-signs[t] * score[t] - 1);
    if (alpha[t] > 0 && alpha[t] < cost) {
      freeSum += score[t];
      freeCount++;
    }
    if (flags[t] & IN_UP) lowerOfRange = Math.max(lowerOfRange, score[t]);
    if (flags[t] & IN_LOW) upperOfRange = Math.min(upperOfRange, score[t]);
  }
  // libsvm's rho, negated: the mean score over free α, else the middle of the feasible range
  const bias = freeCount > 0 ? freeSum / freeCount : (lowerOfRange + upperOfRange) / 2;
  return { alpha, bias, objective, iterations, converged };
}

/** Lower Cholesky factor of the symmetric f×f matrix in `a` (lower triangle read), pivots floored at `floor`. */
function choleskyInPlace(a: Float64Array, f: number, floor: number): void {
  for (let j = 0; j < f; j++) {
    let pivot = a[j * f + j];
    for (let p = 0; p < j; p++) pivot -= a[j * f + p] * a[j * f + p];
    const root = Math.sqrt(Math.max(pivot, floor));
    a[j * f + j] = root;
    for (let r = j + 1; r < f; r++) {
      let sum = a[r * f + j];
      for (let p = 0; p < j; p++) sum -= a[r * f + p] * a[j * f + p];
      a[r * f + j] = sum / root;
    }
  }
}

/** Solves L Lᵀ x = b in place for the factor of choleskyInPlace. */
function choleskySolveInPlace(l: Float64Array, f: number, b: Float64Array): void {
  for (let r = 0; r < f; r++) {
    let sum = b[r];
    for (let p = 0; p < r; p++) sum -= l[r * f + p] * b[p];
    b[r] = sum / l[r * f + r];
  }
  for (let r = f - 1; r >= 0; r--) {
    let sum = b[r];
    for (let p = r + 1; p < f; p++) sum -= l[p * f + r] * b[p];
    b[r] = sum / l[r * f + r];
  }
}
