/**
 * interiorRuns (gpu/cpu/infinite/wasm-rows.ts), the column ranges the wasm patch sum steps
 * through without its neighbour tables: on random tables (mostly shifts by one, with padding
 * and arbitrary entries mixed in) an entry lies in a listed run exactly when it and a
 * neighbour on the same side of a non-interior entry are interior (previous[k] = k − 1,
 * next[k] = k + 1), and the runs are ascending, disjoint and maximal.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { interiorRuns } from '../../gpu/cpu/infinite/wasm-rows.ts';

/** Neighbour tables of `columns` entries: the shift by one, or the padding slot, or any index. */
const tablesArb = fc.integer({ min: 0, max: 40 }).chain((columns) =>
  fc.tuple(
    fc.constant(columns),
    fc.array(fc.tuple(fc.nat(9), fc.nat(columns), fc.nat(9), fc.nat(columns)), {
      minLength: columns,
      maxLength: columns,
    }),
  ),
);

describe('interiorRuns', () => {
  it('lists exactly the maximal interior ranges of length ≥ 2, ascending', () => {
    fc.assert(
      fc.property(tablesArb, ([columns, draws]) => {
        const pick = (kind: number, any: number, shifted: number) => (kind < 6 ? shifted : kind < 8 ? columns : any);
        const previous = Int32Array.from(draws, ([kind, any], k) => pick(kind, any, k - 1));
        const next = Int32Array.from(draws, ([, , kind, any], k) => pick(kind, any, k + 1));
        const interior = Array.from({ length: columns }, (_, k) => previous[k] === k - 1 && next[k] === k + 1);
        const runs = Array.from(interiorRuns(previous, next));
        const listed = new Array<boolean>(columns).fill(false);
        let last = -1;
        for (let i = 0; i < runs.length; i += 2) {
          const [start, end] = [runs[i], runs[i + 1]];
          expect(start).toBeGreaterThan(last);
          expect(end - start).toBeGreaterThanOrEqual(2);
          // maximal: the entries just outside are not interior
          expect(start === 0 || !interior[start - 1]).toBe(true);
          expect(end === columns || !interior[end]).toBe(true);
          for (let k = start; k < end; k++) listed[k] = true;
          last = end;
        }
        for (let k = 0; k < columns; k++) {
          const lone = interior[k] && !(interior[k - 1] ?? false) && !(interior[k + 1] ?? false);
          expect(listed[k], `entry ${k}`).toBe(interior[k] && !lone);
        }
      }),
      { numRuns: 300 },
    );
  });
});
