/**
 * Linear and log scales with "nice" ticks (steps of 1, 2 or 5 × 10^k, as in d3-scale and
 * Heckbert's "Nice numbers for graph labels", Graphics Gems 1990) and tick labels.
 * A scale maps data values to pixels; "nice" scales extend their domain to the first
 * and last tick, so the ticks cover the data.
 */

/** A map from a data interval to a pixel interval, with its ticks and tick labels. */
export interface Scale {
  readonly kind: 'linear' | 'log';
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Tick positions in data units, increasing. */
  readonly ticks: readonly number[];
  /** Unlabelled ticks between them (2…9 × 10^k on a log scale spanning a few decades). */
  readonly minorTicks: readonly number[];
  /** Pixel position of `value`; NaN where the scale is undefined (log of a value ≤ 0). */
  map(value: number): number;
  /** Tick label of `value`, with as many decimals as the tick step needs. */
  format(value: number): string;
}

/** Options shared by linearScale and logScale. */
export interface ScaleOptions {
  /** Extend the domain outwards to the nearest ticks (default true). */
  nice?: boolean;
  /** Roughly how many ticks a linear scale aims for (default 5; at most ~2× that). */
  tickCount?: number;
}

const superscripts: Record<string, string> = {
  '-': '⁻',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

function checkInterval(functionName: string, name: string, interval: readonly number[]): void {
  if (interval.length !== 2 || !Number.isFinite(interval[0]) || !Number.isFinite(interval[1])) {
    throw new Error(`${functionName}: ${name} must be two finite numbers, got [${interval.join(', ')}]`);
  }
}

/** 10^exponent, correctly rounded (`10 ** -20` is not: it gives 1.0000000000000001e-20). */
function powerOfTen(exponent: number): number {
  return Number(`1e${exponent}`);
}

/** Widens an empty or numerically empty interval (too narrow for its magnitude, or for float64) so that it can carry ticks. */
function widenDegenerate(min: number, max: number): [number, number] {
  if (max - min > Math.max(1e-12 * Math.max(Math.abs(min), Math.abs(max)), 1e-290)) return [min, max];
  const delta = Math.abs(min) * 0.1 > 1e-289 ? Math.abs(min) * 0.1 : 1;
  return [min - delta, max + delta];
}

/**
 * The nice step (1, 2 or 5 × 10^k) that cuts [min, max] into about `count` parts.
 * @example tickStep(0, 1, 5); // 0.2
 */
export function tickStep(min: number, max: number, count = 5): number {
  if (!(max > min)) throw new Error(`tickStep: max must exceed min, got [${min}, ${max}]`);
  if (!(count >= 1)) throw new Error(`tickStep: count must be at least 1, got ${count}`);
  const raw = (max - min) / count;
  const power = powerOfTen(Math.floor(Math.log10(raw)));
  const error = raw / power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.SQRT2 ? 2 : 1;
  return factor * power;
}

/** Multiples of `step` from `first`·step to `last`·step, computed without accumulating error. */
function multiples(step: number, first: number, last: number): number[] {
  const inverse = step < 1 ? Math.round(1 / step) : 0; // 1/step is an integer for steps 1, 2, 5 × 10^-k
  const ticks: number[] = [];
  for (let index = first; index <= last; index++) ticks.push(inverse > 0 ? index / inverse : index * step);
  return ticks;
}

/** Index range of the step multiples covering (outwards) or inside (inwards) [min, max]. */
function multipleRange(min: number, max: number, step: number, outwards: boolean): [number, number] {
  const tolerance = 1e-9;
  const low = min / step;
  const high = max / step;
  return outwards
    ? [Math.floor(low + tolerance), Math.ceil(high - tolerance)]
    : [Math.ceil(low - tolerance), Math.floor(high + tolerance)];
}

/**
 * Evenly spaced nice ticks whose first is ≤ min and last is ≥ max (at most ~2·count + 1).
 * @example niceTicks(0.13, 0.92); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  checkInterval('niceTicks', 'the interval', [min, max]);
  if (min > max) throw new Error(`niceTicks: min must not exceed max, got [${min}, ${max}]`);
  const [low, high] = widenDegenerate(min, max);
  const step = tickStep(low, high, count);
  const [first, last] = multipleRange(low, high, step, true);
  return multiples(step, first, last);
}

function tickLabel(value: number, step: number, largest: number): string {
  if (value === 0) return '0';
  if (largest >= 1e6 || step < 1e-4) {
    const digits = Math.max(0, Math.floor(Math.log10(largest)) - Math.floor(Math.log10(step) + 1e-9));
    return value.toExponential(Math.min(digits, 20)).replace('e+', 'e');
  }
  const decimals = Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
  return value.toFixed(decimals);
}

/**
 * A linear scale from `domain` to `range` (pixels; reversed ranges are fine).
 * @example linearScale([0, 1], [0, 100]).map(0.25); // 25
 */
export function linearScale(domain: readonly number[], range: readonly number[], options: ScaleOptions = {}): Scale {
  checkInterval('linearScale', 'domain', domain);
  checkInterval('linearScale', 'range', range);
  const count = options.tickCount ?? 5;
  const [low, high] = widenDegenerate(Math.min(domain[0], domain[1]), Math.max(domain[0], domain[1]));
  const step = tickStep(low, high, count);
  const [first, last] = multipleRange(low, high, step, options.nice ?? true);
  const ticks = multiples(step, first, last);
  const [start, end]: [number, number] = (options.nice ?? true) ? [ticks[0], ticks[ticks.length - 1]] : [low, high];
  const largest = Math.max(Math.abs(start), Math.abs(end));
  return {
    kind: 'linear',
    domain: [start, end],
    range: [range[0], range[1]],
    ticks,
    minorTicks: [],
    map: (value) => range[0] + ((value - start) / (end - start)) * (range[1] - range[0]),
    format: (value) => tickLabel(value, step, largest),
  };
}

/**
 * A log-axis tick label: 10 with a superscript exponent, or with `plain` a decimal (0.002).
 * @example formatLogTick(1e-5, false); // '10⁻⁵'
 */
export function formatLogTick(value: number, plain: boolean): string {
  if (plain) return String(Number(value.toPrecision(12)));
  const exponent = Math.round(Math.log10(value));
  return `10${Array.from(String(exponent), (character) => superscripts[character]).join('')}`;
}

/**
 * A base-10 log scale; a nice one spans whole decades. Ticks are the decades (every k-th
 * beyond 8 decades), plus 2 and 5 × 10^k when the domain spans about a decade or less.
 * Decades print as 0.001 … 1000 when all ticks lie in that range, else as 10ⁿ.
 * @example logScale([1, 1000], [0, 300]).map(10); // 100
 */
export function logScale(domain: readonly number[], range: readonly number[], options: ScaleOptions = {}): Scale {
  checkInterval('logScale', 'domain', domain);
  checkInterval('logScale', 'range', range);
  const low = Math.min(domain[0], domain[1]);
  const high = Math.max(domain[0], domain[1]);
  if (!(low > 0)) throw new Error(`logScale: domain must be positive, got [${domain.join(', ')}]`);
  const nice = options.nice ?? true;
  let [firstDecade, lastDecade] = multipleRange(Math.log10(low), Math.log10(high), 1, true);
  if (lastDecade === firstDecade) lastDecade++;
  const stride = Math.ceil((lastDecade - firstDecade) / 8);
  firstDecade = Math.floor(firstDecade / stride) * stride;
  lastDecade = Math.ceil(lastDecade / stride) * stride;
  const [start, end] = nice ? [powerOfTen(firstDecade), powerOfTen(lastDecade)] : [low, high];
  const mantissas = Math.log10(end / start) <= 1.2 ? [1, 2, 5] : [1];
  const inDomain = (tick: number): boolean => tick >= start * (1 - 1e-12) && tick <= end * (1 + 1e-12);
  const ticks: number[] = [];
  const minorTicks: number[] = [];
  for (let decade = firstDecade; decade <= lastDecade; decade += stride) {
    for (const mantissa of mantissas)
      if (inDomain(mantissa * powerOfTen(decade))) ticks.push(mantissa * powerOfTen(decade));
    if (mantissas.length === 1 && stride === 1 && lastDecade - firstDecade <= 5) {
      for (let mantissa = 2; mantissa <= 9; mantissa++)
        if (inDomain(mantissa * powerOfTen(decade))) minorTicks.push(mantissa * powerOfTen(decade));
    }
  }
  const plain = mantissas.length > 1 || ticks.every((tick) => tick >= 1e-3 && tick <= 1e3);
  const logStart = Math.log10(start);
  const logSpan = Math.log10(end) - logStart;
  return {
    kind: 'log',
    domain: [start, end],
    range: [range[0], range[1]],
    ticks,
    minorTicks,
    map: (value) =>
      value > 0 ? range[0] + ((Math.log10(value) - logStart) / logSpan) * (range[1] - range[0]) : Number.NaN,
    format: (value) => formatLogTick(value, plain),
  };
}

/**
 * Smallest and largest finite value over the arrays (only values > 0 when `log`).
 * @example dataExtent([[3, 1, NaN], [2]], false); // [1, 3]
 */
export function dataExtent(arrays: readonly ArrayLike<number>[], log: boolean): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const values of arrays) {
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (!Number.isFinite(value) || (log && value <= 0)) continue;
      if (value < min) min = value;
      if (value > max) max = value;
    }
  }
  if (min > max) throw new Error(`dataExtent: no finite${log ? ' positive' : ''} values to plot`);
  return [min, max];
}
