/**
 * Laws the kernels obey (PAPERS.md §3, §8): kernel matrices are symmetric and PSD; LAP(0)
 * is the vanilla readout, LAP(c) with circular padding is local translation augmentation and
 * with 2c + 1 = H = W it is H·W·GAP; GAP is full translation augmentation with circular
 * padding and is not with zero padding; the flip
 * kernel is symmetric; blocks and symmetry do not change the result; cpu and gpujs agree.
 * Tolerances: float64 sums in a different order differ by ~1e-15 relative per operation, but
 * entries with λ ≈ 1 amplify one ulp to ≈ 1e-8 (PAPERS.md §8), so identities between two
 * computations hold to 1e-7 of the largest entry; float32 across backends to 2e-3.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from '../../autodiff/index.ts';
import {
  cntk,
  conv,
  dense,
  fullyConnected,
  kernelMatrix,
  readout,
  relu,
  serial,
  type Network,
} from '../../src/infinite/index.ts';
import { symmetricEigenvalues } from '../../src/linalg/index.ts';
import type { Matrix } from '../../src/linalg/matrix.ts';

const TOLERANCE = 1e-7;

function largest(matrix: Matrix): number {
  return Math.max(...Array.from(matrix.data, Math.abs));
}

function expectClose(actual: Matrix, expected: Matrix, relative: number, what: string): void {
  const scale = largest(expected);
  actual.data.forEach((value, i) => {
    if (!(Math.abs(value - expected.data[i]) <= relative * scale))
      throw new Error(`${what}: entry ${i} is ${value}, expected ${expected.data[i]} (largest ${scale})`);
  });
}

const networkArb = fc.oneof(
  fc
    .record({
      depth: fc.integer({ min: 2, max: 4 }),
      readout: fc.constantFrom<'vanilla' | 'gap' | { lap: number }>('vanilla', 'gap', { lap: 1 }),
      fix: fc.boolean(),
      padding: fc.constantFrom('zero' as const, 'circular' as const),
    })
    .map((options) => ({ network: cntk(options), images: true })),
  fc
    .record({
      depth: fc.integer({ min: 1, max: 4 }),
      normalization: fc.constantFrom('standard' as const, 'authors' as const),
    })
    .map((options) => ({ network: fullyConnected(options), images: false })),
);

describe('kernel matrices', () => {
  it('are symmetric and positive semi-definite on random inputs (computed as a full grid, not by symmetry)', () => {
    fc.assert(
      fc.property(networkArb, fc.integer({ min: 2, max: 6 }), fc.nat(10_000), ({ network, images }, n, seed) => {
        const x = ad.randomNormal(images ? [n, 2, 4, 3] : [n, 5], { seed, dtype: 'float64' });
        const { nngp, ntk } = kernelMatrix(network, x, x);
        for (const matrix of [nngp, ntk]) {
          const scale = largest(matrix);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < i; j++)
              expect(Math.abs(matrix.data[i * n + j] - matrix.data[j * n + i])).toBeLessThanOrEqual(TOLERANCE * scale);
          const symmetrized = {
            ...matrix,
            data: matrix.data.map((value, e) => (value + matrix.data[(e % n) * n + Math.floor(e / n)]) / 2),
          };
          expect(Math.min(...symmetricEigenvalues(symmetrized))).toBeGreaterThanOrEqual(-TOLERANCE * scale);
        }
        // the symmetric path (triangle blocks) gives the same matrix
        expectClose(kernelMatrix(network, x).ntk, ntk, TOLERANCE, 'triangle vs full grid');
      }),
      { numRuns: 30 },
    );
  });

  it('LAP(1) is PSD on the inputs where a box of offsets was not (regression case found by the property above)', () => {
    // Σ_{p,q} w(p, q)·Θ_{p,q} is PSD for every PSD Θ when w is a PSD weighting of position
    // pairs. A box of offsets |p − q| ≤ c is not (its Fourier transform, the Dirichlet kernel,
    // dips below zero: on these inputs λ_min was −7% of the largest entry); LAP's weights, a
    // box convolved with itself (pool both images, then the trace), are.
    const x = ad.randomNormal([5, 2, 4, 3], { seed: 5487, dtype: 'float64' });
    for (const padding of ['zero', 'circular'] as const) {
      const { nngp } = kernelMatrix(cntk({ depth: 2, readout: { lap: 1 }, padding }), x, x);
      expect(Math.min(...symmetricEigenvalues(nngp))).toBeGreaterThanOrEqual(-TOLERANCE * largest(nngp));
    }
  });

  it('do not depend on the blocking (a 2 KiB budget forces 1×1 blocks)', () => {
    const x = ad.randomNormal([5, 2, 4, 4], { seed: 1, dtype: 'float64' });
    const y = ad.randomNormal([3, 2, 4, 4], { seed: 2, dtype: 'float64' });
    const network = cntk({ depth: 3, readout: 'gap' });
    for (const second of [undefined, y]) {
      const whole = kernelMatrix(network, x, second);
      const blocked = kernelMatrix(network, x, second, { memoryBudget: 2048 });
      expectClose(blocked.ntk, whole.ntk, 1e-14, 'ntk');
      expectClose(blocked.nngp, whole.nngp, 1e-14, 'nngp');
    }
  });
});

/** x shifted cyclically by (dy, dx) along H and W: [n, C, H, W]. */
function shifted(x: ad.Tensor, dy: number, dx: number): ad.Tensor {
  const [n, c, h, w] = x.shape;
  const data = new Float64Array(x.size);
  for (let plane = 0; plane < n * c; plane++) {
    for (let i = 0; i < h; i++)
      for (let j = 0; j < w; j++)
        data[(plane * h + ((i + dy + h) % h)) * w + ((j + dx + w) % w)] = x.data[(plane * h + i) * w + j];
  }
  return new ad.Tensor(data, x.shape, 'float64');
}

describe('readouts', () => {
  const x = ad.randomNormal([3, 2, 5, 4], { seed: 5, dtype: 'float64' });
  const y = ad.randomNormal([2, 2, 5, 4], { seed: 6, dtype: 'float64' });

  it('LAP(0) equals vanilla', () => {
    for (const padding of ['zero', 'circular'] as const) {
      const vanilla = kernelMatrix(cntk({ depth: 4, readout: 'vanilla', padding }), x, y);
      const lap = kernelMatrix(cntk({ depth: 4, readout: { lap: 0 }, padding }), x, y);
      expectClose(lap.ntk, vanilla.ntk, 1e-14, `ntk ${padding}`);
      expectClose(lap.nngp, vanilla.nngp, 1e-14, `nngp ${padding}`);
    }
  });

  it('LAP with 2c + 1 = H = W and circular padding equals H·W·GAP; with zero padding and c ≥ H − 1 it is (HW)³/(2c+1)⁴·GAP', () => {
    const square = ad.randomNormal([3, 2, 5, 5], { seed: 7, dtype: 'float64' });
    const times = (matrix: Matrix, factor: number): Matrix => ({
      ...matrix,
      data: matrix.data.map((value) => value * factor),
    });
    const cases = [
      { images: square, other: undefined, padding: 'circular' as const, c: 2, factor: 25 },
      { images: x, other: y, padding: 'zero' as const, c: 4, factor: 20 ** 3 / 9 ** 4 },
    ];
    for (const { images, other, padding, c, factor } of cases) {
      const gap = kernelMatrix(cntk({ depth: 4, readout: 'gap', padding }), images, other);
      const lap = kernelMatrix(cntk({ depth: 4, readout: { lap: c }, padding }), images, other);
      expectClose(lap.ntk, times(gap.ntk, factor), TOLERANCE, `ntk ${padding}`);
      expectClose(lap.nngp, times(gap.nngp, factor), TOLERANCE, `nngp ${padding}`);
    }
  });

  it('LAP(c) is local translation augmentation with circular padding: K_LAP(x, x′) = mean over shifts g, g′ ∈ [−c, c]² of K_V(gx, g′x′)', () => {
    const c = 1;
    const lap = kernelMatrix(cntk({ depth: 3, readout: { lap: c }, padding: 'circular' }), x, y).ntk;
    const vanilla = cntk({ depth: 3, readout: 'vanilla', padding: 'circular' });
    const augmented = new Float64Array(lap.data.length);
    const shifts = Array.from({ length: (2 * c + 1) ** 2 }, (_, k) => [
      Math.floor(k / (2 * c + 1)) - c,
      (k % (2 * c + 1)) - c,
    ]);
    for (const [dy, dx] of shifts)
      for (const [ey, ex] of shifts) {
        kernelMatrix(vanilla, shifted(x, dy, dx), shifted(y, ey, ex)).ntk.data.forEach((value, e) => {
          augmented[e] += value / shifts.length ** 2;
        });
      }
    expectClose(lap, { ...lap, data: augmented }, TOLERANCE, 'ntk');
  });

  it('GAP is translation augmentation with circular padding: H·W·K_GAP(x, x′) = mean over shifts g of K_V(gx, x′); not with zero padding', () => {
    const [h, w] = [5, 4];
    const discrepancy: Record<string, number> = {};
    for (const padding of ['circular', 'zero'] as const) {
      for (const network of [
        cntk({ depth: 4, readout: 'gap', padding }),
        serial(
          conv({ weightVariance: 2, padding }),
          relu(),
          conv({ weightVariance: 2, padding }),
          readout('gap'),
          dense(),
        ),
      ]) {
        const vanillaNetwork: Network = {
          ...network,
          layers: network.layers.map((layer) => (layer.name === 'readout(gap)' ? readout('vanilla') : layer)),
        };
        const gap = kernelMatrix(network, x, y).ntk;
        const augmented = new Float64Array(gap.data.length);
        for (let dy = 0; dy < h; dy++)
          for (let dx = 0; dx < w; dx++) {
            kernelMatrix(vanillaNetwork, shifted(x, dy, dx), y).ntk.data.forEach((value, e) => {
              augmented[e] += value / (h * w);
            });
          }
        const scale = largest(gap) * h * w;
        const worst = Math.max(...Array.from(gap.data, (value, e) => Math.abs(h * w * value - augmented[e]) / scale));
        discrepancy[padding] = Math.max(discrepancy[padding] ?? 0, worst);
      }
    }
    expect(discrepancy.circular).toBeLessThanOrEqual(TOLERANCE);
    // zero padding: the border terms differ by a sizeable fraction, far above rounding
    expect(discrepancy.zero).toBeGreaterThan(1e-3);
  });

  it('the flip kernel ½[K(x, x′) + K(flip x, x′)] is symmetric', () => {
    for (const readout of ['vanilla', 'gap'] as const) {
      const { ntk, nngp } = kernelMatrix(cntk({ depth: 3, readout }), x, undefined, { flip: true });
      for (const matrix of [ntk, nngp]) {
        const scale = largest(matrix);
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < i; j++)
            expect(Math.abs(matrix.data[i * 3 + j] - matrix.data[j * 3 + i])).toBeLessThanOrEqual(TOLERANCE * scale);
      }
      // and differs from the plain kernel (the images are not flip-symmetric)
      expect(Math.abs(ntk.data[1] - kernelMatrix(cntk({ depth: 3, readout }), x).ntk.data[1])).toBeGreaterThan(
        1e-6 * largest(ntk),
      );
    }
  });
});

describe('backends', () => {
  it('cpu and gpujs give the same float32 kernels', () => {
    const x = ad.randomNormal([3, 2, 5, 5], { seed: 8 });
    const y = ad.randomNormal([2, 2, 5, 5], { seed: 9 });
    const f = ad.randomNormal([4, 6], { seed: 10 });
    for (const network of [
      cntk({ depth: 4, readout: 'vanilla' }),
      cntk({ depth: 3, readout: 'gap', fix: true, padding: 'circular' }),
      cntk({ depth: 3, readout: { lap: 1 } }),
    ]) {
      const cpu = ad.withBackend('cpu', () => kernelMatrix(network, x, y));
      const gpu = ad.withBackend('gpujs', () => kernelMatrix(network, x, y));
      expectClose(gpu.ntk, cpu.ntk, 2e-3, 'ntk');
      expectClose(gpu.nngp, cpu.nngp, 2e-3, 'nngp');
    }
    const network = fullyConnected({ depth: 3, normalization: 'authors' });
    expectClose(
      ad.withBackend('gpujs', () => kernelMatrix(network, f)).ntk,
      kernelMatrix(network, f).ntk,
      2e-3,
      'fc ntk',
    );
  });
});
