/**
 * The prose of summary.md (the harness adds the title, the run line, the claims table and
 * the figures): the setting, a table per family of what was measured, what does not
 * reproduce (said plainly), and why the noise-stability path is not built.
 */
import { formatNumber, markdownTable, markdownTemplate, type Claim, type PaperOutput } from '../../src/report/index.ts';
import type { Config } from './config.ts';
import type { FamilyResult } from './experiments.ts';

/** Per-keep measurements of one family. */
function familyTable(family: FamilyResult): string {
  const rows = family.pairs.map((pair) => [
    pair.keep === 1 ? '1 (no dropout)' : pair.keep,
    `${formatNumber(100 * pair.testAccuracy[0], 3)}% / ${formatNumber(100 * pair.testAccuracy[1], 3)}%`,
    `${formatNumber(pair.stability[0].loss, 3)} / ${formatNumber(pair.stability[1].loss, 3)}`,
    `${formatNumber(pair.stability[0].epsilon, 3)} / ${formatNumber(pair.stability[1].epsilon, 3)}`,
    pair.spread,
    pair.vertexBarrier,
    pair.path.barrier,
    `${formatNumber(pair.path.meanBarrier, 3)} ± ${formatNumber(pair.path.barrierError, 2)}`,
    pair.line.barrier,
    pair.path.testBarrier,
    pair.line.testBarrier,
    pair.seconds,
  ]);
  const columns = [
    'keep',
    'test acc. A / B',
    'train loss A / B',
    'ε_A / ε_B',
    'spread',
    'path vertices',
    'path barrier',
    `mean over ${family.pairs[0].path.barriers.length} paths`,
    'line barrier',
    'path barrier (test)',
    'line barrier (test)',
    'seconds',
  ];
  return markdownTable({ columns, rows }, { precision: 3 });
}

/** One plain sentence per claim that did not hold. */
function failures(claims: readonly Claim[]): string {
  const missed = claims.filter((claim) => claim.holds !== true);
  if (missed.length === 0) return 'Every claim of the table holds in this run.';
  const lines = missed.map(
    (claim) => `- **${claim.holds === false ? 'no' : claim.holds}**: ${claim.claim} — ours: ${claim.ours}.`,
  );
  return `These rows did not come out "yes" in this run:\n\n${lines.join('\n')}`;
}

/** The pairs whose straight line is no worse than their constructed path (the paper's picture reversed). */
function lineBelowPath(families: readonly FamilyResult[]): string {
  const pairs = families.flatMap((family) =>
    family.pairs
      .filter((pair) => pair.line.barrier <= pair.path.meanBarrier)
      .map(
        (pair) =>
          `${family.name} at keep ${pair.keep} (line ${formatNumber(pair.line.barrier, 3)}, ` +
          `constructed ${formatNumber(pair.path.meanBarrier, 3)})`,
      ),
  );
  if (pairs.length === 0) return 'At every keep probability the straight line rose higher than the constructed path.';
  return (
    `The straight line was no higher than the constructed path for ${pairs.join('; ')}: for nets that are not ` +
    'dropout-stable the construction has no advantage, since its barrier is their (large) ε.'
  );
}

/**
 * The summary's description and sections.
 * @example const summary = describeRun(config, claims, families, 300);
 */
export function describeRun(
  config: Config,
  claims: readonly Claim[],
  families: readonly FamilyResult[],
  runtimeSeconds: number,
): PaperOutput['summary'] {
  const segments = (name: string) =>
    families.find((family) => family.name.includes(name))?.pairs[0].path.segments.length ?? 0;
  const first = config.families[0];
  const description = markdownTemplate(import.meta.url, 'text/description.md', {
    mlpSegments: segments('MLP'),
    cnnSegments: segments('CNN'),
    families: config.families
      .map((family) => `${family.name} (keep ${family.keeps.join(', ')}; ${family.steps} steps)`)
      .join('; '),
    halves: first.halves,
    paths: first.paths,
    trainEvaluation: first.trainEvaluation,
  });
  const widths = config.families.map(
    (family) =>
      `${family.name}: ${family.architecture.layers
        .slice(0, -1)
        .map((l) => (l.kind === 'dense' ? l.outputs : l.outChannels))
        .join('-')}`,
  );
  return {
    description,
    sections: [
      ...families.map((family) => ({
        heading: `${family.name}: what was measured`,
        body:
          'Losses on the fixed training subset; barriers are the maximum along the path minus max(L_A, L_B) ' +
          '("path vertices": the same over the path\'s vertices only, i.e. ε of the halves the path uses).\n\n' +
          familyTable(family),
      })),
      {
        heading: 'What does not reproduce, and what the table cannot say',
        body: markdownTemplate(import.meta.url, 'text/not-reproduced.md', {
          failures: failures(claims),
          lineBelowPath: lineBelowPath(families),
        }),
      },
      {
        heading: 'Noise stability',
        body: markdownTemplate(import.meta.url, 'text/noise-stability.md', { widths: widths.join('; ') }),
      },
      { heading: 'Run time', body: `The run took ${formatNumber(runtimeSeconds, 3)} s.` },
    ],
  };
}
