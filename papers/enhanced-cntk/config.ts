/**
 * enhanced-cntk's run sizes (default and --quick) and the paper's figures (PAPERS.md §3).
 *
 * Cost. LAP(c) keeps the covariance offsets up to 2c (src/infinite/layers.ts), so a pair costs
 * ≈ (entries of the band)·(layers): at 8×8, zero padding, the band of c = 0 holds 64 entries,
 * c = 1: 484, c = 2: 1,296, c = 3: 2,500, and c ≥ 4 (offsets up to 7, every pair of positions,
 * as GAP): 4,096. Throughput of one kernel (depth 4, 3 channels, float32, cpu backend) at
 * 8×8 on this 2-core machine under load average ≈ 8, pairs per second: c = 0: 3,500, c = 1:
 * 1,050, c = 2: 590, c = 3: 380, the full band: 420. Every c of the sweep comes out of one pass
 * of the widest band (kernels.ts), so a sweep costs one full-band pass plus its readouts:
 * depth 3 with the six readouts of the default, ≈ 1,200 pairs per CPU-second at 8×8 (3 or 16
 * channels) and ≈ 2,800 at 7×7 (1 channel), measured as process CPU time on the shared machine.
 * With 400 test images per set (220,100 pairs for each CIFAR-10 set, 153,825 for Fashion-MNIST)
 * the whole default run took 200 s on the idle machine (388 CPU-seconds); with 1,000 (460,100
 * and 333,825 pairs) 341 s idle, of which ≈ 265 s per 1,000 CIFAR-10 test images (plain and
 * random-patch sets) and ≈ 44 s per 1,000 Fashion-MNIST ones (a test image costs 2n pairs).
 * The test sets fill the ten-minute budget: 1,600 CIFAR-10 and 2,500 Fashion-MNIST test images
 * (1,320,100 and 772,650 pairs), ≈ 570 s idle. A paired standard error falls as 1/√test, so
 * this shrinks it by ≈ 1.26× (CIFAR-10) and 1.58× (Fashion-MNIST) against 1,000.
 *
 * Sizes. At 32×32 a full-band pair costs 256 times the 8×8 one, so the sweep runs on CIFAR-10
 * average-pooled to 8×8 (c = 0–4 and 7; c ≥ 4 keeps every offset, c = 7 is GAP up to a constant)
 * and Fashion-MNIST pooled to 7×7 (c = 0–3 and 6).
 * The test sets are larger than the training sets: a test image costs 2n pairs (plain and
 * flipped), a training image ≈ 1.5n, and paired standard errors fall with the test count.
 */

/** One dataset's sweep. */
export interface SetSizes {
  train: number;
  test: number;
  /** Average-pooling factor from the full resolution (CIFAR-10 32, Fashion-MNIST 28). */
  factor: number;
  /** LAP windows c; the largest covers every offset (GAP up to a constant). */
  windows: number[];
  /**
   * The intermediate c the claims compare with c = 0, with the full window, and across flip and
   * random patches: set before the run (not picked on the test set): shifts of ±2 pixels at
   * 8×8 are ±8 pixels of the 32×32 image, about the paper's best windows at full size (§6).
   */
  claimWindow: number;
}

/** The run's sizes. */
export interface Configuration {
  /** Depth of the CNN (conv layers + 1, as cntk-exact). */
  depth: number;
  cifar: SetSizes;
  fashion: SetSizes;
  /** Coates et al.'s random patches: filters, patch side (at full resolution), ZCA's ε. */
  patches: { count: number; size: number; epsilon: number };
  /** Images shown with their shifted copies (figure), and the window shown. */
  shifts: { images: number; window: number };
}

/**
 * The default run, or the seconds-long --quick one.
 * @example configuration(true).cifar.train // 24
 */
export function configuration(quick: boolean): Configuration {
  return quick
    ? {
        depth: 3,
        cifar: { train: 24, test: 16, factor: 8, windows: [0, 1, 3], claimWindow: 1 },
        fashion: { train: 20, test: 16, factor: 7, windows: [0, 1, 3], claimWindow: 1 },
        patches: { count: 8, size: 3, epsilon: 0.1 },
        shifts: { images: 2, window: 1 },
      }
    : {
        depth: 3,
        cifar: { train: 200, test: 1600, factor: 4, windows: [0, 1, 2, 3, 4, 7], claimWindow: 2 },
        fashion: { train: 150, test: 2500, factor: 4, windows: [0, 1, 2, 3, 6], claimWindow: 2 },
        patches: { count: 16, size: 5, epsilon: 0.1 },
        shifts: { images: 2, window: 2 },
      };
}

/**
 * The paper's CIFAR-10 figures (full data, 32×32). [V]: from the abstract; [U]: recalled
 * (PAPERS.md §3), shown as "recalled" and never deciding a verdict.
 */
export const paperFigures = {
  plainCntk: { value: 78, tag: 'V', text: 'CNTK ≈ 78% (the best earlier CNTK, abstract)' },
  best: { value: 89, tag: 'V', text: 'CNN-GP + LAP + flip + random patches: 89% (abstract)' },
  fashion: { value: undefined, tag: 'U', text: '"similar improvements" (abstract; numbers recalled only)' },
} as const;
