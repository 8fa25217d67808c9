/**
 * The experiment for one family of nets (Kuditipudi et al. 2019, §5): at each keep
 * probability, two nets A and B trained from different seeds; their dropout stability ε
 * (Definition 1, averaged over random halves); the paper's constructed path (§3, Theorem 1)
 * and the straight line A→B, with the train and test loss evaluated densely along both.
 */
import {
  barrier,
  constructPath,
  dropoutStability,
  evaluateNet,
  hiddenWidths,
  pathProfile,
  randomHalves,
  trainNet,
  type DropoutStability,
  type PathProfile,
  type SegmentKind,
} from '../../src/connectivity/index.ts';
import type { FamilyConfig } from './config.ts';
import type { FamilyData } from './data.ts';

/** One pair of nets at one keep probability, and both paths between them. */
export interface PairResult {
  keep: number;
  /** Test accuracy of A and B. */
  testAccuracy: [number, number];
  stability: [DropoutStability, DropoutStability];
  /** max(ε_A, ε_B) and the larger per-half spread: the theorem's ε for random halves, and its sampling error. */
  epsilon: number;
  spread: number;
  /** The excess of the path's own dropout nets (its vertices) over max(L_A, L_B): ε for the halves the path uses. */
  vertexBarrier: number;
  path: {
    segments: SegmentKind[];
    train: PathProfile;
    test: PathProfile;
    barrier: number;
    testBarrier: number;
    /** Train barriers of `paths` constructed paths with different random halves (the first is `barrier`). */
    barriers: number[];
    meanBarrier: number;
    /** Standard error of `meanBarrier` over the halves. */
    barrierError: number;
  };
  line: { train: PathProfile; test: PathProfile; barrier: number; testBarrier: number };
  seconds: number;
}

export interface FamilyResult {
  name: string;
  pairs: PairResult[];
}

/** Vertex positions' losses (integer positions) of a profile. */
function vertexLosses(profile: PathProfile): number[] {
  return profile.position.flatMap((position, i) => (Number.isInteger(position) ? [profile.loss[i]] : []));
}

/**
 * Trains A and B at `keep`, measures ε and evaluates both paths.
 * @example const pair = runPair(config.families[0], data, 0.5, 0);
 */
export function runPair(family: FamilyConfig, data: FamilyData, keep: number, seed: number): PairResult {
  const start = performance.now();
  const { architecture } = family;
  const options = { steps: family.steps, batch: family.batch, learningRate: family.learningRate, keep };
  const netA = trainNet(architecture, data.train, { ...options, seed: 2 * seed + 1 });
  const netB = trainNet(architecture, data.train, { ...options, seed: 2 * seed + 2 });
  const stability: [DropoutStability, DropoutStability] = [
    dropoutStability(architecture, netA, data.trainEvaluation, family.halves, 3 * seed + 1),
    dropoutStability(architecture, netB, data.trainEvaluation, family.halves, 3 * seed + 2),
  ];
  const constructed = constructPath(architecture, netA, netB, randomHalves(hiddenWidths(architecture), 3 * seed));
  const segments = constructed.segments.map((segment) => segment.kind);
  const interior = segments.map((kind) => (kind === 'constant' ? family.interior.constant : family.interior.changing));
  const pathTrain = pathProfile(architecture, constructed.vertices, data.trainEvaluation, interior);
  const pathTest = pathProfile(architecture, constructed.vertices, data.test, interior);
  const lineTrain = pathProfile(architecture, [netA, netB], data.trainEvaluation, [family.interior.line]);
  const lineTest = pathProfile(architecture, [netA, netB], data.test, [family.interior.line]);
  // More paths with other random halves, on the training subset only: the barrier's sampling error.
  const barriers = [barrier(pathTrain)];
  for (let extra = 1; extra < family.paths; extra++) {
    const halves = randomHalves(hiddenWidths(architecture), 3 * seed + 1000 * extra);
    const other = constructPath(architecture, netA, netB, halves);
    barriers.push(barrier(pathProfile(architecture, other.vertices, data.trainEvaluation, interior)));
  }
  const meanBarrier = barriers.reduce((a, b) => a + b, 0) / barriers.length;
  const variance = barriers.reduce((a, b) => a + (b - meanBarrier) ** 2, 0) / Math.max(1, barriers.length - 1);
  const vertices = vertexLosses(pathTrain);
  const ends = Math.max(vertices[0], vertices[vertices.length - 1]);
  return {
    keep,
    testAccuracy: [
      evaluateNet(architecture, netA, data.test).accuracy,
      evaluateNet(architecture, netB, data.test).accuracy,
    ],
    stability,
    epsilon: Math.max(stability[0].epsilon, stability[1].epsilon),
    spread: Math.max(stability[0].spread, stability[1].spread),
    vertexBarrier: Math.max(...vertices) - ends,
    path: {
      segments,
      train: pathTrain,
      test: pathTest,
      barrier: barriers[0],
      testBarrier: barrier(pathTest),
      barriers,
      meanBarrier,
      barrierError: Math.sqrt(variance / barriers.length),
    },
    line: { train: lineTrain, test: lineTest, barrier: barrier(lineTrain), testBarrier: barrier(lineTest) },
    seconds: (performance.now() - start) / 1000,
  };
}

/**
 * Every keep probability of a family; `tick` after each pair.
 * @example const result = runFamily(config.families[0], data, 0, () => {});
 */
export function runFamily(family: FamilyConfig, data: FamilyData, seed: number, tick: () => void): FamilyResult {
  const pairs = family.keeps.map((keep, index) => {
    const pair = runPair(family, data, keep, seed * 100 + index);
    tick();
    return pair;
  });
  return { name: family.name, pairs };
}
