/**
 * contrastive — Arora, Khandeparkar, Khodak, Plevrakis & Saunshi, "A Theoretical Analysis of
 * Contrastive Unsupervised Representation Learning", ICML 2019 (arXiv 1902.09229; PAPERS.md §9),
 * rebuilt on theorygrad. Latent classes, similar pairs from one class, k negatives; the logistic
 * contrastive loss; the mean classifier; the bound L^μ_sup ≤ (L_un − τ)/(1 − τ) tracked during
 * training. Text: AG News articles as latent classes (bag-of-words encoder). Images: MNIST and
 * CIFAR-10 labels as latent classes (small CNN).
 *
 *   npx tsx papers/contrastive.ts            # default scale, under 10 minutes on 2 cores
 *   npx tsx papers/contrastive.ts --quick    # seconds, to results/quick/
 */
import { progress, runPaper } from '../src/report/index.ts';
import { imageClaims, textClaims } from './contrastive/claims.ts';
import { configuration } from './contrastive/config.ts';
import { runImages, type ImageResult } from './contrastive/experiments-images.ts';
import { runText, type TextResult } from './contrastive/experiments-text.ts';
import { figures } from './contrastive/figures.ts';
import { describeRun, forResults } from './contrastive/text.ts';

export const main = runPaper(import.meta.url, {
  slug: 'contrastive',
  title:
    'A Theoretical Analysis of Contrastive Unsupervised Representation Learning (Arora, Khandeparkar, Khodak, Plevrakis & Saunshi, ICML 2019)',
  citation:
    'Arora, Khandeparkar, Khodak, Plevrakis & Saunshi, A Theoretical Analysis of Contrastive Unsupervised Representation Learning, ICML 2019 (arXiv 1902.09229)',
  runTime: 'about 6 minutes',
  configuration,
  run({ config, seed, quiet, elapsedSeconds, hasDataset }) {
    const withText = hasDataset('ag-news', 'the text experiment (AG News)');
    const withCifar = hasDataset('cifar10', 'the CIFAR-10 image experiment');
    const units = (withText ? 2 * config.text.seeds + 1 + config.text.negatives.length : 0) + 2 * (withCifar ? 2 : 1);
    const bar = progress('contrastive', units, { quiet });
    const tick = () => bar.tick();
    // Text (§8.1): articles are latent classes, pieces of an article similar points; the 4 topics are the task.
    const seconds: Record<string, number> = {};
    const timed = <T>(part: string, experiment: () => T): T => {
      const start = elapsedSeconds();
      const result = experiment();
      seconds[part] = elapsedSeconds() - start;
      return result;
    };
    const text: TextResult | undefined = withText ? timed('text', () => runText(config, seed, tick)) : undefined;
    // Images (§8.2): labels are latent classes; a small CNN trained contrastively and with labels.
    const images: ImageResult[] = [timed('mnist', () => runImages('mnist', config, seed, tick))];
    if (withCifar) images.push(timed('cifar10', () => runImages('cifar10', config, seed, tick)));
    bar.done();

    const claims = [...(text ? textClaims(text) : []), ...images.flatMap((result) => imageClaims(result))];
    return {
      claims,
      figures: figures(text, images),
      results: { partSeconds: seconds, ...forResults(text, images) },
      summary: describeRun(config, claims, text, images, { ...seconds, total: elapsedSeconds() }),
    };
  },
});
