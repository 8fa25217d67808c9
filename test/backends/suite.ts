/**
 * The test of one paper on both backends (issue #25): its `--quick` run on cpu, then on gpujs,
 * the backend line of each, and their claims tables compared under the paper's spec (papers.ts).
 */
import { beforeAll, expect, it } from 'vitest';
import { describeWithData } from '../data/requireData.ts';
import { disagreements, quickRun, type AgreementSpec, type BackendRun } from './agreement.ts';

/**
 * Declares the suite of `spec.slug`: both runs once, then the checks.
 * @example agreementSuite(specs['exp-lr'])
 */
export function agreementSuite(spec: AgreementSpec): void {
  // Skipped with the reason where a dataset it needs is absent, a failure under THEORYGRAD_REQUIRE_DATA=1.
  describeWithData(`papers/${spec.slug}.ts --quick on cpu and on gpujs`, spec.needs ?? [], () => {
    let cpu: BackendRun;
    let gpujs: BackendRun;
    beforeAll(async () => {
      cpu = await quickRun(spec.slug, 'cpu', spec);
      gpujs = await quickRun(spec.slug, 'gpujs', spec);
      console.log(`${spec.slug} --quick: cpu ${cpu.seconds.toFixed(1)} s, gpujs ${gpujs.seconds.toFixed(1)} s`);
    });

    it(spec.float64Throughout ? 'runs on cpu under gpujs, saying why' : 'runs its float32 work on gpujs', () => {
      expect(cpu.backend).toMatch(/^cpu/);
      if (spec.float64Throughout) {
        expect(gpujs.stdout).toMatch(
          new RegExp(`^${spec.slug}: float64 throughout \\(.+\\), so on cpu, not gpujs$`, 'm'),
        );
        expect(gpujs.backend).toMatch(/^cpu/);
      } else expect(gpujs.backend).toMatch(/^gpujs \(gpu\.js [\d.]+, mode \w+\)/);
    });

    it('names its float64 parts on cpu in the gpujs backend line, and none on cpu', () => {
      const named = gpujs.backend.split('; float64 parts on cpu: ')[1] ?? '';
      expect(named).toBe((spec.float64Parts ?? []).join(', '));
      expect(cpu.backend).not.toMatch(/float64 parts/);
    });

    it("has the cpu run's claims, verdicts and numbers (within the spec's float32 tolerance)", () => {
      const { lines, skipped } = disagreements(cpu.claims, gpujs.claims, spec);
      for (const line of skipped) console.log(`${spec.slug}: ${line}`);
      expect(cpu.claims.length).toBeGreaterThan(0);
      expect(lines).toEqual([]);
    });
  });
}
