import { describe, expect, it } from 'vitest';
import { builtinProfiles } from '../../src/sim/profiles.js';
import { dealHand, PriorityLevel, type RejectReason } from '../../src/sim/server/flow-control.js';
import type { SimProfile } from '../../src/sim/types.js';
import { cmBody, type SimClient } from './client.js';
import { withSim, type TestSim } from './with-sim.js';

/** The simulator's API Priority and Fairness: past its seats a request waits in a queue, and is rejected only when the queue is full or the wait too long. */

function withProfile(change: (p: SimProfile) => void, body: (c: SimClient, sim: TestSim) => Promise<void>): Promise<void> {
  const profile = structuredClone(builtinProfiles.default!);
  change(profile);
  return withSim({ nodes: 1, seed: 3, profile }, (sim) => body(sim.http(), sim));
}

/** The sum of the samples of `name` whose labels contain every one of `labels` (`key="value"`). */
function sample(metrics: string, name: string, ...labels: string[]): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (labels.every((l) => line.includes(l))) total += Number(line.split(' ').at(-1));
  }
  return total;
}

/**
 * Opens `n` connections first (/version takes no seat), so that a burst then reaches the server at
 * once rather than behind TLS handshakes that a busy machine spreads over seconds.
 */
async function warm(c: SimClient, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, () => c.get('/version')));
}

const readOnly = 'priority_level="readOnly"';
const mutating = 'priority_level="mutating"';

describe('sim priority and fairness', () => {
  it('queues a burst above max-inflight and answers every request; the wait shows in the metrics and is left out of the SLI', async () => {
    await withProfile(
      (p) => {
        p.maxInflight = { readonly: 2, mutating: 50 };
        p.serviceTime.get = { p50: 600, p99: 600 };
      },
      async (c) => {
        await warm(c, 8);
        const burst = Promise.all(Array.from({ length: 8 }, () => c.get('/api/v1/namespaces/default')));
        // /metrics is not a resource request: it is answered while the burst waits.
        await expect.poll(async () => sample((await c.get('/metrics')).text, 'apiserver_flowcontrol_current_inqueue_requests', readOnly), { timeout: 30_000 }).toBeGreaterThan(0);
        const results = await burst;
        expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
        const m = (await c.get('/metrics')).text;
        expect(sample(m, 'apiserver_flowcontrol_current_inqueue_requests', readOnly)).toBe(0);
        expect(sample(m, 'apiserver_flowcontrol_rejected_requests_total', readOnly)).toBe(0);
        expect(sample(m, 'apiserver_flowcontrol_dispatched_requests_total', readOnly)).toBe(8);
        expect(sample(m, 'apiserver_flowcontrol_request_wait_duration_seconds_count', readOnly, 'execute="true"')).toBe(8);
        // 2 seats, 0.6 s a request: the six queued waited 0.6 to 1.8 s, 3.6 s together when they came at once.
        const waited = sample(m, 'apiserver_flowcontrol_request_wait_duration_seconds_sum', readOnly, 'execute="true"');
        expect(waited).toBeGreaterThan(0.5);
        expect(sample(m, 'apiserver_flowcontrol_request_wait_duration_seconds_bucket', readOnly, 'execute="true"', 'le="0.2"')).toBeLessThan(8);
        const get = ['verb="GET"', 'resource="namespaces"'];
        const duration = sample(m, 'apiserver_request_duration_seconds_sum', ...get);
        const sli = sample(m, 'apiserver_request_sli_duration_seconds_sum', ...get);
        expect(duration - sli).toBeCloseTo(waited, 1);
      },
    );
  });

  it('answers 429 with Retry-After when the queue is full, and counts the rejections', async () => {
    await withProfile(
      (p) => {
        p.maxInflight = { readonly: 400, mutating: 1 };
        p.flowControl = { queues: 1, handSize: 1, queueLengthLimit: 2, queueWaitSeconds: 15 };
        p.serviceTime.create = { p50: 1500, p99: 1500 };
      },
      async (c, sim) => {
        await warm(c, 8);
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => c.send('POST', '/api/v1/namespaces/default/configmaps', cmBody(`q${i}`))));
        const codes = results.map((r) => r.status);
        // 1 executing and 2 queued; the others find the queue full (all 5 when the 8 come within 1.5 s).
        const created = codes.filter((s) => s === 201).length;
        const refused = results.filter((r) => r.status === 429);
        expect(created).toBeGreaterThanOrEqual(3);
        expect(refused.length).toBeGreaterThanOrEqual(1);
        expect(created + refused.length).toBe(8);
        expect(refused[0]!.headers['retry-after']).toBe('1');
        expect(refused[0]!.json).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
        expect(sim.store.list('configmaps', 'default').filter((cm) => cm.metadata.name!.startsWith('q'))).toHaveLength(created);
        const m = (await c.get('/metrics')).text;
        expect(sample(m, 'apiserver_flowcontrol_rejected_requests_total', mutating, 'reason="queue-full"')).toBe(refused.length);
        expect(sample(m, 'apiserver_request_total', 'verb="POST"', 'code="429"')).toBe(refused.length);
        expect(sample(m, 'apiserver_flowcontrol_request_wait_duration_seconds_count', mutating, 'execute="false"')).toBe(refused.length);
      },
    );
  });

  it('rejects a request that waited longer than the wait limit', async () => {
    await withProfile(
      (p) => {
        p.maxInflight = { readonly: 1, mutating: 200 };
        p.flowControl = { ...p.flowControl, queueWaitSeconds: 0.2 };
        p.serviceTime.get = { p50: 4000, p99: 4000 };
      },
      async (c) => {
        await warm(c, 3);
        const results = await Promise.all(Array.from({ length: 3 }, () => c.get('/api/v1/namespaces/default')));
        expect(results.map((r) => r.status).sort()).toEqual([200, 429, 429]);
        expect(results.find((r) => r.status === 429)!.headers['retry-after']).toBe('1');
        const m = (await c.get('/metrics')).text;
        expect(sample(m, 'apiserver_flowcontrol_rejected_requests_total', readOnly, 'reason="time-out"')).toBe(2);
        // Rejected by the sweep well before the seat freed (4 s).
        expect(sample(m, 'apiserver_flowcontrol_request_wait_duration_seconds_sum', readOnly, 'execute="false"')).toBeLessThan(2 * 3);
        expect(sample(m, 'apiserver_flowcontrol_current_inqueue_requests', readOnly)).toBe(0);
      },
    );
  });

  it('with a queue length limit of 0 rejects past the seats at once (a priority level of type Reject)', async () => {
    await withProfile(
      (p) => {
        p.maxInflight = { readonly: 2, mutating: 50 };
        p.flowControl = { ...p.flowControl, queueLengthLimit: 0 };
        p.serviceTime.get = { p50: 1500, p99: 1500 };
      },
      async (c) => {
        await warm(c, 6);
        const results = await Promise.all(Array.from({ length: 6 }, () => c.get('/api/v1/namespaces/default')));
        const refused = results.filter((r) => r.status === 429).length;
        // 2 seats, no queue: the 4 that come while both are taken are turned away at once.
        expect(refused).toBeGreaterThanOrEqual(1);
        expect(results.filter((r) => r.status === 200).length + refused).toBe(6);
        expect(sample((await c.get('/metrics')).text, 'apiserver_flowcontrol_rejected_requests_total', readOnly, 'reason="queue-full"')).toBe(refused);
        expect(sample((await c.get('/metrics')).text, 'apiserver_flowcontrol_request_wait_duration_seconds_count', readOnly, 'execute="true"')).toBe(6 - refused);
      },
    );
  });
});

describe('priority level queues', () => {
  function level(seats: number, spec = { queues: 4, handSize: 2, queueLengthLimit: 3, queueWaitSeconds: 60 }) {
    const rejected: RejectReason[] = [];
    let now = 0;
    const pl = new PriorityLevel(
      () => seats,
      () => spec,
      { executing: () => undefined, inQueue: () => undefined, waited: () => undefined, rejected: (r) => rejected.push(r) },
      () => now,
    );
    return { pl, rejected, advance: (ms: number) => (now += ms) };
  }

  it('deals each flow the same hand of distinct queues', () => {
    const hand = dealHand('namespace-a', 64, 8);
    expect(new Set(hand).size).toBe(8);
    expect(hand.every((q) => q >= 0 && q < 64)).toBe(true);
    expect(dealHand('namespace-a', 64, 8)).toEqual(hand);
    expect(dealHand('namespace-b', 64, 8)).not.toEqual(hand);
  });

  it('serves the queues in turn: a heavy flow does not starve a light one', async () => {
    const { pl } = level(1, { queues: 8, handSize: 1, queueLengthLimit: 100, queueWaitSeconds: 60 });
    expect(pl.tryDispatch()).toBe(true);
    const order: string[] = [];
    const wait = (flow: string) => Promise.resolve(pl.enqueue(flow, () => undefined)).then(() => order.push(flow));
    // Flows dealt different queues (handSize 1: each flow has one queue).
    let light = 'light-0';
    for (let i = 1; dealHand(light, 8, 1)[0] === dealHand('heavy', 8, 1)[0]; i++) light = `light-${i}`;
    const waits = [...Array.from({ length: 5 }, () => wait('heavy')), wait(light)];
    for (let i = 0; i < 6; i++) {
      pl.release();
      await Promise.resolve();
      await Promise.resolve();
    }
    pl.release();
    await Promise.all(waits);
    expect(order.indexOf(light)).toBeLessThanOrEqual(1);
  });

  it('takes the shortest queue of the hand and refuses when it is full', async () => {
    const { pl, rejected } = level(1, { queues: 4, handSize: 2, queueLengthLimit: 1, queueWaitSeconds: 60 });
    expect(pl.tryDispatch()).toBe(true);
    const first = pl.enqueue('f', () => undefined);
    const second = pl.enqueue('f', () => undefined);
    expect(first).toBeInstanceOf(Promise);
    expect(second).toBeInstanceOf(Promise);
    expect(pl.queued).toBe(2);
    expect(pl.enqueue('f', () => undefined)).toBe('queue-full');
    expect(rejected).toEqual(['queue-full']);
    // Each waits in its own queue of the hand: two freed seats serve both.
    pl.release();
    pl.release();
    expect(await Promise.all([first, second])).toEqual([0, 0]);
    expect(pl.executing).toBe(1);
    pl.release();
    expect([pl.executing, pl.queued]).toEqual([0, 0]);
  });

  it('gives a cancelled waiter no seat', async () => {
    const { pl, rejected } = level(1);
    expect(pl.tryDispatch()).toBe(true);
    let cancel = () => {};
    const waiting = pl.enqueue('f', (c) => (cancel = c));
    cancel();
    expect(await waiting).toBe('cancelled');
    expect(rejected).toEqual(['cancelled']);
    pl.release();
    expect([pl.executing, pl.queued]).toEqual([0, 0]);
  });

  it('rejects at dispatch a waiter older than the wait limit', async () => {
    const { pl, advance } = level(1, { queues: 1, handSize: 1, queueLengthLimit: 5, queueWaitSeconds: 1 });
    expect(pl.tryDispatch()).toBe(true);
    const old = pl.enqueue('f', () => undefined);
    advance(1500);
    const fresh = pl.enqueue('f', () => undefined);
    pl.release();
    expect(await old).toBe('time-out');
    expect(await fresh).toBe(0);
    pl.release();
    pl.close();
  });
});
