import { describe, expect, it } from 'vitest';
import { seriesNoise, studentQuantile } from '../../src/report/diff/series-noise.js';
import { nextRandomState, randomUnit } from '../../src/shared/random.js';

/** Seeded standard normal draws (Box-Muller). */
function normals(seed: number): () => number {
  let state = seed >>> 0;
  const unit = () => {
    state = nextRandomState(state);
    return randomUnit(state);
  };
  return () => Math.sqrt(-2 * Math.log(unit() || 1e-12)) * Math.cos(2 * Math.PI * unit());
}

describe('a candidate run against the noise of a baseline series', () => {
  it("Student's t quantiles match the tables", () => {
    expect(studentQuantile(0.025, 4)).toBeCloseTo(2.776, 3);
    expect(studentQuantile(0.025, 9)).toBeCloseTo(2.262, 3);
    expect(studentQuantile(0.0005, 4)).toBeCloseTo(8.61, 2);
    expect(studentQuantile(0.025, 100_000)).toBeCloseTo(1.96, 2);
  });

  it('a candidate equal to a run of the series is never beyond it, however tight the series', () => {
    const series = [100, 101, 100.5, 99.8, 140];
    for (const v of series) expect(seriesNoise(series, v, 0.05).beyond).toBe(false);
    expect(seriesNoise([5, 5, 5], 5, 0.05).beyond).toBe(false);
  });

  it('is beyond only outside both the series range and its prediction interval', () => {
    expect(seriesNoise([100, 102, 98, 101, 99], 130, 0.05).beyond).toBe(true);
    // Outside the range, inside the prediction interval of a noisy series.
    expect(seriesNoise([100, 120, 80, 110, 90], 125, 0.05).beyond).toBe(false);
    // A flat series: anything off it is beyond its (zero) noise; the diff's tolerance decides whether it matters.
    expect(seriesNoise([5, 5, 5], 6, 0.05).beyond).toBe(true);
  });

  it('false alarms stay under the level asked for, on normal run-to-run noise (measured)', () => {
    const draw = normals(7);
    const trials = 20_000;
    for (const n of [3, 5, 10]) {
      let alarms = 0;
      for (let t = 0; t < trials; t++) {
        const series = Array.from({ length: n }, () => 100 + 10 * draw());
        if (seriesNoise(series, 100 + 10 * draw(), 0.05).beyond) alarms++;
      }
      // The t interval alone errs 5% of the time (exactly, for normal noise); requiring the candidate outside the range too can only lower that.
      // 20,000 trials: the rate is known to about ±0.3%.
      expect(alarms / trials, `n=${n}`).toBeLessThan(0.056);
      expect(alarms / trials, `n=${n}`).toBeGreaterThan(0.02);
    }
  });

  it('finds a +30% shift over 10 runs with 5% noise most of the time (measured)', () => {
    const draw = normals(11);
    let found = 0;
    for (let t = 0; t < 2000; t++) {
      const series = Array.from({ length: 10 }, () => 100 + 5 * draw());
      if (seriesNoise(series, 130 + 5 * draw(), 0.05 / 30).beyond) found++;
    }
    expect(found / 2000).toBeGreaterThan(0.7);
  });
});
