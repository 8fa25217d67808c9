/**
 * Packs a GEMM operand into the packed panels of a wasm plan (wasm/gemm.ts) with the SIMD
 * copies of gemm-pack-kernel.ts: the operand is staged in the wasm memory (native typed-array
 * copies, one per contiguous run), then packed a vector at a time, one k-block at a time (the
 * layout of pack.ts). Packing is a copy, so the panels equal those of pack.ts's packA / packB.
 */
import type { Data } from '../../backend.ts';
import { KC } from '../pack.ts';
import type { PackFunction } from './gemm-pack-kernel.ts';
import { float32View, float64View, withScratch } from './runtime.ts';

/** One packed operand of a plan: A (panels of MR rows) or B (panels of NR columns). */
export interface PanelTarget {
  float64: boolean;
  /** Values per step of a tile: MR for A, NR for B. */
  lanes: number;
  /** m or n rounded up to whole tiles. */
  padded: number;
  k: number;
  /** Byte address of this product's packed operand. */
  base: number;
  /** The module's copy and (float32) transpose for this operand's lanes. */
  copy: PackFunction;
  transpose: PackFunction | undefined;
}

/**
 * An operand whose element (x, p) (x a row of A or a column of B, p a step of k, both from 0) is
 * data[offset + x·laneStride + p·stepStride], for x < count (all of them: m or n) and p < kCount.
 */
export interface OperandView {
  data: Data;
  offset: number;
  laneStride: number;
  stepStride: number;
  count: number;
}

/**
 * Packs steps [kStart, kStart + kCount) of `source` into `target` in wasm, and returns true; or
 * returns false, packing nothing, where no SIMD path fits (another element type, neither stride
 * 1, a float64 transpose). `packTail(p, steps)` must pack steps [p, p + steps) the TypeScript
 * way: the transpose does 4 steps at a time, and leaves each k-block's last kc mod 4 to it.
 * @example packPanels(target, { data: b, offset: 0, laneStride: 1, stepStride: n, count: n }, 0, k, tail);
 */
export function packPanels(
  target: PanelTarget,
  source: OperandView,
  kStart: number,
  kCount: number,
  packTail: (p: number, steps: number) => void,
): boolean {
  const { float64, lanes, padded, k, base } = target;
  const { data, offset, laneStride, stepStride, count } = source;
  if (!(float64 ? data instanceof Float64Array : data instanceof Float32Array)) return false;
  const contiguousSteps = laneStride === 1;
  if (!contiguousSteps && !(stepStride === 1 && target.transpose)) return false;
  const size = float64 ? 8 : 4;
  const view = float64 ? float64View : float32View;
  withScratch((alloc) => {
    // Staged as [kCount, count] (copy) or [padded, kCount] (transpose), plus a vector of slack:
    // whole-vector reads of the last tile run past the last real value.
    const stagedLength = contiguousSteps ? kCount * count + lanes : padded * kCount + 4;
    const stage = alloc(stagedLength * size);
    const staged = view(stage, stagedLength);
    const [runs, run, runStride] = contiguousSteps ? [kCount, count, stepStride] : [count, kCount, laneStride];
    if (runStride === run) staged.set(data.subarray(offset, offset + runs * run));
    else
      for (let r = 0; r < runs; r++)
        staged.set(data.subarray(offset + r * runStride, offset + r * runStride + run), r * run);
    for (let p = kStart; p < kStart + kCount;) {
      const start = p - (p % KC),
        length = Math.min(KC, k - start);
      const end = Math.min(start + length, kStart + kCount);
      const destination = base + (start * padded + (p - start) * lanes) * size;
      const tileStride = lanes * length * size;
      if (contiguousSteps)
        target.copy(
          stage + (p - kStart) * count * size,
          count * size,
          destination,
          end - p,
          padded / lanes,
          tileStride,
        );
      else {
        const quads = Math.floor((end - p) / 4);
        target.transpose!(stage + (p - kStart) * size, kCount * size, destination, quads, padded / lanes, tileStride);
        if (end - p > 4 * quads) packTail(p + 4 * quads, end - p - 4 * quads);
      }
      p = end;
    }
  });
  return true;
}
