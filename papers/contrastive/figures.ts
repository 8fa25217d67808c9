/**
 * The SVG figures: the bound of Lemma 4.3 next to the measured L^μ_sup at every checkpoint (one
 * figure per experiment), and accuracy against the number of negatives k (text).
 */
import { linePlot, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import type { ImageResult } from './experiments-images.ts';
import type { BoundCheckpoint, TextResult } from './experiments-text.ts';

function boundFigure(title: string, checkpoints: readonly BoundCheckpoint[]): string {
  const steps = checkpoints.map((c) => c.step);
  const line = (name: string, y: number[], color: string, dashed = false): LineSeries => ({
    name,
    x: steps,
    y,
    color,
    dashed,
    markers: true,
  });
  return linePlot({
    title,
    xLabel: 'training step',
    yLabel: 'loss (log₂ logistic; ℓ(0) = 1)',
    series: [
      line(
        'bound (L_un − τ)/(1 − τ), held-out',
        checkpoints.map((c) => c.test.bound),
        '#d62728',
      ),
      line(
        'bound from training L_un',
        checkpoints.map((c) => c.train.bound),
        '#ff9896',
        true,
      ),
      line(
        'L^μ_sup, held-out (measured)',
        checkpoints.map((c) => c.test.supervised),
        '#1f77b4',
      ),
      line(
        'L_un, held-out',
        checkpoints.map((c) => c.test.unsupervised),
        '#7f7f7f',
        true,
      ),
    ],
  });
}

/** Every figure of the run, captioned. */
export function figures(text: TextResult | undefined, images: readonly ImageResult[]): PaperFigure[] {
  const list: PaperFigure[] = [];
  if (text) {
    list.push({
      name: 'bound-text.svg',
      caption:
        'AG News, held-out articles as latent classes (pieces as points): the bound (L_un − τ)/(1 − τ) of Lemma 4.3 and the measured mean-classifier loss L^μ_sup over training.',
      svg: boundFigure('AG News: Lemma 4.3 during contrastive training', text.checkpoints),
    });
    list.push({
      name: 'negatives-text.svg',
      caption: 'AG News, 4-topic task: accuracy of the contrastive representation against the number of negatives k.',
      svg: linePlot({
        title: 'AG News: accuracy against the number of negatives k',
        xLabel: 'negatives k',
        yLabel: 'test accuracy (4 topics)',
        series: [
          {
            name: 'mean classifier',
            x: text.sweep.map((s) => s.negatives),
            y: text.sweep.map((s) => s.meanAccuracy),
            markers: true,
          },
          {
            name: 'linear classifier',
            x: text.sweep.map((s) => s.negatives),
            y: text.sweep.map((s) => s.linearAccuracy),
            markers: true,
          },
        ],
      }),
    });
  }
  for (const result of images) {
    const name = result.dataset === 'mnist' ? 'MNIST' : 'CIFAR-10';
    list.push({
      name: `bound-${result.dataset}.svg`,
      caption: `${name}, labels as latent classes: the bound of Lemma 4.3 and the measured L^μ_sup over contrastive training (held-out images; dashed: the bound from training images).`,
      svg: boundFigure(`${name}: Lemma 4.3 during contrastive training`, result.checkpoints),
    });
  }
  return list;
}
