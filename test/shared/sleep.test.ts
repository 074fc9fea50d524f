import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { pause, sleep } from '../../src/shared/sleep.js';

/** Whether `p` has settled by the time the current macrotask queue ran. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('sleep', () => {
  it('resolves after the time and leaves no listener on the signal', async () => {
    const ac = new AbortController();
    await expect(sleep(5, ac.signal)).resolves.toBeUndefined();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the abort reason when aborted while waiting, or already aborted', async () => {
    const ac = new AbortController();
    const waiting = sleep(60_000, ac.signal);
    expect(await settled(waiting)).toBe(false);
    ac.abort(new Error('stopped by the user'));
    await expect(waiting).rejects.toThrow('stopped by the user');
    await expect(sleep(60_000, ac.signal)).rejects.toThrow('stopped by the user');
    await expect(sleep(1, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('waits for the abort alone when the time is Infinity', async () => {
    const ac = new AbortController();
    const forever = sleep(Number.POSITIVE_INFINITY, ac.signal);
    await new Promise((r) => setTimeout(r, 20));
    expect(await settled(forever)).toBe(false);
    ac.abort();
    await expect(forever).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('pause', () => {
  it('wakes early without throwing when the signal aborts', async () => {
    const ac = new AbortController();
    const waiting = pause(60_000, ac.signal);
    expect(await settled(waiting)).toBe(false);
    ac.abort();
    await expect(waiting).resolves.toBeUndefined();
    await expect(pause(60_000, ac.signal)).resolves.toBeUndefined();
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
  });
});
