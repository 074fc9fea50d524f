/** The lines every output of `burn history` starts and ends with: which runs, how judged, the verdict. */
import type { HistoryReport } from './index.js';

export function shortUuid(uuid: string): string {
  return uuid.slice(0, 8);
}

export function headerLines(report: HistoryReport): string[] {
  const match = Object.entries(report.match).map(([k, v]) => `${k}=${v || '""'}${report.defaultedMatch.includes(k) ? " (newest run's)" : ''}`);
  const lines = [`burn history: ${report.runs.length} runs from ${report.store}${match.length ? `, matching ${match.join(', ')}` : ''}`];
  if (report.runs.length) lines.push(`  oldest ${report.runs[0]!.start}, newest ${report.runs.at(-1)!.start} (${shortUuid(report.runs.at(-1)!.uuid)})`);
  if (report.skipped.length) lines.push(`  ${report.skipped.length} folder(s) left out (--format json lists them and why)`);
  const s = report.settings;
  lines.push(`  change-points: E-divisive means, permutation test (${s.permutations} shuffles, p <= ${s.alpha}), segments of ${s.minSegment}+ runs, shifts beyond the diff tolerances and, as burn diff judges them, noise`);
  return lines;
}

export function verdictLines(report: HistoryReport): string[] {
  const worse = report.metrics.filter((m) => m.newestWorse);
  if (report.runs.length === 0) return ['no runs match: nothing to judge'];
  if (worse.length === 0) return ['no regression: the newest run is not after a change-point for the worse'];
  const since = [...new Set(worse.map((m) => shortUuid(m.changePoints.at(-1)!.uuid)))].join(', ');
  return [`REGRESSION: the newest run lies after a change for the worse in ${worse.length} metric(s), since run ${since} (the change-points above)`];
}
