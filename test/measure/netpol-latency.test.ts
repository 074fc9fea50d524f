/**
 * netpolLatency: the connections planned from the job's NetworkPolicies as kube-burner plans them,
 * the proxy conversation (through pods/proxy) with a fake proxy, kube-burner's documents and
 * quantile names, the skip label, and what is reported where nothing can connect.
 */
import { describe, expect, it } from 'vitest';
import { NetpolLatencyMeasurement, netpolLatencyPlugin, type NetpolLatencyOptions } from '../../src/measure/netpol-latency.js';
import { namespacesOf, planConnections, policyLatencies, selectorText } from '../../src/measure/netpol-connections.js';
import { gradeMeasurements } from '../../src/slo/index.js';
import type { KubeObject } from '../../src/kube/index.js';
import type { MeasurementClient, MeasurementContext, WatchResourcesOptions } from '../../src/measure/types.js';

const CREATED = Date.parse('2026-11-30T06:00:00Z');

/** kube-burner's example ingress policy shape: pods num in (1) of ns, from pods num in (1,2) of the peer namespaces, port 8080. */
function policy(name: string, namespace: string, peers: string[], ports: Array<{ port: number; protocol?: string }> = [{ port: 8080, protocol: 'TCP' }]): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector: { matchExpressions: [{ key: 'num', operator: 'In', values: ['1'] }] },
      ingress: [{
        from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: peers }] }, podSelector: { matchExpressions: [{ key: 'num', operator: 'In', values: ['1', '2'] }] } }],
        ports,
      }],
      policyTypes: ['Ingress'],
    },
  };
}

/** Pod IPs: ns-N pod num=K is 10.0.N.K. */
const pods: Record<string, string[]> = {
  'ns-0|num in (1)': ['10.0.0.1'],
  'ns-1|num in (1)': ['10.0.1.1'],
  'ns-1|num in (1,2)': ['10.0.1.1', '10.0.1.2'],
  'ns-2|num in (1,2)': ['10.0.2.1', '10.0.2.2'],
  'ns-0|num in (1,2)': ['10.0.0.1', '10.0.0.2'],
};

describe('netpolLatency connection planning', () => {
  it('reads selectors as the API and namespace names as kube-burner', () => {
    expect(selectorText({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'num', operator: 'In', values: ['1', '2'] }, { key: 'x', operator: 'Exists' }] })).toBe('a=b,num in (1,2),x');
    expect(namespacesOf({ matchLabels: { 'kubernetes.io/metadata.name': 'ns-3' } })).toEqual(['ns-3']);
    expect(namespacesOf({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['a', 'b'] }] })).toEqual(['a', 'b']);
    expect(namespacesOf({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['a'] }] })).toEqual([]);
  });

  it('gives each peer pod the addresses of the policy\'s pods once, remembering every policy a pair covers', async () => {
    const asked: string[] = [];
    const plan = await planConnections(
      [policy('ingress-0-1', 'ns-0', ['ns-1', 'ns-2']), policy('ingress-0-2', 'ns-0', ['ns-1']), policy('ingress-1-1', 'ns-1', ['ns-0']), { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns-0' } }],
      async (ns, sel) => {
        asked.push(`${ns}|${sel}`);
        return pods[`${ns}|${sel}`] ?? [];
      },
    );
    expect(plan.connections).toEqual({
      '10.0.1.1': [{ addresses: ['10.0.0.1'], ports: [8080], netpol: 'ingress-0-1' }],
      '10.0.1.2': [{ addresses: ['10.0.0.1'], ports: [8080], netpol: 'ingress-0-1' }],
      '10.0.2.1': [{ addresses: ['10.0.0.1'], ports: [8080], netpol: 'ingress-0-1' }],
      '10.0.2.2': [{ addresses: ['10.0.0.1'], ports: [8080], netpol: 'ingress-0-1' }],
      // 10.0.0.1 -> 10.0.1.1 is the same pod pair reversed: a new pair; 10.0.0.1 is not its own peer
      '10.0.0.1': [{ addresses: ['10.0.1.1'], ports: [8080], netpol: 'ingress-1-1' }],
      '10.0.0.2': [{ addresses: ['10.0.1.1'], ports: [8080], netpol: 'ingress-1-1' }],
    });
    expect(plan.covers.get('10.0.1.1:10.0.0.1')).toEqual(['ingress-0-1', 'ingress-0-2']);
    expect(plan.covers.get('10.0.2.1:10.0.0.1')).toEqual(['ingress-0-1']);
    expect(new Set(asked).size).toBe(asked.length); // each (namespace, selector) listed once
    expect(plan.problems).toEqual([]);
  });

  it('tests only TCP 8080 and says which ports cannot be tested', async () => {
    const plan = await planConnections([policy('udp', 'ns-0', ['ns-1'], [{ port: 53, protocol: 'UDP' }, { port: 8080 }])], async (ns, sel) => pods[`${ns}|${sel}`] ?? []);
    expect(plan.problems).toEqual(['NetworkPolicy ns-0/udp: port 53 is UDP; only TCP can be tested']);
    expect(plan.connections['10.0.1.1']).toEqual([{ addresses: ['10.0.0.1'], ports: [8080], netpol: 'udp' }]);
  });

  it('turns first successes into per-policy latencies from the creation time, whole ms', () => {
    const covers = new Map([['c1:s1', ['a', 'b']], ['c2:s1', ['a']]]);
    const { latencies, negative } = policyLatencies(
      { c1: [{ address: 's1', port: 8080, timestamp: '2026-11-30T06:00:01.2509Z' }], c2: [{ address: 's1', port: 8080, timestamp: '2026-11-30T05:59:59.5Z' }] },
      covers,
      new Map([['a', CREATED], ['b', CREATED + 1000]]),
    );
    expect(Object.fromEntries(latencies)).toEqual({ a: [1250, -500], b: [250] });
    expect(negative).toEqual(['a: c2 -> s1 -500ms']);
  });
});

/** A client whose request() plays the API server's pods list and kube-burner's proxy behind pods/proxy. */
function fakeCluster(results: Record<string, unknown>, nodeAnnotations: Record<string, string> = {}) {
  const calls: string[] = [];
  const objects = new Map<string, KubeObject>();
  const watches: Array<WatchResourcesOptions<any>> = [];
  let statusAsks = 0;
  const client: MeasurementClient = {
    onRequest: () => undefined,
    watchResources(options) {
      watches.push(options);
      return { synced: Promise.resolve(), stop: () => undefined };
    },
    async create(obj) {
      calls.push(`create ${obj.kind} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}`);
      const stored = obj.kind === 'Pod' ? { ...obj, spec: { ...obj.spec, nodeName: 'node-1' }, status: { phase: 'Running', podIP: '10.9.9.9' } } : obj;
      objects.set(`${obj.kind}/${obj.metadata.name}`, stored);
      return stored;
    },
    async get(_v, kind, name) {
      if (kind === 'Node') return { apiVersion: 'v1', kind: 'Node', metadata: { name, annotations: nodeAnnotations }, spec: {} };
      return objects.get(`${kind}/${name}`) ?? null;
    },
    async delete(_v, kind, name) {
      calls.push(`delete ${kind} ${name}`);
      objects.delete(`${kind}/${name}`);
      return null;
    },
    async request<R>(req: { method: string; path: string; query?: Record<string, unknown>; body?: unknown }): Promise<R> {
      const proxy = /\/pods\/network-policy-proxy:9002\/proxy\/(\w+)$/.exec(req.path);
      if (proxy) {
        calls.push(`${req.method} proxy/${proxy[1]}${req.body ? ` ${JSON.stringify(req.body)}` : ''}`);
        if (proxy[1] === 'checkConnectionsStatus' || proxy[1] === 'checkStopStatus') return { result: ++statusAsks % 2 === 0 } as R; // "not yet", then done
        if (proxy[1] === 'results') return results as R;
        return '' as R;
      }
      const list = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(req.path);
      if (list) return { items: (pods[`${list[1]}|${req.query?.labelSelector}`] ?? []).map((podIP) => ({ status: { podIP } })) } as R;
      throw new Error(`unexpected ${req.method} ${req.path}`);
    },
  };
  const emitPolicy = (name: string, namespace: string, createdMs: number) => {
    for (const w of watches.filter((x) => x.kind === 'NetworkPolicy')) w.onEvent('ADDED', w.project({ metadata: { name, namespace, creationTimestamp: new Date(createdMs).toISOString() } }), createdMs);
  };
  return { client, calls, emitPolicy };
}

function ctx(client: MeasurementClient, extra: Partial<MeasurementContext> = {}): MeasurementContext {
  return {
    client, uuid: 'u', runId: 'r', jobName: 'network-policy-perf', labelSelector: 'burn.dev/uuid=u', metricsEndpoints: [], window: () => ({ startMs: 0 }),
    namespaceLabels: {},
    plannedObjects: async function* () {
      yield policy('ingress-0-1', 'ns-0', ['ns-1']);
      yield policy('ingress-1-1', 'ns-1', ['ns-2']);
    },
    ...extra,
  };
}

const fast = { pollMs: 1, timeoutMs: 60_000 };
const opts = (o: Partial<NetpolLatencyOptions> = {}): NetpolLatencyOptions => ({ thresholds: [], ...o });

describe('netpolLatency measurement', () => {
  it('parses thresholds on Ready and MinReady, refuses others; runs on create, patch and delete jobs', () => {
    const at = { where: () => 'c.yaml', error: (_p: unknown, m: string): never => { throw new Error(m); }, warn: () => undefined };
    expect(netpolLatencyPlugin.parseOptions({ thresholds: [{ conditionType: 'MinReady', threshold: '3s' }] }, at)).toEqual({ thresholds: [{ conditionType: 'MinReady', metric: 'P99', thresholdMs: 3000 }] });
    expect(() => netpolLatencyPlugin.parseOptions({ thresholds: [{ conditionType: 'minReady', threshold: '3s' }] }, at)).toThrow(/one of Ready, MinReady/);
    expect(() => netpolLatencyPlugin.parseOptions({ svcTimeout: '3s' }, at)).toThrow(/unknown option "svcTimeout" of netpolLatency/);
    expect(netpolLatencyPlugin.jobTypes).toEqual(['create', 'patch', 'delete']);
  });

  it('deploys the proxy, hands it the planned connections, reads the results back and writes kube-burner\'s documents', async () => {
    const at = (ms: number) => new Date(CREATED + ms).toISOString();
    const { client, calls, emitPolicy } = fakeCluster({
      '10.0.1.1': [{ address: '10.0.0.1', port: 8080, connectionidx: 0, npname: 'ingress-0-1', timestamp: at(1800) }],
      '10.0.1.2': [{ address: '10.0.0.1', port: 8080, connectionidx: 0, npname: 'ingress-0-1', timestamp: at(2400) }],
      '10.0.2.1': [{ address: '10.0.1.1', port: 8080, connectionidx: 0, npname: 'ingress-1-1', timestamp: at(1300) }],
    });
    const m = new NetpolLatencyMeasurement(opts({ thresholds: [{ conditionType: 'Ready', metric: 'P99', thresholdMs: 2000 }] }), fast);
    await m.start(ctx(client));
    expect(calls.slice(0, 3)).toEqual(['create Namespace /network-policy-proxy', 'create Pod network-policy-proxy/network-policy-proxy', expect.stringMatching(/^POST proxy\/initiate /)]);
    const sent = JSON.parse(calls[2]!.replace('POST proxy/initiate ', ''));
    expect(sent).toEqual({
      '10.0.1.1': [{ addresses: ['10.0.0.1'], ports: [8080], netpol: 'ingress-0-1' }],
      '10.0.1.2': [{ addresses: ['10.0.0.1'], ports: [8080], netpol: 'ingress-0-1' }],
      '10.0.2.1': [{ addresses: ['10.0.1.1'], ports: [8080], netpol: 'ingress-1-1' }],
      '10.0.2.2': [{ addresses: ['10.0.1.1'], ports: [8080], netpol: 'ingress-1-1' }],
    });
    emitPolicy('ingress-0-1', 'ns-0', CREATED);
    emitPolicy('ingress-1-1', 'ns-1', CREATED);
    await m.stop();
    expect(calls.filter((c) => c.startsWith('GET proxy/'))).toEqual(['GET proxy/checkConnectionsStatus', 'GET proxy/checkConnectionsStatus', 'GET proxy/stop', 'GET proxy/checkStopStatus', 'GET proxy/checkStopStatus', 'GET proxy/results']);
    expect(calls.at(-1)).toBe('delete Namespace network-policy-proxy');
    const result = await m.collect();
    expect(result.documents.map((d) => d.fileName)).toEqual(['netpolLatencyMeasurement-network-policy-perf.json', 'netpolLatencyQuantilesMeasurement-network-policy-perf.json']);
    expect(result.documents[0]!.docs).toEqual([
      { timestamp: '2026-11-30T06:00:00.000Z', minReady: 1800, ready: 2400, metricName: 'netpolLatencyMeasurement', uuid: 'u', namespace: 'ns-0', netpol: 'ingress-0-1', jobName: 'network-policy-perf' },
      { timestamp: '2026-11-30T06:00:00.000Z', minReady: 1300, ready: 1300, metricName: 'netpolLatencyMeasurement', uuid: 'u', namespace: 'ns-1', netpol: 'ingress-1-1', jobName: 'network-policy-perf' },
    ]);
    const quantiles = result.documents[1]!.docs as any[];
    expect(quantiles.map((q) => [q.quantileName, q.metricName, q.max, q.min])).toEqual([
      ['Ready', 'netpolLatencyQuantilesMeasurement', 2400, 1300],
      ['MinReady', 'netpolLatencyQuantilesMeasurement', 1800, 1300],
    ]);
    expect(result.thresholds[0]).toMatchObject({ key: 'netpolLatency Ready P99', value: 2400, passed: false });
    expect(result.warnings).toEqual([]);
  });

  it('measures nothing on a job whose namespaceLabels set kube-burner.io/skip-networkpolicy-latency=true, and says so', async () => {
    const { client, calls } = fakeCluster({});
    const m = new NetpolLatencyMeasurement(opts({ thresholds: [{ conditionType: 'Ready', metric: 'P99', thresholdMs: 1 }] }), fast);
    await m.start(ctx(client, { namespaceLabels: { 'kube-burner.io/skip-networkpolicy-latency': 'true' } }));
    await m.stop();
    const result = await m.collect();
    expect(calls).toEqual([]);
    expect(result.documents).toEqual([]);
    expect(result.warnings).toEqual(['not measured on this job: its namespaceLabels set kube-burner.io/skip-networkpolicy-latency=true (as kube-burner, the job that creates the pods)']);
    expect(result.thresholds[0]).toMatchObject({ noSamples: true, passed: true });
  });

  it('on kwok nodes reports Ready and MinReady as not measurable, its thresholds inconclusive, and removes the proxy', async () => {
    const { client, calls, emitPolicy } = fakeCluster({}, { 'kwok.x-k8s.io/node': 'fake' });
    const m = new NetpolLatencyMeasurement(opts({ thresholds: [{ conditionType: 'Ready', metric: 'P99', thresholdMs: 10_000 }] }), fast);
    await m.start(ctx(client));
    emitPolicy('ingress-0-1', 'ns-0', CREATED);
    await m.stop();
    const result = await m.collect();
    expect(calls).toEqual(['create Namespace /network-policy-proxy', 'create Pod network-policy-proxy/network-policy-proxy', 'delete Namespace network-policy-proxy']);
    const reason = 'the proxy pod network-policy-proxy/network-policy-proxy is scheduled where nothing runs (node node-1 is a kwok node, which runs no containers): no client pod can connect and no network policy is enforced';
    expect(result.documents[0]!.docs).toEqual([{ timestamp: '2026-11-30T06:00:00.000Z', metricName: 'netpolLatencyMeasurement', uuid: 'u', namespace: 'ns-0', netpol: 'ingress-0-1', jobName: 'network-policy-perf', notMeasurable: reason }]);
    expect((result.documents[1]!.docs as any[]).map((q) => [q.quantileName, q.P99, q.notMeasurable])).toEqual([['Ready', undefined, reason], ['MinReady', undefined, reason]]);
    expect(result.warnings![0]).toBe(`Ready and MinReady not measurable: ${reason}; 1 NetworkPolicy(s) created`);
    expect(gradeMeasurements([result]).map((v) => `${v.key}:${v.state}`)).toEqual(['netpolLatency Ready P99:inconclusive']);
  });
});
