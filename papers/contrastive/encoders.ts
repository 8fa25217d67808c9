/**
 * The representation functions f: a bag-of-words encoder for text (f(x) = Eᵀ·tf(x), the
 * average of the word embeddings of x, computed sparsely by a gather and a scatter-add), and a
 * small CNN for images; `represent` applies either to a whole set in chunks, without gradients.
 */
import * as ad from '../../autodiff/index.ts';
import type { Dataset } from '../../src/data/index.ts';
import * as nn from '../../src/nn/index.ts';
import type { SparseDocuments } from './data.ts';

/** A representation function of a set of inputs addressed by index. */
export interface Encoder {
  readonly width: number;
  readonly module: nn.Module;
  /** f of the listed inputs: [indices.length, width]. */
  encode(indices: ArrayLike<number>): ad.Tensor;
}

/** f(x) = Eᵀ·tf(x) over a vocabulary of `vocabulary` words, E initialized N(0, 1). */
export class BagOfWordsEncoder extends nn.Module implements Encoder {
  readonly embedding: nn.Parameter;
  get module(): nn.Module {
    return this;
  }

  constructor(
    readonly vocabulary: number,
    readonly width: number,
    seed: number,
    private documents: SparseDocuments,
  ) {
    super();
    this.embedding = this.addParameter('embedding', ad.randomNormal([vocabulary, width], { seed, std: 1 }));
  }

  /** Encodes a different set of documents with the same embedding. */
  withDocuments(documents: SparseDocuments): BagOfWordsEncoder {
    const copy = Object.create(BagOfWordsEncoder.prototype) as BagOfWordsEncoder;
    return Object.assign(copy, this, { documents });
  }

  /** f of the documents whose indices `input` holds. */
  forward(input: ad.Tensor): ad.Tensor {
    return this.encode(input.data);
  }

  encode(indices: ArrayLike<number>): ad.Tensor {
    const { ids, weights, offsets } = this.documents;
    let total = 0;
    for (let n = 0; n < indices.length; n++) total += offsets[indices[n] + 1] - offsets[indices[n]];
    const words = new Int32Array(total);
    const wordWeights = new Float32Array(total);
    const rows = new Int32Array(total * this.width);
    let at = 0;
    for (let n = 0; n < indices.length; n++) {
      const d = indices[n];
      if (!(d >= 0 && d < this.documents.count))
        throw new Error(`BagOfWordsEncoder.encode: document ${d} outside 0…${this.documents.count - 1}`);
      for (let j = offsets[d]; j < offsets[d + 1]; j++, at++) {
        words[at] = ids[j];
        wordWeights[at] = weights[j];
        rows.fill(n, at * this.width, (at + 1) * this.width);
      }
    }
    const gathered = ad.indexSelect(this.embedding.value, 0, words).mul(ad.tensor(wordWeights, { shape: [total, 1] }));
    return ad.scatterAdd(gathered, 0, rows, [indices.length, this.width]);
  }
}

/** Conv(3×3, c₁) → ReLU → MaxPool 2 → Conv(3×3, c₂) → ReLU → MaxPool 2 → Linear(width) on a set of images. */
export class ConvEncoder implements Encoder {
  readonly module: nn.Sequential;
  private readonly exampleSize: number;

  constructor(
    private images: Dataset,
    channels: readonly [number, number],
    readonly width: number,
    seed: number,
  ) {
    const [inChannels, height, imageWidth] = images.shape;
    const pooled = Math.floor(Math.floor(height / 2) / 2) * Math.floor(Math.floor(imageWidth / 2) / 2);
    this.module = new nn.Sequential(
      new nn.Conv2d(inChannels, channels[0], 3, { seed, padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernel: 2 }),
      new nn.Conv2d(channels[0], channels[1], 3, { seed: seed + 1, padding: 1 }),
      new nn.ReLU(),
      new nn.MaxPool2d({ kernel: 2 }),
      new nn.Flatten(),
      new nn.Linear(channels[1] * pooled, width, { seed: seed + 2 }),
    );
    this.exampleSize = inChannels * height * imageWidth;
  }

  /** The same network on another image set. */
  withImages(images: Dataset): ConvEncoder {
    return Object.assign(Object.create(ConvEncoder.prototype) as ConvEncoder, this, { images });
  }

  encode(indices: ArrayLike<number>): ad.Tensor {
    const size = this.exampleSize;
    const batch = new Float32Array(indices.length * size);
    for (let n = 0; n < indices.length; n++) {
      const i = indices[n];
      if (!(i >= 0 && i < this.images.count))
        throw new Error(`ConvEncoder.encode: image ${i} outside 0…${this.images.count - 1}`);
      batch.set(this.images.images.subarray(i * size, (i + 1) * size), n * size);
    }
    return this.module.forward(ad.tensor(batch, { shape: [indices.length, ...this.images.shape] }));
  }
}

/**
 * f of inputs 0…count−1 as a row-major Float32Array, in chunks, without recording gradients.
 * @example represent(encoder, 1000).length // 1000 × encoder.width
 */
export function represent(encoder: Encoder, count: number, chunk = 500): Float32Array {
  const rows = new Float32Array(count * encoder.width);
  ad.noGrad(() => {
    for (let start = 0; start < count; start += chunk) {
      const indices = Array.from({ length: Math.min(chunk, count - start) }, (_, i) => start + i);
      rows.set(encoder.encode(indices).data as Float32Array, start * encoder.width);
    }
  });
  return rows;
}
