/**
 * The one place burn computes quantiles. Two methods, because the peers differ and burn's
 * documents must match each peer's figures:
 * - nearest rank (ClusterLoader2, used for the SIG SLIs): the value at index ceil(n*q)-1 of the sorted samples;
 * - interpolated rank (kube-burner's podLatency documents): rank r = q*n; a whole r takes the r-th
 *   value, otherwise the mean of the values at floor(r) and floor(r)+1 (1-based); r < 1 takes the smallest.
 */
import type { LatencyClock, QuantileSummary } from './types.js';

export type QuantileMethod = 'nearestRank' | 'interpolatedRank';

/** q in (0, 1]; `sorted` ascending and non-empty. */
export function nearestRankQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const index = Math.min(n - 1, Math.max(0, Math.ceil(n * q) - 1));
  return sorted[index]!;
}

/** q in (0, 1]; `sorted` ascending and non-empty. */
export function interpolatedRankQuantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 1) return sorted[0]!;
  const rank = q * n;
  const whole = Math.floor(rank);
  if (rank === whole) return sorted[Math.max(0, whole - 1)]!;
  if (whole < 1) return sorted[0]!;
  return (sorted[whole - 1]! + sorted[Math.min(n - 1, whole)]!) / 2;
}

export function quantile(sorted: ArrayLike<number>, q: number, method: QuantileMethod): number {
  return method === 'nearestRank' ? nearestRankQuantile(sorted, q) : interpolatedRankQuantile(sorted, q);
}

/** Ascending copy as a Float64Array (numeric sort, no boxing). NaN values are dropped. */
export function sortedSamples(values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) out[n++] = v;
  }
  return out.subarray(0, n).sort();
}

/** P50/90/95/99, min, max, avg of the samples; undefined when there are none. */
export function summarize(
  name: string,
  values: ArrayLike<number>,
  clock: LatencyClock,
  method: QuantileMethod,
): QuantileSummary | undefined {
  const sorted = sortedSamples(values);
  if (sorted.length === 0) return undefined;
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    name,
    clock,
    count: sorted.length,
    p50: quantile(sorted, 0.5, method),
    p90: quantile(sorted, 0.9, method),
    p95: quantile(sorted, 0.95, method),
    p99: quantile(sorted, 0.99, method),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    avg: sum / sorted.length,
  };
}

/** A growable Float64 column: samples without per-number allocations. */
export class SampleBuffer {
  private data: Float64Array;
  private size = 0;

  constructor(initialCapacity = 64) {
    this.data = new Float64Array(initialCapacity);
  }

  push(value: number): void {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = value;
  }

  get length(): number {
    return this.size;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.size);
  }
}
