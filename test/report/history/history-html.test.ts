import { describe, expect, it } from 'vitest';
import { renderHistory, type HistoryReport } from '../../../src/report/history/index.js';

const runs = Array.from({ length: 8 }, (_, i) => ({ dir: `reports/n${i + 1}`, uuid: `run-000${i + 1}-uuid`, start: `2026-11-2${i}T01:00:00Z`, facts: {} }));
const values = [1000, 1020, 990, 1010, 2000, 2050, 1980, 2010];

const report: HistoryReport = {
  store: 'reports',
  match: { target: 'sim' },
  defaultedMatch: ['target'],
  runs,
  skipped: [],
  settings: { alpha: 0.01, permutations: 999, minSegment: 3 },
  metrics: [
    {
      id: 'podStartup/nightly/P99',
      label: 'pod startup P99 (nightly, SLI)',
      unit: 'ms',
      direction: 'lower-is-better',
      points: values.map((value, run) => ({ run, value })),
      noise: { median: 2005, madPercent: 1.2 },
      changePoints: [{ index: 4, before: 1005, after: 2010, pValue: 0.001, uuid: 'run-0005-uuid', dir: 'reports/n5', changePercent: 100, worse: true, factsChanged: ['sim-profile: default -> slow-pods'] }],
      newestWorse: true,
    },
    {
      id: 'elapsedTime/nightly',
      label: 'elapsed time (nightly)',
      unit: 's',
      direction: 'lower-is-better',
      points: values.map((_, run) => ({ run, value: 30 })),
      noise: { median: 30, madPercent: 0 },
      changePoints: [],
      newestWorse: false,
    },
  ],
  exitCode: 4,
};

describe('burn history --format html', () => {
  it('charts each series with its change-point marked at the run where it began, and the segment means', () => {
    const html = renderHistory(report, 'html');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('REGRESSION: the newest run lies after a change for the worse in 1 metric(s)');
    const changed = html.slice(html.indexOf('Metrics with change-points (1)'), html.indexOf('Metrics without change-points'));
    expect(changed).toContain('data-metric="podStartup/nightly/P99"');
    expect(changed.match(/<circle /g)).toHaveLength(8);
    // One marker, at run 5 of 8: the x of its line is that of the fifth dot.
    const marker = /<line class="marker" data-marker="worse \+100(\.0)?% at run-0005" x1="([\d.]+)"/.exec(changed);
    expect(marker, changed).not.toBeNull();
    const dots = [...changed.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => m[1]);
    expect(marker![2]).toBe(dots[4]);
    // Two segment means, the second left out of the legend.
    expect(changed.match(/data-series="segment mean"/g)).toHaveLength(2);
    expect(changed).toContain('also changed there: sim-profile: default -&gt; slow-pods');
    // The steady series is folded away, without a marker.
    const steady = html.slice(html.indexOf('Metrics without change-points (1)'));
    expect(steady).toContain('<details>');
    expect(steady).toContain('data-metric="elapsedTime/nightly"');
    expect(steady).not.toContain('class="marker"');
  });
});
