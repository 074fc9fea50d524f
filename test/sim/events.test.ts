import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { simClient, type SimClient } from './client.js';

let sim: RunningSim;
let client: SimClient;
beforeAll(async () => {
  sim = await startSim({ nodes: 1, seed: 2, eventTtlMs: 4000 });
  client = simClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.stop();
});

describe('sim events', () => {
  it('records the events a scheduler and a kubelet record, with their timestamps, and deletes them after the event TTL', async () => {
    const createdAt = Date.now();
    await client.send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ev' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });
    let events: any[] = [];
    const deadline = Date.now() + 30_000;
    while (!events.some((e) => e.reason === 'Started') && Date.now() < deadline) {
      events = (await client.get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dev')).json.items;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(events.map((e) => e.reason)).toEqual(expect.arrayContaining(['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started']));
    // The scheduler records through events.k8s.io/v1: eventTime in microseconds, no first/last timestamps.
    const scheduled = events.find((e) => e.reason === 'Scheduled');
    expect(scheduled).toMatchObject({ kind: 'Event', type: 'Normal', action: 'Binding', reportingComponent: 'default-scheduler', source: {}, involvedObject: { kind: 'Pod', name: 'ev', namespace: 'default' } });
    expect(scheduled.reportingInstance).toMatch(/^default-scheduler-/);
    expect(scheduled.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(scheduled.firstTimestamp).toBeUndefined();
    expect(scheduled.count).toBeUndefined();
    // The kubelet records through core/v1: source with its node, first/last timestamps in seconds, count 1.
    const nodeName = (await client.get('/api/v1/namespaces/default/pods/ev')).json.spec.nodeName;
    for (const reason of ['Pulling', 'Pulled', 'Created', 'Started']) {
      const ev = events.find((e) => e.reason === reason);
      expect(ev, reason).toMatchObject({ source: { component: 'kubelet', host: nodeName }, reportingComponent: 'kubelet', reportingInstance: nodeName, count: 1, involvedObject: { fieldPath: 'spec.containers{c}' } });
      expect(ev.firstTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(ev.lastTimestamp).toBe(ev.firstTimestamp);
      expect(ev.eventTime).toBeUndefined();
    }
    // Every event is named <object>.<unix nanoseconds in hex>, as client-go names them; kube-burner
    // reads a container's start time from the Started event's name.
    for (const ev of events) {
      const [name, hex] = ev.metadata.name.split('.');
      expect(name).toBe('ev');
      const atMs = Number(BigInt(`0x${hex}`) / 1_000_000n);
      expect(atMs).toBeGreaterThanOrEqual(createdAt - 1000);
      expect(atMs).toBeLessThanOrEqual(Date.now());
      if (ev.firstTimestamp) expect(Math.floor(atMs / 1000)).toBe(Date.parse(ev.firstTimestamp) / 1000);
    }
    while (events.length > 0 && Date.now() < deadline + 10_000) {
      await new Promise((r) => setTimeout(r, 250));
      events = (await client.get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dev')).json.items;
    }
    expect(events).toEqual([]);
  });
});
