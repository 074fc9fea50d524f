import { describe, expect, it } from 'vitest';
import { ApiLatencyRecorder, apiLatencyResult } from '../../src/measure/api-latency.js';
import { apiLatencyPlugin } from '../../src/measure/api-latency.js';
import { positionsOf } from '../../src/measure/options.js';
import type { RequestRecord } from '../../src/kube/types.js';

function req(partial: Partial<RequestRecord>): RequestRecord {
  return { verb: 'POST', origin: 'workload', group: '', version: 'v1', resource: 'pods', subresource: '', scope: 'resource', namespace: 'ns', code: 201, startMs: 0, latencyMs: 10, attemptLatencyMs: 10, retries: 0, ...partial };
}

const options = { uuid: 'u', jobName: 'j', customThresholds: [], allowedSlowCalls: 0 };

describe('apiLatency', () => {
  it('summarizes per (verb, resource, subresource, scope) with slow calls and errors by code', () => {
    const rec = new ApiLatencyRecorder();
    for (let i = 1; i <= 100; i++) rec.record(req({ attemptLatencyMs: i * 15, latencyMs: i * 15 }));
    rec.record(req({ code: 429, attemptLatencyMs: 3, retries: 2 }));
    rec.record(req({ code: 0, attemptLatencyMs: 60_000 })); // no response: no latency sample
    rec.record(req({ verb: 'LIST', scope: 'namespace', code: 200, attemptLatencyMs: 2500 }));
    const result = apiLatencyResult(rec, options);
    const docs = result.documents[0]!.docs as any[];
    expect(result.documents[0]!.fileName).toBe('apiLatencyMeasurement-j.json');
    const create = docs.find((d) => d.verb === 'POST');
    // 101 answered samples: 3 ms and 15..1500 ms; nearest rank p99 = index ceil(101*0.99)-1 = 99, i.e. 99*15 ms
    expect(create).toMatchObject({ count: 101, P99: 1485, max: 1500, slowCount: 34, thresholdMs: 1000, errors: { 0: 1, 429: 1 }, retries: 2, unanswered: 1, countsTowardSli: true, clock: 'client-ms' });
    const list = docs.find((d) => d.verb === 'LIST');
    expect(list).toMatchObject({ scope: 'namespace', thresholdMs: 30_000, slowCount: 0 });
    expect(result.slis).toHaveLength(2);
    expect(result.slis.find((s) => s.sli === 'apiCall' && s.verb === 'POST')).toMatchObject({ source: 'client', p99: 1485, slowCount: 34 });
    const histogram = (result.slis[0] as any).histogram;
    expect(histogram.counts.reduce((a: number, b: number) => a + b, 0)).toBe(result.slis[0]!.count);
  });

  it("keeps burn's own calls out of the workload's figures and reports them apart", () => {
    const rec = new ApiLatencyRecorder();
    rec.record(req({ verb: 'POST', attemptLatencyMs: 20 }));
    rec.record(req({ origin: 'burn', verb: 'LIST', scope: 'cluster', resource: 'events', attemptLatencyMs: 450 }));
    rec.record(req({ origin: 'burn', verb: 'LIST', scope: 'cluster', resource: 'events', attemptLatencyMs: 180 }));
    const result = apiLatencyResult(rec, options);
    expect(result.slis.map((s) => (s as any).verb)).toEqual(['POST']);
    expect(result.quantiles.map((q) => q.name)).toEqual(['POST pods (resource)']);
    const workload = result.documents.find((f) => f.fileName === 'apiLatencyMeasurement-j.json')!.docs as any[];
    expect(workload.map((d) => d.verb)).toEqual(['POST']);
    const burn = result.documents.find((f) => f.fileName === 'apiLatencyBurnMeasurement-j.json')!.docs as any[];
    expect(burn).toEqual([expect.objectContaining({ origin: 'burn', verb: 'LIST', resource: 'events', count: 2, P99: 450, p99IsMax: true })]);
  });

  it('leaves WATCH, exec/log/proxy subresources and CRDs out of the SLI but documents them', () => {
    const rec = new ApiLatencyRecorder();
    rec.record(req({ verb: 'WATCH', scope: 'namespace', attemptLatencyMs: 60_000 }));
    rec.record(req({ verb: 'GET', subresource: 'log', attemptLatencyMs: 5_000 }));
    rec.record(req({ verb: 'POST', subresource: 'exec' }));
    rec.record(req({ verb: 'POST', group: 'kubevirt.io', resource: 'virtualmachines' }));
    rec.record(req({ verb: 'PATCH', group: 'apps', resource: 'deployments' }));
    rec.record(req({ verb: 'PUT', group: 'coordination.k8s.io', resource: 'leases' }));
    const result = apiLatencyResult(rec, options);
    expect(result.documents[0]!.docs).toHaveLength(6);
    expect(result.slis.map((s) => (s.sli === 'apiCall' ? `${s.verb} ${s.resource}` : ''))).toEqual(['PATCH deployments', 'PUT leases']);
  });

  it('applies ClusterLoader2 customThresholds and allowedSlowCalls to the SLI', () => {
    const rec = new ApiLatencyRecorder();
    for (let i = 0; i < 10; i++) rec.record(req({ verb: 'PUT', resource: 'leases', scope: 'resource', attemptLatencyMs: i < 8 ? 100 : 700 }));
    const at = positionsOf('config.yaml:3:5');
    const parsed = apiLatencyPlugin.parseOptions({ customThresholds: [{ verb: 'put', resource: 'leases', threshold: '500ms' }], allowedSlowCalls: 3 }, at);
    const result = apiLatencyResult(rec, { ...options, ...parsed });
    expect(result.slis[0]).toMatchObject({ thresholdMs: 500, slowCount: 2, allowedSlowCalls: 3 });
    expect(() => apiLatencyPlugin.parseOptions({ customThresholds: [{ verb: 'PUT', threshold: 'fast' }] }, at)).toThrow(/"threshold" of apiLatency customThresholds\[0\] must be a duration/);
    expect(() => apiLatencyPlugin.parseOptions({ allowedSlowCals: 3 }, at)).toThrow(/unknown option "allowedSlowCals" of apiLatency/);
  });
});
