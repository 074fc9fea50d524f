import { nowMs } from '../shared/clock.js';
import { abortReason } from '../shared/sleep.js';

/** kube-burner's defaults when a job's qps or burst is <= 0. */
export const DEFAULT_QPS = 5;
export const DEFAULT_BURST = 10;

export interface BucketOptions {
  /** Tokens per second. <= 0 means DEFAULT_QPS; Infinity means unlimited. */
  qps: number;
  /** Bucket size. <= 0 means DEFAULT_BURST. */
  burst: number;
  /** Clock in ms; injectable for tests. */
  now?: () => number;
}

interface Waiter {
  readyAtMs: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * How long tokens a late release left over stay available to takers coming back: the takers it
 * released (or their successors) ask again within this, unless the bucket has really gone idle.
 */
const CATCH_UP_MS = 10;

/**
 * A token bucket with client-go's semantics (flowcontrol's token bucket is golang.org/x/time/rate):
 * starts full with `burst`, refills continuously at `qps`, holds at most `burst` while nobody
 * waits. A taker that finds no token reserves the next one: the bucket goes negative and the
 * taker's due time is where its token falls on the ideal timeline (the first reservation at t0,
 * the n-th at t0 + n/qps), never computed from the last wake-up. A timer that wakes late releases
 * every waiter already due at once, so a late event loop costs no tokens; nobody is released
 * before their due time, so the tokens granted by any time t never exceed burst + qps x (t - t0).
 * The cap of `burst` applies from the moment the queue empties, not from the last waiter's due
 * time: when the whole queue was overdue (a stalled process), the tokens that came due while the
 * waiters sat in it are kept for takers that come back within CATCH_UP_MS, so a stall is caught up
 * on the ideal timeline instead of lost (x/time/rate would drop them). A cancelled waiter returns its reservation and moves everyone behind it forward.
 */
export class TokenBucket {
  readonly qps: number;
  readonly burst: number;
  private readonly now: () => number;
  private tokens: number;
  private lastMs: number;
  private readonly waiters: Waiter[] = [];
  private head = 0; // index of the first live waiter in `waiters`
  private timer: NodeJS.Timeout | undefined;
  private timerDueMs = 0;
  /** Until when tokens above `burst` (left by a late release) may be taken. */
  private catchUpUntilMs = 0;

  constructor(options: BucketOptions) {
    this.qps = options.qps > 0 ? options.qps : DEFAULT_QPS;
    this.burst = options.burst > 0 ? options.burst : DEFAULT_BURST;
    this.now = options.now ?? nowMs;
    this.tokens = this.burst;
    this.lastMs = this.now();
  }

  /** Waiters queued for a token. */
  get queued(): number {
    return this.waiters.length - this.head;
  }

  /**
   * Takes one token. Returns undefined when one was available right away (no allocation on the
   * fast path), else a promise that resolves when the reserved token is due, or rejects with the
   * signal's reason when cancelled (the reservation is returned).
   */
  take(signal?: AbortSignal): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const now = this.now();
    this.advance(now);
    this.tokens -= 1;
    if (this.tokens >= 0) return undefined;
    const readyAtMs = now + (-this.tokens * 1000) / this.qps;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { readyAtMs, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.cancel(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
      if (this.queued === 1) this.schedule(readyAtMs);
    });
  }

  private advance(now: number): void {
    if (now <= this.lastMs) return;
    const accrued = ((now - this.lastMs) * this.qps) / 1000;
    this.lastMs = now;
    // While takers wait every token of that time is theirs, however late the timer is; so is the
    // surplus a late release left, until it is taken or CATCH_UP_MS passes.
    const owed = this.queued > 0 || (this.tokens > this.burst && now <= this.catchUpUntilMs);
    this.tokens = owed ? this.tokens + accrued : Math.min(this.burst, this.tokens + accrued);
  }

  private schedule(dueMs: number): void {
    if (this.timer !== undefined) {
      if (this.timerDueMs === dueMs) return;
      clearTimeout(this.timer);
    }
    this.timerDueMs = dueMs;
    const delay = Math.max(0, Math.ceil(dueMs - this.now()));
    this.timer = setTimeout(this.release, delay);
  }

  private readonly release = (): void => {
    this.timer = undefined;
    const { waiters } = this;
    const now = this.now();
    this.advance(now);
    while (this.head < waiters.length && waiters[this.head].readyAtMs <= now) {
      const waiter = waiters[this.head++];
      if (waiter.onAbort) waiter.signal!.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (this.tokens > this.burst) this.catchUpUntilMs = now + CATCH_UP_MS;
    this.compact();
    if (this.head < waiters.length) this.schedule(waiters[this.head].readyAtMs);
  };

  private cancel(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter, this.head);
    if (index < 0) return; // already released
    this.waiters.splice(index, 1);
    const step = 1000 / this.qps;
    for (let i = index; i < this.waiters.length; i++) this.waiters[i].readyAtMs -= step;
    this.tokens += 1;
    waiter.reject(abortReason(waiter.signal!));
    this.compact();
    if (this.head < this.waiters.length) this.schedule(this.waiters[this.head].readyAtMs);
    else if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private compact(): void {
    if (this.head === this.waiters.length) {
      this.waiters.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters.splice(0, this.head);
      this.head = 0;
    }
  }
}

/**
 * A FIFO counting semaphore capping requests in flight. Acquire returns undefined when a slot
 * was free (no allocation), else a promise; a cancelled waiter leaves the queue without a slot.
 */
export class ConcurrencySlots {
  private cap: number;
  private inUse = 0;
  private readonly waiters: Array<{ resolve: () => void; signal?: AbortSignal; onAbort?: () => void }> = [];

  constructor(capacity: number) {
    this.cap = capacity > 0 ? capacity : Number.POSITIVE_INFINITY;
  }

  get capacity(): number {
    return this.cap;
  }

  /** Changes the cap: more room wakes waiters at once; less lets requests in flight finish. */
  resize(capacity: number): void {
    this.cap = capacity;
    while (this.inUse < this.cap && this.waiters.length > 0) {
      this.inUse++;
      this.handOver(this.waiters.shift()!);
    }
  }

  get active(): number {
    return this.inUse;
  }

  get queued(): number {
    return this.waiters.length;
  }

  acquire(signal?: AbortSignal): Promise<void> | undefined {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.inUse < this.cap && this.waiters.length === 0) {
      this.inUse++;
      return undefined;
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: { resolve: () => void; signal?: AbortSignal; onAbort?: () => void } = { resolve, signal };
      if (signal) {
        waiter.onAbort = () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    if (this.waiters.length > 0 && this.inUse <= this.cap) {
      // The slot passes straight to the next waiter: inUse stays the same.
      this.handOver(this.waiters.shift()!);
    } else {
      this.inUse--;
    }
  }

  private handOver(next: { resolve: () => void; signal?: AbortSignal; onAbort?: () => void }): void {
    if (next.onAbort) next.signal!.removeEventListener('abort', next.onAbort);
    next.resolve();
  }
}
