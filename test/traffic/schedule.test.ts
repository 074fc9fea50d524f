import { describe, expect, it } from 'vitest';
import { arrivals, arrivalsBefore, totalArrivals } from '../../src/traffic/index.js';

describe('the ideal timeline', () => {
  it('holds a constant rate: 1,000 req/s for 10 s is 10,000 arrivals 1 ms apart', () => {
    const stages = [{ durationMs: 10_000, target: 1000 }];
    const all = [...arrivals(1000, stages)];
    expect(all).toHaveLength(10_000);
    expect(totalArrivals(1000, stages)).toBe(10_000);
    all.forEach((a, n) => expect(a.atMs).toBeCloseTo(n, 9));
  });

  it('ramps linearly: 0 -> 100 req/s over 10 s is 500 arrivals, denser at the end', () => {
    const stages = [{ durationMs: 10_000, target: 100 }];
    const all = [...arrivals(0, stages)];
    expect(all).toHaveLength(500);
    // arrival n is due where the integral of the rate, 5 t^2 (t in s), reaches n
    for (const a of all) expect(a.atMs).toBeCloseTo(1000 * Math.sqrt(a.n / 5), 6);
    expect(arrivalsBefore(0, stages, 5000)).toBeCloseTo(125, 9);
  });

  it('puts each arrival in its stage: ramp then hold', () => {
    const stages = [
      { durationMs: 2000, target: 200 },
      { durationMs: 3000, target: 200 },
    ];
    const all = [...arrivals(0, stages)];
    expect(all).toHaveLength(200 + 600);
    expect(all.filter((a) => a.stage === 0)).toHaveLength(200);
    expect(all.filter((a) => a.stage === 1).every((a) => a.atMs >= 2000 && a.atMs < 5000)).toBe(true);
    for (let i = 1; i < all.length; i++) expect(all[i]!.atMs).toBeGreaterThanOrEqual(all[i - 1]!.atMs);
  });

  it('skips a stage at rate 0 and goes on after it', () => {
    const stages = [
      { durationMs: 1000, target: 0 },
      { durationMs: 1000, target: 0 },
      { durationMs: 1000, target: 10 },
    ];
    const all = [...arrivals(10, stages)];
    expect(all).toHaveLength(5 + 5);
    expect(all.slice(5).every((a) => a.stage === 2 && a.atMs >= 2000)).toBe(true);
  });

  it('splits the timeline between agents by completion index: together they are the whole, each arrival once', () => {
    const stages = [{ durationMs: 3000, target: 333 }];
    const whole = [...arrivals(50, stages)];
    const a0 = [...arrivals(50, stages, 0, 3)];
    const a1 = [...arrivals(50, stages, 1, 3)];
    const a2 = [...arrivals(50, stages, 2, 3)];
    const merged = [...a0, ...a1, ...a2].sort((x, y) => x.n - y.n);
    expect(merged).toEqual(whole);
  });
});
