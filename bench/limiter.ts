/**
 * Token bucket accuracy: achieved vs configured qps, and the worst 100 ms windows, with as many
 * concurrent takers as the request path has slots. Run: npx vite-node bench/limiter.main.ts
 */
import { TokenBucket } from '../src/kube/limiter.js';
import { nowMs } from '../src/shared/clock.js';

export interface LimiterFigure {
  qps: number;
  burst: number;
  durationMs: number;
  /** Tokens granted after the initial burst, per second. */
  achievedQps: number;
  /** (achieved - configured) / configured, in percent. */
  errorPct: number;
  /** Fewest and most tokens granted in any 100 ms window after the initial burst (expected qps / 10). */
  min100ms: number;
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
  const steady = grants.slice(burst);
  const steadyStart = start;
  // rate between the first and last steady grants: no off-by-one from where the run's window cuts
  const achievedQps = steady.length > 1 ? ((steady.length - 1) / (steady[steady.length - 1] - steady[0])) * 1000 : 0;
  // sliding 100 ms windows starting at each steady grant that has a full window after it
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let j = 0;
  for (let i = 0; i < steady.length; i++) {
    if (steady[i] + 100 > end || steady[i] < steadyStart + 1) continue;
    if (j < i) j = i;
    while (j < steady.length && steady[j] < steady[i] + 100) j++;
    const count = j - i;
    if (count < min) min = count;
    if (count > max) max = count;
  }
  return {
    qps,
    burst,
    durationMs,
    achievedQps: Math.round(achievedQps * 100) / 100,
    errorPct: Math.round(((achievedQps - qps) / qps) * 10_000) / 100,
    min100ms: Number.isFinite(min) ? min : 0,
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
