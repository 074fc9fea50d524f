/**
 * How much a counter grew over a window ending at the query time: its difference between the end
 * and the start, or its whole value for a series born inside the window (it started from 0).
 * Exact where increase() extrapolates, and a new series' first scrape is not lost.
 */
export function windowDelta(selector: string, by: string, rangeSeconds: number): string {
  const now = `sum by (${by}) (${selector})`;
  const before = `sum by (${by}) (${selector} offset ${rangeSeconds}s)`;
  return `(${now} - ${before}) or ${now}`;
}

export function rangeSecondsOf(window: { startMs: number; endMs: number }): number {
  return Math.max(1, Math.ceil((window.endMs - window.startMs) / 1000));
}
