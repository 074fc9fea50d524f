import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencySlots, TokenBucket } from '../../src/kube/limiter.js';

/** Takes from the bucket; records when (fake clock) each take was granted, in grant order. */
function taker(bucket: TokenBucket, grants: Array<[string, number]>, id: string, signal?: AbortSignal): Promise<void> {
  const wait = bucket.take(signal);
  if (!wait) {
    grants.push([id, Date.now()]);
    return Promise.resolve();
  }
  return wait.then(() => void grants.push([id, Date.now()]));
}

describe('TokenBucket', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts full: burst tokens are granted at once, the next one waits', () => {
    const bucket = new TokenBucket({ qps: 10, burst: 5, now: Date.now });
    for (let i = 0; i < 5; i++) expect(bucket.take()).toBeUndefined();
    const next = bucket.take();
    expect(next).toBeInstanceOf(Promise);
    expect(bucket.queued).toBe(1);
  });

  it('refills continuously at qps and never beyond burst', () => {
    const bucket = new TokenBucket({ qps: 10, burst: 3, now: Date.now });
    for (let i = 0; i < 3; i++) bucket.take();
    vi.advanceTimersByTime(250); // 2.5 tokens
    expect(bucket.take()).toBeUndefined();
    expect(bucket.take()).toBeUndefined();
    expect(bucket.take()).toBeInstanceOf(Promise);

    const idle = new TokenBucket({ qps: 100, burst: 2, now: Date.now });
    vi.advanceTimersByTime(10_000); // a long idle time still leaves only `burst`
    expect(idle.take()).toBeUndefined();
    expect(idle.take()).toBeUndefined();
    expect(idle.take()).toBeInstanceOf(Promise);
  });

  it('releases waiters in FIFO order, one every 1/qps', async () => {
    const bucket = new TokenBucket({ qps: 10, burst: 1, now: Date.now });
    const start = Date.now();
    const grants: Array<[string, number]> = [];
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => taker(bucket, grants, id));
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(all);
    expect(grants.map(([id]) => id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(grants.map(([, t]) => t - start)).toEqual([0, 100, 200, 300, 400]);
  });

  it('keeps the configured rate when the timer fires late (reserved tokens are not lost to the cap)', async () => {
    const bucket = new TokenBucket({ qps: 1000, burst: 1, now: Date.now });
    const grants: Array<[string, number]> = [];
    const all = Array.from({ length: 50 }, (_, i) => taker(bucket, grants, String(i)));
    // One big jump: every waiter whose token is due by then is released together.
    await vi.advanceTimersByTimeAsync(25);
    expect(grants.length).toBe(26); // the first at once, then one per ms
    await vi.advanceTimersByTimeAsync(100);
    await Promise.all(all);
    expect(grants.length).toBe(50);
  });

  it('schedules against the ideal timeline: a late timer releases every waiter already due, none early', async () => {
    // The bucket's clock and the timers are separate, so a timer can fire late as on a busy machine.
    let clock = 0;
    const bucket = new TokenBucket({ qps: 1000, burst: 1, now: () => clock });
    const granted: number[] = [];
    const all = Array.from({ length: 10 }, (_, i) => {
      const wait = bucket.take();
      if (!wait) return void granted.push(i);
      return wait.then(() => void granted.push(i));
    });
    expect(granted).toEqual([0]); // the burst; the rest are due at 1, 2, ..., 9 ms
    clock = 4.5; // the timer (due at 1 ms) wakes 3.5 ms late
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toEqual([0, 1, 2, 3, 4]); // due at 1..4 ms: all released together, the one due at 5 is not
    clock = 4.99;
    await vi.advanceTimersByTimeAsync(1); // fires before 5 ms on the bucket's clock: nothing early
    expect(granted).toHaveLength(5);
    clock = 9;
    await vi.advanceTimersByTimeAsync(5);
    await Promise.all(all);
    expect(granted).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('catches up a stall longer than the queue: takers coming back get the tokens due meanwhile, never more', async () => {
    let clock = 0;
    const bucket = new TokenBucket({ qps: 1000, burst: 1, now: () => clock });
    expect(bucket.take()).toBeUndefined(); // the burst, at t0 = 0
    const queued = [bucket.take()!, bucket.take()!]; // due at 1 and 2 ms
    clock = 50; // the process stalled: both are long overdue, and 48 more tokens came due meanwhile
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(queued);
    // the takers come back at once: the ideal timeline allows 1 + 50 grants by t = 50 ms; 3 are out
    let immediate = 0;
    while (bucket.take() === undefined) immediate++;
    expect(immediate).toBe(48);
    expect(bucket.queued).toBe(1); // the next one waits for its own time on the timeline, 51 ms
  });

  it('keeps client-go semantics while idle: after a stall nobody came back for, at most burst tokens', async () => {
    let clock = 0;
    const bucket = new TokenBucket({ qps: 1000, burst: 3, now: () => clock });
    for (let i = 0; i < 3; i++) bucket.take();
    const waiting = bucket.take()!; // due at 1 ms
    clock = 40; // released 39 ms late: 39 tokens owed to whoever comes back within the catch-up time
    await vi.advanceTimersByTimeAsync(1);
    await waiting;
    clock = 1000; // nobody did: the bucket went idle, and an idle bucket holds `burst`
    expect(bucket.take()).toBeUndefined();
    expect(bucket.take()).toBeUndefined();
    expect(bucket.take()).toBeUndefined();
    expect(bucket.take()).toBeInstanceOf(Promise);
  });

  it('an on-time release leaves nothing to catch up: burst 1 never banks a second token', async () => {
    let clock = 0;
    const bucket = new TokenBucket({ qps: 100, burst: 1, now: () => clock });
    bucket.take();
    const waiting = bucket.take()!; // due at 10 ms
    clock = 10;
    await vi.advanceTimersByTimeAsync(10);
    await waiting;
    clock = 500;
    expect(bucket.take()).toBeUndefined();
    expect(bucket.take()).toBeInstanceOf(Promise);
  });

  it('a cancelled waiter rejects, returns its token and moves the queue forward', async () => {
    const bucket = new TokenBucket({ qps: 10, burst: 1, now: Date.now });
    const start = Date.now();
    const grants: Array<[string, number]> = [];
    expect(bucket.take()).toBeUndefined();
    const controller = new AbortController();
    const a = taker(bucket, grants, 'a');
    const b = taker(bucket, grants, 'b', controller.signal);
    const c = taker(bucket, grants, 'c');
    controller.abort(new Error('job cancelled'));
    await expect(b).rejects.toThrow('job cancelled');
    expect(bucket.queued).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all([a, c]);
    expect(grants).toEqual([
      ['a', start + 100],
      ['c', start + 200],
    ]);
  });

  it('cancelling the only waiter leaves the token for the next taker', async () => {
    const bucket = new TokenBucket({ qps: 10, burst: 1, now: Date.now });
    bucket.take();
    const controller = new AbortController();
    const waiting = bucket.take(controller.signal)!;
    controller.abort();
    await expect(waiting).rejects.toThrow();
    vi.advanceTimersByTime(100);
    expect(bucket.take()).toBeUndefined();
  });

  it('an already aborted signal rejects without taking a token', async () => {
    const bucket = new TokenBucket({ qps: 1, burst: 1, now: Date.now });
    await expect(bucket.take(AbortSignal.abort())!).rejects.toThrow();
    expect(bucket.take()).toBeUndefined();
  });

  it('qps or burst <= 0 mean kube-burner defaults 5 and 10', () => {
    const bucket = new TokenBucket({ qps: 0, burst: -1, now: Date.now });
    expect(bucket.qps).toBe(5);
    expect(bucket.burst).toBe(10);
  });
});

describe('ConcurrencySlots', () => {
  it('caps requests in flight and hands slots over in FIFO order', async () => {
    const slots = new ConcurrencySlots(2);
    expect(slots.acquire()).toBeUndefined();
    expect(slots.acquire()).toBeUndefined();
    const order: string[] = [];
    const third = slots.acquire()!.then(() => order.push('third'));
    const fourth = slots.acquire()!.then(() => order.push('fourth'));
    expect(slots.queued).toBe(2);
    slots.release();
    await third;
    expect(order).toEqual(['third']);
    expect(slots.active).toBe(2);
    slots.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    slots.release();
    slots.release();
    expect(slots.active).toBe(0);
  });

  it('a cancelled waiter leaves the queue without a slot', async () => {
    const slots = new ConcurrencySlots(1);
    slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal)!;
    controller.abort();
    await expect(waiting).rejects.toThrow();
    expect(slots.queued).toBe(0);
    slots.release();
    expect(slots.active).toBe(0);
    expect(slots.acquire()).toBeUndefined();
  });

  it('grows and shrinks: more room lets waiters in at once, less lets requests in flight finish', async () => {
    const slots = new ConcurrencySlots(1);
    slots.acquire();
    const order: string[] = [];
    const a = slots.acquire()!.then(() => order.push('a'));
    const b = slots.acquire()!.then(() => order.push('b'));
    slots.resize(3);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(slots.active).toBe(3);
    slots.resize(1);
    const c = slots.acquire()!.then(() => order.push('c'));
    slots.release(); // 2 in flight: still above the new cap, the waiter stays
    expect(slots.active).toBe(2);
    slots.release();
    slots.release(); // now below it: c gets the slot
    await c;
    expect(order).toEqual(['a', 'b', 'c']);
    expect(slots.active).toBe(1);
  });
});
