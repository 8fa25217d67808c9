/**
 * The registry's typing: a wrong attribute type, a missing VJP or a definition under the
 * wrong name must not compile (checked by `tsc`, which reads the @ts-expect-error lines);
 * at run time every entry carries its own name.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../../autodiff/index.ts';
import type { OpDef } from '../../autodiff/op.ts';
import type { AttrsOf, PrimitiveName, PrimitiveTable } from '../../autodiff/ops/registry.ts';

type Slot<Name extends PrimitiveName> = PrimitiveTable[Name];

/** A sum-like definition whose attributes have the wrong type (one axis, not a list). */
const wrongAttributes: OpDef<{ axes: number; keepDims: boolean }, 'sum'> = {
  name: 'sum',
  shape: ([x]) => [...x.shape],
  forward: (_backend, [x]) => x.data,
  vjp: (g) => [g],
};
// @ts-expect-error the attributes must be AttrsOf['sum']
const attributesChecked: Slot<'sum'> = wrongAttributes;

// @ts-expect-error a definition without a VJP is not an OpDef
const vjpRequired: Slot<'exp'> = { name: 'exp', shape: ([x]) => [...x.shape], forward: (_backend, [x]) => x.data };

// @ts-expect-error the max definition cannot fill the sum slot
const nameChecked: Slot<'sum'> = ad.primitives.max;

const reduceAttrs: AttrsOf['max'] = { axes: [0], keepDims: false };

describe('the primitive registry', () => {
  it('files every definition under its own name', () => {
    for (const [name, definition] of Object.entries(ad.primitives)) expect(definition.name).toBe(name);
  });
});
