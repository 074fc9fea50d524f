/**
 * The delay the simulator adds by itself, beyond what its profile injects: a request's time less
 * its queue wait, service time and stall; a pod's startup less the latencies drawn for it. A
 * simulator whose event loop is held for a known time adds at least that; injected latency is
 * never counted. Lower bounds only: a busy machine can only add.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseMetricsText, type TextSample } from '../../src/measure/metrics-text.js';
import { builtinProfiles } from '../../src/sim/profiles.js';
import type { SimProfile } from '../../src/sim/types.js';
import { scaledProfile, startTestCluster, type TestCluster } from './cluster-harness.js';
import { withSim } from './with-sim.js';

function holdEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // held on purpose
  }
}

function sample(samples: TextSample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return found.reduce((sum, s) => sum + s.value, 0);
}

const SELF = 'simulator_request_self_delay_seconds';
const LIST_NAMESPACES = { verb: 'LIST', resource: 'namespaces' };

/** A simulator with fixed LIST service time, `change` applied; one LIST of namespaces; its metrics. */
async function oneList(change: (p: SimProfile) => void, onRequest?: (method: string, url: string) => void): Promise<{ self: { count: number; sum: number; le: (b: string) => number }; sliSum: number }> {
  const profile = structuredClone(builtinProfiles.default!);
  profile.serviceTime.list = { p50: 100, p99: 100 };
  change(profile);
  let out: Awaited<ReturnType<typeof oneList>> | undefined;
  await withSim({ nodes: 1, seed: 5, profile, ...(onRequest ? { onRequest } : {}) }, async (sim) => {
    const c = sim.http();
    expect((await c.get('/api/v1/namespaces')).status).toBe(200);
    const samples = parseMetricsText((await c.get('/metrics')).text);
    out = {
      self: { count: sample(samples, `${SELF}_count`), sum: sample(samples, `${SELF}_sum`), le: (b) => sample(samples, `${SELF}_bucket`, { le: b }) },
      sliSum: sample(samples, 'apiserver_request_sli_duration_seconds_sum', LIST_NAMESPACES),
    };
  });
  return out!;
}

let cluster: TestCluster | undefined;
afterEach(() => {
  cluster?.stop();
  cluster = undefined;
});

describe("the simulator's own delay", () => {
  it('counts CPU spent per request (faults.cpuMsPerRequest) as its own, and leaves the injected service time out', async () => {
    const { self, sliSum } = await oneList((p) => {
      p.faults.cpuMsPerRequest = 300;
    });
    expect(self.count).toBe(1);
    // held 300 ms: nothing at or under 0.25 s
    expect(self.le('0.25')).toBe(0);
    expect(self.sum).toBeGreaterThanOrEqual(0.3);
    // the 100 ms of service time the profile asked for is not the simulator's own
    expect(sliSum - self.sum).toBeCloseTo(0.1, 2);
  }, 60_000);

  it("adds the time its event loop was held to the answer of a request waiting on it", async () => {
    const heldMs = 400;
    const { self, sliSum } = await oneList(
      () => undefined,
      (_method, url) => {
        // While the LIST sleeps its 100 ms of service time, something else holds the loop.
        if (url.startsWith('/api/v1/namespaces')) setTimeout(() => holdEventLoop(heldMs), 0);
      },
    );
    expect(self.count).toBe(1);
    expect(self.sum).toBeGreaterThanOrEqual((heldMs - 100) / 1000);
    expect(sliSum - self.sum).toBeCloseTo(0.1, 2);
  }, 60_000);

  it("adds the time its event loop was held to a pod's startup, and never the latencies the profile drew", async () => {
    const fixed = { p50: 5, p99: 5 };
    const profile = scaledProfile('default', 20, { scheduling: fixed, sandbox: { p50: 300, p99: 300 }, containerStart: { p50: 300, p99: 300 } });
    const c = (cluster = startTestCluster({ nodes: 1, profile }));
    const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'pause' }] } });
    c.store.create('pods', pod('calm'));
    await c.until('the calm pod started', () => c.metrics.podStartSeconds.length === 1);
    const heldMs = 500;
    c.store.create('pods', pod('held'));
    holdEventLoop(heldMs); // its scheduling attempt, due in 5 ms, waits for this
    await c.until('the held pod started', () => c.metrics.podStartSeconds.length === 2);
    const [calmSli, heldSli] = c.metrics.podStartSeconds.map((s) => s * 1000);
    const [calmSelf, heldSelf] = c.metrics.podSelfDelaySeconds.map((s) => s * 1000);
    expect(heldSelf).toBeGreaterThanOrEqual(heldMs - 5);
    // 605 ms drawn on purpose (scheduling, sandbox, container start) are the cluster's, not the simulator's
    for (const [sli, self] of [[calmSli!, calmSelf!], [heldSli!, heldSelf!]]) {
      expect(self).toBeGreaterThanOrEqual(0);
      expect(sli - self).toBeGreaterThanOrEqual(600 - 50);
    }
  }, 60_000);
});
