import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { heatmap, imageGrid, linePlot, maximumRectCells, scatterPlot } from '../../src/report/plot/index.ts';
import { allElements, findElements, parseXml, type XmlElement } from './xml.ts';

/** Parses the SVG and checks what every standalone figure needs. */
function parseSvg(svg: string, width: number, height: number): XmlElement {
  const root = parseXml(svg);
  expect(root.name).toBe('svg');
  expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
  expect(root.attributes.viewBox).toBe(`0 0 ${width} ${height}`);
  expect([root.attributes.width, root.attributes.height]).toEqual([String(width), String(height)]);
  return root;
}

const texts = (root: XmlElement): string[] => findElements(root, 'text').map((element) => element.text);
const pathCount = (d: string): number => d.split('M').length - 1;

describe('parseXml (the test helper)', () => {
  it('accepts well-formed markup and rejects the usual mistakes', () => {
    const root = parseXml('<?xml version="1.0"?>\n<a x="1 &amp; 2"><b/>t&lt;<c>&#955;</c></a>\n');
    expect([root.attributes.x, root.text, root.children.map((child) => child.name), root.children[1].text]).toEqual([
      '1 & 2',
      't<',
      ['b', 'c'],
      'λ',
    ]);
    for (const bad of [
      '<a><b></a></b>',
      '<a>',
      '<a x="1" x="2"/>',
      '<a x=1/>',
      '<a>&nbsp;</a>',
      '<a>x & y</a>',
      '<a/><b/>',
      '<a x="<"/>',
      'text',
    ]) {
      expect(() => parseXml(bad), bad).toThrow(/^parseXml/);
    }
  });
});

describe('linePlot', () => {
  const steps = [1, 2, 3, 4, 5];
  const options = {
    title: 'Loss <train & test>',
    xLabel: 'step',
    yLabel: 'loss',
    series: [
      {
        name: 'train',
        x: steps,
        y: [1, 0.5, 0.25, 0.12, 0.06],
        error: { lower: [0.9, 0.4, 0.2, 0.1, 0.05], upper: [1.1, 0.6, 0.3, 0.14, 0.07] },
      },
      {
        name: 'test',
        x: steps,
        y: [1.1, 0.7, 0.5, 0.45, 0.44],
        error: { lower: [1, 0.6, 0.4, 0.4, 0.4], upper: [1.2, 0.8, 0.6, 0.5, 0.48], style: 'bars' as const },
        dashed: true,
        markers: true,
      },
      { name: '', x: steps, y: [0.9, Number.NaN, 0.3, 0.2, 0.1] },
    ],
  };

  it('is a standalone SVG with title, axis labels, one line per series, bands, bars and markers', () => {
    const root = parseSvg(linePlot(options), 640, 400);
    expect(findElements(root, 'title')[0].text).toBe('Loss <train & test>');
    expect(texts(root)).toEqual(expect.arrayContaining(['Loss <train & test>', 'step', 'loss', 'train', 'test']));
    expect(findElements(root, 'path', 'line')).toHaveLength(3);
    expect(findElements(root, 'path', 'band')).toHaveLength(1);
    expect(pathCount(findElements(root, 'path', 'error-bars')[0].attributes.d)).toBe(3 * 5); // a bar and two caps per point
    expect(findElements(root, 'circle', 'marker')).toHaveLength(5);
    expect(findElements(root, 'path', 'line')[1].attributes['stroke-dasharray']).toBeDefined();
    expect(pathCount(findElements(root, 'path', 'line')[2].attributes.d)).toBe(2); // the NaN leaves a gap
    expect(findElements(root, 'g', 'legend')[0].children).toHaveLength(4); // swatch and name for the two named series
  });

  it('labels the y ticks with nice values covering the data', () => {
    const labels = findElements(parseXml(linePlot(options)), 'g', 'tick-labels')[0].children.map(
      (element) => element.text,
    );
    expect(labels).toEqual(['1', '2', '3', '4', '5', '0', '0.2', '0.4', '0.6', '0.8', '1.0', '1.2']);
  });

  it('on log axes drops values ≤ 0 and labels decades', () => {
    const root = parseXml(
      linePlot({
        title: 't',
        xLabel: 'width',
        yLabel: 'error',
        logX: true,
        logY: true,
        series: [{ name: 'a', x: [0, 10, 100, 1000], y: [1, 0.1, 0.01, 0] }],
      }),
    );
    expect(pathCount(findElements(root, 'path', 'line')[0].attributes.d)).toBe(1);
    expect(findElements(root, 'path', 'line')[0].attributes.d.split('L')).toHaveLength(2);
    expect(texts(root)).toEqual(expect.arrayContaining(['10', '100', '1000', '0.01', '0.1', '1']));
  });

  it('is deterministic', () => {
    expect(linePlot(options)).toBe(linePlot(structuredClone(options)));
  });

  it('names the function and the series in errors', () => {
    expect(() => linePlot({ ...options, series: [] })).toThrow('linePlot: series must not be empty');
    expect(() => linePlot({ ...options, series: [{ name: 'a', x: [1, 2], y: [1] }] })).toThrow(
      'linePlot: series "a": x has 2 values but y has 1',
    );
    expect(() => linePlot({ ...options, logY: true, series: [{ name: 'a', x: [1], y: [-1] }] })).toThrow(
      'dataExtent: no finite positive values to plot',
    );
  });
});

describe('scatterPlot', () => {
  const options = {
    title: 'Predicted vs measured',
    xLabel: 'kernel',
    yLabel: 'network',
    diagonal: true,
    series: [
      { name: 'MNIST', x: [0.1, 0.2, 0.3, 0.4], y: [0.12, 0.18, Number.NaN, 0.41] },
      { name: 'CIFAR-10', x: [0.5, 0.6], y: [0.55, 0.58], color: '#000000' },
    ],
  };

  it('draws one circle per finite point, a legend and the diagonal', () => {
    const root = parseSvg(scatterPlot(options), 640, 400);
    const series = findElements(root, 'g', 'series');
    expect(series.map((group) => findElements(group, 'circle', 'point').length)).toEqual([3, 2]);
    expect(series[1].attributes.fill).toBe('#000000');
    expect(findElements(root, 'path', 'diagonal')).toHaveLength(1);
    expect(texts(root)).toEqual(
      expect.arrayContaining(['Predicted vs measured', 'kernel', 'network', 'MNIST', 'CIFAR-10']),
    );
  });

  it('keeps a fixed domain and is deterministic', () => {
    const fixed = scatterPlot({ ...options, xDomain: [0, 1], yDomain: [0, 1], width: 500, height: 500 });
    parseSvg(fixed, 500, 500);
    expect(fixed).toBe(scatterPlot({ ...options, xDomain: [0, 1], yDomain: [0, 1], width: 500, height: 500 }));
  });
});

describe('heatmap', () => {
  const values = [0.61, 0.64, 0.68, 0.7, 0.66, 0.72];

  it('draws rows × columns cells colored on the map, annotations, labels and a colorbar', () => {
    const root = parseSvg(
      heatmap({
        title: 'Accuracy',
        xLabel: 'c',
        yLabel: 'depth',
        values,
        rows: 2,
        columns: 3,
        rowLabels: ['3', '11'],
        columnLabels: ['0', '4', '32'],
        annotate: 2,
        colorLabel: 'accuracy',
      }),
      560,
      480,
    );
    const cells = findElements(root, 'rect', 'cell');
    expect(cells).toHaveLength(6);
    expect(cells[0].attributes.fill).toBe('#440154'); // the minimum: viridis' first color
    expect(cells[5].attributes.fill).toBe('#fde725'); // the maximum: its last
    expect(findElements(root, 'text', 'annotation').map((element) => element.text)).toEqual([
      '0.61',
      '0.64',
      '0.68',
      '0.70',
      '0.66',
      '0.72',
    ]);
    expect(texts(root)).toEqual(
      expect.arrayContaining(['Accuracy', 'c', 'depth', 'accuracy', '3', '11', '0', '4', '32']),
    );
    expect(findElements(root, 'stop')).toHaveLength(17);
  });

  it('centres the diverging map on zero', () => {
    const root = parseXml(
      heatmap({
        title: 't',
        xLabel: 'x',
        yLabel: 'y',
        values: [-1, 0, 0.5],
        rows: 1,
        columns: 3,
        colorMap: 'diverging',
      }),
    );
    expect(findElements(root, 'rect', 'cell').map((cell) => cell.attributes.fill)).toEqual([
      '#2166ac',
      '#f7f7f7',
      '#f4a582',
    ]);
  });

  it('embeds large matrices as one PNG image', () => {
    const size = Math.ceil(Math.sqrt(maximumRectCells)) + 1;
    const svg = heatmap({
      title: 'Kernel',
      xLabel: 'j',
      yLabel: 'i',
      values: new Float64Array(size * size).map((_, i) => i % 7),
      rows: size,
      columns: size,
    });
    const root = parseSvg(svg, 560, 480);
    expect(findElements(root, 'rect', 'cell')).toHaveLength(0);
    const images = findElements(root, 'image', 'cells');
    expect(images).toHaveLength(1);
    expect(images[0].attributes.href.startsWith('data:image/png;base64,')).toBe(true);
  });

  it('handles a million cells (no argument-spreading limits)', () => {
    const size = 1000;
    const svg = heatmap({
      title: 'K',
      xLabel: 'j',
      yLabel: 'i',
      values: new Float64Array(size * size).map((_, i) => Math.sin(i)),
      rows: size,
      columns: size,
    });
    expect(findElements(parseXml(svg), 'image', 'cells')).toHaveLength(1);
  });

  it('is deterministic and checks its arguments', () => {
    const options = { title: 't', xLabel: 'x', yLabel: 'y', values, rows: 2, columns: 3 };
    expect(heatmap(options)).toBe(heatmap({ ...options, values: [...values] }));
    expect(() => heatmap({ ...options, rows: 3 })).toThrow('heatmap: values must hold rows·columns = 9 numbers, got 6');
    expect(() => heatmap({ ...options, rowLabels: ['a'] })).toThrow('heatmap: rowLabels must have 2 entries, got 1');
  });
});

describe('imageGrid', () => {
  const digit = {
    pixels: Float32Array.from({ length: 28 * 28 }, (_, i) => (i % 28) / 27),
    shape: [1, 28, 28],
    title: 'label 7',
  };
  const color = { pixels: new Float32Array(3 * 32 * 32).fill(0.5), shape: [3, 32, 32], title: 'cat' };

  /** Width and height in the IHDR chunk of a PNG data URI. */
  const pngSize = (uri: string): [number, number] => {
    const bytes = Buffer.from(uri.slice('data:image/png;base64,'.length), 'base64');
    return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  };

  it('places one PNG image per input with its title, upscaled by an integer factor', () => {
    const root = parseXml(imageGrid({ title: 'Examples', images: [digit, digit, color], columns: 2, scale: 3 }));
    expect(root.attributes.xmlns).toBe('http://www.w3.org/2000/svg');
    const images = findElements(root, 'image', 'image');
    expect(images).toHaveLength(3);
    expect(images.map((image) => pngSize(image.attributes.href))).toEqual([
      [84, 84],
      [84, 84],
      [96, 96],
    ]);
    expect(images.map((image) => image.attributes.width)).toEqual(['84', '84', '96']);
    expect(texts(root)).toEqual(['label 7', 'label 7', 'cat', 'Examples']);
    expect(findElements(root, 'g', 'tile')).toHaveLength(3);
  });

  it('stretches per image with range "auto" and survives non-finite pixels', () => {
    const pixels = Float32Array.of(Number.NaN, 2, 4, Infinity);
    const root = parseXml(imageGrid({ title: 't', images: [{ pixels, shape: [2, 2] }], range: 'auto', scale: 1 }));
    const png = Buffer.from(findElements(root, 'image', 'image')[0].attributes.href.slice(22), 'base64');
    const scanlines = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33))); // IDAT follows the signature and IHDR
    // NaN mid-gray, the minimum black, the maximum white, +Infinity clamped to white; a filter byte 0 starts each row
    expect([...scanlines]).toEqual([0, 128, 128, 128, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
  });

  it('is deterministic, valid XML and checks shapes', () => {
    const options = { title: 'Saliency', images: [digit], range: 'symmetric' as const, colorMap: 'diverging' as const };
    expect(imageGrid(options)).toBe(imageGrid(structuredClone(options)));
    expect(allElements(parseXml(imageGrid(options))).length).toBeGreaterThan(3);
    expect(() => imageGrid({ title: 't', images: [{ pixels: new Float32Array(10), shape: [3, 5] }] })).toThrow(
      'imageGrid: images[0] has 10 pixels but shape [3, 5] needs 15',
    );
    expect(() => imageGrid({ title: 't', images: [{ pixels: new Float32Array(8), shape: [2, 2, 2] }] })).toThrow(
      /^imageGrid: images\[0\].shape/,
    );
    expect(() => imageGrid({ title: 't', images: [] })).toThrow('imageGrid: images must not be empty');
  });
});
