import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/shared/random.js';
import { bestSplit, changePoints, DEFAULT_CHANGE_POINT_OPTIONS, type ChangePointOptions } from '../../../src/report/history/index.js';

// Synthetic series with known truth, judged with burn's defaults (999 shuffles, p <= 0.01, segments
// of 3). The rates below are measured over many seeded series, so a change to the method that makes
// it noisier or blinder fails here, with the rate it reached; the README states them.

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

/** A change counts when it exceeds `percent` of the value before it (burn uses each metric's diff tolerance). */
function options(percent = 10, overrides: Partial<ChangePointOptions> = {}): ChangePointOptions {
  return {
    ...DEFAULT_CHANGE_POINT_OPTIONS,
    largeEnough: (before, after) => Math.abs(after - before) > (percent / 100) * Math.abs(before),
    ...overrides,
  };
}

function noisy(random: () => number, n: number, cv: number, shape: (i: number) => number = () => 1): number[] {
  return Array.from({ length: n }, (_, i) => 100 * shape(i) * (1 + cv * gaussian(random)));
}

function rate(trials: number, seed: number, trial: (random: () => number) => boolean): number {
  const random = seededRandom(seed);
  let hits = 0;
  for (let t = 0; t < trials; t++) if (trial(random)) hits++;
  if (process.env.BURN_TEST_PRINT_RATES) console.log(`rate over ${trials} series (seed ${seed}): ${hits / trials}`);
  return hits / trials;
}

describe('E-divisive means change-points', () => {
  it('finds a clean step exactly where it begins', () => {
    const series = [10, 10, 10, 10, 10, 10, 10, 10, 15, 15, 15, 15];
    const found = changePoints(series, options());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ index: 8, before: 10, after: 15 });
    // Every shuffle that keeps the four high values together at one end scores as high: 2 of C(12,4) = 495 arrangements.
    expect(found[0]!.pValue).toBeLessThan(0.02);
  });

  it('the best split of a step is the step', () => {
    expect(bestSplit([1, 1, 1, 1, 1, 9, 9, 9], 3)?.tau).toBe(5);
    expect(bestSplit([1, 2, 3, 4, 5], 3)).toBeUndefined();
  });

  it('a step of +30% with 5% noise in the last 4 of 12 runs: found, once, at the step, in 84.5% of series (4 runs after a step bound the permutation p-value near 0.004)', () => {
    const exact = rate(200, 7, (random) => {
      const series = noisy(random, 12, 0.05, (i) => (i >= 8 ? 1.3 : 1));
      const found = changePoints(series, options());
      return found.length === 1 && found[0]!.index === 8;
    });
    expect(exact).toBeGreaterThanOrEqual(0.8);
    // With 6 runs after the step the same shift is found nearly always.
    const longer = rate(100, 8, (random) => {
      const found = changePoints(noisy(random, 14, 0.05, (i) => (i >= 8 ? 1.3 : 1)), options());
      return found.length === 1 && found[0]!.index === 8;
    });
    expect(longer).toBeGreaterThanOrEqual(0.95);
  });

  it('pure noise (12 and 40 runs, 10% noise): a change-point in at most 2% of series (measured 0.3% and 0.7%)', () => {
    for (const n of [12, 40]) {
      const falseAlarms = rate(300, n, (random) => changePoints(noisy(random, n, 0.1), options()).length > 0);
      expect(falseAlarms, `${n} runs`).toBeLessThanOrEqual(0.02);
    }
  });

  it('pure noise without a minimum magnitude: the permutation test alone errs near its level (at most 3% of 12-run series)', () => {
    const falseAlarms = rate(300, 112, (random) => changePoints(noisy(random, 12, 0.1), options(0)).length > 0);
    expect(falseAlarms).toBeLessThanOrEqual(0.03);
  });

  it('one outlier night (3x) in 20 runs is not a change-point', () => {
    const falseAlarms = rate(200, 3, (random) => {
      const series = noisy(random, 20, 0.05);
      series[11] = series[11]! * 3;
      return changePoints(series, options()).length > 0;
    });
    expect(falseAlarms).toBeLessThanOrEqual(0.03);
  });

  it('a shift inside the tolerance is not reported, however significant', () => {
    const series = [100, 100, 100, 100, 100, 100, 105, 105, 105, 105, 105, 105];
    expect(changePoints(series, options(10))).toEqual([]);
    expect(changePoints(series, options(1))).toHaveLength(1);
  });

  it('a slow ramp (+2% a run over 20 runs) is reported as one or more changes for the worse, never as better', () => {
    const series = Array.from({ length: 20 }, (_, i) => 100 * (1 + 0.02 * i));
    const found = changePoints(series, options());
    expect(found.length).toBeGreaterThanOrEqual(1);
    for (const c of found) expect(c.after).toBeGreaterThan(c.before);
    // With 5% noise on top: found in at least 95% of series (measured 99.3% of 1,000), never as a change for the better.
    const seen = { worse: 0, better: 0 };
    rate(100, 5, (random) => {
      const changes = changePoints(noisy(random, 20, 0.05, (i) => 1 + 0.02 * i), options());
      if (changes.length && changes.every((c) => c.after > c.before)) seen.worse++;
      if (changes.some((c) => c.after < c.before)) seen.better++;
      return false;
    });
    expect(seen.worse / 100).toBeGreaterThanOrEqual(0.95);
    expect(seen.better).toBe(0);
  });

  it('a bump (a regression later undone) is two change-points', () => {
    const series = [...Array(6).fill(10), ...Array(6).fill(20), ...Array(6).fill(10)];
    expect(changePoints(series, options()).map((c) => c.index)).toEqual([6, 12]);
  });

  it('two steps are both found', () => {
    const series = [...Array(6).fill(10), ...Array(6).fill(20), ...Array(6).fill(12)];
    expect(changePoints(series, options()).map((c) => c.index)).toEqual([6, 12]);
  });

  it('is deterministic: the same series gives the same answer', () => {
    const random = seededRandom(11);
    const series = noisy(random, 30, 0.1, (i) => (i >= 20 ? 1.25 : 1));
    expect(changePoints(series, options())).toEqual(changePoints(series, options()));
  });
});
