/**
 * Each paper's spec for the cpu/gpujs comparison (agreement.ts): its tolerance and why, the
 * claims compared by verdict only, and whether it declares float64 throughout.
 *
 * The float32 tolerance: the backends compute the same functions in another order (gpu.js
 * sums in float32 in its own order, the cpu backend accumulates in float64; gpu/gpujs/reduce.ts),
 * so each operation may differ by a few units of u = 2⁻²⁴, compounded over a training run's steps.
 * What the tables print (2–4 significant digits of accuracies, distances, slopes) is far coarser:
 * a number may move by one unit of its last printed digit (a rounding boundary crossed, which
 * any difference can do), or by 1e-4 relative; beyond that, or a verdict that flips, the two
 * runs disagree. Where a number is float32 rounding itself, it is compared by verdict only.
 */
import type { AgreementSpec } from './agreement.ts';

const float32 = {
  relative: 1e-4,
  absolute: 0,
  reason: 'float32 work in another summation order: a few units of 2⁻²⁴ an operation, far below the printed digits',
};
/** A paper that declares float64 throughout runs on cpu under gpujs: the two runs are the same arithmetic. */
const float64 = { relative: 0, absolute: 0, reason: 'float64 throughout: both runs are the cpu backend' };

export const specs: Record<string, AgreementSpec> = {
  'adversarial-training': { slug: 'adversarial-training', tolerance: float64, float64Throughout: true },
  'deep-matrix-factorization': { slug: 'deep-matrix-factorization', tolerance: float64, float64Throughout: true },
  'fine-grained': { slug: 'fine-grained', tolerance: float64, float64Throughout: true },
  contrastive: { slug: 'contrastive', tolerance: float32 },
  'mode-connectivity': { slug: 'mode-connectivity', tolerance: float32 },
  'saliency-cgi': { slug: 'saliency-cgi', tolerance: float32 },
  'ntk-small-data': { slug: 'ntk-small-data', tolerance: float32 },
  'enhanced-cntk': {
    slug: 'enhanced-cntk',
    tolerance: float32,
    freshCache: true,
    needs: ['cifar10', 'fashion-mnist'],
    float64Parts: ['the augmentation identities (float64)'],
  },
  // The kernel matrices (float32) on the chosen backend; the solves, the empirical study's exact
  // kernels and the wide-net study in float64 on cpu (onCpu): the same numbers but for the kernels' rounding.
  'cntk-exact': {
    slug: 'cntk-exact',
    tolerance: float32,
    freshCache: true,
    needs: ['cifar10'],
    float64Parts: [
      'the exact CNTKs of the empirical-NTK study (float64)',
      'the wide-net GD study (float64 throughout)',
      'the kernel-regression solves (float64 Cholesky)',
    ],
  },
  // The equivalence pairs and the toy in float64 on cpu (onCpu), identical on both; the float32
  // pair's gaps are the float32 rounding floor itself, another on each backend.
  'exp-lr': {
    slug: 'exp-lr',
    tolerance: float32,
    float64Parts: ['the float64 equivalence pairs (MNIST, CIFAR-10, two LR drops)', 'the toy example (float64)'],
    verdictOnly: [
      {
        claim: /^MNIST MLP, float32: /,
        reason:
          'the gap of two float32 runs is float32 rounding itself (≈ 1e-7), another with each summation order; the verdict (at the floor, against the ±1-ulp control) must agree',
      },
    ],
  },
};
