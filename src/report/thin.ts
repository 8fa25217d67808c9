/**
 * Thinning long per-step series for figures and results.json: every k-th step and the last,
 * so that a plot or a file holds at most `maximum` points of a series however long the run.
 */

/**
 * The steps kept: 0, k, 2k, … and the last, with k = ⌈length / maximum⌉.
 * @example thinnedSteps(10, 4); // [0, 3, 6, 9]
 */
export function thinnedSteps(length: number, maximum: number): number[] {
  if (!Number.isInteger(length) || length < 0)
    throw new Error(`thinnedSteps: length must be a non-negative integer, got ${length}`);
  if (!Number.isInteger(maximum) || maximum < 1)
    throw new Error(`thinnedSteps: maximum must be a positive integer, got ${maximum}`);
  const stride = Math.max(1, Math.ceil(length / maximum));
  const steps: number[] = [];
  for (let step = 0; step < length; step += stride) steps.push(step);
  if (length > 0 && steps[steps.length - 1] !== length - 1) steps.push(length - 1);
  return steps;
}

/**
 * A series thinned to at most about `maximum` points, as x (the step) and y (the value) arrays for a line plot.
 * @example thin([5, 4, 3, 2, 1], 2); // { x: [0, 3, 4], y: [5, 2, 1] }
 */
export function thin(values: readonly number[], maximum: number): { x: number[]; y: number[] } {
  const x = thinnedSteps(values.length, maximum);
  return { x, y: x.map((step) => values[step]) };
}
