/**
 * serviceLatency driven by a fake watch source and an injected connectivity probe: its options,
 * its kube-burner documents (nanoseconds, field names, quantile names), its thresholds, and what
 * it reports when connectivity cannot be measured (kwok, the simulator).
 */
import { describe, expect, it } from 'vitest';
import { nowMs } from '../../src/shared/clock.js';
import { ServiceLatencyMeasurement, serviceLatencyPlugin, type ServiceLatencyOptions } from '../../src/measure/service-latency.js';
import type { ConnectivityProbe, ProbeSetup } from '../../src/measure/svc-checker.js';
import { ncLoop } from '../../src/measure/svc-checker.js';
import { createMeasurement } from '../../src/measure/index.js';
import { gradeMeasurements } from '../../src/slo/index.js';
import type { MeasurementClient, MeasurementContext, MeasurementResult, WatchResourcesOptions } from '../../src/measure/types.js';

type Handler = { options: WatchResourcesOptions<any> };

/** Watches whose events the test sends, stamped with the real clock as the kube watch does. */
function fakeCluster() {
  const watches: Handler[] = [];
  const client: MeasurementClient = {
    onRequest: () => undefined,
    watchResources<T>(options: WatchResourcesOptions<T>) {
      watches.push({ options });
      return { synced: Promise.resolve(), stop: () => undefined };
    },
  };
  const emit = (kind: string, obj: unknown, type = 'ADDED') => {
    for (const w of watches.filter((x) => x.options.kind === kind)) w.options.onEvent(type, w.options.project(obj), nowMs());
  };
  return { client, watches, emit };
}

function ctx(client: MeasurementClient): MeasurementContext {
  return { client, uuid: 'u-1', runId: 'r', jobName: 'svc', labelSelector: 'burn.dev/uuid=u-1,burn.dev/job=svc', metricsEndpoints: [], window: () => ({ startMs: 0 }) };
}

function service(name: string, spec: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): any {
  return {
    metadata: { name, namespace: 'ns-0', uid: `uid-${name}`, creationTimestamp: '2026-11-30T05:00:00Z', ...extra },
    spec: { type: 'ClusterIP', clusterIP: `10.96.0.${name.length}`, clusterIPs: [`10.96.0.${name.length}`], ports: [{ port: 80, protocol: 'TCP' }], ...spec },
  };
}

function slice(svc: string, ready = true): any {
  return { metadata: { name: `${svc}-abc`, namespace: 'ns-0', labels: { 'kubernetes.io/service-name': svc } }, endpoints: [{ addresses: ['10.128.0.5'], conditions: { ready } }] };
}

/** A probe that answers each address after `delayMs[address]` (default 30 ms), or never (rejects) for those in `dead`. */
function fakeProbe(setup: ProbeSetup, delayMs: Record<string, number> = {}, dead: string[] = []) {
  const calls: Array<{ address: string; port: number; timeoutMs: number }> = [];
  let cleaned = 0;
  const probe: ConnectivityProbe = {
    setup: async () => setup,
    connect: async (address, port, timeoutMs) => {
      calls.push({ address, port, timeoutMs });
      if (dead.includes(address)) throw new Error(`${address}:${port} did not accept a connection within ${timeoutMs}ms`);
      await new Promise((r) => setTimeout(r, delayMs[address] ?? 30));
    },
    cleanup: async () => {
      cleaned++;
      return undefined;
    },
  };
  return { probe, calls, cleaned: () => cleaned };
}

const options = (o: Partial<ServiceLatencyOptions> = {}): ServiceLatencyOptions => ({ svcTimeoutMs: 5000, thresholds: [], ...o });

async function run(measurement: ServiceLatencyMeasurement, client: MeasurementClient, act: () => Promise<void> | void): Promise<MeasurementResult> {
  await measurement.start(ctx(client));
  await act();
  await measurement.stop();
  return measurement.collect();
}

describe('serviceLatency options', () => {
  const parse = (raw: Record<string, unknown>) => serviceLatencyPlugin.parseOptions(raw, { where: () => 'c.yaml', error: (_p, m) => { throw new Error(m); }, warn: () => undefined });

  it('defaults svcTimeout to 5s as kube-burner and reads thresholds on Ready, IPAssigned and EndpointsReady', () => {
    expect(parse({})).toEqual({ svcTimeoutMs: 5000, thresholds: [] });
    expect(parse({ svcTimeout: '30s', thresholds: [{ conditionType: 'IPAssigned', metric: 'Max', threshold: '1m' }] })).toEqual({
      svcTimeoutMs: 30_000,
      thresholds: [{ conditionType: 'IPAssigned', metric: 'Max', thresholdMs: 60_000 }],
    });
  });

  it('refuses svcTimeout 0 (kube-burner refuses it too), a bare number, unknown keys and unknown conditions', () => {
    expect(() => parse({ svcTimeout: '0s' })).toThrow(/svcTimeout" of serviceLatency cannot be 0/);
    expect(() => parse({ svcTimeout: 5 })).toThrow(/must be a duration with a unit/);
    expect(() => parse({ svcTimeOut: '5s' })).toThrow(/unknown option "svcTimeOut"/);
    expect(() => parse({ thresholds: [{ conditionType: 'PodReady', threshold: '1s' }] })).toThrow(/one of Ready, IPAssigned, EndpointsReady/);
  });

  it('is a measurement of create and patch jobs, made from the plugin map', () => {
    expect(serviceLatencyPlugin.jobTypes).toEqual(['create', 'patch']);
    expect(createMeasurement('serviceLatency', { svcTimeout: '2s' }).name).toBe('serviceLatency');
  });

  it('runs kube-burner\'s nc loop, bounded inside the pod by svcTimeout', () => {
    expect(ncLoop('10.96.0.1', 80, 5000)).toEqual(['bash', '-c', 'while [ "$SECONDS" -lt 5 ]; do nc -w 0.1s -z 10.96.0.1 80 && exit 0; sleep 0.05; done; exit 1']);
  });
});

describe('serviceLatency with an injected probe', () => {
  it('times each Service from its first ready endpoint to connectivity, in kube-burner documents (nanoseconds)', async () => {
    const { client, emit } = fakeCluster();
    const { probe, calls, cleaned } = fakeProbe({ measurable: true, hostIP: '172.18.0.9' }, { '10.96.0.1': 40, '10.96.0.2': 120 });
    const m = new ServiceLatencyMeasurement(options({ thresholds: [{ conditionType: 'Ready', metric: 'Max', thresholdMs: 60_000 }] }), () => probe);
    const result = await run(m, client, async () => {
      emit('Service', service('a', { clusterIPs: ['10.96.0.1'] }));
      emit('Service', service('bb', { clusterIPs: ['10.96.0.2'] }));
      emit('EndpointSlice', slice('a', false)); // an address, not ready yet: not the start
      expect(calls).toEqual([]);
      emit('EndpointSlice', slice('a'));
      emit('EndpointSlice', slice('bb'));
    });
    expect(calls.map((c) => `${c.address}:${c.port}/${c.timeoutMs}`)).toEqual(['10.96.0.1:80/5000', '10.96.0.2:80/5000']);
    expect(cleaned()).toBe(1);
    expect(result.documents.map((d) => d.fileName)).toEqual(['svcLatencyMeasurement-svc.json', 'svcLatencyQuantilesMeasurement-svc.json']);
    const docs = result.documents[0]!.docs as any[];
    const a = docs.find((d) => d.service === 'a');
    expect(Object.keys(a).sort()).toEqual(['endpointsReady', 'jobName', 'metricName', 'namespace', 'ready', 'service', 'timestamp', 'type', 'uuid']);
    expect(a).toMatchObject({ timestamp: '2026-11-30T05:00:00.000Z', metricName: 'svcLatencyMeasurement', uuid: 'u-1', namespace: 'ns-0', type: 'ClusterIP', jobName: 'svc' });
    expect(a.ready).toBeGreaterThanOrEqual(40e6 - 1e6); // ns, at least the probe's 40 ms (timer slack of 1 ms)
    const bb = docs.find((d) => d.service === 'bb');
    expect(bb.ready).toBeGreaterThan(a.ready);
    const quantiles = result.documents[1]!.docs as any[];
    expect(quantiles.map((q) => q.quantileName)).toEqual(['Ready', 'EndpointsReady']);
    const ready = quantiles[0];
    expect(ready).toMatchObject({ metricName: 'svcLatencyQuantilesMeasurement', uuid: 'u-1', jobName: 'svc', count: 2, max: bb.ready, min: a.ready });
    expect(['P99', 'P95', 'P50', 'min', 'max', 'avg'].every((k) => Number.isInteger(ready[k]))).toBe(true);
    expect(result.quantiles.find((q) => q.name === 'Ready')).toMatchObject({ count: 2, clock: 'client-ms' });
    expect(result.thresholds).toEqual([expect.objectContaining({ key: 'serviceLatency Ready Max', passed: true })]);
    expect(result.invalid).toEqual({ count: 0, total: 2 });
  });

  it('tests NodePort on the checker\'s node and LoadBalancer on its ingress once assigned (IPAssigned), TCP ports only', async () => {
    const { client, emit } = fakeCluster();
    const { probe, calls } = fakeProbe({ measurable: true, hostIP: '172.18.0.9' });
    const m = new ServiceLatencyMeasurement(options(), () => probe);
    const lb = service('lb', { type: 'LoadBalancer', ports: [{ port: 443, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] });
    const result = await run(m, client, async () => {
      emit('Service', service('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] }));
      emit('EndpointSlice', slice('np'));
      emit('Service', lb);
      emit('EndpointSlice', slice('lb'));
      await new Promise((r) => setTimeout(r, 20));
      expect(calls.map((c) => c.address)).toEqual(['172.18.0.9']); // the LoadBalancer waits for its address
      emit('Service', { ...lb, status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } } }, 'MODIFIED');
    });
    expect(calls.map((c) => `${c.address}:${c.port}`)).toEqual(['172.18.0.9:30080', '203.0.113.7:443']);
    const docs = result.documents[0]!.docs as any[];
    expect(docs.find((d) => d.service === 'lb')).toMatchObject({ type: 'LoadBalancer', ipAssigned: expect.any(Number) });
    expect(docs.find((d) => d.service === 'np').ipAssigned).toBeUndefined();
    expect((result.documents[1]!.docs as any[]).map((q) => q.quantileName)).toEqual(['Ready', 'IPAssigned', 'EndpointsReady']);
  });

  it('skips Services annotated kube-burner.io/service-latency=false and unsupported types, and says so', async () => {
    const { client, emit } = fakeCluster();
    const { probe, calls } = fakeProbe({ measurable: true, hostIP: 'h' });
    const m = new ServiceLatencyMeasurement(options(), () => probe);
    const result = await run(m, client, () => {
      emit('Service', service('quiet', {}, { annotations: { 'kube-burner.io/service-latency': 'false' } }));
      emit('Service', service('ext', { type: 'ExternalName', externalName: 'example.com' }));
      emit('EndpointSlice', slice('quiet'));
    });
    expect(calls).toEqual([]);
    expect(result.documents).toEqual([]);
    expect(result.warnings).toEqual([
      '1 Service(s) not measured: annotated kube-burner.io/service-latency=false',
      '1 Service(s) not measured: type ExternalName (serviceLatency tests ClusterIP, NodePort, LoadBalancer)',
    ]);
  });

  it('discards a Service that does not answer within svcTimeout, as kube-burner, and counts it', async () => {
    const { client, emit } = fakeCluster();
    const { probe } = fakeProbe({ measurable: true, hostIP: 'h' }, {}, ['10.96.0.4']);
    const m = new ServiceLatencyMeasurement(options({ svcTimeoutMs: 1000, thresholds: [{ conditionType: 'Ready', metric: 'P99', thresholdMs: 1 }] }), () => probe);
    const result = await run(m, client, () => {
      emit('Service', service('dead', { clusterIPs: ['10.96.0.4'] }));
      emit('EndpointSlice', slice('dead'));
      emit('Service', service('never'));
    });
    expect(result.documents.find((d) => d.fileName.startsWith('svcLatencyMeasurement'))).toBeUndefined();
    expect(result.invalid).toEqual({ count: 1, total: 1 });
    expect(result.warnings).toEqual([
      '1 Service(s) had no ready endpoint before the measurement stopped',
      expect.stringMatching(/^1 Service\(s\) discarded \(as kube-burner does\): no connection within svcTimeout 1000ms, e.g. ns-0\/dead: 10\.96\.0\.4:80 did not accept/),
    ]);
    // No Ready sample at all: the threshold has nothing to compare, as kube-burner's.
    expect(result.thresholds[0]).toMatchObject({ noSamples: true, passed: true });
  });

  it('fails a threshold the probe\'s figures exceed', async () => {
    const { client, emit } = fakeCluster();
    const { probe } = fakeProbe({ measurable: true, hostIP: 'h' }, { '10.96.0.4': 60 });
    const m = new ServiceLatencyMeasurement(options({ thresholds: [{ conditionType: 'Ready', metric: 'P99', thresholdMs: 10 }] }), () => probe);
    const result = await run(m, client, () => {
      emit('Service', service('slow', { clusterIPs: ['10.96.0.4'] }));
      emit('EndpointSlice', slice('slow'));
    });
    expect(result.thresholds[0]).toMatchObject({ key: 'serviceLatency Ready P99', passed: false });
    expect(gradeMeasurements([result])[0]).toMatchObject({ state: 'fail' });
  });
});

describe('serviceLatency where connectivity cannot be measured', () => {
  const reason = 'the checker pod kube-burner-service-latency/svc-checker is scheduled where nothing runs (node kwok-node-0 is a kwok node, which runs no containers)';

  it('reports EndpointsReady from the API, Ready as not measurable with the reason, and a Ready threshold as inconclusive', async () => {
    const { client, emit } = fakeCluster();
    const { probe, calls, cleaned } = fakeProbe({ measurable: false, reason });
    const m = new ServiceLatencyMeasurement(options({ thresholds: [{ conditionType: 'Ready', metric: 'P99', thresholdMs: 2000 }, { conditionType: 'EndpointsReady', metric: 'Max', thresholdMs: 60_000 }] }), () => probe);
    const result = await run(m, client, () => {
      emit('Service', service('a'));
      emit('EndpointSlice', slice('a'));
    });
    expect(calls).toEqual([]);
    expect(cleaned()).toBe(1);
    const [doc] = result.documents[0]!.docs as any[];
    expect(doc.ready).toBeUndefined();
    expect(doc).toMatchObject({ service: 'a', endpointsReady: expect.any(Number), notMeasurable: `ready: ${reason}` });
    const quantiles = result.documents[1]!.docs as any[];
    expect(quantiles.map((q) => q.quantileName)).toEqual(['EndpointsReady', 'Ready']);
    expect(quantiles[1]).toEqual({ quantileName: 'Ready', uuid: 'u-1', timestamp: expect.any(String), metricName: 'svcLatencyQuantilesMeasurement', jobName: 'svc', count: 0, notMeasurable: reason });
    expect(result.quantiles.map((q) => q.name)).toEqual(['EndpointsReady']);
    expect(result.warnings![0]).toBe(`Ready (connectivity) not measurable: ${reason}; EndpointsReady is what the API shows`);
    const verdicts = gradeMeasurements([result]);
    expect(verdicts.map((v) => `${v.key}:${v.state}`)).toEqual(['serviceLatency Ready P99:inconclusive', 'serviceLatency EndpointsReady Max:pass']);
    expect(verdicts[0]!.message).toContain('not measurable');
  });

  it('removes what it deployed when the checker pod cannot start, and fails the start with the reason', async () => {
    const { client } = fakeCluster();
    let cleaned = 0;
    const probe: ConnectivityProbe = {
      setup: async () => { throw new Error('pod kube-burner-service-latency/svc-checker (image quay.io/kube-burner/fedora-nc:latest) was not Running after 300s: phase Pending (ImagePullBackOff)'); },
      connect: async () => undefined,
      cleanup: async () => { cleaned++; return undefined; },
    };
    const m = new ServiceLatencyMeasurement(options(), () => probe);
    await expect(m.start(ctx(client))).rejects.toThrow(/ImagePullBackOff/);
    expect(cleaned).toBe(1);
  });
});
