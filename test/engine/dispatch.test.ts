import { describe, expect, it } from 'vitest';
import { Dispatcher, dispatchWindow, recheckMs } from '../../src/engine/dispatch.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Dispatcher', () => {
  it('gives the event loop a turn while it starts a large window, so the first requests leave before the last are prepared', async () => {
    const dispatcher = new Dispatcher(10_000);
    const started: number[] = [];
    let turnAt = -1;
    // I/O (a request being written) waits for the event loop: this marks its first turn
    setImmediate(() => (turnAt = started.length));
    for (let i = 0; i < 200; i++) await dispatcher.submit(async () => void started.push(i));
    await dispatcher.drain();
    expect(started).toHaveLength(200);
    expect(turnAt).toBeGreaterThan(0);
    expect(turnAt).toBeLessThan(50);
  });

  it('keeps requests out at the server plus a tenth of a second of tokens started, not the client\'s slots', () => {
    expect(dispatchWindow({ qps: 1000, maxConcurrency: 2000 }, 500)).toBe(600);
    expect(dispatchWindow({ qps: 20, maxConcurrency: 100 }, 30)).toBe(94);
    // Without a limiter the slots are what holds requests back.
    expect(dispatchWindow({ qps: Number.POSITIVE_INFINITY, maxConcurrency: 100 }, 0)).toBe(100);
  });

  it('looks at a full window again at a quarter of the time the queued tokens last, not every few ms at a low qps', () => {
    expect(recheckMs({ qps: 1000, maxConcurrency: 2000 })).toBe(25);
    expect(recheckMs({ qps: 20, maxConcurrency: 100 })).toBe(800);
    expect(recheckMs({ qps: 1, maxConcurrency: 100 })).toBe(1000);
    expect(recheckMs({ qps: 100_000, maxConcurrency: 100 })).toBe(25);
  });

  it('sees a window that grows while no task has ended (requests leaving as tokens come, none answered yet)', async () => {
    let out = 0;
    const dispatcher = new Dispatcher(() => out + 2, () => 5);
    const answers: Array<() => void> = [];
    const started: number[] = [];
    const submitting = (async () => {
      for (let i = 0; i < 10; i++) await dispatcher.submit(() => new Promise<void>((answer) => void (started.push(i), answers.push(answer))));
    })();
    await sleep(30);
    expect(started).toHaveLength(2);
    out = 8;
    await sleep(60);
    expect(started).toHaveLength(10);
    for (const answer of answers) answer();
    await submitting;
    await dispatcher.drain();
  });
});
