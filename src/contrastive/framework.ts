/**
 * The framework of Arora et al. 2019 (arXiv 1902.09229, §2–§5) on a finite latent-class
 * distribution, where every expectation is an exact, weighted average: classes c with weights
 * ρ(c), each with an explicit set of representations f(x), D_c uniform on it. Similar pairs
 * (x, x⁺) ~ D_c² with c ~ ρ; negatives x⁻_i ~ D_{c_i} with c_i ~ ρ independently (so a
 * negative can share the positive's class: a "collision", probability τ).
 *
 * The key inequality (Lemma 4.3 for k = 1; the Jensen step of §5.1's argument for k ≥ 1):
 *   L_un(f) ≥ E ℓ({f(x)ᵀ(μ_{c⁺} − μ_{c_i})}) ≥ (1 − τ_k)·L^μ_sup(f) + τ_k,
 * since ℓ is convex in the margins (Jensen over x⁺ and x⁻), and on a collision one margin is
 * exactly 0, so ℓ ≥ 1 for both losses. Hence L^μ_sup(f) ≤ (L_un(f) − τ_k)/(1 − τ_k) with
 * τ_k = P[c⁺ ∈ {c_1, …, c_k}] = Σ_c ρ(c)(1 − (1 − ρ(c))^k), and L^μ_sup the mean-classifier
 * loss averaged over the tasks (c⁺, c_1, …, c_k) drawn from ρ^{k+1} given no collision.
 */
import { lossOfMargin, lossOfMargins, type ContrastiveLossName } from './losses.ts';

/** A finite latent-class distribution with f applied: weights ρ (summing to 1) and each class's f(x) rows. */
export interface RepresentedClasses {
  weights: readonly number[];
  points: readonly (readonly ArrayLike<number>[])[];
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}

/** Checks the distribution; returns the flat list of (class, representation, probability) atoms. */
function atomsOf(caller: string, classes: RepresentedClasses): { label: number; row: ArrayLike<number>; p: number }[] {
  const { weights, points } = classes;
  if (weights.length !== points.length || weights.length === 0) {
    throw new Error(`${caller}: ${weights.length} weights for ${points.length} classes (need the same, at least one)`);
  }
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (weights.some((w) => !(w >= 0)) || Math.abs(total - 1) > 1e-9) {
    throw new Error(`${caller}: weights must be non-negative and sum to 1, got sum ${total}`);
  }
  const width = points[0]?.[0]?.length;
  const atoms: { label: number; row: ArrayLike<number>; p: number }[] = [];
  points.forEach((rows, label) => {
    if (rows.length === 0) throw new Error(`${caller}: class ${label} has no points`);
    for (const row of rows) {
      if (row.length !== width)
        throw new Error(`${caller}: class ${label} has a row of ${row.length}, expected ${width}`);
      atoms.push({ label, row, p: weights[label] / rows.length });
    }
  });
  return atoms;
}

/**
 * τ_k = P[c⁺ ∈ {c_1, …, c_k}] for c⁺, c_1, …, c_k iid ρ (τ_1 = Σ ρ(c)², the collision probability).
 * @example collisionProbability([0.5, 0.5]) // 0.5
 */
export function collisionProbability(weights: readonly number[], k = 1): number {
  if (!Number.isInteger(k) || k < 1) throw new Error(`collisionProbability: k must be a positive integer, got ${k}`);
  return weights.reduce((sum, w) => sum + w * (1 - (1 - w) ** k), 0);
}

/**
 * The bound (L_un − τ)/(1 − τ) on L^μ_sup (Lemma 4.3).
 * @example contrastiveBound(0.6, 0.2) // 0.5
 */
export function contrastiveBound(unsupervisedLoss: number, tau: number): number {
  if (!(tau >= 0 && tau < 1)) throw new Error(`contrastiveBound: τ must be in [0, 1), got ${tau}`);
  return (unsupervisedLoss - tau) / (1 - tau);
}

/**
 * The mean classifier's rows μ_c = E_{x~D_c} f(x) (§2).
 * @example meanClassifier({ weights: [1], points: [[[1, 0], [0, 1]]] }) // [[0.5, 0.5]]
 */
export function meanClassifier(classes: RepresentedClasses): Float64Array[] {
  atomsOf('meanClassifier', classes);
  return classes.points.map((rows) => {
    const mean = new Float64Array(rows[0].length);
    for (const row of rows) for (let i = 0; i < mean.length; i++) mean[i] += row[i] / rows.length;
    return mean;
  });
}

/**
 * L_un(f) = E ℓ({f(x)ᵀ(f(x⁺) − f(x⁻_i))}_{i ≤ k}), exactly (§2, §5.1). k = 1 costs Σ_c n_c²·N; larger k
 * enumerates the N^k negative tuples, for small sets (tests).
 * @example unsupervisedLoss({ weights: [1], points: [[[0, 0]]] }, 'logistic') // 1
 */
export function unsupervisedLoss(classes: RepresentedClasses, loss: ContrastiveLossName, k = 1): number {
  const atoms = atomsOf('unsupervisedLoss', classes);
  if (!Number.isInteger(k) || k < 1) throw new Error(`unsupervisedLoss: k must be a positive integer, got ${k}`);
  const margins = new Float64Array(k);
  let total = 0;
  classes.points.forEach((rows, label) => {
    const pairWeight = classes.weights[label] / rows.length ** 2;
    for (const anchor of rows) {
      const negativeScores = atoms.map((atom) => dot(anchor, atom.row));
      for (const positive of rows) {
        const positiveScore = dot(anchor, positive);
        if (k === 1) {
          let sum = 0;
          for (let j = 0; j < atoms.length; j++)
            sum += atoms[j].p * lossOfMargin(positiveScore - negativeScores[j], loss);
          total += pairWeight * sum;
          continue;
        }
        const visit = (slot: number, probability: number): void => {
          if (slot === k) {
            total += pairWeight * probability * lossOfMargins(margins, loss);
            return;
          }
          for (let j = 0; j < atoms.length; j++) {
            margins[slot] = positiveScore - negativeScores[j];
            visit(slot + 1, probability * atoms[j].p);
          }
        };
        visit(0, 1);
      }
    }
  });
  return total;
}

/**
 * The block loss (§6.2): E ℓ(f(x)ᵀ(mean_j f(x⁺_j) − mean_j f(x⁻_j))) with x, x⁺_1…x⁺_b ~ D_{c⁺} and
 * x⁻_1…x⁻_b ~ D_{c⁻}, c⁺, c⁻ ~ ρ; exact, enumerating n^b tuples per class (small sets).
 * @example blockUnsupervisedLoss({ weights: [1], points: [[[0, 0]]] }, 'hinge', 2) // 1
 */
export function blockUnsupervisedLoss(classes: RepresentedClasses, loss: ContrastiveLossName, block: number): number {
  atomsOf('blockUnsupervisedLoss', classes);
  if (!Number.isInteger(block) || block < 1)
    throw new Error(`blockUnsupervisedLoss: block must be a positive integer, got ${block}`);
  const { weights, points } = classes;
  // The distribution of mean_j aᵀf(x_j) over b draws from class c, as (value, probability) pairs.
  const blockMeans = (anchor: ArrayLike<number>, rows: readonly ArrayLike<number>[]): [number, number][] => {
    const scores = rows.map((row) => dot(anchor, row) / block);
    let sums: [number, number][] = [[0, 1]];
    for (let j = 0; j < block; j++)
      sums = sums.flatMap(([value, p]) => scores.map((score): [number, number] => [value + score, p / rows.length]));
    return sums;
  };
  let total = 0;
  points.forEach((rows, label) => {
    for (const anchor of rows) {
      const positives = blockMeans(anchor, rows);
      points.forEach((negativeRows, negativeLabel) => {
        const negatives = blockMeans(anchor, negativeRows);
        const weight = (weights[label] / rows.length) * weights[negativeLabel];
        for (const [positive, pPositive] of positives)
          for (const [negative, pNegative] of negatives)
            total += weight * pPositive * pNegative * lossOfMargin(positive - negative, loss);
      });
    }
  });
  return total;
}

/**
 * L^μ_sup(f): the mean classifier's loss ℓ({f(x)ᵀ(μ_{c⁺} − μ_{c_i})}) averaged over x ~ D_{c⁺} and the
 * tasks (c⁺, c_1…c_k) ~ ρ^{k+1} given c⁺ ∉ {c_i} (for k = 1: the average binary task, §4). Exact;
 * enumerates C^k class tuples. NaN when every tuple collides (one class).
 * @example supervisedMeanLoss({ weights: [0.5, 0.5], points: [[[1]], [[-1]]] }, 'hinge') // 0
 */
export function supervisedMeanLoss(classes: RepresentedClasses, loss: ContrastiveLossName, k = 1): number {
  atomsOf('supervisedMeanLoss', classes);
  if (!Number.isInteger(k) || k < 1) throw new Error(`supervisedMeanLoss: k must be a positive integer, got ${k}`);
  const { weights, points } = classes;
  const means = meanClassifier(classes);
  const margins = new Float64Array(k);
  let total = 0;
  let mass = 0;
  points.forEach((rows, label) => {
    for (const x of rows) {
      const scores = means.map((mean) => dot(x, mean));
      const visit = (slot: number, probability: number): void => {
        if (probability === 0) return;
        if (slot === k) {
          total += probability * lossOfMargins(margins, loss);
          mass += probability;
          return;
        }
        scores.forEach((score, other) => {
          if (other === label) return;
          margins[slot] = scores[label] - score;
          visit(slot + 1, probability * weights[other]);
        });
      };
      visit(0, weights[label] / rows.length);
    }
  });
  return total / mass;
}
