/**
 * The least time a sequence of requests and pauses can take through a client-go style token bucket:
 * it starts full with `burst` tokens and refills continuously at `qps`; each request takes one token.
 * Whole batches are handled at once, so a million requests cost one step, not a million.
 */
export class TokenBucketClock {
  private tokens: number;
  /** Elapsed ms since the first request. */
  elapsedMs = 0;
  requests = 0;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Sends `count` requests as fast as the bucket allows. */
  send(count: number): void {
    if (count <= 0) return;
    this.requests += count;
    if (this.tokens >= count) {
      this.tokens -= count;
      return;
    }
    this.elapsedMs += ((count - this.tokens) / this.qps) * 1000;
    this.tokens = 0;
  }

  /** Waits `ms` without sending; the bucket refills meanwhile. */
  pause(ms: number): void {
    if (ms <= 0) return;
    this.elapsedMs += ms;
    this.tokens = Math.min(this.burst, this.tokens + (ms / 1000) * this.qps);
  }
}
