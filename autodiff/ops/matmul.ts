/**
 * Batched matrix product. The primitive carries transpose flags so that each VJP is
 * again one matmul without copying a transpose:
 *   C = op(A)·op(B)  ⇒  ∂A = G·op(B)ᵀ (or its transpose), ∂B = op(A)ᵀ·G (or its transpose).
 */
import { broadcastShapes, sizeOf } from '../../gpu/shape.ts';
import { checkBoolean, checkOptions, checkTensor } from '../arguments.ts';
import { apply, shapeText, type OpDef } from '../op.ts';
import type { Tensor } from '../tensor.ts';
import { broadcastTo, reshape } from './layout.ts';

/** Attributes of matmul: whether each stored operand is used transposed. */
export interface MatmulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/** [batch…, rows, cols] of op(X) for a stored matrix X. */
function matrixDims(x: Tensor, transposed: boolean): [number, number] {
  const rows = x.shape[x.rank - 2];
  const cols = x.shape[x.rank - 1];
  return transposed ? [cols, rows] : [rows, cols];
}

export const matmulDefinition: OpDef<MatmulAttrs, 'matmul'> = {
  name: 'matmul',
  shape([a, b], { transposeA, transposeB }) {
    const [m, k] = matrixDims(a, transposeA);
    const [k2, n] = matrixDims(b, transposeB);
    const batch = broadcastShapes(a.shape.slice(0, -2), b.shape.slice(0, -2));
    if (k !== k2 || !batch)
      throw new Error(
        `matmul: shapes ${shapeText(a.shape)} and ${shapeText(b.shape)} do not fit (inner ${k} vs ${k2})`,
      );
    return [...batch, m, n];
  },
  forward(kernels, [a, b], { transposeA, transposeB }, outShape) {
    const [m, k] = matrixDims(a, transposeA);
    const n = outShape[outShape.length - 1];
    const batch = sizeOf(outShape.slice(0, -2));
    // operands reach the primitive either with the full batch or with a single matrix
    const strideA = sizeOf(a.shape.slice(0, -2)) === 1 ? 0 : m * k;
    const strideB = sizeOf(b.shape.slice(0, -2)) === 1 ? 0 : k * n;
    return kernels.matmul(a.storage, b.storage, { batch, m, k, n, transposeA, transposeB, strideA, strideB });
  },
  vjp(g, { inputs: [a, b], attrs: { transposeA, transposeB } }) {
    const gradA = !a.requiresGrad
      ? null
      : transposeA
        ? product(b, g, transposeB, true)
        : product(g, b, false, !transposeB);
    const gradB = !b.requiresGrad
      ? null
      : transposeB
        ? product(g, a, true, transposeA)
        : product(a, g, !transposeA, false);
    return [gradA, gradB];
  },
};

/** op(a)·op(b) through the primitive, without shape fix-ups. */
function product(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return apply(matmulDefinition, [a, b], { transposeA, transposeB });
}

/**
 * Matrix product with NumPy semantics: batch axes broadcast; a rank-1 operand is a row
 * (on the left) or a column (on the right) vector, and that axis is dropped from the result.
 * @example matmul(x, w) // [batch, in]·[in, out] → [batch, out]
 */
export function matmul(a: Tensor, b: Tensor, options: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
  checkTensor('matmul', a, 'first operand');
  checkTensor('matmul', b, 'second operand');
  const { transposeA = false, transposeB = false } = checkOptions('matmul', options);
  checkBoolean('matmul', 'transposeA', transposeA);
  checkBoolean('matmul', 'transposeB', transposeB);
  if (a.rank === 0 || b.rank === 0)
    throw new Error(`matmul: operands must have rank ≥ 1, got ${shapeText(a.shape)} and ${shapeText(b.shape)}`);
  const left = a.rank === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const right = b.rank === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const batch = broadcastShapes(left.shape.slice(0, -2), right.shape.slice(0, -2));
  if (!batch)
    throw new Error(
      `matmul: batch axes of ${shapeText(a.shape)} and ${shapeText(b.shape)} cannot be broadcast together`,
    );
  // An operand whose batch is neither full nor a single matrix is expanded explicitly.
  const expand = (x: Tensor) => {
    const own = x.shape.slice(0, -2);
    const full = own.length === batch.length && own.every((extent, i) => extent === batch[i]);
    return full || sizeOf(own) === 1 ? x : broadcastTo(x, [...batch, ...x.shape.slice(-2)]);
  };
  const result = product(expand(left), expand(right), transposeA, transposeB);
  if (a.rank > 1 && b.rank > 1) return result;
  const shape = [...result.shape];
  if (b.rank === 1) shape.splice(-1, 1);
  if (a.rank === 1) shape.splice(-2, 1);
  return reshape(result, shape);
}
