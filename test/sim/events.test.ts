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
  it('records core/v1 events for pods and deletes them after the event TTL', async () => {
    await client.send('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ev' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });
    let events: any[] = [];
    const deadline = Date.now() + 15_000;
    while (!events.some((e) => e.reason === 'Scheduled') && Date.now() < deadline) {
      events = (await client.get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dev')).json.items;
      await new Promise((r) => setTimeout(r, 100));
    }
    const scheduled = events.find((e) => e.reason === 'Scheduled');
    expect(scheduled).toMatchObject({ kind: 'Event', type: 'Normal', involvedObject: { kind: 'Pod', name: 'ev', namespace: 'default' }, source: { component: 'default-scheduler' } });
    expect(scheduled.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(scheduled.firstTimestamp).toMatch(/Z$/);
    while (events.length > 0 && Date.now() < deadline + 10_000) {
      await new Promise((r) => setTimeout(r, 250));
      events = (await client.get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dev')).json.items;
    }
    expect(events).toEqual([]);
  });
});
