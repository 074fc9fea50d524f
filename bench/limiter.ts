/**
 * Token bucket accuracy: achieved vs configured qps on the ideal timeline, how far any grant came ahead
 * of it, and the busiest 100 ms window, with as many
 * concurrent takers as the request path has slots. Run: npx vite-node bench/limiter.main.ts
 */
import { TokenBucket } from '../src/kube/limiter.js';
import { nowMs } from '../src/shared/clock.js';

export interface LimiterFigure {
  qps: number;
  burst: number;
  durationMs: number;
  /** Tokens granted beyond the initial burst, per second from the start to the last grant. */
  achievedQps: number;
  /** (achieved - configured) / configured, in percent. */
  errorPct: number;
  /**
   * Most tokens any grant came ahead of the ideal timeline (burst + qps x elapsed): 0 or less for a
   * bucket that never banks beyond its burst, however it catches up after a stall.
   */
  aheadTokens: number;
  /** Most tokens granted in any 100 ms window (catch-up after a stall shows here; informative). */
  max100ms: number;
}

async function measure(qps: number, burst: number, durationMs: number, takers: number): Promise<LimiterFigure> {
  const bucket = new TokenBucket({ qps, burst });
  const grants: number[] = [];
  const start = nowMs();
  const end = start + durationMs;
  let stop = false;
  async function taker(): Promise<void> {
    while (!stop) {
      const wait = bucket.take();
      if (wait) await wait;
      const t = nowMs();
      if (t > end) {
        stop = true;
        return;
      }
      grants.push(t);
      // a request's own time: yield to the event loop like a real send would
      if (!wait) await Promise.resolve();
    }
  }
  await Promise.all(Array.from({ length: takers }, taker));
  const last = grants[grants.length - 1] ?? start;
  // against the ideal timeline from the start: a late wake-up that catches up costs nothing, a lost token shows
  const achievedQps = last > start ? ((grants.length - burst) / (last - start)) * 1000 : 0;
  let ahead = Number.NEGATIVE_INFINITY;
  let max = 0;
  let j = 0;
  for (let i = 0; i < grants.length; i++) {
    ahead = Math.max(ahead, i + 1 - burst - ((grants[i] - start) * qps) / 1000);
    if (grants[i] + 100 > end) continue;
    if (j < i) j = i;
    while (j < grants.length && grants[j] < grants[i] + 100) j++;
    max = Math.max(max, j - i);
  }
  return {
    qps,
    burst,
    durationMs,
    achievedQps: Math.round(achievedQps * 100) / 100,
    errorPct: Math.round(((achievedQps - qps) / qps) * 10_000) / 100,
    aheadTokens: Math.round(ahead * 100) / 100,
    max100ms: max,
  };
}

/** Achieved vs configured qps at 5, 50, 500 and 5,000 qps, burst 1 and burst = qps. */
export async function benchLimiter(options: { durationMs?: number; takers?: number } = {}): Promise<LimiterFigure[]> {
  const durationMs = options.durationMs ?? 3000;
  const takers = options.takers ?? 100;
  const figures: LimiterFigure[] = [];
  for (const qps of [5, 50, 500, 5000]) {
    for (const burst of [1, qps]) figures.push(await measure(qps, burst, durationMs, takers));
  }
  return figures;
}
