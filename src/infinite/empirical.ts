/**
 * Empirical kernels of finite networks (src/nn), the finite-width estimates of the exact
 * kernels: the empirical NTK Θ̂(x, x′) = ⟨∂f(x)/∂θ, ∂f(x′)/∂θ⟩ by autodiff (Jacot et al.
 * 2018; Arora et al. 2019 compare it to the exact CNTK, PAPERS.md §8), and a Monte-Carlo
 * NNGP Σ̂(x, x′) = mean over random networks and outputs of f(x)·f(x′) (Lee et al. 2018).
 */
import * as ad from '../../autodiff/index.ts';
import type { Matrix } from '../linalg/matrix.ts';
import type * as nn from '../nn/index.ts';
import type { FiniteShape } from './finite.ts';
import { finiteNetwork, type Network } from './layers.ts';

/**
 * The per-example shape of [n, C, H, W] images or [n, d] vectors.
 * @example finiteShapeOf(ad.zeros([10, 3, 8, 8])) // { channels: 3, height: 8, width: 8, flat: false }
 */
export function finiteShapeOf(x: ad.Tensor): FiniteShape {
  if (x.rank === 4) return { channels: x.shape[1], height: x.shape[2], width: x.shape[3], flat: false };
  if (x.rank === 2) return { channels: x.shape[1], height: 1, width: 1, flat: true };
  throw new Error(`finiteShapeOf: inputs must be [n, C, H, W] or [n, d], got [${x.shape.join(',')}]`);
}

/** Row i: the gradients of output `output` at example i with respect to every trained parameter, concatenated. */
function jacobianRows(module: nn.Module, x: ad.Tensor, output: number): Float64Array[] {
  const trained = module.parameters().filter((parameter) => !parameter.frozen);
  const count = x.shape[0];
  const exampleShape = [1, ...x.shape.slice(1)];
  const rows: Float64Array[] = [];
  for (let i = 0; i < count; i++) {
    module.zeroGrad();
    const y = module.forward(ad.slice(x, [i, ...exampleShape.slice(1).map(() => 0)], exampleShape));
    if (y.rank !== 2 || y.shape[0] !== 1)
      throw new Error(`empiricalNtk: the network must map [1, …] to [1, outputs], got [${y.shape.join(',')}]`);
    ad.slice(y, [0, output], [1, 1]).sum().backward();
    const row = new Float64Array(trained.reduce((sum, parameter) => sum + parameter.value.size, 0));
    let at = 0;
    for (const parameter of trained) {
      if (parameter.grad) row.set(parameter.grad.data, at);
      at += parameter.value.size;
    }
    rows.push(row);
  }
  module.zeroGrad();
  return rows;
}

function dot(u: Float64Array, v: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < u.length; k++) sum += u[k] * v[k];
  return sum;
}

/**
 * Θ̂(x, x′) = (1/k)·Σ_o ⟨∂f_o(x)/∂θ, ∂f_o(x′)/∂θ⟩ over the k outputs and the trained
 * (non-frozen) parameters θ, one backward pass per example and output.
 * @example empiricalNtk(finiteNetwork(cntk({ depth: 3 }), shape, { width: 512, outputs: 1, seed: 0 }), images)
 */
export function empiricalNtk(module: nn.Module, x1: ad.Tensor, x2?: ad.Tensor): Matrix {
  const outputs = ad.noGrad(() =>
    module.forward(
      ad.slice(
        x1,
        x1.shape.map(() => 0),
        [1, ...x1.shape.slice(1)],
      ),
    ),
  ).shape[1];
  const result: Matrix = {
    rows: x1.shape[0],
    cols: (x2 ?? x1).shape[0],
    data: new Float64Array(x1.shape[0] * (x2 ?? x1).shape[0]),
  };
  for (let output = 0; output < outputs; output++) {
    const rows1 = jacobianRows(module, x1, output);
    const rows2 = x2 ? jacobianRows(module, x2, output) : rows1;
    for (let i = 0; i < result.rows; i++) {
      for (let j = 0; j < result.cols; j++) result.data[i * result.cols + j] += dot(rows1[i], rows2[j]) / outputs;
    }
  }
  return result;
}

/**
 * Σ̂(x, x′) = mean over `samples` random finite networks (width `width`, `outputs` outputs,
 * seeds seed, seed + 1, …) and their outputs of f_o(x)·f_o(x′).
 * @example monteCarloNngp(fullyConnected({ depth: 3 }), x, undefined, { width: 1024, samples: 8, outputs: 16, seed: 0 })
 */
export function monteCarloNngp(
  network: Network,
  x1: ad.Tensor,
  x2: ad.Tensor | undefined,
  options: { width: number; samples: number; outputs: number; seed: number },
): Matrix {
  const { width, samples, outputs, seed } = options;
  if (!Number.isInteger(samples) || samples < 1)
    throw new Error(`monteCarloNngp: samples must be a positive integer, got ${samples}`);
  const n1 = x1.shape[0],
    n2 = (x2 ?? x1).shape[0];
  const result: Matrix = { rows: n1, cols: n2, data: new Float64Array(n1 * n2) };
  ad.noGrad(() => {
    for (let sample = 0; sample < samples; sample++) {
      const module = finiteNetwork(network, finiteShapeOf(x1), {
        width,
        outputs,
        seed: seed + sample,
        dtype: x1.dtype,
      });
      const f1 = module.forward(x1).data;
      const f2 = x2 ? module.forward(x2).data : f1;
      for (let i = 0; i < n1; i++) {
        for (let j = 0; j < n2; j++) {
          let sum = 0;
          for (let o = 0; o < outputs; o++) sum += f1[i * outputs + o] * f2[j * outputs + o];
          result.data[i * n2 + j] += sum / (outputs * samples);
        }
      }
    }
  });
  return result;
}
