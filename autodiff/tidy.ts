/**
 * Deterministic freeing of device storage: `tidy(fn)` releases the device storage of every
 * tensor created inside fn and not returned by it (tfjs's `tidy`, same semantics), `keep`
 * exempts one tensor, and a tensor's `dispose()` releases its share at once. Host storage
 * (typed arrays) is left to the garbage collector; only device storage is counted here.
 *
 * Several tensors may share one device storage (reshape, detach, requireGrad): each holds
 * a reference and the storage is released when the last holder lets go. A
 * FinalizationRegistry drops the reference of a tensor collected without dispose() — a
 * safety net only, since collection may come late or never.
 *
 * @example
 *   const loss = tidy(() => net.forward(x).sub(y).square().mean()); // intermediates freed
 */
import type { DeviceIndices, DeviceStorage } from '../gpu/backend.ts';

/** What a holder shares: device storage, or device indices (gather/scatterAdd's, autodiff/indices.ts). */
type Held = DeviceStorage | DeviceIndices;

/** The tensor side that a scope needs: its storage share, and whether it let go already. */
export interface Holder {
  dispose(): void;
  /** For a host tensor's device copy: the tensor, whose return from tidy or keep() spares the copy too. */
  readonly owner?: Holder;
}

const references = new WeakMap<Held, number>();
const scopes: Set<Holder>[] = [];
const finalizer = new FinalizationRegistry<Held>(drop);

/** Records a new holder of `storage` (and, inside tidy, in the innermost scope). */
export function hold(holder: Holder, storage: Held): void {
  references.set(storage, (references.get(storage) ?? 0) + 1);
  finalizer.register(holder, storage, holder);
  scopes.at(-1)?.add(holder);
}

/** The innermost open tidy scope (a token for holdCopy), or undefined outside tidy. */
export function currentScope(): object | undefined {
  return scopes.at(-1);
}

/**
 * Records the holder of a host tensor's device copy (Tensor.upload): in `scope`, the scope
 * its tensor was created in, while that is still open; a copy made after it closed lives as
 * long as its tensor (dispose(), or collection).
 */
export function holdCopy(holder: Holder, storage: DeviceStorage, scope: object | undefined): void {
  references.set(storage, (references.get(storage) ?? 0) + 1);
  finalizer.register(holder, storage, holder);
  scopes.find((open) => open === scope)?.add(holder);
}

/** The holder lets go of `storage`; the last one to let go releases it. */
export function letGo(holder: Holder, storage: Held): void {
  finalizer.unregister(holder);
  for (const scope of scopes) scope.delete(holder);
  drop(storage);
}

function drop(storage: Held): void {
  const count = (references.get(storage) ?? 1) - 1;
  if (count > 0) {
    references.set(storage, count);
    return;
  }
  references.delete(storage);
  storage.release();
}

/**
 * Runs fn and disposes every device-held tensor created inside it, except those in its
 * result (a tensor, or an array or plain object whose values are tensors), which pass to
 * the enclosing scope. fn must be synchronous.
 * @example const y = tidy(() => x.mul(2).add(1)); // the product is freed, y is kept
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error(`tidy: fn must be a function, got ${typeof fn}`);
  const scope = new Set<Holder>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
  }
  if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
    for (const holder of scope) holder.dispose();
    throw new Error('tidy: fn returned a Promise; tidy scopes are synchronous (dispose tensors by hand across awaits)');
  }
  const kept = new Set(returned(result));
  for (const holder of scope) {
    if (kept.has(holder) || (holder.owner !== undefined && kept.has(holder.owner))) scopes.at(-1)?.add(holder);
    else holder.dispose();
  }
  return result;
}

/** Exempts `holder` from every enclosing tidy scope (it lives until dispose() or collection). @example keep(w.sub(g)) */
export function keep<T extends Holder>(holder: T): T {
  for (const scope of scopes) {
    for (const held of scope) if (held === holder || held.owner === holder) scope.delete(held);
  }
  return holder;
}

/** The holders in a tidy result: itself, or the values of an array or a plain object. */
function returned(result: unknown): unknown[] {
  if (Array.isArray(result)) return result;
  if (result !== null && typeof result === 'object' && Object.getPrototypeOf(result) === Object.prototype)
    return Object.values(result);
  return [result];
}
