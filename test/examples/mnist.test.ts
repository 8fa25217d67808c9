/** The README's MNIST example runs end to end in --quick mode and prints its table. */
import { execFileSync } from 'node:child_process';
import { expect, it } from 'vitest';

it('examples/mnist.ts --quick trains both models and reports accuracy above chance', () => {
  const output = execFileSync('npx', ['tsx', 'examples/mnist.ts', '--quick'], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  expect(output).toMatch(/^backend: cpu/m);
  const rows = output.split('\n').filter((line) => /^(MLP|CNN)/.test(line));
  expect(rows).toHaveLength(2);
  for (const row of rows) {
    const accuracy = Number(row.trim().split(/\s+/).at(-1));
    // 16 SGD steps on 2,000 images: well above the 10% of guessing, far below the full run
    expect(accuracy).toBeGreaterThan(30);
    expect(accuracy).toBeLessThanOrEqual(100);
  }
});
