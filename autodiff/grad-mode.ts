/**
 * Whether new ops record their inputs for differentiation. `noGrad(fn)` switches
 * recording off for a block (evaluation, optimizer updates), as torch.no_grad does.
 */
let recording = true;

export function isRecording(): boolean {
  return recording;
}

/** Runs fn with graph recording set to `enabled`, restoring the previous mode afterwards. */
export function withRecording<T>(enabled: boolean, fn: () => T): T {
  const previous = recording;
  recording = enabled;
  try {
    return fn();
  } finally {
    recording = previous;
  }
}

/**
 * Runs fn without recording any graph: results do not require grad.
 * @example const predictions = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`noGrad: fn must be a function, got ${typeof fn}`);
  return withRecording(false, fn);
}
