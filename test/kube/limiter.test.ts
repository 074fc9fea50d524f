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
});
