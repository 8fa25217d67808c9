/**
 * Source generation shared by the gpu.js kernels: a builder that collects the numbers a
 * kernel bakes in as `this.constants`, and the code that turns a flat output index into
 * offsets into strided inputs.
 *
 * Every extent, stride and loop bound is a constant (never a kernel argument): gpu.js
 * silently stops a loop bounded by an argument after loopMaxIterations (1000) steps.
 */

/** Accumulates kernel source lines and the constants they read. */
export class KernelSource {
  readonly constants: Record<string, number> = {};
  private readonly lines: string[] = [];
  private count = 0;

  /** Registers `value` as a constant and returns the expression that reads it. */
  constant(value: number): string {
    // gpu.js writes constants into GLSL as literals, and GLSL has none for NaN or ±∞
    if (!Number.isFinite(value))
      throw new Error(`gpujs kernel source: constant ${value} is not finite (GLSL cannot spell it)`);
    const name = `k${this.count++}`;
    this.constants[name] = value;
    return `this.constants.${name}`;
  }

  line(text: string): void {
    this.lines.push(text);
  }

  /** The finished kernel: `function(arg0, arg1) { ...lines }`. */
  build(argumentNames: readonly string[]): string {
    return `function(${argumentNames.join(', ')}) {\n  ${this.lines.join('\n  ')}\n}`;
  }
}

/**
 * Merges adjacent axes that every stride set walks as one (outer stride = inner stride ·
 * inner extent) and drops size-1 axes; the offsets Σ coordinate·stride are unchanged.
 * A shape that every input reads contiguously collapses to one axis.
 */
export function coalesce(
  dims: readonly number[],
  strideSets: readonly (readonly number[])[],
): { dims: number[]; strides: number[][] } {
  const merged: number[] = [];
  const mergedStrides: number[][] = strideSets.map(() => []);
  for (let axis = 0; axis < dims.length; axis++) {
    if (dims[axis] === 1) continue;
    const last = merged.length - 1;
    if (last >= 0 && strideSets.every((strides, set) => mergedStrides[set][last] === strides[axis] * dims[axis])) {
      merged[last] *= dims[axis];
      strideSets.forEach((strides, set) => {
        mergedStrides[set][last] = strides[axis];
      });
    } else {
      merged.push(dims[axis]);
      strideSets.forEach((strides, set) => mergedStrides[set].push(strides[axis]));
    }
  }
  return { dims: merged, strides: mergedStrides };
}

/**
 * Emits `let` statements that split the Integer expression `flat` into row-major
 * coordinates of `dims` and accumulate, per stride set, `offsetNames[set] = base +
 * Σ coordinate·stride`. Returns the coordinate variable names (outermost first), for
 * kernels that need them (pad, concat). Names are prefixed with `tag` so several walks
 * can share one kernel.
 *
 * gpu.js keeps kernel locals in float32 (webasm and GL alike), and divides in float32:
 * Math.floor(i / d) is exact while i + d < 2²⁴, and every product and sum of integers
 * below 2²⁴ is exact. runtime.run() holds every array to MAX_KERNEL_ELEMENTS (2²³), so
 * all of this arithmetic is exact.
 */
export function emitCoordinates(
  source: KernelSource,
  flat: string,
  dims: readonly number[],
  strideSets: readonly (readonly number[])[],
  offsetNames: readonly string[],
  tag = '',
  bases: readonly number[] = [],
): string[] {
  offsetNames.forEach((name, set) => {
    const base = bases[set] ?? 0;
    source.line(`let ${name} = ${base === 0 ? '0' : source.constant(base)};`);
  });
  const rank = dims.length;
  if (rank === 0) return [];
  const coordinates = new Array<string>(rank);
  const rest = `${tag}rest`;
  source.line(`let ${rest} = ${flat};`);
  for (let axis = rank - 1; axis >= 1; axis--) {
    const extent = source.constant(dims[axis]);
    const quotient = `${tag}q${axis}`;
    const coordinate = `${tag}c${axis}`;
    source.line(`let ${quotient} = Math.floor(${rest} / ${extent});`);
    source.line(`let ${coordinate} = ${rest} - ${quotient} * ${extent};`);
    source.line(`${rest} = ${quotient};`);
    coordinates[axis] = coordinate;
  }
  coordinates[0] = rest;
  for (let axis = 0; axis < rank; axis++) {
    strideSets.forEach((strides, set) => {
      const stride = strides[axis];
      if (stride === 0) return;
      const term = stride === 1 ? coordinates[axis] : `${coordinates[axis]} * ${source.constant(stride)}`;
      source.line(`${offsetNames[set]} = ${offsetNames[set]} + ${term};`);
    });
  }
  return coordinates;
}
