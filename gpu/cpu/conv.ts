/**
 * conv2d and its two gradients by im2col + matrix multiply (Chellapilla et al. 2006): each
 * output position's receptive field becomes a column, so a convolution is a matrix product
 * per image and channel group, run by the packed, threaded product of gemm.ts.
 *
 * For a group g with Og = O/groups output channels, patch = C/groups · KH · KW and
 * P = OH · OW output positions, and cols[n] the [patch, P] columns of image n:
 *   forward       y[n, g]  = W[g] [Og, patch] · cols[n]                     (W packed once)
 *   input grad    dcols[n] = W[g]ᵀ [patch, Og] · dy[n, g] [Og, P], then col2im adds them back
 *   weight grad   dW[g]ᵀ   = Σ_n cols[n] · dy[n, g]ᵀ : one product of depth (images · P)
 * Images are processed in jobs of several at once (bounded memory), so a job offers the
 * worker threads many independent tiles. The columns never exist as a matrix: im2col writes
 * one patch row at a time into a small buffer, which is packed straight into the product's
 * panels (and col2im reads the product's rows in place). On the wasm path the forward's patch
 * rows are written by a SIMD kernel straight into the panels, image by image on the threads
 * (wasm/im2col.ts); im2colRow below is its definition.
 *
 * conv2dDirect, at the end, is the definition written as plain loops (as simpleProduct is
 * matmul's): the im2col path and both gradients are tested against it.
 */
import type { Conv2dSpec, Data } from '../backend.ts';
import { allocate, dtypeOf } from './storage.ts';
import { planGemm, type GemmPlan } from './gemm.ts';
import type { WasmGemmPlan } from './wasm/gemm.ts';
import { packAndMultiply, withStagedImages } from './wasm/im2col.ts';
import { packWeightGrad, stageOutGrad } from './wasm/im2col-weight-grad.ts';
import { wasmEnabled, withScratch } from './wasm/runtime.ts';
import { multiplyAndCol2im, readInputGrad, stageInputGrad } from './wasm/im2col-input-grad.ts';
import { rowMajor, singleRow, transposed } from './pack.ts';

/** Float64 elements of packed panels and products per job (≈ 16 MiB), to bound memory. */
const JOB_ELEMENTS = 1 << 21;

interface Geometry {
  outPerGroup: number;
  channelsPerGroup: number;
  patch: number;
  positions: number;
}

function geometry(spec: Conv2dSpec): Geometry {
  const channelsPerGroup = spec.inChannels / spec.groups;
  return {
    outPerGroup: spec.outChannels / spec.groups,
    channelsPerGroup,
    patch: channelsPerGroup * spec.kernelHeight * spec.kernelWidth,
    positions: spec.outHeight * spec.outWidth,
  };
}

/** Images per job so that a job's float64 panels and products stay near JOB_ELEMENTS. */
function imagesPerJob(perImage: number, batch: number): number {
  return Math.max(1, Math.min(batch, Math.floor(JOB_ELEMENTS / Math.max(1, perImage))));
}

/**
 * The first and one-past-last output column ox whose input column ox·stride + offset lies in
 * [0, width): the other columns of a patch row read padding.
 */
function validRange(offset: number, stride: number, width: number, outWidth: number): [number, number] {
  const first = Math.min(outWidth, Math.max(0, Math.ceil(-offset / stride)));
  const end = Math.max(first, Math.min(outWidth, Math.ceil((width - offset) / stride)));
  return [first, end];
}

/**
 * Patch row (channel plane, ky, kx) of im2col: row[oy · OW + ox] = x[plane][oy·sh + ky·dh − ph][ox·sw + kx·dw − pw],
 * 0 where that reads padding.
 */
function im2colRow(x: Data, plane: number, ky: number, kx: number, spec: Conv2dSpec, row: Data): void {
  const { inHeight: h, inWidth: w, outHeight, outWidth, strideWidth: sw } = spec;
  const yOffset = ky * spec.dilationHeight - spec.padHeight,
    xOffset = kx * spec.dilationWidth - spec.padWidth;
  const [first, end] = validRange(xOffset, sw, w, outWidth);
  row.fill(0);
  for (let oy = 0; oy < outHeight; oy++) {
    const y = oy * spec.strideHeight + yOffset;
    if (y < 0 || y >= h) continue;
    const from = plane + y * w + xOffset;
    const to = oy * outWidth;
    for (let ox = first; ox < end; ox++) row[to + ox] = x[from + ox * sw];
  }
}

/** The transpose of im2colRow: adds row[oy · OW + ox] into the input position it was read from. */
function col2imRowAdd(row: Data, out: Data, plane: number, ky: number, kx: number, spec: Conv2dSpec): void {
  const { inHeight: h, inWidth: w, outHeight, outWidth, strideWidth: sw } = spec;
  const yOffset = ky * spec.dilationHeight - spec.padHeight,
    xOffset = kx * spec.dilationWidth - spec.padWidth;
  const [first, end] = validRange(xOffset, sw, w, outWidth);
  for (let oy = 0; oy < outHeight; oy++) {
    const y = oy * spec.strideHeight + yOffset;
    if (y < 0 || y >= h) continue;
    const to = plane + y * w + xOffset;
    const from = oy * outWidth;
    for (let ox = first; ox < end; ox++) out[to + ox * sw] += row[from + ox];
  }
}

/** Calls visit(patchRow, plane, ky, kx) for each patch row of image n, group g (row = (c · KH + ky) · KW + kx). */
function forEachPatchRow(
  spec: Conv2dSpec,
  image: number,
  group: number,
  visit: (patchRow: number, plane: number, ky: number, kx: number) => void,
): void {
  const channels = spec.inChannels / spec.groups;
  let patchRow = 0;
  for (let c = 0; c < channels; c++) {
    const plane = (image * spec.inChannels + group * channels + c) * spec.inHeight * spec.inWidth;
    for (let ky = 0; ky < spec.kernelHeight; ky++) {
      for (let kx = 0; kx < spec.kernelWidth; kx++) visit(patchRow++, plane, ky, kx);
    }
  }
}

/**
 * y = conv2d(x, w): x [N, C, H, W], w [O, C/groups, KH, KW] → y [N, O, OH, OW], with stride,
 * zero padding, dilation and groups as in PyTorch's Conv2d.
 * Example: a 3×3, padding-1 convolution of [32, 16, 32, 32] by [32, 16, 3, 3] gives [32, 32, 32, 32].
 */
export function conv2d(x: Data, weight: Data, spec: Conv2dSpec): Data {
  const { outPerGroup, patch, positions } = geometry(spec);
  const out = allocate(spec.batch * spec.outChannels * positions, dtypeOf(x));
  if (out.length === 0) return out;
  const perJob = imagesPerJob((patch + outPerGroup) * positions, spec.batch);
  for (let group = 0; group < spec.groups; group++) {
    for (let first = 0; first < spec.batch; first += perJob) {
      const images = Math.min(perJob, spec.batch - first);
      /** y[n, g] = W[g] · cols[n] for the job's images: `multiply` packs B[t] = cols[first + t] and multiplies. */
      const job = (multiply: (plan: GemmPlan) => void) => {
        const plan = planGemm(images, outPerGroup, patch, positions, true, false, dtypeOf(x));
        plan.packA(0, rowMajor(weight, group * outPerGroup * patch, patch), 0, outPerGroup, 0, patch);
        multiply(plan);
        for (let t = 0; t < images; t++) {
          plan.readC(t, out, ((first + t) * spec.outChannels + group * outPerGroup) * positions, positions, 1);
        }
        plan.release();
      };
      // The wasm path writes the columns into the panels with the SIMD kernel (wasm/im2col.ts);
      // this one writes each patch row into `row`, then packs it.
      if (wasmEnabled())
        withStagedImages(x, spec, first, images, group, dtypeOf(x) === 'float64', (staged) =>
          job((plan) => packAndMultiply(plan as WasmGemmPlan, staged, spec)),
        );
      else
        job((plan) => {
          const row = new Float64Array(positions);
          for (let t = 0; t < images; t++) {
            forEachPatchRow(spec, first + t, group, (patchRow, plane, ky, kx) => {
              im2colRow(x, plane, ky, kx, spec, row);
              plan.packB(t, singleRow(row), patchRow, 1, 0, positions);
            });
          }
          plan.multiply();
        });
    }
  }
  return out;
}

/** ∂L/∂x of conv2d given ∂L/∂y (the transposed convolution): col2im(Wᵀ · dy) per image. */
export function conv2dInputGrad(outGrad: Data, weight: Data, spec: Conv2dSpec): Data {
  const { outPerGroup, patch, positions } = geometry(spec);
  const out = allocate(spec.batch * spec.inChannels * spec.inHeight * spec.inWidth, dtypeOf(outGrad));
  if (out.length === 0 || positions === 0) return out;
  const perJob = imagesPerJob((patch + outPerGroup) * positions, spec.batch);
  for (let group = 0; group < spec.groups; group++) {
    for (let first = 0; first < spec.batch; first += perJob) {
      const images = Math.min(perJob, spec.batch - first);
      /** dcols[t] = W[g]ᵀ · dy[first + t]; `col2im` multiplies and adds the rows back into out. */
      const job = (col2im: (plan: GemmPlan) => void) => {
        const plan = planGemm(images, patch, outPerGroup, positions, true, false, dtypeOf(outGrad));
        // Wᵀ[q, o] = w[g·Og + o, q]: the group's [Og, patch] block read transposed.
        plan.packA(0, transposed(weight, group * outPerGroup * patch, patch), 0, patch, 0, outPerGroup);
        for (let t = 0; t < images; t++) {
          const offset = ((first + t) * spec.outChannels + group * outPerGroup) * positions;
          // Row by row: a whole contiguous row is one step that the wasm plan packs with vector copies.
          for (let o = 0; o < outPerGroup; o++)
            plan.packB(t, rowMajor(outGrad, offset + o * positions, positions), o, 1, 0, positions);
        }
        col2im(plan);
        plan.release();
      };
      // The wasm path adds the rows back with a SIMD kernel into a copy in the wasm memory (wasm/im2col-input-grad.ts).
      if (wasmEnabled())
        withScratch(() => {
          const staged = stageInputGrad(spec, images, dtypeOf(outGrad) === 'float64');
          job((plan) => multiplyAndCol2im(plan as WasmGemmPlan, staged, spec));
          readInputGrad(staged, spec, out, first, group);
        });
      else
        job((plan) => {
          plan.multiply();
          for (let t = 0; t < images; t++) {
            forEachPatchRow(spec, first + t, group, (patchRow, plane, ky, kx) =>
              col2imRowAdd(plan.row(t, patchRow), out, plane, ky, kx, spec),
            );
          }
        });
    }
  }
  return out;
}

/** ∂L/∂w of conv2d given x and ∂L/∂y: Σ over images of dy · colsᵀ (each job's product in gemm.ts's precision, jobs summed in float64). */
export function conv2dWeightGrad(x: Data, outGrad: Data, spec: Conv2dSpec): Data {
  const { outPerGroup, patch, positions } = geometry(spec);
  const sums = new Float64Array(spec.outChannels * patch);
  const perJob = imagesPerJob((patch + outPerGroup) * positions, spec.batch);
  const float64 = dtypeOf(x) === 'float64';
  for (let group = 0; group < spec.groups && sums.length > 0; group++) {
    for (let first = 0; first < spec.batch; first += perJob) {
      const images = Math.min(perJob, spec.batch - first);
      // dW[g]ᵀ [patch, Og] = cols [patch, images·P] · dyᵀ [images·P, Og]: image t fills steps t·P ... t·P + P − 1.
      const job = (pack: (plan: GemmPlan) => void) => {
        const plan = planGemm(1, patch, images * positions, outPerGroup, false, false, dtypeOf(x));
        pack(plan);
        plan.multiply();
        // C[q, o] is dW[g·Og + o, q].
        plan.readC(0, sums, group * outPerGroup * patch, 1, patch, true);
        plan.release();
      };
      // The wasm path interleaves im2col rows and dy rows into the panels with SIMD kernels (wasm/im2col-weight-grad.ts).
      if (wasmEnabled())
        withStagedImages(x, spec, first, images, group, float64, (staged) => {
          const dy = stageOutGrad(outGrad, spec, first, images, group, float64);
          job((plan) => packWeightGrad(plan as WasmGemmPlan, staged, dy, spec));
        });
      else
        job((plan) => {
          const row = new Float64Array(positions);
          for (let t = 0; t < images; t++) {
            forEachPatchRow(spec, first + t, group, (patchRow, plane, ky, kx) => {
              im2colRow(x, plane, ky, kx, spec, row);
              plan.packA(0, singleRow(row), patchRow, 1, t * positions, positions);
            });
            const offset = ((first + t) * spec.outChannels + group * outPerGroup) * positions;
            plan.packB(0, transposed(outGrad, offset, positions), t * positions, positions, 0, outPerGroup);
          }
        });
    }
  }
  const out = allocate(sums.length, dtypeOf(x));
  out.set(sums);
  return out;
}

/**
 * Every term of the convolution sum, once: visit(yIndex, xIndex, wIndex) for each output cell
 * y[n, o, oy, ox], input channel c of its group g = ⌊o / (O/groups)⌋ and kernel tap (ky, kx)
 * whose input position lies inside the image (the zero padding adds nothing):
 *   y[n, o, oy, ox] = Σ_{c, ky, kx} x[n, g·C/groups + c, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw] · w[o, c, ky, kx].
 * The forward pass and both gradients are the three contractions of this one set of triples.
 * Example: forEachConv2dTerm(spec, (y, x, w) => (sums[y] += xs[x] * ws[w])) is conv2dDirect.
 */
export function forEachConv2dTerm(
  spec: Conv2dSpec,
  visit: (yIndex: number, xIndex: number, wIndex: number) => void,
): void {
  const inPerGroup = spec.inChannels / spec.groups,
    outPerGroup = spec.outChannels / spec.groups;
  for (let n = 0; n < spec.batch; n++) {
    for (let o = 0; o < spec.outChannels; o++) {
      const group = Math.floor(o / outPerGroup);
      for (let oy = 0; oy < spec.outHeight; oy++) {
        for (let ox = 0; ox < spec.outWidth; ox++) {
          const y = ((n * spec.outChannels + o) * spec.outHeight + oy) * spec.outWidth + ox;
          for (let c = 0; c < inPerGroup; c++) {
            for (let ky = 0; ky < spec.kernelHeight; ky++) {
              const iy = oy * spec.strideHeight - spec.padHeight + ky * spec.dilationHeight;
              if (iy < 0 || iy >= spec.inHeight) continue;
              for (let kx = 0; kx < spec.kernelWidth; kx++) {
                const ix = ox * spec.strideWidth - spec.padWidth + kx * spec.dilationWidth;
                if (ix < 0 || ix >= spec.inWidth) continue;
                const x = ((n * spec.inChannels + group * inPerGroup + c) * spec.inHeight + iy) * spec.inWidth + ix;
                const w = ((o * inPerGroup + c) * spec.kernelHeight + ky) * spec.kernelWidth + kx;
                visit(y, x, w);
              }
            }
          }
        }
      }
    }
  }
}

/**
 * conv2d by its definition (forEachConv2dTerm), summed in float64 and returned in x's dtype:
 * slow and plain, the reference the im2col path above is tested against.
 * Example: conv2dDirect(x, w, spec) equals conv2d(x, w, spec) up to rounding.
 */
export function conv2dDirect(x: Data, weight: Data, spec: Conv2dSpec): Data {
  const sums = new Float64Array(spec.batch * spec.outChannels * spec.outHeight * spec.outWidth);
  forEachConv2dTerm(spec, (yIndex, xIndex, wIndex) => (sums[yIndex] += x[xIndex] * weight[wIndex]));
  const out = allocate(sums.length, dtypeOf(x));
  out.set(sums);
  return out;
}
