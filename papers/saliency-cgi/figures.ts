/**
 * The SVG figures: for each dataset the test images and every method's maps (the paper's Fig. 1
 * style), the cascading randomization grid of one image (Adebayo et al. Fig. 2, Gupta & Arora's
 * randomization figures), the similarity-vs-layer curves (Spearman of |maps|, SSIM) and the
 * maps' correlation with the input, per randomized layer.
 */
import { imageGrid, linePlot, seriesColor, type LineSeries, type PaperFigure } from '../../src/report/index.ts';
import { methodNames, methods, type DatasetResult, type Method, type ShownMaps } from './experiments.ts';
import { meanWithError } from './statistics.ts';

const datasetNames = { mnist: 'MNIST', cifar: 'CIFAR-10' } as const;

function curve(name: string, perStep: readonly number[][], index: number): LineSeries {
  const stats = perStep.map((values) => meanWithError(values));
  return {
    name,
    x: perStep.map((_, step) => step),
    y: stats.map((s) => s.mean),
    error: {
      lower: stats.map((s) => s.mean - s.standardError),
      upper: stats.map((s) => s.mean + s.standardError),
      style: 'bars',
    },
    markers: true,
    color: seriesColor(index),
  };
}

function stepsLabel(result: DatasetResult): string {
  return `layers randomized from the top (${result.steps.slice(1).join(', ')})`;
}

/**
 * The figures of one dataset.
 * @example datasetFigures(result, shown)
 */
export function datasetFigures(result: DatasetResult, shown: ShownMaps): PaperFigure[] {
  const name = datasetNames[result.name];
  const [, height, width] = result.shape;
  const trained = shown.models[0].maps;
  const perPixel = (map: Float64Array, title: string) => ({ pixels: map, shape: [height, width], title });
  const similarity = (measure: 'spearmanAbsolute' | 'ssim') =>
    methods.map((method, index) =>
      curve(
        methodNames[method],
        result.cascade[method].map((step) => step[measure]),
        index,
      ),
    );
  const inputCurves = methods.map((method: Method, index) =>
    curve(methodNames[method], result.inputCorrelation[method].slice(0, result.steps.length), index),
  );
  return [
    {
      name: `${result.name}-inputs.svg`,
      caption: `${name}: the test images whose maps the next figures show (true label in the title).`,
      svg: imageGrid({
        title: `${name}: images`,
        images: shown.inputs.map((input, i) => ({ ...input, title: `label ${shown.labels[i]}` })),
        columns: shown.inputs.length,
        range: result.name === 'mnist' ? [0, 1] : 'auto',
      }),
    },
    {
      name: `${result.name}-maps.svg`,
      caption:
        `${name}: the trained CNN's maps for the true label, one row per image (channels summed per pixel; red positive, ` +
        'blue negative, each map scaled to its own largest magnitude). CGI keeps gradient ⊙ input only where the label wins the pixel.',
      svg: imageGrid({
        title: `${name}: saliency maps of the trained CNN`,
        images: shown.inputs.flatMap((_, i) =>
          methods.map((method) => perPixel(trained[method][i], methodNames[method])),
        ),
        columns: methods.length,
        range: 'symmetric',
        colorMap: 'diverging',
      }),
    },
    {
      name: `${result.name}-cascade.svg`,
      caption:
        `${name}: cascading randomization of the first image's maps: one row per method, columns the trained CNN, then ` +
        'its layers re-initialized one by one from the top, then the model trained on permuted labels. A map that passes the ' +
        'sanity checks changes along a row; one that keeps the digit or object outline is explaining the input, not the model.',
      svg: imageGrid({
        title: `${name}: cascading randomization (image 1, label ${shown.labels[0]})`,
        images: methods.flatMap((method) =>
          shown.models.map((model) => perPixel(model.maps[method][0], `${methodNames[method]}, ${model.title}`)),
        ),
        columns: shown.models.length,
        range: 'symmetric',
        colorMap: 'diverging',
      }),
    },
    {
      name: `${result.name}-similarity-spearman.svg`,
      caption:
        `${name}: Spearman rank correlation of |map| with the trained model's, mean over the saliency images (bars: one ` +
        'standard error), against the number of layers re-initialized from the top. Low is "passes the check".',
      svg: linePlot({
        title: `${name}: rank correlation with the trained model's maps`,
        xLabel: stepsLabel(result),
        yLabel: 'Spearman of |maps|',
        series: similarity('spearmanAbsolute'),
        yDomain: [-0.2, 1],
      }),
    },
    {
      name: `${result.name}-similarity-ssim.svg`,
      caption: `${name}: as the previous figure, with SSIM of the |maps| scaled to [0, 1] (7×7 window).`,
      svg: linePlot({
        title: `${name}: SSIM with the trained model's maps`,
        xLabel: stepsLabel(result),
        yLabel: 'SSIM of |maps|',
        series: similarity('ssim'),
      }),
    },
    {
      name: `${result.name}-input-correlation.svg`,
      caption:
        `${name}: Spearman rank correlation of |map| with the input's per-pixel magnitude Σ_c|x_c|, against the number of ` +
        'layers re-initialized. A map that stays high after every layer is random shows the input, whatever the model.',
      svg: linePlot({
        title: `${name}: correlation of the maps with the input`,
        xLabel: stepsLabel(result),
        yLabel: 'Spearman(|map|, |input|)',
        series: inputCurves,
        yDomain: [-0.2, 1],
      }),
    },
  ];
}
