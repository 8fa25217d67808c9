/**
 * Drawing contrastive training tuples from latent classes (Arora et al. 2019, arXiv 1902.09229,
 * §2 and §6.2): a class c⁺ ~ ρ, an anchor x and positives from D_{c⁺}, and negatives from
 * classes drawn from ρ independently (so a negative may share c⁺, as in the paper's model).
 * Classes are groups of example indices; ρ weights each class by its number of members, or
 * uniformly, as asked.
 */
import type { Random } from '../data/index.ts';

/** Indices of the training tuples, row-major: anchors [B], positives [B × b], negatives [B × k] (or [B × b] for a block). */
export interface ContrastiveTuples {
  anchors: Int32Array;
  positives: Int32Array;
  negatives: Int32Array;
}

/** Options of drawContrastiveTuples. */
export interface TupleOptions {
  batch: number;
  /** Negatives per anchor (standard loss) — each from its own class draw. */
  negatives?: number;
  /** Block size b (§6.2): b positives and b negatives, the negatives all from one class draw; replaces `negatives`. */
  block?: number;
  /** ρ: 'members' weighs a class by its size (drawing an example uniformly), 'uniform' weighs classes equally. */
  weighting?: 'members' | 'uniform';
}

/** Groups of example indices by label. @example groupByLabel(new Int32Array([1, 0, 1]), 2) // [[1], [0, 2]] */
export function groupByLabel(labels: ArrayLike<number>, classes: number): number[][] {
  const groups: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!(label >= 0 && label < classes))
      throw new Error(`groupByLabel: label ${label} at ${i} outside 0…${classes - 1}`);
    groups[label].push(i);
  }
  return groups;
}

/**
 * A batch of contrastive tuples: the anchor and its positives are distinct members of one class
 * (while the class has members left), the negatives are members of classes drawn from ρ.
 * @example drawContrastiveTuples(groupByLabel(labels, 10), new Random(0), { batch: 64, negatives: 1 })
 */
export function drawContrastiveTuples(
  groups: readonly (readonly number[])[],
  rng: Random,
  { batch, negatives = 1, block, weighting = 'members' }: TupleOptions,
): ContrastiveTuples {
  const usable = groups.filter((members) => members.length >= 2);
  if (usable.length === 0) throw new Error('drawContrastiveTuples: no class has two members to form a similar pair');
  if (!Number.isInteger(batch) || batch < 1)
    throw new Error(`drawContrastiveTuples: batch must be a positive integer, got ${batch}`);
  const positivesPer = block ?? 1;
  const negativesPer = block ?? negatives;
  if (!Number.isInteger(positivesPer) || positivesPer < 1 || !Number.isInteger(negativesPer) || negativesPer < 1)
    throw new Error(`drawContrastiveTuples: negatives and block must be positive integers, got ${negatives}, ${block}`);
  const flat = groups.flatMap((members) => members);
  const classOfFlat = groups.flatMap((members, label) => members.map(() => label));
  const drawClass = (pool: readonly (readonly number[])[]): readonly number[] => {
    if (weighting === 'uniform') return pool[rng.int(pool.length)];
    if (pool === groups) return groups[classOfFlat[rng.int(flat.length)]];
    const total = pool.reduce((sum, members) => sum + members.length, 0);
    let pick = rng.int(total);
    for (const members of pool) {
      if (pick < members.length) return members;
      pick -= members.length;
    }
    return pool[pool.length - 1];
  };
  const anchors = new Int32Array(batch);
  const positives = new Int32Array(batch * positivesPer);
  const negativeIndices = new Int32Array(batch * negativesPer);
  for (let row = 0; row < batch; row++) {
    const members = drawClass(usable);
    const pool = [...members];
    anchors[row] = pool.splice(rng.int(pool.length), 1)[0];
    for (let j = 0; j < positivesPer; j++) {
      const refill = pool.length === 0 ? members.filter((member) => member !== anchors[row]) : pool;
      positives[row * positivesPer + j] = refill.splice(rng.int(refill.length), 1)[0];
    }
    let negativeClass = drawClass(groups);
    for (let j = 0; j < negativesPer; j++) {
      if (block === undefined && j > 0) negativeClass = drawClass(groups);
      negativeIndices[row * negativesPer + j] = negativeClass[rng.int(negativeClass.length)];
    }
  }
  return { anchors, positives, negatives: negativeIndices };
}
