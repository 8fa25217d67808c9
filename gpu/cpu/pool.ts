/** Max-pooling window search; the pooled values are then a gather (see autodiff/ops/pool). */
import type { Data, Pool2dSpec } from '../backend.ts';

export function maxPool2dIndices(x: Data, spec: Pool2dSpec): Int32Array {
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = spec;
  const planes = spec.batch * spec.channels;
  const out = new Int32Array(planes * oh * ow);
  for (let plane = 0; plane < planes; plane++) {
    const base = plane * h * w;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let best = -1;
        let bestValue = -Infinity;
        for (let ky = 0; ky < spec.kernelHeight; ky++) {
          const y = oy * spec.strideHeight - spec.padHeight + ky;
          if (y < 0 || y >= h) continue;
          for (let kx = 0; kx < spec.kernelWidth; kx++) {
            const xx = ox * spec.strideWidth - spec.padWidth + kx;
            if (xx < 0 || xx >= w) continue;
            const v = x[base + y * w + xx];
            // the first maximum wins; a NaN wins outright (as in PyTorch)
            if (best < 0 || v > bestValue || (v !== v && bestValue === bestValue)) {
              best = y * w + xx;
              bestValue = v;
            }
          }
        }
        out[(plane * oh + oy) * ow + ox] = best;
      }
    }
  }
  return out;
}
