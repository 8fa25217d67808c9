import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataExtent, formatLogTick, linearScale, logScale, niceTicks, tickStep } from '../../src/report/plot/axes.ts';

const isNiceStep = (step: number): boolean => {
  const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-12);
  return [1, 2, 5, 10].some((nice) => Math.abs(mantissa - nice) < 1e-9);
};

describe('niceTicks', () => {
  it('gives round values covering the data for typical ranges', () => {
    expect(niceTicks(0.13, 0.92)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(-3, 1017)).toEqual([-200, 0, 200, 400, 600, 800, 1000, 1200]);
    expect(niceTicks(0.1, 0.3)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
  });

  it('widens a single value to an interval around it', () => {
    const ticks = niceTicks(5, 5);
    expect(ticks[0]).toBeLessThan(5);
    expect(ticks[ticks.length - 1]).toBeGreaterThan(5);
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
    // regressions found by the property below: spans too small for float64 steps
    expect(niceTicks(0, 5e-324)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(5e-324, 5e-324)).toEqual([-1, -0.5, 0, 0.5, 1]);
  });

  it('property: nice, evenly spaced, at most 10, covering [min, max] without overshooting by more than a step', () => {
    const finite = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });
    fc.assert(
      fc.property(finite, finite, (a, b) => {
        const [min, max] = [Math.min(a, b), Math.max(a, b)];
        const ticks = niceTicks(min, max);
        expect(ticks.length).toBeGreaterThanOrEqual(2);
        expect(ticks.length).toBeLessThanOrEqual(10);
        const step = ticks[1] - ticks[0];
        expect(isNiceStep(step)).toBe(true);
        for (let i = 1; i < ticks.length; i++)
          expect(Math.abs(ticks[i] - ticks[i - 1] - step)).toBeLessThanOrEqual(1e-9 * step);
        for (const tick of ticks) expect(Math.abs(tick / step - Math.round(tick / step))).toBeLessThan(1e-6);
        const slack = 1e-9 * step;
        expect(ticks[0]).toBeLessThanOrEqual(min + slack);
        expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(max - slack);
        const degenerate = max - min <= Math.max(1e-12 * Math.max(Math.abs(min), Math.abs(max)), 1e-290); // widened first
        if (!degenerate) {
          expect(ticks[0]).toBeGreaterThan(min - step - slack);
          expect(ticks[ticks.length - 1]).toBeLessThan(max + step + slack);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('names the function in errors', () => {
    expect(() => niceTicks(2, 1)).toThrow(/^niceTicks: min must not exceed max/);
    expect(() => niceTicks(0, Number.NaN)).toThrow(/^niceTicks: the interval/);
    expect(() => tickStep(1, 1)).toThrow(/^tickStep/);
  });
});

describe('linearScale', () => {
  it('maps the nice domain onto the range, reversed ranges included', () => {
    const scale = linearScale([0.13, 0.92], [300, 0]);
    expect(scale.domain).toEqual([0, 1]);
    expect(scale.map(0)).toBe(300);
    expect(scale.map(1)).toBe(0);
    expect(scale.map(0.25)).toBe(225);
    expect(scale.ticks.map(scale.format)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1.0']);
  });

  it('keeps a fixed domain and only the ticks inside it when not nice', () => {
    const scale = linearScale([0.13, 0.92], [0, 100], { nice: false });
    expect(scale.domain).toEqual([0.13, 0.92]);
    expect(scale.ticks).toEqual([0.2, 0.4, 0.6, 0.8]);
  });

  it('labels large and tiny values in exponent notation', () => {
    const large = linearScale([0, 4e6], [0, 1]);
    expect(large.ticks.map(large.format)).toEqual(['0', '1e6', '2e6', '3e6', '4e6']);
    const tiny = linearScale([1e-7, 3e-7], [0, 1]);
    expect(tiny.format(tiny.ticks[1])).toMatch(/e-7$/);
  });
});

describe('logScale', () => {
  it('maps decades evenly', () => {
    const scale = logScale([1e-3, 1e3], [0, 600]);
    const positions = [-3, -2, -1, 0, 1, 2, 3].map((exponent) => scale.map(10 ** exponent));
    for (let i = 1; i < positions.length; i++) expect(positions[i] - positions[i - 1]).toBeCloseTo(100, 9);
    expect(scale.map(0)).toBeNaN();
    expect(scale.map(-1)).toBeNaN();
  });

  it('property: any decade has the same pixel length', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -20, max: 15 }),
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        (first, span, offset) => {
          const scale = logScale([10 ** first, 10 ** (first + span)], [0, 1000]);
          const unit = scale.map(10 ** (first + 1)) - scale.map(10 ** first);
          const shifted = scale.map(10 ** (offset + first + 1)) - scale.map(10 ** (offset + first));
          expect(shifted).toBeCloseTo(unit, 6);
        },
      ),
    );
  });

  it('extends to whole decades and ticks them; labels are plain or powers of ten', () => {
    const scale = logScale([0.003, 0.9], [0, 1]);
    expect(scale.domain).toEqual([0.001, 1]);
    expect(scale.ticks).toEqual([0.001, 0.01, 0.1, 1]);
    expect(scale.ticks.map(scale.format)).toEqual(['0.001', '0.01', '0.1', '1']);
    expect(scale.minorTicks).toHaveLength(24);
    const wide = logScale([16, 4096], [0, 1]);
    expect(wide.ticks.map(wide.format)).toEqual(['10¹', '10²', '10³', '10⁴']);
    expect(formatLogTick(1e-12, false)).toBe('10⁻¹²');
  });

  it('adds 2 and 5 × 10^k within a single decade, and strides across many decades', () => {
    expect(logScale([2, 8], [0, 1]).ticks).toEqual([1, 2, 5, 10]);
    const many = logScale([1e-20, 1e20], [0, 1]);
    expect(many.ticks.length).toBeLessThanOrEqual(10);
    expect(many.ticks[0]).toBe(1e-20);
    expect(many.ticks[many.ticks.length - 1]).toBe(1e20);
  });

  it('rejects non-positive domains', () => {
    expect(() => logScale([0, 10], [0, 1])).toThrow('logScale: domain must be positive, got [0, 10]');
  });
});

describe('dataExtent', () => {
  it('skips non-finite values, and values ≤ 0 on a log axis', () => {
    expect(
      dataExtent(
        [
          [3, 1, Number.NaN],
          [2, Infinity],
        ],
        false,
      ),
    ).toEqual([1, 3]);
    expect(dataExtent([[-1, 0, 0.5, 4]], true)).toEqual([0.5, 4]);
    expect(() => dataExtent([[Number.NaN]], false)).toThrow('dataExtent: no finite values to plot');
  });
});
