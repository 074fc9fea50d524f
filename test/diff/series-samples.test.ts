import { describe, expect, it } from 'vitest';
import { compareSides } from '../../src/report/diff/compare.js';
import type { RunMetric } from '../../src/report/diff/metrics.js';
import { DEFAULT_RULES } from '../../src/report/diff/rules.js';

// `burn diff --baseline-history`: one candidate run against a series of baseline runs. A figure that
// is a quantile of its run's samples is judged on those samples too, not on the series alone.

function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}

function p99(id: string, values: number[]): RunMetric {
  return { id, label: id, unit: 'ms', direction: 'lower-is-better', value: nearestRank(values, 0.99), samples: { values, q: 0.99 } };
}

/** Six pods' startup latencies per night, spread like the simulator's default profile (deterministic). */
function pods(night: number, shift = 0): number[] {
  return Array.from({ length: 6 }, (_, i) => 700 + ((night * 37 + i * 53) % 6) * 60 + shift);
}

function judge(baseline: RunMetric[], candidate: RunMetric) {
  const compared = compareSides(
    baseline.map((m) => [m]),
    [[candidate]],
    DEFAULT_RULES,
    true,
  );
  return compared.metrics[0]!;
}

describe('a baseline series and the samples of its figures', () => {
  it('a P99 of 2 calls is not enough data, even when 8 flat nights make the series say "beyond"', () => {
    const id = 'apiServer/nightly/LIST deployments (cluster)/server/P99';
    // Seen on CI: 8 nights with both calls in the 50 ms bucket, then a night with one call in the 200 ms one.
    const nights = Array.from({ length: 8 }, () => p99(id, [50, 50]));
    const m = judge(nights, p99(id, [50, 200]));
    expect(m.noise.method).toBe('series');
    expect(m.noise.series).toMatchObject({ low: 50, high: 50, halfWidth: 0 });
    expect(m.verdict, m.reason).toBe('not enough data');
    expect(m.reason).toContain('a quantile of 2 samples');
  });

  it('one stalled pod moves a night\'s P99 beyond the series, but not its pods: unchanged', () => {
    const id = 'podStartup/nightly/P99';
    const nights = Array.from({ length: 8 }, (_, n) => p99(id, pods(n)));
    const stalled = pods(9);
    stalled[0] = 2_600;
    const m = judge(nights, p99(id, stalled));
    // The series alone would call it: the candidate is far outside its range and its prediction interval.
    expect(m.candidate).toBe(2_600);
    expect(m.candidate).toBeGreaterThan(m.noise.series!.high);
    expect(m.candidate - m.noise.series!.mean).toBeGreaterThan(m.noise.series!.halfWidth);
    expect(m.verdict, m.reason).toBe('unchanged');
    expect(m.noise.samples?.method).toBe('mann-whitney');
    expect(m.reason).toContain("on the runs' samples");
  });

  it('a night whose every pod starts 2 s later is a regression on both the series and the samples', () => {
    const id = 'podStartup/nightly/P99';
    const nights = Array.from({ length: 8 }, (_, n) => p99(id, pods(n)));
    const m = judge(nights, p99(id, pods(9, 2_000)));
    expect(m.verdict, m.reason).toBe('regression');
    expect(m.noise).toMatchObject({ method: 'series', samples: { method: 'mann-whitney' } });
    expect(m.noise.samples!.pValue!).toBeLessThan(m.noise.samples!.alpha!);
  });

  it('an SLO margin keeps only its sample count: over 2 calls it is not enough data, over 6 pods the series judges it', () => {
    const margin = (value: number, count: number): RunMetric => ({ id: 'sloMargin/Mutating API call latency/POST deployments (resource)/server', label: 'margin', unit: 'ms', direction: 'higher-is-better', value, count, threshold: 1000, passed: true });
    const few = judge(Array.from({ length: 8 }, () => margin(950, 2)), margin(750, 2));
    expect(few.verdict, few.reason).toBe('not enough data');
    const enough = judge(Array.from({ length: 8 }, () => margin(950, 6)), margin(750, 6));
    expect(enough.verdict, enough.reason).toBe('regression');
    expect(enough.noise.samples).toBeUndefined();
  });
});
