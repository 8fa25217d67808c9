/** The autodiff public API: tensors, ops, differentiation. */
export { Tensor } from './tensor.ts';
export * from './ops/index.ts';
export {
  tensor,
  full,
  zeros,
  ones,
  zerosLike,
  onesLike,
  randomUniform,
  randomNormal,
  type CreateOptions,
} from './create.ts';
export { grad, valueAndGrad, vjp, jacobian } from './functional.ts';
export { gradcheck, type GradcheckOptions } from './gradcheck.ts';
export { noGrad } from './grad-mode.ts';
export { tidy, keep } from './tidy.ts';
export { primitives, type PrimitiveName } from './ops/registry.ts';
export { currentBackend, withBackend, withBackendAsync, backendByName, type BackendName } from '../gpu/registry.ts';
export type { DType, DeviceStorage, Storage } from '../gpu/backend.ts';
