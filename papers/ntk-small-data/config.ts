/**
 * The two scales of the ntk-small-data rebuild (PAPERS.md §4). Both run the authors' UCI
 * protocol unchanged (FC NTK for dep 0…4, i.e. depth 1–5, every fix ≤ dep; C ∈ {10⁻², …, 10⁴};
 * selection on conxuntos.dat; 4-fold accuracy on conxuntos_kfold.dat). The default run covers
 * the datasets of at most `maxSamples` rows, which fits the ten-minute budget on two shared
 * cores; `--all` runs all 90 (see the summary for its time). Few-shot CIFAR-10 is not built.
 */

export interface Config {
  /** The NTK family's depths: dep = 0 … maxDepth − 1 (the authors' MAX_DEP = 5). */
  maxDepth: number;
  /** The SVM's C grid (the authors' C_LIST = 10⁻² … 10⁴), shared by the Gaussian SVM. */
  costs: readonly number[];
  /** The Gaussian SVM's γ grid, as multiples of 1/d (features are standardized). */
  gammaMultiples: readonly number[];
  /** SMO stopping tolerance on the maximal KKT violation (libsvm's and scikit-learn's 1e-3). */
  tolerance: number;
  /** Run the datasets of datasets.tsv with n ≤ maxSamples; the others are listed as not run. */
  maxSamples: number;
  /** When given, only these datasets (the --quick handful). */
  only?: readonly string[];
}

const costs = [1e-2, 1e-1, 1, 1e1, 1e2, 1e3, 1e4];

export const defaultConfig: Config = {
  maxDepth: 5,
  costs,
  gammaMultiples: [1 / 16, 1 / 4, 1, 4],
  tolerance: 1e-3,
  maxSamples: 1000,
};

export const quickConfig: Config = {
  ...defaultConfig,
  maxSamples: 250,
  only: ['trains', 'balloons', 'fertility', 'iris', 'wine', 'seeds'],
};

/** The sizes of a default run, or of a `--quick` one; `all` lifts the size limit. */
export function configuration(quick: boolean): Config {
  return quick ? quickConfig : defaultConfig;
}
