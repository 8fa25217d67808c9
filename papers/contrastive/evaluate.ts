/**
 * One representation on the downstream task (§8 of the paper): the mean classifier (its
 * accuracy, top-2 accuracy and AVG-2, the average binary accuracy over all class pairs), the
 * mean classifier from 5 labelled examples per class (μ-5), and a linear classifier.
 */
import {
  fewShotMeanAccuracy,
  linearClassifierScores,
  meanClassifierScores,
  pairedStandardError,
  type LabelledRepresentations,
} from '../../src/contrastive/index.ts';
import type { Config, ProbeConfig } from './config.ts';

/** The accuracies of one representation (results.json), and the per-example correctness behind them (not written). */
export interface RepresentationScores {
  name: string;
  meanAccuracy: number;
  meanTopTwo: number;
  meanAveragePair: number;
  fewShotMean: number;
  linearAccuracy: number;
  linearAveragePair: number;
  correct: { mean: Uint8Array; linear: Uint8Array };
}

/**
 * Scores train/test representations of width d (labels over `classes`).
 * @example scoreRepresentation('CURL', train, test, config.text.probe, config.fewShot, 0)
 */
export function scoreRepresentation(
  name: string,
  train: LabelledRepresentations,
  test: LabelledRepresentations,
  probe: ProbeConfig,
  fewShot: Config['fewShot'],
  seed: number,
): RepresentationScores {
  const mean = meanClassifierScores(train, test);
  const linear = linearClassifierScores(train, test, { ...probe, seed });
  return {
    name,
    meanAccuracy: mean.accuracy,
    meanTopTwo: mean.topTwo,
    meanAveragePair: mean.averagePairAccuracy,
    fewShotMean: fewShotMeanAccuracy(train, test, fewShot.perClass, fewShot.draws, seed),
    linearAccuracy: linear.accuracy,
    linearAveragePair: linear.averagePairAccuracy,
    correct: { mean: mean.correct, linear: linear.correct },
  };
}

/** A paired comparison of two representations on the same test set: accuracy difference a − b and its standard error. */
export interface Comparison {
  a: string;
  b: string;
  classifier: 'mean' | 'linear';
  difference: number;
  standardError: number;
}

/** a − b on the same test examples, with the paired standard error. @example compare(curl, supervised, 'linear') */
export function compare(a: RepresentationScores, b: RepresentationScores, classifier: 'mean' | 'linear'): Comparison {
  const accuracy = (s: RepresentationScores) => (classifier === 'mean' ? s.meanAccuracy : s.linearAccuracy);
  return {
    a: a.name,
    b: b.name,
    classifier,
    difference: accuracy(a) - accuracy(b),
    standardError: pairedStandardError(a.correct[classifier], b.correct[classifier]),
  };
}

/** The scores without the per-example arrays, for results.json. */
export function withoutCorrect({
  correct: _correct,
  ...rest
}: RepresentationScores): Omit<RepresentationScores, 'correct'> {
  return rest;
}
