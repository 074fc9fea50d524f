/**
 * The one place burn computes quantiles. From samples, two methods, because the peers differ and
 * burn's documents must match each peer's figures:
 * - nearest rank (ClusterLoader2, used for the SIG SLIs): the value at index ceil(n*q)-1 of the sorted samples;
 * - interpolated rank (kube-burner's podLatency documents): rank r = q*n; a whole r takes the r-th
 *   value, otherwise the mean of the values at floor(r) and floor(r)+1 (1-based); r < 1 takes the smallest.
 * From a histogram (the apiserver's SLI buckets): linear interpolation within the bucket that holds
 * rank q*count, as Prometheus' histogram_quantile.
 *
 * Honesty rule: below MIN_SAMPLES_FOR_P99 samples a P99 cannot be told apart from the largest
 * sample, so it IS the maximum and says so (`p99IsMax`). Every summary carries its sample count.
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

/** Fewer samples than this: the P99 is the maximum (flagged p99IsMax). */
export const MIN_SAMPLES_FOR_P99 = 100;

/** Sorted ascending copy (NaN dropped) and its P50/P90/P99 by nearest rank, for figures that are not a QuantileSummary. */
export function nearestRankFigures(values: ArrayLike<number>): { count: number; p50: number; p90: number; p99: number; max: number; p99IsMax: boolean } | undefined {
  const sorted = sortedSamples(values);
  if (sorted.length === 0) return undefined;
  const max = sorted[sorted.length - 1]!;
  const p99IsMax = sorted.length < MIN_SAMPLES_FOR_P99;
  return { count: sorted.length, p50: nearestRankQuantile(sorted, 0.5), p90: nearestRankQuantile(sorted, 0.9), p99: p99IsMax ? max : nearestRankQuantile(sorted, 0.99), max, p99IsMax };
}

/** P50/90/95/99, min, max, avg of the samples; undefined when there are none. Under 100 samples P99 is the maximum. */
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
  const max = sorted[sorted.length - 1]!;
  const p99IsMax = sorted.length < MIN_SAMPLES_FOR_P99;
  return {
    name,
    clock,
    count: sorted.length,
    p50: quantile(sorted, 0.5, method),
    p90: quantile(sorted, 0.9, method),
    p95: quantile(sorted, 0.95, method),
    p99: p99IsMax ? max : quantile(sorted, 0.99, method),
    ...(p99IsMax ? { p99IsMax } : {}),
    min: sorted[0]!,
    max,
    avg: sum / sorted.length,
  };
}

/**
 * A histogram as per-bucket counts: counts[i] holds samples in (boundsMs[i-1], boundsMs[i]]
 * (the first from 0), and counts[boundsMs.length] those above the last bound. Plain JSON: no
 * Infinity. Histograms with the same bounds merge by adding counts.
 */
export interface BucketHistogram {
  boundsMs: number[];
  counts: number[];
}

/**
 * Prometheus histogram_quantile over a BucketHistogram: the bucket holding rank q*total, linear
 * within it (the first bucket starts at 0). A rank in the overflow bucket answers the last bound,
 * a lower limit. NaN when empty.
 */
export function histogramQuantile(h: BucketHistogram, q: number): number {
  let total = 0;
  for (const c of h.counts) total += c;
  if (total === 0) return NaN;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < h.counts.length; i++) {
    const inBucket = h.counts[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      if (i >= h.boundsMs.length) return h.boundsMs[h.boundsMs.length - 1]!;
      const lower = i === 0 ? 0 : h.boundsMs[i - 1]!;
      const upper = h.boundsMs[i]!;
      return lower + (upper - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return h.boundsMs[h.boundsMs.length - 1]!;
}

/** Upper bound of the highest bucket holding samples: the maximum to within the bucket (the last finite bound when it is the overflow). */
function highestSampleBoundMs(h: BucketHistogram): number {
  for (let i = h.counts.length - 1; i >= 0; i--) if (h.counts[i]! > 0) return h.boundsMs[Math.min(i, h.boundsMs.length - 1)]!;
  return 0;
}

/** A histogram's P99, interpolated; over fewer than MIN_SAMPLES_FOR_P99 samples their maximum (p99IsMax), as every P99 burn grades. */
export function histogramP99(h: BucketHistogram): { count: number; p99: number; p99IsMax: boolean } {
  const count = h.counts.reduce((a, b) => a + b, 0);
  const p99IsMax = count < MIN_SAMPLES_FOR_P99;
  return { count, p99: p99IsMax ? highestSampleBoundMs(h) : histogramQuantile(h, 0.99), p99IsMax };
}

/**
 * Per-bucket counts between two scrapes of a Prometheus histogram's cumulative buckets (upper
 * bound in seconds, +Inf included, each counting at or under it), or of one scrape without
 * `start`; a counter that went down (a restarted server) counts from 0.
 */
export function histogramDifference(start: Map<number, number> | undefined, end: Map<number, number>): BucketHistogram {
  const les = [...end.keys()].sort((a, b) => a - b);
  const reset = start !== undefined && les.some((le) => (end.get(le) ?? 0) < (start.get(le) ?? 0));
  const cumulative = les.map((le) => (end.get(le) ?? 0) - (reset || !start ? 0 : start.get(le) ?? 0));
  const counts = cumulative.map((c, i) => Math.max(0, c - (i > 0 ? cumulative[i - 1]! : 0)));
  const finite = les.filter(Number.isFinite);
  if (finite.length === les.length) counts.push(0); // no +Inf bucket served: nothing above the last bound
  return { boundsMs: finite.map((le) => Math.round(le * 1e6) / 1e3), counts };
}

/** Samples above thresholdMs as a histogram can tell: everything in buckets whose lower bound is at or above it (ClusterLoader2's SlowCount: count minus the bucket at the threshold). */
export function histogramCountAbove(h: BucketHistogram, thresholdMs: number): number {
  let atOrBelow = 0;
  for (let i = 0; i < h.boundsMs.length && h.boundsMs[i]! <= thresholdMs; i++) atOrBelow += h.counts[i]!;
  let total = 0;
  for (const c of h.counts) total += c;
  return total - atOrBelow;
}

/** Fixed log bounds for client-side latencies: 2^(i/4) ms from 1 ms to about 4.4 min (each bucket about 19% wide), so any two runs' histograms merge and compare. */
export const CLIENT_HISTOGRAM_BOUNDS_MS: readonly number[] = Array.from({ length: 73 }, (_, i) => Math.round(2 ** (i / 4) * 1000) / 1000);

/** Counts samples (ms) into the given bounds. */
export function histogramOf(values: ArrayLike<number>, boundsMs: readonly number[] = CLIENT_HISTOGRAM_BOUNDS_MS): BucketHistogram {
  const counts = new Array<number>(boundsMs.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) continue;
    // Binary search: the first bound >= v.
    let lo = 0;
    let hi = boundsMs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (boundsMs[mid]! >= v) hi = mid;
      else lo = mid + 1;
    }
    counts[lo]!++;
  }
  return { boundsMs: [...boundsMs], counts };
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
