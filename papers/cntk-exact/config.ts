/**
 * cntk-exact's run sizes (default and --quick) and the paper's figures (PAPERS.md §8).
 *
 * Sizes, from the kernels' throughput on this 2-core machine (float32, cpu backend; one pass
 * computes every depth for about the cost of the deepest alone, src/infinite/depth-sweep.ts).
 * A GAP kernel's cost per pair grows like (H·W)² (every pair of positions), CNTK-V's like H·W;
 * both grow with the number of convolutions. Earlier default runs measured, on a quiet machine
 * at depth 11, CNTK-V 32×32 ≈ 7,000 pairs/s and CNTK-GAP 8×8 ≈ 2,100 pairs/s (≈ 130 at 16×16);
 * stopping at depth 6 (5 convolutions instead of 10) about halves both costs.
 * - CNTK-V at 32×32: the paper's 2,000 training images (the 2K column), 300 test images:
 *   2000·2001/2 + 300·2000 = 2.6M pairs, ≈ 200 s idle.
 * - CNTK-GAP (with fix) against CNTK-V on the same images, 16×16 (CIFAR-10 average-pooled ×2),
 *   where pooling has 256 positions to average: the first 120 of those training images and
 *   the first 100 test images, 120·121/2 + 100·120 = 19K pairs; a probe under load measured
 *   ≈ 66 pairs per CPU-second at depth 6, so ≈ 290 CPU-s, ≈ 150 s on two idle cores
 *   (200 train / 150 test would take 50K pairs, ≈ 400 s, beyond the budget).
 * - Finite CNNs at depths 3 and 6 (two of Table 1's depths) on the 16×16 set, until they fit it.
 * Depths 11 and 21 are left out: each would double or quadruple every pass.
 */

/** The run's sizes. */
export interface Configuration {
  depths: number[];
  /** Depths of the finite CNNs (the paper's Table 1 depths among `depths`). */
  cnnDepths: number[];
  /** CNTK-V at full resolution (the paper's 2K column). */
  vanilla: { train: number; test: number; size: number };
  /** CNTK-GAP and CNTK-V side by side on downsampled images (a subset of the above). */
  gap: { train: number; test: number; size: number };
}

/**
 * The default run, or the seconds-long --quick one (8×8 images, 40 training images).
 * @example configuration(true).vanilla.train // 40
 */
export function configuration(quick: boolean): Configuration {
  return quick
    ? {
        depths: [3, 4, 6],
        cnnDepths: [3],
        vanilla: { train: 40, test: 20, size: 8 },
        gap: { train: 30, test: 20, size: 4 },
      }
    : {
        depths: [3, 4, 5, 6],
        cnnDepths: [3, 6],
        vanilla: { train: 2000, test: 300, size: 32 },
        gap: { train: 120, test: 100, size: 16 },
      };
}

/**
 * Table 1 of the paper (full CIFAR-10, 50,000 training images), accuracy (%) by depth
 * [PAPERS.md §8, T]: CNN-V, CNTK-V, CNN-GAP, CNTK-GAP.
 */
export const paperTable1: Record<number, { cnnV: number; cntkV: number; cnnGap: number; cntkGap: number }> = {
  3: { cnnV: 59.97, cntkV: 64.47, cnnGap: 63.81, cntkGap: 70.47 },
  4: { cnnV: 60.2, cntkV: 65.52, cnnGap: 80.93, cntkGap: 75.93 },
  6: { cnnV: 64.11, cntkV: 66.03, cnnGap: 83.75, cntkGap: 76.73 },
  11: { cnnV: 69.48, cntkV: 65.9, cnnGap: 82.92, cntkGap: 77.43 },
  21: { cnnV: 75.57, cntkV: 64.09, cnnGap: 83.3, cntkGap: 77.08 },
};

/** With 2,000 training images (32×32) [PAPERS.md §8, U: recalled, to be checked]: accuracy ranges (%). */
export const paper2k = { cntkV: [41, 43] as const, cntkGap: [50, 52] as const };
