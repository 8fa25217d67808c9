import { describe, expect, it } from 'vitest';
import { formatDuration, progress, progressEnabled, type ProgressStream } from '../../src/report/progress.ts';

function capture(isTTY: boolean): ProgressStream & { chunks: string[] } {
  const chunks: string[] = [];
  return { chunks, isTTY, columns: 100, write: (chunk: string) => chunks.push(chunk) };
}

/** A clock that advances by `step` ms at each reading. */
function steppingClock(step: number): () => number {
  let now = 0;
  return () => (now += step);
}

describe('progress', () => {
  it('writes nothing when the stream is not a terminal', () => {
    const stream = capture(false);
    const bar = progress('epoch 1', 10, { stream, environment: {}, quiet: false, redrawInterval: 0 });
    for (let i = 0; i < 10; i++) bar.tick();
    bar.done();
    expect(stream.chunks).toEqual([]);
    expect(bar.count).toBe(10);
  });

  it('writes nothing under CI or with --quiet, even on a terminal', () => {
    for (const options of [
      { environment: { CI: 'true' }, quiet: false },
      { environment: { CI: '1' }, quiet: false },
      { environment: {}, quiet: true },
    ]) {
      const stream = capture(true);
      const bar = progress('epoch 1', 5, { stream, redrawInterval: 0, ...options });
      bar.tick(5);
      bar.done();
      expect(stream.chunks, JSON.stringify(options)).toEqual([]);
    }
    expect(progressEnabled({ stream: capture(true), environment: { CI: 'false' }, quiet: false })).toBe(true);
    expect(progressEnabled({ stream: capture(true), environment: { CI: '' }, quiet: false })).toBe(true);
  });

  it('on a terminal shows count/total, percentage, rate and ETA, then the elapsed time', () => {
    const stream = capture(true);
    const bar = progress('epoch 1', 4, {
      stream,
      environment: {},
      quiet: false,
      clock: steppingClock(500),
      redrawInterval: 0,
    });
    bar.tick();
    bar.tick(3);
    bar.done();
    expect(stream.chunks).toHaveLength(3);
    expect(stream.chunks[0]).toMatch(/^\repoch 1 \[#+\.+\] 1\/4  25% \d+\.\d+\/s ETA 0:0\d\x1b\[K$/);
    expect(stream.chunks[2]).toMatch(/^\repoch 1 \[#+\] 4\/4 100% .* in 0:0\d\x1b\[K\n$/);
  });

  it('throttles redraws to the interval, and done draws once', () => {
    const stream = capture(true);
    const bar = progress('batches', 1000, {
      stream,
      environment: {},
      quiet: false,
      clock: steppingClock(1),
      redrawInterval: 100,
    });
    for (let i = 0; i < 1000; i++) bar.tick();
    bar.done();
    bar.done();
    bar.tick();
    // the clock is read about twice per tick, so a 100 ms interval allows ~10 draws in 1000 ticks
    expect(stream.chunks.length).toBeGreaterThan(3);
    expect(stream.chunks.length).toBeLessThan(30);
    expect(stream.chunks.filter((chunk) => chunk.endsWith('\n'))).toHaveLength(1);
    expect(bar.count).toBe(1000);
  });

  it('rejects bad totals and counts, naming the function', () => {
    expect(() => progress('x', -1)).toThrow(/^progress: total/);
    expect(() => progress('x', 1, { stream: capture(false) }).tick(-1)).toThrow(/^progress.tick: count/);
  });
});

describe('formatDuration', () => {
  it('writes m:ss and h:mm:ss', () => {
    expect([formatDuration(0), formatDuration(75.4), formatDuration(3725), formatDuration(Number.NaN)]).toEqual([
      '0:00',
      '1:15',
      '1:02:05',
      '?',
    ]);
  });
});
