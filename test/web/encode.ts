/** A float32 array as the page's `theorygrad.call` takes it (web/main.ts decodes it). @example f32([1, 2]) */
export const f32 = (values: ArrayLike<number>) => ({ f32: Array.from(values) });

/** The inverse, for a backend called directly (headless-gl): {f32: [...]} back to a Float32Array. */
export function decode(value: unknown): unknown {
  if (value && typeof value === 'object' && 'f32' in value) return Float32Array.from((value as { f32: number[] }).f32);
  return value;
}
