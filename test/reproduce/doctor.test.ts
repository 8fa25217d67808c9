/** `theorygrad doctor` prints every fact the issue asks for, one per line, and exits 0 on this machine. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { doctor } from '../../src/reproduce/doctor.ts';

afterEach(() => vi.restoreAllMocks());

describe('theorygrad doctor', () => {
  it('names Node, the backends, threads, SIMD, each dataset, disk and memory', async () => {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    expect(await doctor([])).toBe(0);
    const names = lines.map((line) => line.split(/\s{2,}/)[0]);
    for (const fact of ['node', 'threads', 'WebAssembly SIMD', 'backend cpu', 'backend gpujs', 'headless-gl', 'mnist'])
      expect(names).toContain(fact);
    for (const dataset of ['fashion-mnist', 'cifar10', 'uci', 'ag-news', 'disk free', 'memory'])
      expect(names).toContain(dataset);
    expect(lines.find((line) => line.startsWith('node'))).toContain(process.versions.node);
  });
});
