import { describe, expect, it } from 'vitest';
import { bootstrapQuantileDifference } from '../../src/report/diff/bootstrap.js';
import { seededRandom } from '../../src/shared/random.js';
import { mannWhitneyP } from '../../src/report/diff/rank-test.js';
import { DEFAULT_RULES, parseRules, toleranceFor } from '../../src/report/diff/rules.js';

const options = { resamples: 1000, seed: 1, confidence: 0.95 };

function normal(random: () => number, mean: number, sd: number): number {
  const u = 1 - random();
  return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function draw(seed: number, n: number, mean: number, sd: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => normal(random, mean, sd));
}

describe('bootstrapQuantileDifference', () => {
  it('is deterministic for a seed', () => {
    const a = draw(1, 200, 1000, 100);
    const b = draw(2, 200, 1000, 100);
    expect(bootstrapQuantileDifference([a], [b], [0.5, 0.99], options)).toEqual(bootstrapQuantileDifference([a], [b], [0.5, 0.99], options));
  });

  it('covers the true difference of medians about 95% of the time', () => {
    let covered = 0;
    const trials = 60;
    for (let t = 0; t < trials; t++) {
      const [interval] = bootstrapQuantileDifference([draw(100 + t, 150, 1000, 100)], [draw(500 + t, 150, 1050, 100)], [0.5], { ...options, resamples: 400, seed: t });
      if (interval!.low <= 50 && interval!.high >= 50) covered++;
    }
    // 95% nominal; a bootstrap of a median on 150 samples is close to it
    expect(covered / trials).toBeGreaterThan(0.85);
  });

  it('excludes 0 for a real shift and includes it for none', () => {
    const base = draw(1, 300, 1500, 150);
    const [shifted] = bootstrapQuantileDifference([base], [draw(2, 300, 8000, 800)], [0.99], options);
    expect(shifted!.low).toBeGreaterThan(5000);
    const [same] = bootstrapQuantileDifference([base], [draw(3, 300, 1500, 150)], [0.99], options);
    expect(same!.low).toBeLessThan(0);
    expect(same!.high).toBeGreaterThan(0);
  });

  it('widens with run-to-run noise: runs that each sit elsewhere are not many pods of one run', () => {
    // three runs per side whose medians differ by +-300 ms from run to run, 100 pods each
    const runs = (seed: number) => [-300, 0, 300].map((offset, i) => draw(seed + i, 100, 1500 + offset, 50));
    const base = runs(10);
    const cand = runs(20).map((r) => r.map((v) => v + 150));
    const [hierarchical] = bootstrapQuantileDifference(base, cand, [0.5], options);
    const [pooled] = bootstrapQuantileDifference([base.flat()], [cand.flat()], [0.5], options);
    expect(hierarchical!.high - hierarchical!.low).toBeGreaterThan(2 * (pooled!.high - pooled!.low));
    expect(hierarchical!.low).toBeLessThan(0);
  });
});

describe('mannWhitneyP', () => {
  it('matches the normal approximation for fully separated samples and is 1 for identical ones', () => {
    // U = 0, mean 12.5, variance 25 * 11 / 12: z = 12 / 4.787 = 2.507, p = 0.0122
    expect(mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(0.0122, 3);
    expect(mannWhitneyP([6, 7, 8, 9, 10], [1, 2, 3, 4, 5])).toBeCloseTo(0.0122, 3);
    expect(mannWhitneyP([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(mannWhitneyP([5, 5, 5], [5, 5, 5])).toBe(1);
    expect(mannWhitneyP([], [1])).toBe(1);
  });

  it('rejects draws of one distribution about 5% of the time', () => {
    let rejected = 0;
    for (let t = 0; t < 200; t++) if (mannWhitneyP(draw(1000 + t, 30, 100, 10), draw(2000 + t, 30, 100, 10)) < 0.05) rejected++;
    expect(rejected / 200).toBeLessThan(0.1);
    expect(mannWhitneyP(draw(1, 30, 100, 10), draw(2, 30, 115, 10))).toBeLessThan(0.001);
  });
});

describe('diff rules', () => {
  it('has defaults per metric kind, and user rules win in order', () => {
    expect(toleranceFor('podStartup/job/P99', DEFAULT_RULES)).toMatchObject({ percent: 10, absolute: 100 });
    expect(toleranceFor('apiLatency/job/GET pods (namespace)/P99', DEFAULT_RULES)).toMatchObject({ percent: 30, absolute: 100 });
    const rules = parseRules('r.yaml', 'tolerances:\n  - match: "podLatency/*/Ready/*"\n    percent: 3\n  - match: "podLatency/*"\n    percent: 50\n');
    expect(toleranceFor('podLatency/job/Ready/P99', rules).percent).toBe(3);
    expect(toleranceFor('podLatency/job/PodScheduled/P99', rules).percent).toBe(50);
    expect(toleranceFor('achievedQps/job', rules).percent).toBe(25);
  });

  it('reads an empty file as the defaults and rejects values out of range with the line', () => {
    expect(parseRules('r.yaml', '')).toEqual(DEFAULT_RULES);
    expect(() => parseRules('r.yaml', 'seed: 1\nconfidence: 95\n')).toThrow('r.yaml:2: confidence: must be a fraction between 0 and 1, e.g. 0.95, not 95');
    expect(() => parseRules('r.yaml', 'tolerances:\n  - percent: 5\n')).toThrow('r.yaml:2: tolerances.0.match: must be a metric id pattern');
    expect(() => parseRules('r.yaml', 'tolerances: [\n')).toThrow(/^r\.yaml:\d+: /);
  });
});
