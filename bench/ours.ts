/** Our side of bench/ops.ts: the same three workloads through the Tensor API on the active backend. */
import * as ad from '../autodiff/index.ts';
import { crossEntropy, Parameter } from '../src/nn/index.ts';
import { SGD } from '../src/optim/index.ts';

export function oursMatmul(n: number): () => void {
  const a = ad.randomNormal([n, n], { seed: 1 });
  const b = ad.randomNormal([n, n], { seed: 2 });
  return () => void ad.matmul(a, b);
}

export function oursConv(
  batch: number,
  inChannels: number,
  outChannels: number,
  size: number,
  kernel: number,
): () => void {
  const x = ad.randomNormal([batch, inChannels, size, size], { seed: 3 });
  const w = ad.randomNormal([outChannels, inChannels, kernel, kernel], { seed: 4 });
  return () => void ad.conv2d(x, w, { padding: (kernel - 1) / 2 });
}

/**
 * One SGD step of a 784-512-10 ReLU MLP: forward, backward, parameter update, the update through
 * src/optim's SGD (lr 0.01, torch.optim.SGD's step; on the cpu backend one fused pass per parameter).
 */
export function oursMlpStep(batch: number): () => void {
  const x = ad.randomNormal([batch, 784], { seed: 5 });
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  const params = [
    ad.randomNormal([784, 512], { seed: 6, std: 0.03 }),
    ad.zeros([512]),
    ad.randomNormal([512, 10], { seed: 7, std: 0.05 }),
    ad.zeros([10]),
  ].map((value) => new Parameter(value));
  const optimizer = new SGD(params, { lr: 0.01 });
  return () => {
    const [w1, b1, w2, b2] = params.map((p) => p.value);
    const hidden = x.matmul(w1).add(b1).relu();
    crossEntropy(hidden.matmul(w2).add(b2), labels).backward();
    optimizer.step();
  };
}
