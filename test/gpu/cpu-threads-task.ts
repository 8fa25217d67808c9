/** A task for test/gpu/cpu-threads.test.ts, in a module of its own: helper threads import it (a test file would pull vitest into them). */
import { defineTask } from '../../gpu/cpu/threads.ts';

/** Adds 1 to counts[chunk] and spins a little, so the helpers get a share of the chunks. */
function countChunk(args: { counts: Float64Array; spin: number }, chunk: number): void {
  let x = 0;
  for (let i = 0; i < args.spin; i++) x += Math.sqrt(i);
  args.counts[chunk] += x >= 0 ? 1 : 0;
}

export const countTask = defineTask('test-count', import.meta.url, countChunk);
