/**
 * cntk-exact's finite-network half (PAPERS.md §8) at --quick sizes, on synthetic data (no
 * download needed): the CNN columns learn, the empirical NTK of width-w CNNs approaches the
 * exact CNTK, and GD-trained wide nets approach NTK kernel regression as the width grows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as ad from '../../../autodiff/index.ts';
import { createDataset, Random, type Dataset } from '../../../src/data/index.ts';
import { cntk, empiricalNtk, finiteNetwork, finiteShapeOf } from '../../../src/infinite/index.ts';
import { empiricalClaims, wideNetClaims } from '../../../papers/cntk-exact/claims.ts';
import { runEmpiricalStudy } from '../../../papers/cntk-exact/empirical.ts';
import { cnnProtocol, trainCnnColumns } from '../../../papers/cntk-exact/finite.ts';
import { logLogSlope, meanKernel } from '../../../papers/cntk-exact/finite-training.ts';
import { empiricalFigures, wideNetFigures } from '../../../papers/cntk-exact/figures.ts';
import { runWideNetStudy } from '../../../papers/cntk-exact/wide-net.ts';

/** 3 classes of 3×4×4 images: unit Gaussian noise plus 1.5 on the channel of the class. */
function colorClasses(count: number, seed: number): Dataset {
  const random = new Random(seed);
  const images = new Float32Array(count * 48);
  const labels = Int32Array.from({ length: count }, (_, i) => i % 3);
  for (let i = 0; i < count; i++) {
    for (let p = 0; p < 48; p++) images[i * 48 + p] = random.normal() + (Math.floor(p / 16) === labels[i] ? 1.5 : 0);
  }
  return createDataset({ images, labels, shape: [3, 4, 4], classes: 3, name: `color classes ${seed}` });
}

const [train, test] = [colorClasses(60, 1), colorClasses(30, 2)];

describe('finite-training helpers', () => {
  it('logLogSlope recovers a power law', () => {
    expect(logLogSlope([1, 2, 4, 8], [3, 3 / Math.SQRT2, 1.5, 1.5 / Math.SQRT2])).toBeCloseTo(-0.5, 12);
  });

  it('meanKernel is the mean over all pairs of the empirical NTK of the first output', () => {
    const images = ad.randomNormal([5, 3, 4, 4], { seed: 3, dtype: 'float64' });
    const net = finiteNetwork(cntk({ depth: 3 }), finiteShapeOf(images), {
      width: 6,
      outputs: 1,
      seed: 4,
      dtype: 'float64',
    });
    const kernel = empiricalNtk(net, images).data;
    expect(meanKernel(net, images)).toBeCloseTo(kernel.reduce((a, b) => a + b, 0) / kernel.length, 8);
  });
});

describe('trainCnnColumns (quick)', () => {
  let results: ReturnType<typeof trainCnnColumns>;
  beforeAll(() => {
    results = trainCnnColumns({ train, test, depths: [3, 4], quick: true, seed: 0, quiet: true });
  });

  it("returns one column per depth and readout with the protocol's width, its epochs and its fit", () => {
    expect(results.map((r) => `${r.depth}-${r.readout}`)).toEqual(['3-vanilla', '3-gap', '4-vanilla', '4-gap']);
    const { width, maxEpochs, checkEvery, target } = cnnProtocol.quick;
    for (const result of results) {
      expect(result.width).toBe(width);
      expect(result.epochs % checkEvery === 0 && result.epochs <= maxEpochs).toBe(true);
      expect(result.converged).toBe(result.trainAccuracy >= target);
      // the per-image outcomes are the accuracy's, for the paired comparisons with the kernels
      expect(result.correct).toHaveLength(test.count);
      expect(result.correct.reduce((a, b) => a + b, 0) / test.count).toBeCloseTo(result.accuracy, 12);
      expect(result.seconds).toBeGreaterThan(0);
    }
  });

  it('every trained CNN beats chance (1/3) by a wide margin', () => {
    for (const result of results) expect(result.accuracy).toBeGreaterThan(0.6);
  });

  it('rejects images of another shape and depths below 2', () => {
    const wrong = { ...test, shape: [3, 2, 8] };
    expect(() => trainCnnColumns({ train, test: wrong, depths: [3], quick: true, seed: 0, quiet: true })).toThrow(
      /trainCnnColumns: train \[3,4,4\] and test \[3,2,8\]/,
    );
    expect(() => trainCnnColumns({ train, test, depths: [1], quick: true, seed: 0, quiet: true })).toThrow(
      /depths must be integers ≥ 2/,
    );
  });
});

describe('runEmpiricalStudy (quick)', () => {
  let study: ReturnType<typeof runEmpiricalStudy>;
  beforeAll(() => {
    study = runEmpiricalStudy({ quick: true, seed: 0, quiet: true, train, test });
  });

  it('the empirical NTK of wider CNNs is closer to the exact CNTK, for both readouts', () => {
    for (const curve of study.convergence) {
      expect(curve.meanErrors[1]).toBeLessThan(curve.meanErrors[0] / 1.5);
      expect(curve.meanErrors[1]).toBeLessThan(0.5);
      expect(curve.slope).toBeLessThan(-0.2);
    }
  });

  it('kernel regression with the exact CNTK-V beats chance on the easy classes; the gaps are paired', () => {
    expect(study.regression.exactAccuracy).toBeGreaterThan(0.6);
    const { accuracies, exactOverEmpirical, exactAccuracy } = study.regression;
    accuracies.forEach((perSample, i) => {
      const mean = perSample.reduce((a, b) => a + b, 0) / perSample.length;
      expect(exactOverEmpirical[i].difference).toBeCloseTo(exactAccuracy - mean, 12);
      expect(exactOverEmpirical[i].standardError).toBeGreaterThanOrEqual(0);
    });
  });

  it('gives two claims and two SVG figures', () => {
    expect(empiricalClaims(study)).toHaveLength(2);
    const figures = empiricalFigures(study);
    expect(Object.keys(figures)).toEqual(['empirical-ntk-error.svg', 'empirical-ntk-accuracy.svg']);
    for (const svg of Object.values(figures)) expect(svg).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });

  it('says how many images it needs', () => {
    expect(() => runEmpiricalStudy({ quick: true, seed: 0, quiet: true, train, test: colorClasses(5, 3) })).toThrow(
      /runEmpiricalStudy: needs ≥ 20 training and ≥ 20 test images/,
    );
  });
});

describe('runWideNetStudy (quick)', () => {
  let study: ReturnType<typeof runWideNetStudy>;
  beforeAll(() => {
    study = runWideNetStudy({ quick: true, seed: 0, quiet: true });
  });

  it('GD fits the training points at the larger width, and kernel GD is converged at that step count', () => {
    for (const residual of study.trainResiduals.at(-1)!) expect(residual).toBeLessThan(1e-2);
    expect(study.kernelGdFloor).toBeLessThan(1e-3);
  });

  it("the trained net's test predictions approach the NTK predictor as the width grows", () => {
    expect(study.meanDistances[1]).toBeLessThan(study.meanDistances[0] / 1.5);
    expect(wideNetClaims(study)[0].holds).toBe(true);
    expect(wideNetFigures(study)['wide-net-vs-kernel.svg']).toMatch(/<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  });
});
