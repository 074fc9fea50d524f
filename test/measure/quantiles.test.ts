import { describe, expect, it } from 'vitest';
import { CLIENT_HISTOGRAM_BOUNDS_MS, histogramCountAbove, histogramOf, histogramQuantile, interpolatedRankQuantile, nearestRankQuantile, SampleBuffer, sortedSamples, summarize } from '../../src/measure/quantiles.js';

const oneToHundred = Float64Array.from({ length: 100 }, (_, i) => i + 1);

describe('quantiles', () => {
  it('nearest rank takes the value at ceil(n*q)-1 (ClusterLoader2)', () => {
    expect(nearestRankQuantile(oneToHundred, 0.5)).toBe(50);
    expect(nearestRankQuantile(oneToHundred, 0.99)).toBe(99);
    expect(nearestRankQuantile([1, 2, 3], 0.5)).toBe(2);
    expect(nearestRankQuantile([1, 2, 3], 0.99)).toBe(3);
    expect(nearestRankQuantile([7], 0.01)).toBe(7);
  });

  it('interpolated rank averages neighbours when q*n is fractional (kube-burner)', () => {
    expect(interpolatedRankQuantile(oneToHundred, 0.5)).toBe(50);
    expect(interpolatedRankQuantile([1, 2, 3], 0.5)).toBe(1.5); // rank 1.5 -> mean of the 1st and 2nd values
    expect(interpolatedRankQuantile([10, 20, 30, 40], 0.99)).toBe(35); // rank 3.96 -> mean(c[2], c[3])
    expect(interpolatedRankQuantile([10, 20, 30, 40], 0.1)).toBe(10); // rank below 1
  });

  it('summarizes samples, dropping NaN, with min/max/avg', () => {
    const s = summarize('x', [5, NaN, 1, 3], 'watch-ms', 'nearestRank')!;
    expect(s).toMatchObject({ name: 'x', clock: 'watch-ms', count: 3, min: 1, max: 5, avg: 3, p50: 3, p99: 5 });
    expect(summarize('none', [NaN], 'watch-ms', 'nearestRank')).toBeUndefined();
  });

  it('states the sample count, and under 100 samples the P99 is the maximum, flagged', () => {
    const few = summarize('few', [10, 20, 30, 40], 'server-s', 'interpolatedRank')!;
    expect(few).toMatchObject({ count: 4, p99: 40, max: 40, p99IsMax: true });
    const many = summarize('many', oneToHundred, 'server-s', 'interpolatedRank')!;
    expect(many.count).toBe(100);
    expect(many.p99IsMax).toBeUndefined();
    expect(many.p99).toBe(99);
  });

  it('interpolates within the bucket like histogram_quantile, and counts what lies above a threshold', () => {
    // 100 calls: 50 in (0, 100], 40 in (100, 200], 10 in (200, 1000].
    const h = { boundsMs: [100, 200, 1000], counts: [50, 40, 10, 0] };
    expect(histogramQuantile(h, 0.5)).toBe(100);
    expect(histogramQuantile(h, 0.7)).toBeCloseTo(150);
    expect(histogramQuantile(h, 0.99)).toBeCloseTo(200 + 800 * 0.9);
    expect(histogramCountAbove(h, 200)).toBe(10);
    expect(histogramCountAbove(h, 150)).toBe(50); // no bound at 150: the bucket at or under it is 100
    // A rank in the overflow bucket answers the last bound, a lower limit.
    expect(histogramQuantile({ boundsMs: [100], counts: [1, 99] }, 0.99)).toBe(100);
    expect(histogramQuantile({ boundsMs: [100], counts: [0, 0] }, 0.5)).toBeNaN();
  });

  it('counts client samples into fixed log buckets that merge between runs', () => {
    const h = histogramOf([0.5, 1, 1.1, 10, 1e9]);
    expect(h.boundsMs).toEqual([...CLIENT_HISTOGRAM_BOUNDS_MS]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(h.counts[0]).toBe(2); // 0.5 and 1 are at or under the first bound, 1 ms
    expect(h.counts[h.counts.length - 1]).toBe(1); // above the last bound
    const p50 = histogramQuantile(histogramOf(oneToHundred), 0.5);
    expect(Math.abs(p50 - 50) / 50).toBeLessThan(0.2); // within one bucket (about 19%)
  });

  it('sorts numerically, not as strings', () => {
    expect(Array.from(sortedSamples([10, 9, 100]))).toEqual([9, 10, 100]);
  });

  it('grows a sample buffer past its capacity', () => {
    const b = new SampleBuffer(2);
    for (let i = 0; i < 5; i++) b.push(i);
    expect(Array.from(b.values())).toEqual([0, 1, 2, 3, 4]);
  });
});
