/**
 * Dense float64 linear algebra on row-major Float64Array matrices: constructors and
 * products, Cholesky (with jitter retry), triangular and SPD solves, the symmetric
 * eigendecomposition and the thin SVD. Independent of autodiff/ (it is plain numerics
 * for kernel methods and for analysing trained models).
 */
export {
  type Matrix,
  zeros,
  identity,
  fromRows,
  fromArray,
  toRows,
  clone,
  transpose,
  matmul,
  matvec,
  submatrix,
  shape,
  assertMatrix,
  assertSquare,
  assertFinite,
} from './matrix.ts';
export { cholesky, choleskyWithJitter, type JitterOptions, type JitteredCholesky } from './cholesky.ts';
export {
  solveLowerTriangular,
  solveUpperTriangular,
  solveWithCholesky,
  solvePositiveDefinite,
  type TriangularSolveOptions,
} from './triangular.ts';
export { symmetricEigen, symmetricEigenvalues, type SymmetricEigen } from './eigen.ts';
export { svd, singularValues, type SingularValueDecomposition } from './svd.ts';
