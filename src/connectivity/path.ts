/**
 * The piecewise-linear path of Kuditipudi et al. 2019 (arXiv 1906.06247, §3, Theorem 1 and
 * its two-layer lemma) between two trained nets A and B, built, not trained. With hidden
 * layers 1…H and output layer H+1, a half S_l of each hidden layer is kept for A and the
 * other half S̄_l for B. The vertices are:
 *   A → (H segments, top layer first) A with layers H, H−1, …, 1 dropped out: the columns of
 *   W_{l+1} for S_l are ×2 and for S̄_l are 0 (the first of these changes only the output
 *   layer, so the output is linear in t);
 *   → the free units S̄ take B's dropout net (rows S̄_l of W_l become B's, reading only S̄_{l−1}):
 *   the function does not change;
 *   → the output layer moves from A's half to B's half: the output is (1−t)·f_A' + t·f_B';
 *   → the now-free units S take B's remaining rows: the function does not change;
 *   → (H segments, bottom layer first) B's dropout undone, ending at B exactly.
 * 2H + 3 segments: 5 for a two-layer net, as in the paper's two-layer construction.
 */
import { Random } from '../../gpu/random.ts';
import { hiddenWidths, unitMaps, type Architecture, type Weights } from './network.ts';

/** What a segment does to the network function (what the tests check). */
export type SegmentKind = 'output-linear' | 'constant' | 'inner-rescale';

/** A constructed path: its vertices (vertex 0 is A, the last is B) and what each segment is. */
export interface ConstructedPath {
  vertices: Weights[];
  segments: { kind: SegmentKind; description: string }[];
}

/**
 * A random half of each hidden layer (true = kept for A, the rest go to B), seeded.
 * @example const halves = randomHalves([128, 128], 3);
 */
export function randomHalves(widths: readonly number[], seed: number): Uint8Array[] {
  const random = new Random(seed * 104729 + 7);
  return widths.map((width) => {
    if (width < 2) throw new Error(`randomHalves: a hidden layer needs 2 or more units, got ${width}`);
    const order = Array.from({ length: width }, (_, i) => i);
    for (let i = width - 1; i > 0; i--) {
      const j = Math.floor(random.uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const kept = new Uint8Array(width);
    for (let i = 0; i < Math.floor(width / 2); i++) kept[order[i]] = 1;
    return kept;
  });
}

/**
 * Drops hidden layer `hidden` (0-based) of `weights`: the next layer's columns of kept units ×`factor`, of the others 0.
 * @example const dropped = dropLayerColumns(mlp, weights, 1, halves[1], 2);
 */
export function dropLayerColumns(
  architecture: Architecture,
  weights: Weights,
  hidden: number,
  kept: Uint8Array,
  factor = 2,
): Weights {
  const { columnUnit } = unitMaps(architecture, hidden + 1);
  const next = Float32Array.from(weights[hidden + 1]);
  for (let e = 0; e < next.length; e++) next[e] = kept[columnUnit[e]] ? next[e] * factor : 0;
  return weights.map((w, index) => (index === hidden + 1 ? next : w));
}

/** `target` with the rows of hidden layers' units where `select` is 1 taken from `source`. */
function copyRows(
  architecture: Architecture,
  target: Weights,
  source: Weights,
  select: readonly Uint8Array[],
): Weights {
  return target.map((w, index) => {
    if (index >= select.length) return w;
    const { rowUnit } = unitMaps(architecture, index);
    const out = Float32Array.from(w);
    for (let e = 0; e < out.length; e++) if (select[index][rowUnit[e]]) out[e] = source[index][e];
    return out;
  });
}

/** The dropout chain X, X with layer H dropped, …, X with every hidden layer dropped (keeping `kept`). */
function dropoutChain(architecture: Architecture, weights: Weights, kept: readonly Uint8Array[]): Weights[] {
  const chain = [weights];
  for (let hidden = kept.length - 1; hidden >= 0; hidden--) {
    chain.push(dropLayerColumns(architecture, chain[chain.length - 1], hidden, kept[hidden]));
  }
  return chain;
}

/**
 * The paper's path from A to B keeping `halves` (true = A's half) of every hidden layer.
 * @example const path = constructPath(mlp, weightsA, weightsB, randomHalves(hiddenWidths(mlp), 0));
 */
export function constructPath(
  architecture: Architecture,
  weightsA: Weights,
  weightsB: Weights,
  halves: readonly Uint8Array[],
): ConstructedPath {
  const widths = hiddenWidths(architecture);
  if (halves.length !== widths.length || halves.some((half, l) => half.length !== widths[l])) {
    throw new Error(`constructPath: halves of sizes [${halves.map((h) => h.length)}] for hidden widths [${widths}]`);
  }
  const depth = architecture.layers.length;
  const others = halves.map((half) => half.map((kept) => 1 - kept));
  const chainA = dropoutChain(architecture, weightsA, halves);
  const chainB = dropoutChain(architecture, weightsB, others);
  const droppedA = chainA[chainA.length - 1];
  const droppedB = chainB[chainB.length - 1];
  // The free units S̄ of A's dropout net take B's dropout net (rows S̄_l; they read only S̄_{l−1}).
  const filled = copyRows(architecture, droppedA, droppedB, others);
  // The output layer moves from A's half to B's half.
  const swapped = filled.map((w, index) => (index === depth - 1 ? droppedB[index] : w));
  const vertices = [...chainA, filled, swapped, ...chainB.slice().reverse()];
  // `swapped` and droppedB differ only in rows S_l, which nothing reads any more.
  const hidden = widths.length;
  const segments: ConstructedPath['segments'] = [];
  for (let step = 0; step < hidden; step++) {
    const layer = hidden - step;
    segments.push({
      kind: step === 0 ? 'output-linear' : 'inner-rescale',
      description: `A: drop hidden layer ${layer} (its outgoing weights ×2 on A's half, 0 elsewhere)`,
    });
  }
  segments.push({ kind: 'constant', description: "A's dropped units take B's half (function unchanged)" });
  segments.push({ kind: 'output-linear', description: "output layer: A's half → B's half" });
  segments.push({ kind: 'constant', description: "A's half takes B's remaining units (function unchanged)" });
  for (let step = 0; step < hidden; step++) {
    const layer = step + 1;
    segments.push({
      kind: step === hidden - 1 ? 'output-linear' : 'inner-rescale',
      description: `B: restore hidden layer ${layer}`,
    });
  }
  return { vertices, segments };
}

/**
 * The point at `t` ∈ [0, 1] on the segment from `from` to `to` ((1−t)·from + t·to; exactly `to` at t = 1).
 * @example const midpoint = interpolate(weightsA, weightsB, 0.5);
 */
export function interpolate(from: Weights, to: Weights, t: number): Weights {
  if (from.length !== to.length) throw new Error(`interpolate: ${from.length} vs ${to.length} weight arrays`);
  return from.map((a, index) => {
    const b = to[index];
    if (a.length !== b.length) throw new Error(`interpolate: layer ${index} has ${a.length} vs ${b.length} weights`);
    const out = new Float32Array(a.length);
    for (let e = 0; e < a.length; e++) out[e] = (1 - t) * a[e] + t * b[e];
    return out;
  });
}
