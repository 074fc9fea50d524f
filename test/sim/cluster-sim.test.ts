import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim } from '../../src/sim/index.js';
import type { KubeObject } from '../../src/sim/types.js';
import { deployment, podReady, scaledProfile } from './cluster-harness.js';

/** The cluster behaviour as a client sees it through the simulator's HTTPS API. */

type RunningSim = Awaited<ReturnType<typeof startSim>>;
let sim: RunningSim;

function call(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const url = new URL(path, sim.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca: sim.caPem, headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json', accept: 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function get<T = KubeObject>(path: string): Promise<T> {
  const res = await call('GET', path);
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as T;
}

function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  return (async () => {
    for (;;) {
      const value = await check();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
}

beforeAll(async () => {
  sim = await startSim({ nodes: 3, profile: scaledProfile('default', 10), seed: 42 });
});
afterAll(async () => {
  await sim?.stop();
});

describe('cluster behind the simulator API', () => {
  it('runs a Deployment of 5 over the 3 nodes and exposes truth and metrics', async () => {
    const nodes = await get<{ items: KubeObject[] }>('/api/v1/nodes');
    expect(nodes.items.map((n) => n.metadata.name)).toEqual(['sim-node-0001', 'sim-node-0002', 'sim-node-0003']);
    const created = await call('POST', '/apis/apps/v1/namespaces/default/deployments', deployment('web', 5));
    expect(created.status, created.text).toBe(201);
    const pods = await until('5 ready pods', async () => {
      const list = await get<{ items: KubeObject[] }>('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
      return list.items.length === 5 && list.items.every(podReady) ? list.items : undefined;
    });
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(3);
    const onNode = await get<{ items: KubeObject[] }>('/api/v1/namespaces/default/pods?fieldSelector=spec.nodeName%3Dsim-node-0001');
    expect(onNode.items.length).toBeGreaterThan(0);

    const truth = await get<{ pods: Record<string, { uid: string; transitions: Record<string, number> }> }>('/debug/sim/truth');
    for (const p of pods) {
      const t = truth.pods[`default/${p.metadata.name}`]!;
      expect(t.uid).toBe(p.metadata.uid);
      expect(Object.keys(t.transitions)).toEqual(expect.arrayContaining(['Created', 'PodScheduled', 'PodReadyToStartContainers', 'Initialized', 'ContainersStarted', 'ContainersReady', 'Ready']));
    }

    const metrics = (await call('GET', '/metrics')).text;
    expect(metrics).toMatch(/^scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} ([5-9]|\d\d+)$/m);
    expect(metrics).toMatch(/^kubelet_pod_start_sli_duration_seconds_bucket\{le="0.5"\} \d+$/m);
    expect(metrics).toMatch(/^kubelet_pod_start_sli_duration_seconds_bucket\{le="3600"\} \d+$/m);
    expect(metrics).toMatch(/^kubelet_pod_start_sli_duration_seconds_count ([5-9]|\d\d+)$/m);
  });
});
