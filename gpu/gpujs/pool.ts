/** Max-pooling window search on gpu.js; the pooled values are then a gather (autodiff/ops). */
import type { Pool2dSpec, Storage } from '../backend.ts';
import { emitCoordinates, KernelSource } from './indexing.ts';
import { TextureIndices, TextureStorage } from './device.ts';
import { checked, type GpuJsRuntime, type KernelInput, type KernelRecipe, type KernelRunner } from './runtime.ts';

/**
 * For each output cell, the flat index (h·W + w) within its input plane of the window's
 * first maximum; a NaN wins outright, padding never wins, an all-padding window gives −1
 * (as on the cpu). The kernel returns the indices as float32 (exact: a plane has fewer
 * than 2²³ cells) and the host casts them to Int32Array. `x` may be a texture (the device
 * kernels' entry): then only the indices come back, never x.
 */
export function maxPool2dIndices(runtime: GpuJsRuntime, x: Storage, spec: Pool2dSpec): Int32Array {
  const { input, size } = checkedSearch(x, spec);
  if (size === 0) return new Int32Array(0);
  if (input.length === 0) return new Int32Array(size).fill(-1); // every window is empty (a host fill)
  return Int32Array.from(runtime.run('maxPool2dIndices', searchRecipe(spec, size), [input], size));
}

/**
 * maxPool2dIndices kept on the device (WebGL modes): the indices stay a texture that gather
 * and scatterAdd read in place, so a pooling layer's forward and gradient read nothing back.
 * Its range is known from the geometry: [0, H·W), or from −1 where some window is all padding.
 */
export function maxPool2dIndicesOnDevice(device: KernelRunner<Storage>, x: Storage, spec: Pool2dSpec): TextureIndices {
  const { input, size } = checkedSearch(x, spec);
  // gpu.js has no empty textures; the autodiff layer searches empty inputs and outputs on the host
  if (size === 0 || input.length === 0)
    throw new Error(
      `gpujs maxPool2dIndices: no device indices for an empty input or output (x has ${input.length} elements, the output ${size})`,
    );
  const indices = device.run('maxPool2dIndices', searchRecipe(spec, size), [input], size);
  if (!(indices instanceof TextureStorage))
    throw new Error('gpujs maxPool2dIndices: the device runner returned no texture');
  const empty = (extent: number, kernel: number, stride: number, pad: number, windows: number): boolean =>
    Array.from({ length: windows }, (_, o) => o * stride - pad).some((start) => start + kernel <= 0 || start >= extent);
  const allPadding =
    empty(spec.inHeight, spec.kernelHeight, spec.strideHeight, spec.padHeight, spec.outHeight) ||
    empty(spec.inWidth, spec.kernelWidth, spec.strideWidth, spec.padWidth, spec.outWidth);
  return new TextureIndices(indices, allPadding ? -1 : 0, spec.inHeight * spec.inWidth, { ...spec });
}

/**
 * scatterAdd of src [N, C, OH·OW] into [N, C, H·W] at a max-pooling argmax (indices.window):
 * the generic kernel (layout.ts) scans all OH·OW sources of a plane for each cell; here each
 * cell (y, x) visits only the windows that cover it, oy with oy·s − p ≤ y < oy·s − p + k (at
 * most ⌈k/s⌉ of them per axis), since an argmax lies in its own window. The sources that match
 * are the same and are added in the same order (ascending oy·OW + ox, from 0), so the sums are
 * those of the generic kernel, bit for bit. Returns undefined when the shapes are not the
 * pooling's (the caller then runs the generic kernel).
 */
export function scatterPoolWindows<Out extends Storage>(
  runner: KernelRunner<Out>,
  src: KernelInput,
  indices: TextureIndices,
  indexShape: readonly number[],
  axis: number,
  outShape: readonly number[],
): Out | undefined {
  const spec = indices.window;
  if (!spec || axis !== 2 || indexShape.length !== 3 || outShape.length !== 3) return undefined;
  const { batch, channels, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = spec;
  const pooled = [batch, channels, oh * ow];
  const planes = [batch, channels, h * w];
  if (pooled.some((extent, d) => extent !== indexShape[d]) || planes.some((extent, d) => extent !== outShape[d]))
    return undefined;
  const size = batch * channels * h * w;
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  const [plane, y, x] = emitCoordinates(s, 'this.thread.x', [batch * channels, h, w], [], []);
  s.line(`const target = ${y} * ${c(w)} + ${x};`);
  s.line(`const base = ${plane} * ${c(oh * ow)};`);
  // the first window whose end passes the cell: oy·s > y + p − k (floor of a float32 quotient of
  // small integers: exact, as every coordinate split of emitCoordinates, indexing.ts)
  s.line(`const oy0 = Math.floor((${y} + ${c(spec.padHeight - spec.kernelHeight)}) / ${c(spec.strideHeight)}) + 1;`);
  s.line(`const ox0 = Math.floor((${x} + ${c(spec.padWidth - spec.kernelWidth)}) / ${c(spec.strideWidth)}) + 1;`);
  s.line('let total = 0;');
  s.line(`for (let dy = 0; dy < ${c(Math.ceil(spec.kernelHeight / spec.strideHeight))}; dy++) {`);
  s.line('  const oy = oy0 + dy;');
  s.line(`  for (let dx = 0; dx < ${c(Math.ceil(spec.kernelWidth / spec.strideWidth))}; dx++) {`);
  s.line('    const ox = ox0 + dx;');
  // the window starts at or before the cell, and exists
  s.line(
    `    if (oy >= 0 && oy < ${c(oh)} && ox >= 0 && ox < ${c(ow)} && oy * ${c(spec.strideHeight)} <= ${y} + ${c(spec.padHeight)} && ox * ${c(spec.strideWidth)} <= ${x} + ${c(spec.padWidth)}) {`,
  );
  s.line(`      const at = base + oy * ${c(ow)} + ox;`);
  s.line('      const picked = index[at];');
  s.line('      if (picked === target) { total = total + src[at]; }');
  s.line('    }');
  s.line('  }');
  s.line('}');
  s.line('return total;');
  return runner.run(
    'scatterAdd (pooling windows)',
    { source: s.build(['src', 'index']), output: [size], constants: s.constants, returnType: 'Float' },
    [src, indices.storage],
    size,
  );
}

/** Checks the geometry and x's length; returns x as a kernel argument and the output size. */
function checkedSearch(x: Storage, spec: Pool2dSpec): { input: KernelInput; size: number } {
  for (const [name, value] of Object.entries(spec)) {
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`gpujs maxPool2dIndices: ${name} must be a non-negative integer, got ${value}`);
  }
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = spec;
  const planes = spec.batch * spec.channels;
  const input = checked(x, planes * h * w, 'maxPool2dIndices', `x [${spec.batch},${spec.channels},${h},${w}]`);
  return { input, size: planes * oh * ow };
}

/** The window search, one thread per output cell. */
function searchRecipe(spec: Pool2dSpec, size: number): KernelRecipe {
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = spec;
  const planes = spec.batch * spec.channels;
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  const [plane, oy, ox] = emitCoordinates(s, 'this.thread.x', [planes, oh, ow], [], []);
  s.line(`const base = ${plane} * ${c(h * w)};`);
  s.line(`const y0 = ${oy} * ${c(spec.strideHeight)} - ${c(spec.padHeight)};`);
  s.line(`const x0 = ${ox} * ${c(spec.strideWidth)} - ${c(spec.padWidth)};`);
  s.line('let best = -1;');
  s.line('let bestValue = 0; // never compared while best < 0 (GLSL has no literal for −∞)');
  s.line(`for (let ky = 0; ky < ${c(spec.kernelHeight)}; ky++) {`);
  s.line('  const y = y0 + ky;');
  s.line(`  for (let kx = 0; kx < ${c(spec.kernelWidth)}; kx++) {`);
  s.line('    const xx = x0 + kx;');
  s.line(`    if (y >= 0 && y < ${c(h)} && xx >= 0 && xx < ${c(w)}) {`);
  s.line(`      const v = x[base + y * ${c(w)} + xx];`);
  // the first maximum wins; a NaN wins outright; comparisons spelled out (no Math.max)
  s.line('      if (best < 0 || v > bestValue || (v !== v && bestValue === bestValue)) {');
  s.line(`        best = y * ${c(w)} + xx;`);
  s.line('        bestValue = v;');
  s.line('      }');
  s.line('    }');
  s.line('  }');
  s.line('}');
  s.line('return best;');
  return { source: s.build(['x']), output: [size], constants: s.constants, returnType: 'Float' };
}
