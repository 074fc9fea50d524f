/**
 * Latency histograms: HdrHistogram (hdr-histogram-js, the HdrHistogram project's own port, which
 * autocannon uses too): values recorded in microseconds with 3 significant digits, so every
 * percentile is exact to 0.1%, and histograms merge exactly (counts add), which is how agents'
 * results combine. Percentiles are never averaged.
 */
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

export type { Histogram } from 'hdr-histogram-js';

/**
 * 1 µs to 1 h, auto-resizing beyond, 32-bit counts (about 100 KB, 0.1 µs a value). A recorder
 * keeps only a few live (src/traffic/recorder.ts); the rest are stored encoded, and decoded one
 * at a time to read them.
 */
export function newHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 32, autoResize: true });
}

export function recordMs(h: Histogram, ms: number): void {
  h.recordValue(Math.max(1, Math.round(ms * 1000)));
}

export function encodeHistogram(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

export function decodeHistogram(text: string): Histogram {
  return decodeFromCompressedBase64(text, 32);
}

/** The sum of encoded histograms, encoded (exact: counts add). */
export function mergeEncoded(encoded: readonly string[]): string {
  const total = newHistogram();
  for (const e of encoded) total.add(decodeHistogram(e));
  return encodeHistogram(total);
}

export interface LatencyFigures {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  'p99.9': number;
  min: number;
  max: number;
  avg: number;
}

/** The figures users read, in ms (0 for an empty histogram). */
export function latencyFigures(h: Histogram): LatencyFigures {
  const at = (p: number) => (h.totalCount ? h.getValueAtPercentile(p) / 1000 : 0);
  return {
    count: h.totalCount,
    p50: at(50),
    p90: at(90),
    p95: at(95),
    p99: at(99),
    'p99.9': at(99.9),
    min: h.totalCount ? h.minNonZeroValue / 1000 : 0,
    // The top of the highest bucket: the same for a histogram and for the merge of its parts.
    max: at(100),
    avg: h.totalCount ? h.mean / 1000 : 0,
  };
}
