/**
 * The two scales of the ntk-small-data rebuild (PAPERS.md §4). Both run the authors' UCI
 * protocol unchanged (FC NTK for dep 0…4, i.e. depth 1–5, every fix ≤ dep; C ∈ {10⁻², …, 10⁴};
 * selection on conxuntos.dat; 4-fold accuracy on conxuntos_kfold.dat). The default run covers
 * all 90 datasets (n up to 5,000): with the SVM fits and the NTK depth steps on both cores the
 * UCI part was estimated at 9–11 minutes idle (see the summary for the measured time); --quick
 * runs six small ones.
 *
 * Few-shot CIFAR-10 (§5 of the paper; PAPERS.md §4) is sized from runs on this 2-core
 * machine. CNTK-V at 32×32 runs ≈ 10,000–13,000 pairs/s and CNTK-GAP at 8×8 ≈ 3,400 (at 16×16
 * ≈ 130 pairs/s: a GAP kernel costs (H·W)² per pair, so 8×8 is the largest resolution that
 * fits). The default sweep runs the paper's n = 10 … 1,280 with at least two subsets per n, so
 * every n has a standard error:
 * - kernels: a pool of 144 per class (1,440 images, so the two subsets of 1,280 each leave out
 *   16 per class and differ; with 128 per class they would be the same images) and the fixed
 *   300 test images make 1,440·1,441/2 + 300·1,440 = 1,469,520 pairs per kernel: 103 s for
 *   CNTK-V and 471 s for CNTK-GAP in the last run. More test images cost 144,000 pairs (≈ 55 s)
 *   per 100, so 300 stays;
 * - ResNets (width 8, batch 32): one subset per core in worker threads (resnet-threads.ts), each
 *   on a one-thread cpu backend: 1,006 images/s for two n = 320 subsets against 837 for the
 *   same two one after another on the backend's two threads (medians of three alternated runs,
 *   load ≈ 3, fit checks included; before BatchNorm's fused kernels, 47d9c57, one thread gave
 *   203 images/s and two 165). Width 16 costs 2.3–2.4 times width 8 per image (277 against
 *   641 images/s on one thread) and at n = 160 fit in 70 epochs where width 8 took 95–110: no
 *   cheaper, so width 8 stays. Each n has its own epoch cap: 200 up to n = 320, 400 at
 *   n = 640, 1,280 at n = 1,280.
 *   Fit study (training accuracy only: the un-augmented subset in eval mode, as the test is
 *   scored; SGD 0.05 with cosine decay over the cap, weight decay 5·10⁻⁴, checked every 5
 *   epochs; both subsets of each n): the old caps (60/30/15/8 epochs at n = 160/320/640/1,280)
 *   gave 89/58/44/40%. n = 160 fits at epochs 105 and 95 of a 150 cap; n = 320 reaches 99.1 and
 *   99.4% with a 150 cap and fits at 160 and 150 of a 200 cap (the fits come in the cosine's
 *   low-rate tail, so a cap needs room beyond them); n = 640 reaches 86.7% with a 100 cap
 *   (33/45/57/59/62/71/77/84/86/87% every 10 epochs), 98.9 and 98.9% with a 200 cap, and with a
 *   300 cap fits one subset at epoch 250 and leaves the other at 99.4%; n = 1,280 reaches 93.8
 *   and 93.3% with a 200 cap. The epochs a fit needs grow with n (≈ 100, 155, 250+ at n = 160,
 *   320, 640), hence 400 at n = 640 (both fit, at epochs 305 and 335, in the default run of
 *   c0e5a05). That run gave n = 1,280, extrapolating, 640: its two subsets ended at 99.69 and
 *   99.84% (4 and 2 images short), about where n = 640 stood with 300, so n = 1,280 now gets
 *   twice that, 1,280. The ResNets then see at most 200·1,450 (the images of every subset up to
 *   n = 320) + 2·(400·640 + 1,280·1,280) ≈ 4,080,000 images (n ≤ 640 fit early: ≈ 580,000 in
 *   that run), ≈ 60 minutes at most on the idle machine at the 1,100–1,170 images/s two n = 640
 *   subsets ran at (load ≈ 2–3; 867 for n = 1,280 at load 4–5; fit checks included). Each
 *   subset's run is cached (resnet-cache.ts), so an interrupted run resumes.
 *   The ResNet trains under the standard augmentation throughout, as the paper's does; the
 *   augmentation is what makes fitting slow for a net this small (a probe at n = 160: 64% of the
 *   plain images after 30 augmented epochs, 100% after 21 plain ones), so the caps are long
 *   rather than the images plain.
 * In all ≈ 60 minutes of few-shot idle, kernels (≈ 8 minutes cold) included (the summary gives
 * the measured time); the whole default run ≈ 70 minutes alone. `--few-shot-full` adds subsets, 1,000 test images and a wider
 * ResNet (hours).
 */
import type { ResNetTraining } from './fewshot-resnet.ts';

export interface Config {
  /** The NTK family's depths: dep = 0 … maxDepth − 1 (the authors' MAX_DEP = 5). */
  maxDepth: number;
  /** The SVM's C grid (the authors' C_LIST = 10⁻² … 10⁴), shared by the Gaussian SVM. */
  costs: readonly number[];
  /** The Gaussian SVM's γ grid, as multiples of 1/d (features are standardized). */
  gammaMultiples: readonly number[];
  /** SMO stopping tolerance on the maximal KKT violation (libsvm's and scikit-learn's 1e-3). */
  tolerance: number;
  /** When given, only these datasets (the --quick handful); the others are listed as not run. */
  only?: readonly string[];
  /** Few-shot CIFAR-10 (§5): the sizes of the sweep. */
  fewShot: FewShotConfig;
}

/** The few-shot CIFAR-10 sweep: CNTK-V, CNTK-GAP and a small ResNet on the same subsets. */
export interface FewShotConfig {
  /** Training-set sizes n (multiples of 10: n/10 images per class). */
  sizes: readonly number[];
  /** Random class-balanced subsets per n (more for small n, where the spread is larger). */
  subsets: readonly number[];
  /** Candidates per class: every subset is drawn from this pool, whose kernel is computed once. */
  poolPerClass: number;
  /** The one fixed test set (a seeded random draw from CIFAR-10's test split). */
  testCount: number;
  /** CNTK depth (both readouts), fixed in advance rather than chosen on the test set. */
  depth: number;
  /** Side of the average-pooled images CNTK-GAP runs on. */
  gapSize: number;
  /** The small ResNet: channels of its first stage, batch size, the fit loop's epoch caps and check period, SGD (the seed is the run's). */
  resnet: FewShotResNet;
}

/**
 * How each subset's ResNet is trained (ResNetTraining less the seed), its epoch cap set per n:
 * the issue asks for a ResNet trained to fit its subset, and the fit study (header) found that a
 * larger subset needs more epochs under augmentation, not fewer, so each n has its own cap.
 */
export interface FewShotResNet extends Omit<ResNetTraining, 'seed' | 'maxEpochs'> {
  /** The epoch cap of each n, in the order of `sizes` (the cosine decay runs over it). */
  epochCaps: readonly number[];
}

/** The default few-shot sweep (about 60 minutes idle; config.ts's header gives the budget). */
export const fewShotDefault: FewShotConfig = {
  sizes: [10, 20, 40, 80, 160, 320, 640, 1280],
  subsets: [5, 4, 3, 3, 2, 2, 2, 2],
  poolPerClass: 144,
  testCount: 300,
  depth: 5,
  gapSize: 8,
  resnet: {
    width: 8,
    batchSize: 32,
    epochCaps: [200, 200, 200, 200, 200, 200, 400, 1280],
    checkEvery: 5,
    learningRate: 0.05,
    weightDecay: 5e-4,
  },
};

/** The paper's sweep, n = 10 … 1,280 (`--few-shot-full`; hours on two cores). */
export const fewShotFull: FewShotConfig = {
  sizes: [10, 20, 40, 80, 160, 320, 640, 1280],
  subsets: [10, 8, 6, 5, 4, 3, 2, 2],
  poolPerClass: 256,
  testCount: 1000,
  depth: 5,
  gapSize: 8,
  resnet: {
    width: 16,
    batchSize: 64,
    epochCaps: [200, 200, 200, 200, 200, 200, 400, 1280],
    checkEvery: 5,
    learningRate: 0.05,
    weightDecay: 5e-4,
  },
};

const costs = [1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4];

export const defaultConfig: Config = {
  maxDepth: 5,
  costs,
  gammaMultiples: [1 / 16, 1 / 4, 1, 4],
  tolerance: 1e-3,
  fewShot: fewShotDefault,
};

export const quickConfig: Config = {
  ...defaultConfig,
  only: ['trains', 'balloons', 'fertility', 'iris', 'wine', 'seeds'],
  fewShot: {
    sizes: [10, 20],
    subsets: [2, 2],
    poolPerClass: 3,
    testCount: 20,
    depth: 3,
    gapSize: 4,
    resnet: {
      width: 4,
      batchSize: 10,
      epochCaps: [2, 2],
      checkEvery: 1,
      learningRate: 0.05,
      weightDecay: 5e-4,
    },
  },
};

/** The sizes of a default run, or of a `--quick` one; `all` lifts the size limit. */
export function configuration(quick: boolean): Config {
  return quick ? quickConfig : defaultConfig;
}
