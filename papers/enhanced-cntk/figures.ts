/**
 * The figures of enhanced-cntk: test accuracy against the LAP window c, one line per variant
 * (CIFAR-10 and Fashion-MNIST), and a few CIFAR-10 images with the shifted copies that LAP
 * averages the kernel over (arXiv 1911.00809, §4).
 */
import * as ad from '../../autodiff/index.ts';
import type { Dataset } from '../../src/data/index.ts';
import { imageGrid, linePlot, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import { shiftImages } from './augmentation.ts';
import type { Configuration } from './config.ts';
import type { SweepResult } from './sweep.ts';

/** One line per variant of each result: accuracy (%) against c, dashed without flip. */
function seriesOf(results: readonly { result: SweepResult; name: string }[]): LineSeries[] {
  return results.flatMap(({ result, name }) =>
    result.variants.map((variant) => ({
      name: `${name}${variant.kernel}${variant.flip ? ' + flip' : ''}`,
      x: result.windows,
      y: variant.accuracies.map((accuracy) => 100 * accuracy),
      dashed: !variant.flip,
      markers: true,
    })),
  );
}

/** The accuracy-vs-c plot of some results. */
function sweepFigure(
  name: string,
  results: readonly { result: SweepResult; name: string }[],
  caption: string,
): PaperFigure {
  const first = results[0].result;
  const svg = linePlot({
    title: `${first.label.split(',')[0]}: test accuracy against the LAP window c`,
    xLabel: `c (shifts of ±c pixels at ${first.size}×${first.size}; c = ${first.windows.at(-1)}: GAP up to a constant)`,
    yLabel: `test accuracy (%), ${first.test} images`,
    series: seriesOf(results),
  });
  return { name, caption, svg };
}

/**
 * Images at full resolution and their copies shifted by the LAP window's offsets (±c pixels of
 * the pooled image, ±c·factor here), zero-filled.
 */
function shiftFigure(full: Dataset, config: Configuration): PaperFigure {
  const { images: count, window } = config.shifts;
  const factor = config.cifar.factor;
  const [channels, height, width] = full.shape;
  const x = ad.tensor(full.images.slice(0, count * channels * height * width), {
    shape: [count, channels, height, width],
    dtype: 'float32',
  });
  const shifts: [number, number][] = [];
  for (let a = -window; a <= window; a++) for (let b = -window; b <= window; b++) shifts.push([a, b]);
  const images = Array.from({ length: count }, (_, k) =>
    shifts.map(([down, right]) => {
      const shifted = shiftImages(x, down * factor, right * factor, 'zero');
      const size = channels * height * width;
      return {
        pixels: shifted.data.slice(k * size, (k + 1) * size),
        shape: full.shape,
        title: `(${down}, ${right})`,
      };
    }),
  ).flat();
  return {
    name: 'lap-shifts.svg',
    caption: `What LAP(c = ${window}) averages over: ${count} CIFAR-10 test images (one per block of ${2 * window + 1} rows) and their copies shifted by (down, right) ∈ [−${window}, ${window}]² pixels of the ${height / factor}×${width / factor} images the kernels see (×${factor} here, at ${height}×${width}; zero-filled). K_LAP(x, x′) is the vanilla kernel averaged over every pair of such copies of x and x′ (exact with circular padding).`,
    svg: imageGrid({
      title: `Shifted copies that LAP(c = ${window}) averages over`,
      images,
      columns: 2 * window + 1,
      range: 'auto',
    }),
  };
}

/**
 * The run's figures.
 * @example figures({ cifar, patches, fashion }, full, config).map((figure) => figure.name) // ['cifar10-accuracy-vs-c.svg', …]
 */
export function figures(
  sweeps: { cifar: SweepResult; patches: SweepResult; fashion: SweepResult },
  full: Dataset,
  config: Configuration,
): PaperFigure[] {
  return [
    sweepFigure(
      'cifar10-accuracy-vs-c.svg',
      [
        { result: sweeps.cifar, name: '' },
        { result: sweeps.patches, name: 'patches: ' },
      ],
      `CIFAR-10 (${sweeps.cifar.size}×${sweeps.cifar.size}, ${sweeps.cifar.train} training images): test accuracy of kernel regression against the LAP window c, for the CNN-GP and the CNTK, without (dashed) and with flip averaging, on the plain images and on the random-patch features ("patches:"). The paper's shape at 32×32: a rise from c = 0, a peak at an intermediate c, flip and random patches on top.`,
    ),
    sweepFigure(
      'fashion-mnist-accuracy-vs-c.svg',
      [{ result: sweeps.fashion, name: '' }],
      `Fashion-MNIST (${sweeps.fashion.size}×${sweeps.fashion.size}, ${sweeps.fashion.train} training images): test accuracy against the LAP window c, CNN-GP and CNTK, without (dashed) and with flip.`,
    ),
    shiftFigure(full, config),
  ];
}
