import { describe, expect, it } from 'vitest';
import { sendingLine } from '../../src/engine/job.js';
import { JobProgress } from '../../src/engine/progress.js';
import { createLogger } from '../../src/shared/log.js';

function progress(signal?: AbortSignal): JobProgress {
  return new JobProgress('j', 10, () => 0, () => 0, { tty: false, write: () => undefined, signal }, createLogger('error', () => undefined));
}

describe('achieved qps', () => {
  it('never exceeds the requests sent: a burst that went out in milliseconds reports the requests it sent', async () => {
    const p = progress();
    // 15 requests at once, answered at once: the quickstart case that printed 249.7 for a qps 20 job.
    await Promise.all(Array.from({ length: 15 }, () => p.track(() => Promise.resolve())));
    expect(p.requests).toBe(15);
    expect(p.sendingMs()).toBeLessThan(1000);
    expect(p.achievedQps()).toBe(15);
    expect(sendingLine({ requests: 15, sendingMs: p.sendingMs(), achievedQps: p.achievedQps() }, { qps: 20, burst: 20 })).toMatch(/15 requests sent in .*achieved qps 15\.0 \(limit qps 20, burst 20: all of them fit in the burst/);
  });

  it('is requests over the time they were in flight once that is over a second', async () => {
    const p = progress();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const pending = p.track(() => held);
    // Wait until at least 1.5 s of in-flight time has passed (on any machine), then answer.
    const started = Date.now();
    while (Date.now() - started < 1500) await new Promise((r) => setTimeout(r, 50));
    release();
    await pending;
    expect(p.sendingMs()).toBeGreaterThanOrEqual(1400);
    expect(p.achievedQps()).toBeCloseTo(1000 / p.sendingMs(), 6);
    expect(p.achievedQps()).toBeLessThan(1);
  });

  it('does not count requests the run cut short (waiting for a token or on the wire) as requests or errors', async () => {
    const stop = new AbortController();
    const p = progress(stop.signal);
    await p.track(() => Promise.resolve());
    await expect(p.track(() => Promise.reject(new Error('500')))).rejects.toThrow('500');
    stop.abort();
    const cut = Array.from({ length: 5 }, () => p.track(() => Promise.reject(new Error('aborted while waiting for a token'))));
    for (const c of cut) await expect(c).rejects.toThrow(/aborted/);
    expect(p.requests).toBe(2);
    expect(p.errors).toBe(1);
  });
});
