import { describe, expect, it } from 'vitest';
import { interpolatedRankQuantile, nearestRankQuantile, SampleBuffer, sortedSamples, summarize } from '../../src/measure/quantiles.js';

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

  it('sorts numerically, not as strings', () => {
    expect(Array.from(sortedSamples([10, 9, 100]))).toEqual([9, 10, 100]);
  });

  it('grows a sample buffer past its capacity', () => {
    const b = new SampleBuffer(2);
    for (let i = 0; i < 5; i++) b.push(i);
    expect(Array.from(b.values())).toEqual([0, 1, 2, 3, 4]);
  });
});
