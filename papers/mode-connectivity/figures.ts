/**
 * The figures: the loss (train and test) along the constructed path and the straight line,
 * one panel per family (as the paper's §5 figures), and the barrier against ε across keep
 * probabilities (the constructed path should sit at or below the diagonal, the line above).
 */
import { linePlot, scatterPlot, type PaperFigure } from '../../src/report/index.ts';
import { extremes } from './claims.ts';
import type { FamilyResult } from './experiments.ts';

/** Positions scaled to [0, 1] along the path. */
const fraction = (position: readonly number[]) => {
  const last = position[position.length - 1];
  return position.map((value) => value / last);
};

const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** The loss along both paths for one family. */
function pathFigure(family: FamilyResult): PaperFigure {
  const { dropout, plain } = extremes(family);
  const segments = dropout.path.segments.length;
  const svg = linePlot({
    title: `${family.name}: loss along the paths (keep ${dropout.keep})`,
    xLabel: `fraction of the path (constructed: ${segments} segments)`,
    yLabel: 'cross-entropy',
    series: [
      { name: 'constructed, train', x: fraction(dropout.path.train.position), y: dropout.path.train.loss },
      { name: 'constructed, test', x: fraction(dropout.path.test.position), y: dropout.path.test.loss },
      {
        name: 'straight line, train',
        x: fraction(dropout.line.train.position),
        y: dropout.line.train.loss,
        dashed: true,
      },
      { name: 'straight line, test', x: fraction(dropout.line.test.position), y: dropout.line.test.loss, dashed: true },
      {
        name: 'constructed, no dropout, train',
        x: fraction(plain.path.train.position),
        y: plain.path.train.loss,
        dashed: true,
      },
    ],
  });
  return {
    name: `path-loss-${slug(family.name)}.svg`,
    caption: `${family.name}: train and test loss along the constructed path (${segments} segments) and the straight line between two nets trained with keep ${dropout.keep}; the last dashed line is the constructed path between two nets trained without dropout.`,
    svg,
  };
}

/** Barrier against ε for every pair of every family. */
function barrierFigure(families: readonly FamilyResult[]): PaperFigure {
  const series = families.flatMap((family) => [
    {
      name: `${family.name}, constructed`,
      x: family.pairs.map((pair) => pair.epsilon),
      y: family.pairs.map((pair) => pair.path.meanBarrier),
    },
    {
      name: `${family.name}, straight line`,
      x: family.pairs.map((pair) => pair.epsilon),
      y: family.pairs.map((pair) => pair.line.barrier),
    },
  ]);
  return {
    name: 'barrier-vs-epsilon.svg',
    caption:
      'Train-loss barrier (maximum along the path minus max(L_A, L_B); for the constructed path the mean over its random halves) against ε = max(ε_A, ε_B), one point per pair of nets (keep probabilities of the run); the diagonal is the bound of Theorem 1.',
    svg: scatterPlot({
      title: 'Barrier against dropout stability ε',
      xLabel: 'ε',
      yLabel: 'barrier',
      series,
      diagonal: true,
    }),
  };
}

/**
 * Every figure of the run.
 * @example const svgs = figures(families);
 */
export function figures(families: readonly FamilyResult[]): PaperFigure[] {
  return [...families.map(pathFigure), barrierFigure(families)];
}
