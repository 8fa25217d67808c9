/**
 * The block driver (src/infinite/kernel-matrix.ts) and the layer stack's checks: single-kernel
 * entry points, the plan (pairs, blocks, memory, time) announced before the work, and the
 * errors for stacks the record cannot follow.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import {
  cntk,
  conv,
  dense,
  fullyConnected,
  kernelMatrix,
  nngpMatrix,
  ntkMatrix,
  planKernelMatrix,
  readout,
  relu,
  serial,
} from '../../src/infinite/index.ts';

describe('kernelMatrix and its parts', () => {
  const x = ad.randomNormal([4, 2, 5, 5], { seed: 1, dtype: 'float64' });
  const y = ad.randomNormal([3, 2, 5, 5], { seed: 2, dtype: 'float64' });

  it('ntkMatrix and nngpMatrix are the two halves of kernelMatrix', () => {
    const network = cntk({ depth: 4, readout: 'gap' });
    for (const second of [undefined, y]) {
      const both = kernelMatrix(network, x, second);
      expect(ntkMatrix(network, x, second).data).toEqual(both.ntk.data);
      expect(nngpMatrix(network, x, second).data).toEqual(both.nngp.data);
    }
  });

  it('plans pairs, blocks and memory before the work, and reports the plan through `log`', () => {
    const network = cntk({ depth: 3, readout: 'gap' });
    const plan = planKernelMatrix(network, x, undefined, { memoryBudget: 4 * 625 * 8 * 4 });
    // 4 pairs per block of 625 entries → 2×2 images per block → blocks (0,0) (0,1) (1,1), 10 pairs
    expect(plan).toMatchObject({ pairs: 10, blocks: 3, blockSide: 2 });
    expect(plan.geometry).toEqual({ height: 5, width: 5, padding: 'zero', window: 4 });
    expect(plan.seconds).toBeGreaterThan(0);
    const lines: string[] = [];
    kernelMatrix(network, x, y, { log: (line) => lines.push(line), label: 'test kernel' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^test kernel: 12 pairs in 1 blocks of ≤ 4×4 images, ≈ \d+ MiB, ≈ \d+:\d\d \(cpu, float64\)$/,
    );
    expect(planKernelMatrix(network, x, y, { flip: true }).pairs).toBe(24);
  });

  it('rejects layer stacks the kernel record cannot follow, naming the layer', () => {
    const f = ad.randomNormal([3, 4], { seed: 3, dtype: 'float64' });
    expect(() => kernelMatrix(serial(conv(), readout('gap'), relu(), dense()), x)).toThrow(
      /relu: the record has no per-image variances/,
    );
    expect(() => kernelMatrix(serial(conv(), dense()), x)).toThrow(
      /dense: the record still has 5×5 positions; put a readout before dense/,
    );
    expect(() => kernelMatrix(serial(conv(), relu()), x)).toThrow(
      /kernelMatrix: the network must end without positions/,
    );
    expect(() =>
      kernelMatrix(serial(conv({ padding: 'zero' }), relu(), conv({ padding: 'circular' }), readout('gap')), x),
    ).toThrow(/requirements: every conv of a network must use one padding/);
    expect(() => kernelMatrix(serial(readout('vanilla'), dense()), f)).toThrow(
      /readout\(vanilla\): the record has no positions to pool/,
    );
    expect(() => readout({ lap: -1 })).toThrow(/readout: the LAP window must be a non-negative integer, got -1/);
    expect(kernelMatrix(fullyConnected({ depth: 2 }), f).ntk.rows).toBe(3);
  });
});
