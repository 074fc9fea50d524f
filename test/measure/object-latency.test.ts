import { describe, expect, it } from 'vitest';
import { ObjectLatencyTracker, objectLatencyResult } from '../../src/measure/object-latency.js';
import { JOB_LATENCY } from '../../src/measure/job-latency.js';
import { NODE_LATENCY } from '../../src/measure/node-latency.js';
import { ScheduledCounter, schedulingThroughputResult } from '../../src/measure/scheduling-throughput.js';
import { createMeasurement, measurementNames, withDefaultMeasurements } from '../../src/measure/index.js';
import { UserError } from '../../src/shared/errors.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function job(name: string, created: number, started?: number, completed?: number): any {
  return {
    metadata: { name, namespace: 'ns', creationTimestamp: iso(created), labels: { 'kube-burner.io/job-iteration': '3', 'kube-burner.io/replica': '1' } },
    status: { startTime: started === undefined ? undefined : iso(started), conditions: completed === undefined ? [] : [{ type: 'Complete', status: 'True', lastTransitionTime: iso(completed) }] },
  };
}

describe('jobLatency, nodeLatency, schedulingThroughput', () => {
  it('measures Job start and completion on both clocks', () => {
    const tracker = new ObjectLatencyTracker(2, T0 - 10);
    tracker.observe(JOB_LATENCY.project(job('a', T0)), T0 + 5);
    tracker.observe(JOB_LATENCY.project(job('a', T0, T0 + 1000)), T0 + 1200);
    tracker.observe(JOB_LATENCY.project(job('a', T0, T0 + 1000, T0 + 4000)), T0 + 4300);
    const result = objectLatencyResult(JOB_LATENCY, tracker, { uuid: 'u', jobName: 'j', thresholds: [] });
    const [doc] = result.documents[0]!.docs as any[];
    // kube-burner's quantiles file holds the server-clock quantiles only; the watch clock's have their own.
    expect(result.documents.map((d) => d.fileName)).toEqual(['jobLatencyMeasurement-j.json', 'jobLatencyQuantilesMeasurement-j.json', 'jobLatencyWatchQuantilesMeasurement-j.json']);
    // kube-burner's per-Job fields: k8sJobName, jobIteration and replica.
    expect(doc).toMatchObject({ metricName: 'jobLatencyMeasurement', name: 'a', k8sJobName: 'a', jobIteration: 3, replica: 1, startTimeLatency: 1000, completionLatency: 4000, watchLatencies: { startTimeLatency: 1195, completionLatency: 4295 } });
    const quantiles = [...result.documents[1]!.docs, ...result.documents[2]!.docs] as any[];
    expect(quantiles.map((q) => `${q.metricName}:${q.quantileName}`)).toEqual([
      'jobLatencyQuantilesMeasurement:StartTime', 'jobLatencyQuantilesMeasurement:Complete',
      'jobLatencyWatchQuantilesMeasurement:StartTime', 'jobLatencyWatchQuantilesMeasurement:Complete',
    ]);
    expect(result.invalid).toEqual({ count: 0, total: 1 });
  });

  it('keeps the server times of a Job the watch showed late (read from a list), without watch-clock latencies', () => {
    const tracker = new ObjectLatencyTracker(2, T0 - 10);
    tracker.observe(JOB_LATENCY.project(job('seen', T0)), T0 + 5);
    tracker.observe(JOB_LATENCY.project(job('seen', T0, T0 + 1000, T0 + 3000)), T0 + 3100);
    tracker.observe(JOB_LATENCY.project(job('late', T0, T0 + 1000, T0 + 2000)), NaN, true);
    const result = objectLatencyResult(JOB_LATENCY, tracker, { uuid: 'u', jobName: 'j', thresholds: [] });
    const docs = result.documents[0]!.docs as any[];
    expect(docs.map((d) => [d.name, d.completionLatency, d.watchLatencies.completionLatency])).toEqual([['seen', 3000, 3095], ['late', 2000, null]]);
    const server = result.quantiles.find((q) => q.name === 'Complete' && q.clock === 'server-s')!;
    const watch = result.quantiles.find((q) => q.name === 'Complete' && q.clock === 'watch-ms')!;
    expect([server.count, watch.count]).toEqual([2, 1]);
  });

  it('counts a node that never became Ready as invalid', () => {
    const tracker = new ObjectLatencyTracker(4, T0 - 10);
    tracker.observe(NODE_LATENCY.project({ metadata: { name: 'n1', creationTimestamp: iso(T0) }, status: { conditions: [
      { type: 'MemoryPressure', status: 'False', lastTransitionTime: iso(T0 + 1000) },
      { type: 'DiskPressure', status: 'False', lastTransitionTime: iso(T0 + 1000) },
      { type: 'PIDPressure', status: 'False', lastTransitionTime: iso(T0 + 1000) },
      { type: 'Ready', status: 'False', lastTransitionTime: iso(T0 + 1000) },
    ] } }), T0 + 1100);
    const result = objectLatencyResult(NODE_LATENCY, tracker, { uuid: 'u', jobName: 'j', thresholds: [] });
    expect((result.documents[0]!.docs[0] as any)).toMatchObject({ nodeMemoryPressureLatency: 1000, nodeReadyLatency: 0 });
    expect(result.invalid).toEqual({ count: 1, total: 1 });
  });

  it('leaves out nodes that were there before the watch began: only joining nodes have a latency', () => {
    const tracker = new ObjectLatencyTracker(4, T0);
    const node = (name: string, created: number) => NODE_LATENCY.project({ metadata: { name, creationTimestamp: iso(created) }, status: { conditions: [
      { type: 'MemoryPressure', status: 'False', lastTransitionTime: iso(created + 1000) },
      { type: 'DiskPressure', status: 'False', lastTransitionTime: iso(created + 1000) },
      { type: 'PIDPressure', status: 'False', lastTransitionTime: iso(created + 1000) },
      { type: 'Ready', status: 'True', lastTransitionTime: iso(created + 2000) },
    ] } });
    tracker.observe(node('old', T0 - 45 * 60_000), T0 + 50);
    tracker.observe(node('new', T0 + 10_000), T0 + 12_100);
    const result = objectLatencyResult(NODE_LATENCY, tracker, { uuid: 'u', jobName: 'j', thresholds: [] });
    expect((result.documents[0]!.docs as any[]).map((d) => [d.name, d.nodeReadyLatency])).toEqual([['new', 2000]]);
    expect(result.invalid).toEqual({ count: 0, total: 1 });
  });

  it('counts pods scheduled per second from watch times, empty seconds included, pre-existing ones not', () => {
    const counter = new ScheduledCounter();
    counter.observe({ id: 'old', scheduled: true }, T0, false);
    for (let i = 0; i < 10; i++) counter.observe({ id: `a${i}`, scheduled: true }, T0 + 100 + i);
    counter.observe({ id: 'a0', scheduled: true }, T0 + 150); // seen again: counted once
    counter.observe({ id: 'pending', scheduled: false }, T0 + 200);
    for (let i = 0; i < 4; i++) counter.observe({ id: `b${i}`, scheduled: true }, T0 + 2500);
    expect(counter.samples()).toEqual([10, 0, 4]);
    const doc = schedulingThroughputResult(counter, { uuid: 'u', jobName: 'j' }).documents[0]!.docs[0] as any;
    expect(doc).toMatchObject({ perc50: 4, perc90: 10, perc99: 10, max: 10, samples: 3, podsScheduled: 14, clock: 'watch-ms' });
  });

  it('registers every measurement by its kube-burner name and adds the defaults SLO grading needs', () => {
    expect(measurementNames()).toEqual(['apiLatency', 'apiServerSli', 'hpaScaleOut', 'jobLatency', 'netpolLatency', 'nodeLatency', 'podLatency', 'pprof', 'prometheus', 'pvcLatency', 'saturation', 'schedulingThroughput', 'serviceLatency', 'volumeSnapshotLatency']);
    expect(createMeasurement('podLatency').name).toBe('podLatency');
    expect(() => createMeasurement('podLatencies')).toThrow(UserError);
    const endpoint = { endpoint: 'http://127.0.0.1:9090', token: '', username: '', password: '', stepMs: 30_000, skipTLSVerify: true, metrics: [], alerts: [], alias: '' };
    expect(withDefaultMeasurements([{ name: 'podLatency', options: { thresholds: [], excludeImagePulls: true } }], []).map((m) => m.name)).toEqual(['podLatency', 'apiServerSli', 'apiLatency', 'saturation']);
    expect(withDefaultMeasurements([], [endpoint]).map((m) => m.name)).toEqual(['apiServerSli', 'apiLatency', 'podLatency', 'saturation', 'prometheus']);
    // An entry without endpoint only says where documents go: there is no Prometheus to query.
    expect(withDefaultMeasurements([], [{ ...endpoint, endpoint: '', indexer: { type: 'local', metricsDirectory: 'collected-metrics', createTarball: false, tarballName: 'kube-burner-metrics.tgz' } }]).map((m) => m.name)).toEqual(['apiServerSli', 'apiLatency', 'podLatency', 'saturation']);
  });
});
