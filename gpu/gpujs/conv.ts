/**
 * conv2d and its two gradients as direct gpu.js kernels (no im2col buffer): one thread
 * per output cell, loops over the receptive field with constant bounds, padding read as
 * zero. NCHW input [N, C, H, W], weights [O, C/groups, KH, KW] (gpu/backend.ts).
 * Sums run in float32, so results agree with the cpu backend within
 * |Δ| ≤ (terms+2)·2⁻²³·Σ|x||w|.
 */
import type { Conv2dSpec, Storage } from '../backend.ts';
import { emitCoordinates, KernelSource } from './indexing.ts';
import { checked, type KernelRunner } from './runtime.ts';

interface Geometry {
  inSize: number;
  weightSize: number;
  outSize: number;
  inPerGroup: number;
  outPerGroup: number;
}

function geometry(spec: Conv2dSpec, label: string): Geometry {
  for (const [name, value] of Object.entries(spec)) {
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`gpujs ${label}: ${name} must be a non-negative integer, got ${value}`);
  }
  const { groups } = spec;
  if (groups < 1 || spec.inChannels % groups !== 0 || spec.outChannels % groups !== 0) {
    throw new Error(
      `gpujs ${label}: groups ${groups} must divide inChannels ${spec.inChannels} and outChannels ${spec.outChannels}`,
    );
  }
  if (spec.strideHeight < 1 || spec.strideWidth < 1 || spec.dilationHeight < 1 || spec.dilationWidth < 1) {
    throw new Error(`gpujs ${label}: strides and dilations must be ≥ 1`);
  }
  const inPerGroup = spec.inChannels / groups;
  const outPerGroup = spec.outChannels / groups;
  return {
    inSize: spec.batch * spec.inChannels * spec.inHeight * spec.inWidth,
    weightSize: spec.outChannels * inPerGroup * spec.kernelHeight * spec.kernelWidth,
    outSize: spec.batch * spec.outChannels * spec.outHeight * spec.outWidth,
    inPerGroup,
    outPerGroup,
  };
}

export function conv2d<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  weight: Storage,
  spec: Conv2dSpec,
): Out | Float32Array {
  const g = geometry(spec, 'conv2d');
  const input = checked(x, g.inSize, 'conv2d', `x [${spec.batch},${spec.inChannels},${spec.inHeight},${spec.inWidth}]`);
  const weights = checked(
    weight,
    g.weightSize,
    'conv2d',
    `weight [${spec.outChannels},${g.inPerGroup},${spec.kernelHeight},${spec.kernelWidth}]`,
  );
  if (g.outSize === 0) return new Float32Array(0);
  if (input.length === 0 || weights.length === 0) return new Float32Array(g.outSize); // empty sums (a host fill)
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  const [n, o, oy, ox] = emitCoordinates(
    s,
    'this.thread.x',
    [spec.batch, spec.outChannels, spec.outHeight, spec.outWidth],
    [],
    [],
  );
  const plane = spec.inHeight * spec.inWidth;
  s.line(`const group = Math.floor(${o} / ${c(g.outPerGroup)});`);
  s.line(`const xBase = (${n} * ${c(spec.inChannels)} + group * ${c(g.inPerGroup)}) * ${c(plane)};`);
  s.line(`let pw = ${o} * ${c(g.inPerGroup * spec.kernelHeight * spec.kernelWidth)};`);
  s.line(`const y0 = ${oy} * ${c(spec.strideHeight)} - ${c(spec.padHeight)};`);
  s.line(`const x0 = ${ox} * ${c(spec.strideWidth)} - ${c(spec.padWidth)};`);
  s.line('let sum = 0;');
  s.line(`for (let ci = 0; ci < ${c(g.inPerGroup)}; ci++) {`);
  s.line(`  for (let ky = 0; ky < ${c(spec.kernelHeight)}; ky++) {`);
  s.line(`    const y = y0 + ky * ${c(spec.dilationHeight)};`);
  s.line(`    for (let kx = 0; kx < ${c(spec.kernelWidth)}; kx++) {`);
  s.line(`      const xx = x0 + kx * ${c(spec.dilationWidth)};`);
  s.line(`      if (y >= 0 && y < ${c(spec.inHeight)} && xx >= 0 && xx < ${c(spec.inWidth)}) {`);
  s.line(`        sum = sum + x[xBase + ci * ${c(plane)} + y * ${c(spec.inWidth)} + xx] * w[pw];`);
  s.line('      }');
  s.line('      pw = pw + 1;');
  s.line('    }');
  s.line('  }');
  s.line('}');
  s.line('return sum;');
  return runtime.run(
    'conv2d',
    { source: s.build(['x', 'w']), output: [g.outSize], constants: s.constants, returnType: 'Float' },
    [input, weights],
    g.outSize,
  );
}

/**
 * ∂L/∂x: each input cell sums dy·w over the output positions whose window covers it,
 * y = oy·stride − pad + ky·dilation solved for oy (skipped unless it is a whole number
 * in range).
 */
export function conv2dInputGrad<Out extends Storage>(
  runtime: KernelRunner<Out>,
  outGrad: Storage,
  weight: Storage,
  spec: Conv2dSpec,
): Out | Float32Array {
  const g = geometry(spec, 'conv2dInputGrad');
  const grads = checked(
    outGrad,
    g.outSize,
    'conv2dInputGrad',
    `outGrad [${spec.batch},${spec.outChannels},${spec.outHeight},${spec.outWidth}]`,
  );
  const weights = checked(
    weight,
    g.weightSize,
    'conv2dInputGrad',
    `weight [${spec.outChannels},${g.inPerGroup},${spec.kernelHeight},${spec.kernelWidth}]`,
  );
  if (g.inSize === 0) return new Float32Array(0);
  if (grads.length === 0 || weights.length === 0) return new Float32Array(g.inSize); // empty sums (a host fill)
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  const [n, channel, y, xx] = emitCoordinates(
    s,
    'this.thread.x',
    [spec.batch, spec.inChannels, spec.inHeight, spec.inWidth],
    [],
    [],
  );
  const kernelArea = spec.kernelHeight * spec.kernelWidth;
  s.line(`const group = Math.floor(${channel} / ${c(g.inPerGroup)});`);
  s.line(`const local = ${channel} - group * ${c(g.inPerGroup)};`);
  s.line(`let o = group * ${c(g.outPerGroup)};`);
  s.line('let sum = 0;');
  s.line(`for (let oo = 0; oo < ${c(g.outPerGroup)}; oo++) {`);
  s.line(`  const dyBase = (${n} * ${c(spec.outChannels)} + o) * ${c(spec.outHeight * spec.outWidth)};`);
  s.line(`  const wBase = (o * ${c(g.inPerGroup)} + local) * ${c(kernelArea)};`);
  s.line(`  for (let ky = 0; ky < ${c(spec.kernelHeight)}; ky++) {`);
  s.line(`    const ty = ${y} + ${c(spec.padHeight)} - ky * ${c(spec.dilationHeight)};`);
  s.line(`    const oy = Math.floor(ty / ${c(spec.strideHeight)});`);
  s.line(`    if (ty >= 0 && oy * ${c(spec.strideHeight)} === ty && oy < ${c(spec.outHeight)}) {`);
  s.line(`      for (let kx = 0; kx < ${c(spec.kernelWidth)}; kx++) {`);
  s.line(`        const tx = ${xx} + ${c(spec.padWidth)} - kx * ${c(spec.dilationWidth)};`);
  s.line(`        const ox = Math.floor(tx / ${c(spec.strideWidth)});`);
  s.line(`        if (tx >= 0 && ox * ${c(spec.strideWidth)} === tx && ox < ${c(spec.outWidth)}) {`);
  s.line(
    `          sum = sum + dy[dyBase + oy * ${c(spec.outWidth)} + ox] * w[wBase + ky * ${c(spec.kernelWidth)} + kx];`,
  );
  s.line('        }');
  s.line('      }');
  s.line('    }');
  s.line('  }');
  s.line('  o = o + 1;');
  s.line('}');
  s.line('return sum;');
  return runtime.run(
    'conv2dInputGrad',
    { source: s.build(['dy', 'w']), output: [g.inSize], constants: s.constants, returnType: 'Float' },
    [grads, weights],
    g.inSize,
  );
}

/** ∂L/∂w: each weight sums dy·x over images and output positions. */
export function conv2dWeightGrad<Out extends Storage>(
  runtime: KernelRunner<Out>,
  x: Storage,
  outGrad: Storage,
  spec: Conv2dSpec,
): Out | Float32Array {
  const g = geometry(spec, 'conv2dWeightGrad');
  const input = checked(
    x,
    g.inSize,
    'conv2dWeightGrad',
    `x [${spec.batch},${spec.inChannels},${spec.inHeight},${spec.inWidth}]`,
  );
  const grads = checked(
    outGrad,
    g.outSize,
    'conv2dWeightGrad',
    `outGrad [${spec.batch},${spec.outChannels},${spec.outHeight},${spec.outWidth}]`,
  );
  if (g.weightSize === 0) return new Float32Array(0);
  if (input.length === 0 || grads.length === 0) return new Float32Array(g.weightSize); // empty sums (a host fill)
  const s = new KernelSource();
  const c = (value: number): string => s.constant(value);
  const [o, ci, ky, kx] = emitCoordinates(
    s,
    'this.thread.x',
    [spec.outChannels, g.inPerGroup, spec.kernelHeight, spec.kernelWidth],
    [],
    [],
  );
  const plane = spec.inHeight * spec.inWidth;
  const positions = spec.outHeight * spec.outWidth;
  s.line(`const group = Math.floor(${o} / ${c(g.outPerGroup)});`);
  s.line(`let xBase = (group * ${c(g.inPerGroup)} + ${ci}) * ${c(plane)};`);
  s.line(`let dyBase = ${o} * ${c(positions)};`);
  s.line(`const dy0 = ${ky} * ${c(spec.dilationHeight)} - ${c(spec.padHeight)};`);
  s.line(`const dx0 = ${kx} * ${c(spec.dilationWidth)} - ${c(spec.padWidth)};`);
  s.line('let sum = 0;');
  s.line(`for (let image = 0; image < ${c(spec.batch)}; image++) {`);
  s.line(`  for (let oy = 0; oy < ${c(spec.outHeight)}; oy++) {`);
  s.line(`    const y = oy * ${c(spec.strideHeight)} + dy0;`);
  s.line(`    if (y >= 0 && y < ${c(spec.inHeight)}) {`);
  s.line(`      for (let ox = 0; ox < ${c(spec.outWidth)}; ox++) {`);
  s.line(`        const xx = ox * ${c(spec.strideWidth)} + dx0;`);
  s.line(`        if (xx >= 0 && xx < ${c(spec.inWidth)}) {`);
  s.line(`          sum = sum + dy[dyBase + oy * ${c(spec.outWidth)} + ox] * x[xBase + y * ${c(spec.inWidth)} + xx];`);
  s.line('        }');
  s.line('      }');
  s.line('    }');
  s.line('  }');
  s.line(`  xBase = xBase + ${c(spec.inChannels * plane)};`);
  s.line(`  dyBase = dyBase + ${c(spec.outChannels * positions)};`);
  s.line('}');
  s.line('return sum;');
  return runtime.run(
    'conv2dWeightGrad',
    { source: s.build(['x', 'dy']), output: [g.weightSize], constants: s.constants, returnType: 'Float' },
    [input, grads],
    g.weightSize,
  );
}
