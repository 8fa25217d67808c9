/**
 * The linear half of the CNTK covariance step in WebAssembly (f64 arithmetic): the lines of a
 * stored pair (`widen`) and the 3×3 patch sum of one row group (`patchSum`), each with Θ beside
 * Σ or Σ alone (the first layer's Σ⁰ and the per-image variances carry no Θ). They perform the
 * additions of rowStage / finishGroup / sigmaOnly in gpu/cpu/infinite/common.ts and linear.ts
 * (the readable definitions) in the same order, so float32 results are bit for bit the
 * TypeScript ones. relu-row.ts adds them to its module.
 */
import type { Local, ModuleBuilder } from './emit.ts';

/**
 * widen(nngp, [ntk,] lineS, [lineT,] count, columns[, trainable]): the lines of `count` rows of
 * a stored pair for the patch sum of a linear step (convolutionChunk in linear.ts): lineS = Σ
 * widened to float64, lineT = Θ (+ Σ when trainable ≠ 0), (columns + 1) apart. Named 'widen'
 * with Θ, 'widenSigma' without.
 */
export function addWiden(m: ModuleBuilder, theta: boolean): void {
  const params = theta ? 7 : 4;
  m.addFunction(theta ? 'widen' : 'widenSigma', Array(params).fill('i32'), [], (f, all) => {
    const [nngp, ntk, lineS, lineT, count, columns, trainable] = theta
      ? all
      : [all[0], undefined, all[1], undefined, all[2], all[3], undefined];
    const r = f.local('i32'),
      k = f.local('i32'),
      sigma = f.local('f64'),
      value = f.local('f64');
    const advance = (pointer: Local | undefined, bytes: number) =>
      pointer && f.get(pointer).i32(bytes).op('i32.add').set(pointer);
    f.forRange(r, 0, count, 1, () => {
      f.forRange(k, 0, columns, 1, () => {
        f.get(lineS).get(nngp).memory('f32.load').op('f64.promote_f32').tee(sigma).memory('f64.store');
        if (ntk && lineT && trainable) {
          f.get(lineT).get(ntk).memory('f32.load').op('f64.promote_f32').tee(value).get(sigma).op('f64.add');
          f.get(value).get(trainable).op('select').memory('f64.store');
        }
        advance(nngp, 4);
        advance(ntk, 4);
        advance(lineS, 8);
        advance(lineT, 8);
      });
      // skip the zero slot after each line
      advance(lineS, 8);
      advance(lineT, 8);
    });
  });
}

/**
 * patchSum(lineS, [lineT,] count, columns, previous, next, runs, runCount, sumsS, [sumsT,] up,
 * down, outS, [outT,] scale, shift[, thetaShift]): the 3×3 patch sum of one row group, as
 * rowStage then finishGroup in gpu/cpu/infinite/common.ts (sigmaOnly in linear.ts without Θ;
 * the same additions in the same order): the row sums sums[r·columns + k] = line[k] +
 * line[previous k] + line[next k] of each of the `count` lines ((columns + 1) apart, `columns`
 * their zero slot), then out[r·columns + k] = scale·(sums of rows r, up[r], down[r]) + shift
 * (thetaShift for Θ) rounded to float32. previous/next/up/down are i32 tables of indices, runs
 * `runCount` (start, end) i32 pairs, ascending, of the column ranges where previous[k] = k − 1
 * and next[k] = k + 1; the sums hold a zero row after the largest group for the padding.
 * Named 'patchSum' with Θ, 'patchSumSigma' without.
 */
export function addPatchSum(m: ModuleBuilder, theta: boolean): void {
  const params: ('i32' | 'f64')[] = [
    ...Array(theta ? 14 : 11).fill('i32'),
    'f64',
    'f64',
    ...(theta ? ['f64' as const] : []),
  ];
  m.addFunction(theta ? 'patchSum' : 'patchSumSigma', params, [], (f, all) => {
    const [
      lineS,
      lineT,
      count,
      columns,
      previous,
      next,
      runs,
      runCount,
      sumsS,
      sumsT,
      up,
      down,
      outS,
      outT,
      scale,
      shift,
      thetaShift,
    ] = theta
      ? all
      : [
          all[0],
          undefined,
          all[1],
          all[2],
          all[3],
          all[4],
          all[5],
          all[6],
          all[7],
          undefined,
          all[8],
          all[9],
          all[10],
          undefined,
          all[11],
          all[12],
          undefined,
        ];
    // the (lines, sums, out, shift) of Σ, then of Θ
    const planes: [Local, Local, Local, Local][] = [[lineS, sumsS, outS, shift]];
    if (lineT && sumsT && outT && thetaShift) planes.push([lineT, sumsT, outT, thetaShift]);
    const r = f.local('i32'),
      k = f.local('i32');
    // stage 1: row sums. Inside the image's columns (the runs: previous[k] = k − 1, next[k] =
    // k + 1, listed by interiorRuns in gpu/cpu/infinite/wasm-rows.ts) two entries at a time as
    // one f64x2 step reading line[k − 1 …], line[k …], line[k + 1 …] directly; elsewhere one
    // entry at a time through the tables. Lane by lane the same additions in the same order.
    const run = f.local('i32'),
      left = f.local('i32'),
      runsEnd = f.local('i32'),
      stop = f.local('i32'),
      at = f.local('i32');
    const rows = planes.map(([lines, sums]) => ({ lines, sums, base: f.local('i32'), target: f.local('i32') }));
    /** sums[k] = line[k] + line[previous k] + line[next k] for k < stop, one entry at a time. */
    const scalarUntil = () =>
      f.block((exit) =>
        f.loop((top) => {
          f.get(k).get(stop).op('i32.ge_s').brIf(exit);
          for (const p of rows) {
            f.get(p.target).get(k).i32(8).op('i32.mul').op('i32.add');
            f.get(p.base).get(k).i32(8).op('i32.mul').op('i32.add').memory('f64.load');
            for (const table of [previous, next]) {
              f.get(p.base);
              f.get(table).get(k).i32(4).op('i32.mul').op('i32.add').memory('i32.load');
              f.i32(8).op('i32.mul').op('i32.add').memory('f64.load').op('f64.add');
            }
            f.memory('f64.store');
          }
          f.get(k).i32(1).op('i32.add').set(k).br(top);
        }),
      );
    /** The same for k + 1 < stop two at a time, line[k − 1 …], line[k …], line[k + 1 …] at byte offsets 0, 8, 16 from 8(k − 1). */
    const pairsUntil = () =>
      f.block((exit) =>
        f.loop((top) => {
          f.get(k).i32(1).op('i32.add').get(stop).op('i32.ge_s').brIf(exit);
          f.get(k).i32(8).op('i32.mul').set(at);
          for (const p of rows) {
            f.get(p.target).get(at).op('i32.add');
            f.get(p.base).get(at).op('i32.add').i32(8).op('i32.sub').set(left);
            f.get(left).memory('v128.load', 8, 3);
            f.get(left).memory('v128.load', 0, 3).op('f64x2.add');
            f.get(left).memory('v128.load', 16, 3).op('f64x2.add');
            f.memory('v128.store', 0, 3);
          }
          f.get(k).i32(2).op('i32.add').set(k).br(top);
        }),
      );
    f.get(runs).get(runCount).i32(8).op('i32.mul').op('i32.add').set(runsEnd);
    f.forRange(r, 0, count, 1, () => {
      for (const p of rows) {
        f.get(p.lines).get(r).get(columns).i32(1).op('i32.add').op('i32.mul').i32(8).op('i32.mul').op('i32.add');
        f.set(p.base);
        f.get(p.sums).get(r).get(columns).op('i32.mul').i32(8).op('i32.mul').op('i32.add').set(p.target);
      }
      f.i32(0).set(k);
      f.get(runs).set(run);
      f.block((exit) =>
        f.loop((top) => {
          f.get(run).get(runsEnd).op('i32.ge_u').brIf(exit);
          // the entries before the run, then the run (its odd last entry through the tables)
          f.get(run).memory('i32.load').set(stop);
          scalarUntil();
          f.get(run).memory('i32.load', 4).set(stop);
          pairsUntil();
          scalarUntil();
          f.get(run).i32(8).op('i32.add').set(run).br(top);
        }),
      );
      f.get(columns).set(stop);
      scalarUntil();
    });
    // stage 2: column sums of the row sums, two entries at a time, rounded to float32; per plane
    // a pointer into the row, the row above, the row below and the output, stepped along
    const pairs = f.local('i32');
    const scaleV = f.local('v128');
    const pointers = planes.map(([, sums, out, shiftOf]) => ({
      sums,
      out,
      shiftOf,
      shiftV: f.local('v128'),
      at: f.local('i32'),
      above: f.local('i32'),
      below: f.local('i32'),
      target: f.local('i32'),
    }));
    f.get(columns).i32(1).op('i32.shr_u').set(pairs);
    f.get(scale).op('f64x2.splat').set(scaleV);
    for (const p of pointers) f.get(p.shiftOf).op('f64x2.splat').set(p.shiftV);
    f.forRange(r, 0, count, 1, () => {
      for (const p of pointers) {
        const rowStart = (row: () => void, into: Local) => {
          f.get(p.sums);
          row();
          f.get(columns).op('i32.mul').i32(8).op('i32.mul').op('i32.add').set(into);
        };
        const tableRow = (table: Local) => () =>
          f.get(table).get(r).i32(4).op('i32.mul').op('i32.add').memory('i32.load');
        rowStart(() => f.get(r), p.at);
        rowStart(tableRow(up), p.above);
        rowStart(tableRow(down), p.below);
        f.get(p.out).get(r).get(columns).op('i32.mul').i32(4).op('i32.mul').op('i32.add').set(p.target);
      }
      const part = (lanes: 1 | 2) => {
        const load = lanes === 2 ? 'v128.load' : 'v128.load64_zero';
        for (const p of pointers) {
          f.get(p.target);
          f.get(p.at).memory(load, 0, 3);
          f.get(p.above).memory(load, 0, 3).op('f64x2.add');
          f.get(p.below).memory(load, 0, 3).op('f64x2.add');
          f.get(scaleV).op('f64x2.mul').get(p.shiftV).op('f64x2.add').op('f32x4.demote_f64x2_zero');
          if (lanes === 2) f.lane('i64x2.extract_lane', 0).memory('i64.store', 0, 2);
          else f.lane('f32x4.extract_lane', 0).memory('f32.store');
          for (const [pointer, bytes] of [
            [p.at, 16],
            [p.above, 16],
            [p.below, 16],
            [p.target, 8],
          ] as const)
            f.get(pointer).i32(bytes).op('i32.add').set(pointer);
        }
      };
      f.forRange(k, 0, pairs, 1, () => part(2));
      // an odd last entry: the pointers stand on it after the loop
      f.get(columns).i32(1).op('i32.and');
      f.ifElse(() => part(1));
    });
  });
}
