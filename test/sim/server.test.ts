import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSim, type RunningSim } from '../../src/sim/index.js';
import { builtinProfiles } from '../../src/sim/profiles.js';
import { cmBody, simClient, type SimClient } from './client.js';

let sim: RunningSim;
let client: SimClient;
beforeAll(async () => {
  sim = await startSim({ nodes: 2, seed: 1, bookmarkIntervalMs: 200 });
  client = simClient(sim);
});
afterAll(async () => {
  await client?.close();
  await sim?.stop();
});

function pod(name: string) {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } };
}

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('sim server', () => {
  it('serves HTTPS with a certificate for 127.0.0.1 signed by the CA it hands out', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.caPem).toContain('BEGIN CERTIFICATE');
    expect((await client.get('/version')).status).toBe(200);
    expect(sim.kubeconfig).toContain(`server: ${sim.url}`);
    expect(sim.kubeconfig).toContain(`token: ${sim.token}`);
  });

  it('requires the bearer token for API calls, metrics and the truth endpoint', async () => {
    const anonymous = simClient(sim, null);
    try {
      for (const path of ['/api/v1/pods', '/metrics', '/debug/sim/truth', '/apis']) {
        const res = await anonymous.get(path);
        expect(res.status, path).toBe(401);
        expect(res.json).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
      }
      expect((await anonymous.get('/healthz')).status).toBe(200);
    } finally {
      await anonymous.close();
    }
  });

  it('refuses protobuf bodies with 415 and a message saying what to send', async () => {
    const res = await client.send('POST', '/api/v1/namespaces/default/configmaps', 'k8s\u0000', { 'content-type': 'application/vnd.kubernetes.protobuf' });
    expect(res.status).toBe(415);
    expect(res.json.message).toContain('JSON');
  });

  it('exports the apiserver request metrics with the real names, labels and buckets', async () => {
    await client.send('POST', '/api/v1/namespaces/default/configmaps', cmBody('metrics-cm'));
    await client.get('/api/v1/namespaces/default/configmaps/metrics-cm');
    await client.get('/api/v1/namespaces/default/configmaps');
    await client.get('/api/v1/configmaps');
    await client.get('/apis/apps/v1/namespaces/default/deployments/none/scale');
    const text = (await client.get('/metrics')).text;
    const labels = (verb: string, scope: string, resource = 'configmaps', extra = '') =>
      `verb="${verb}",group="",version="v1",resource="${resource}",subresource="${extra}",scope="${scope}",component="apiserver"`;
    expect(text).toContain(`apiserver_request_total{${labels('POST', 'resource')},dry_run="",code="201"} 1`);
    expect(text).toContain(`apiserver_request_total{${labels('GET', 'resource')},dry_run="",code="200"} 1`);
    expect(text).toContain(`apiserver_request_total{${labels('LIST', 'namespace')},dry_run="",code="200"} 1`);
    expect(text).toContain(`apiserver_request_total{${labels('LIST', 'cluster')},dry_run="",code="200"} 1`);
    expect(text).toMatch(/apiserver_request_total\{verb="GET",group="apps",version="v1",resource="deployments",subresource="scale",scope="resource",component="apiserver",dry_run="",code="404"\} 1/);
    expect(text).toContain(`apiserver_request_duration_seconds_bucket{le="0.005",${labels('POST', 'resource')},dry_run=""}`);
    expect(text).toContain(`apiserver_request_duration_seconds_bucket{le="60",${labels('GET', 'resource')},dry_run=""}`);
    expect(text).toContain(`apiserver_request_sli_duration_seconds_bucket{le="0.05",${labels('LIST', 'namespace')}}`);
    expect(text).toContain(`apiserver_request_sli_duration_seconds_count{${labels('LIST', 'cluster')}} 1`);
    expect(text).toMatch(/apiserver_current_inflight_requests\{request_kind="readOnly"\} \d+/);
    expect(text).toMatch(/apiserver_current_inflight_requests\{request_kind="mutating"\} \d+/);
    expect(text).toMatch(/apiserver_storage_objects\{resource="configmaps"\} [1-9]/);
    expect(text).toMatch(/apiserver_storage_objects\{resource="deployments.apps"\} 0/);
    expect(text).toMatch(/apiserver_storage_objects\{resource="nodes"\} 2/);
  });

  it('exports the cluster metrics and the ground truth of pod transitions', async () => {
    await client.send('POST', '/api/v1/namespaces/default/pods', pod('truth-pod'));
    const truth = await waitFor(async () => {
      const t = (await client.get('/debug/sim/truth')).json;
      return t.pods['default/truth-pod']?.transitions.Ready ? t.pods['default/truth-pod'] : undefined;
    });
    const created = (await client.get('/api/v1/namespaces/default/pods/truth-pod')).json;
    expect(truth.uid).toBe(created.metadata.uid);
    const t = truth.transitions;
    expect(t.Created).toBeLessThanOrEqual(t.PodScheduled);
    expect(t.PodScheduled).toBeLessThanOrEqual(t.ContainersStarted);
    expect(t.ContainersStarted).toBeLessThanOrEqual(t.Ready);
    expect(Math.abs(t.Created - Date.parse(created.metadata.creationTimestamp))).toBeLessThan(1000);
    const text = (await client.get('/metrics')).text;
    expect(text).toMatch(/kubelet_pod_start_sli_duration_seconds_bucket\{le="0.5"\} \d+/);
    expect(text).toMatch(/kubelet_pod_start_sli_duration_seconds_count [1-9]/);
    expect(text).toMatch(/scheduler_schedule_attempts_total\{result="scheduled",profile="default-scheduler"\} [1-9]/);
  });

  it('sends periodic BOOKMARK events to watches that allow them', async () => {
    const rv = (await client.get('/api/v1/namespaces/default/configmaps')).json.metadata.resourceVersion;
    const { lines } = await client.watchLines(`/api/v1/namespaces/default/configmaps?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}`, 5000, (l) => l.some((e) => e.type === 'BOOKMARK'));
    const bookmark = lines.find((e) => e.type === 'BOOKMARK');
    expect(bookmark.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThanOrEqual(Number(rv));
  });

  it('expires continue tokens whose snapshot is gone with 410 Expired', async () => {
    const first = (await client.get('/api/v1/namespaces/default/configmaps?limit=1')).json;
    // Other paginated lists push the first snapshot out of the bounded cache.
    const pods = await Promise.all(Array.from({ length: 200 }, () => client.get('/api/v1/namespaces?limit=1')));
    expect(pods.every((p) => p.status === 200)).toBe(true);
    const res = await client.get(`/api/v1/namespaces/default/configmaps?limit=1&continue=${encodeURIComponent(first.metadata.continue)}`);
    expect(res.status).toBe(410);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('streams watch events to many watchers while writes go on', async () => {
    const rv = (await client.get('/api/v1/namespaces/default/configmaps')).json.metadata.resourceVersion;
    const watchers = Array.from({ length: 8 }, () =>
      client.watchLines(`/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${rv}&labelSelector=fan%3Dout`, 20_000, (l) => l.length >= 50),
    );
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 50; i++) {
      await client.send('POST', '/api/v1/namespaces/default/configmaps', { ...cmBody(`fan-${i}`), metadata: { name: `fan-${i}`, labels: { fan: 'out' } } });
    }
    const results = await Promise.all(watchers);
    for (const r of results) expect(r.lines.map((e) => e.object.metadata.name)).toEqual(Array.from({ length: 50 }, (_, i) => `fan-${i}`));
  });

  it('uses the default profile unless told otherwise', () => {
    expect(sim.profile).toEqual(builtinProfiles.default);
  });
});
