import { describe, expect, it } from 'vitest';
import { Dispatcher } from '../../src/engine/dispatch.js';

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
});
