/** Our side of bench/ops.ts: the same three workloads through the Tensor API on the active backend. */
import * as ad from '../autodiff/index.ts';
import { crossEntropy } from '../src/nn/index.ts';

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

/** One SGD step of a 784-512-10 ReLU MLP: forward, backward, parameter update. */
export function oursMlpStep(batch: number): () => void {
  const x = ad.randomNormal([batch, 784], { seed: 5 });
  const labels = Int32Array.from({ length: batch }, (_, i) => i % 10);
  let params = [
    ad.randomNormal([784, 512], { seed: 6, std: 0.03, requiresGrad: true }),
    ad.zeros([512], { requiresGrad: true }),
    ad.randomNormal([512, 10], { seed: 7, std: 0.05, requiresGrad: true }),
    ad.zeros([10], { requiresGrad: true }),
  ];
  return () => {
    const [w1, b1, w2, b2] = params;
    const hidden = x.matmul(w1).add(b1).relu();
    const loss = crossEntropy(hidden.matmul(w2).add(b2), labels);
    loss.backward();
    params = ad.noGrad(() => params.map((p) => p.sub(p.grad!.mul(0.01)).requireGrad()));
  };
}
