import { describe, expect, it } from 'vitest';
import { PodTracker, projectPod } from '../../src/measure/pod-tracker.js';
import { podLatencyResult, projectPullEvent } from '../../src/measure/pod-latency.js';
import { podLatencyPlugin } from '../../src/measure/pod-latency.js';
import { positionsOf } from '../../src/measure/options.js';
import { PHASES } from '../../src/measure/pod-tracker.js';
import { UserError } from '../../src/shared/errors.js';
import { podJson, type PodTimes } from './pod-fixture.js';

const T0 = Date.parse('2026-11-22T10:00:00Z');
const options = { uuid: 'u-1', jobName: 'job-a', thresholds: [] };

/** Feeds a pod's lifecycle through the tracker the way a watch would deliver it. */
function feed(tracker: PodTracker, name: string, t: Required<PodTimes>, observeLag = 3): void {
  const stages: PodTimes[] = [
    { created: t.created },
    { created: t.created, scheduled: t.scheduled },
    { created: t.created, scheduled: t.scheduled, readyToStart: t.readyToStart, initialized: t.initialized },
    { created: t.created, scheduled: t.scheduled, readyToStart: t.readyToStart, initialized: t.initialized, started: t.started },
    t,
  ];
  const at = [t.created, t.scheduled, t.initialized, t.started, t.ready];
  stages.forEach((stage, i) => tracker.observe(projectPod(podJson('ns-1', name, stage)), at[i]! + observeLag));
}

function times(created: number, step: number): Required<PodTimes> {
  return { created, scheduled: created + step, readyToStart: created + 2 * step, initialized: created + 2 * step, started: created + 3 * step, ready: created + 4 * step };
}

describe('podLatency', () => {
  it('projects only timestamps from a pod', () => {
    const snap = projectPod(podJson('ns-1', 'web-7b9c6-abcde', times(T0, 500), { iteration: 4, replica: 2 }));
    expect(snap).toMatchObject({ namespace: 'ns-1', name: 'web-7b9c6-abcde', nodeName: 'worker-017', iteration: 4, replica: 2, createdMs: T0 });
    expect(snap.phases[PHASES.indexOf('Ready')]).toBe(T0 + 2000);
    expect(snap.phases[PHASES.indexOf('ContainersStarted')]).toBe(T0 + 1000);
    const pending = projectPod(podJson('ns-1', 'p', { created: T0 }));
    expect(pending.phases.every(Number.isNaN)).toBe(true);
  });

  it('computes server-clock and watch-clock latencies and writes kube-burner documents', () => {
    const tracker = new PodTracker(T0 - 10);
    feed(tracker, 'pod-a', times(T0 + 200, 700));
    feed(tracker, 'pod-b', times(T0 + 400, 900));
    const result = podLatencyResult(tracker, options);
    const perPod = result.documents.find((d) => d.fileName === 'podLatencyMeasurement-job-a.json')!.docs as any[];
    expect(perPod).toHaveLength(2);
    // server clock: whole seconds. pod-a created 10:00:00, ready at 10:00:03 (200+2800 ms).
    expect(perPod[0]).toMatchObject({ metricName: 'podLatencyMeasurement', podName: 'pod-a', namespace: 'ns-1', podReadyLatency: 3000, schedulingLatency: 0, uuid: 'u-1', jobName: 'job-a', nodeName: 'worker-017', clock: 'server-s' });
    // watch clock: ms from the observed creation.
    expect(perPod[0].watchLatencies).toMatchObject({ podReadyLatency: 2800, schedulingLatency: 700, containersStartedLatency: 2100 });
    const serverQ = result.documents.find((d) => d.fileName === 'podLatencyQuantilesMeasurement-job-a.json')!.docs as any[];
    expect(serverQ.map((d) => d.quantileName)).toEqual(expect.arrayContaining(['PodScheduled', 'Initialized', 'ContainersReady', 'Ready', 'ContainersStarted']));
    const ready = serverQ.find((d) => d.quantileName === 'Ready');
    expect(ready).toMatchObject({ metricName: 'podLatencyQuantilesMeasurement', P50: 3000, max: 4000, min: 3000, clock: 'server-s' });
    const watchReady = result.quantiles.find((q) => q.name === 'Ready' && q.clock === 'watch-ms')!;
    expect(watchReady.max).toBe(3600);
    expect(result.slis).toEqual([expect.objectContaining({ sli: 'podStartup', source: 'watch', count: 2, p99: 2700, excluded: 0 })]);
    expect(result.invalid).toEqual({ count: 0, total: 2 });
    expect(result.errors).toEqual([]);
  });

  it('subtracts image pull time (first Pulling to last Pulled) from the pod startup SLI, like the kubelet', () => {
    const tracker = new PodTracker(T0 - 10);
    tracker.observePull('ns-1', 'pulled', 'start', T0 + 600); // events may come before the pod's own
    feed(tracker, 'pulled', times(T0, 1000)); // containers started at +3000 (observed +3003)
    tracker.observePull('ns-1', 'pulled', 'end', T0 + 2100);
    feed(tracker, 'present', times(T0, 100));
    tracker.observePull('ns-1', 'present', 'end', T0 + 250); // "already present on machine": no Pulling
    feed(tracker, 'stuck', times(T0, 200));
    tracker.observePull('ns-1', 'stuck', 'start', T0 + 300); // never Pulled: cannot tell the pull time
    expect(tracker.unfinishedPulls()).toBe(1); // stuck: started, its Pulled event not seen (yet)
    const sli = podLatencyResult(tracker, options).slis[0]!;
    // pulled: 3000 - 1500 = 1500; present: 300
    expect(sli).toMatchObject({ count: 2, p50: 300, p99: 1500, excluded: 1 });
    expect(projectPullEvent({ reason: 'Pulling', involvedObject: { kind: 'Pod', namespace: 'ns-1', name: 'p' } })).toEqual({ namespace: 'ns-1', name: 'p', edge: 'start' });
    expect(projectPullEvent({ reason: 'Pulled', involvedObject: { kind: 'Pod', namespace: 'ns-1', name: 'p' } })).toEqual({ namespace: 'ns-1', name: 'p', edge: 'end' });
    expect(projectPullEvent({ reason: 'Started', involvedObject: { kind: 'Pod', name: 'x' } })).toBeNull();
  });

  it('a pull event seen late (the events watch was cut off) makes the pull time subtracted uncertain by as much, either way', () => {
    const tracker = new PodTracker(T0 - 10);
    tracker.observePull('ns-1', 'pulled', 'start', T0 + 600);
    feed(tracker, 'pulled', times(T0, 1000)); // containers started at +3000 (observed +3003)
    tracker.observePull('ns-1', 'pulled', 'end', T0 + 2100, 1200); // Pulled seen after an outage of up to 1.2 s
    const sli = podLatencyResult(tracker, options).slis[0]!;
    expect(sli).toMatchObject({ count: 1, p99: 1500, blind: { pods: 1, unknown: 0, p99IfFast: 300, p99IfSlow: 2700 } });
  });

  it('has no watch times for pods that existed before the watch started', () => {
    const tracker = new PodTracker(T0 + 60_000);
    tracker.observe(projectPod(podJson('ns-1', 'old', times(T0, 500))), T0 + 60_100);
    const result = podLatencyResult(tracker, options);
    const doc = (result.documents[0]!.docs as any[])[0];
    expect(doc.podReadyLatency).toBe(2000);
    expect(doc.watchLatencies.podReadyLatency).toBeNull();
    expect(result.slis).toEqual([]);
  });

  it('fails the measurement when more than 10% of pods are invalid, and clamps negatives to 0', () => {
    const tracker = new PodTracker(T0 - 10);
    feed(tracker, 'ok', times(T0, 100));
    tracker.observe(projectPod(podJson('ns-1', 'never-ready', { created: T0, scheduled: T0 + 10 })), T0 + 20);
    // A clock skewed node: Ready before creation.
    tracker.observe(projectPod(podJson('ns-1', 'skewed', { created: T0 + 5000, scheduled: T0 + 5000, readyToStart: T0, initialized: T0, started: T0, ready: T0 })), T0 + 5100);
    const result = podLatencyResult(tracker, options);
    expect(result.invalid).toEqual({ count: 2, total: 3 });
    expect(result.errors[0]).toMatch(/2 of 3 pods \(66\.7%\) have missing or negative latencies/);
    const skewed = (result.documents[0]!.docs as any[]).find((d) => d.podName === 'skewed');
    expect(skewed.podReadyLatency).toBe(0);
  });

  it('checks kube-burner thresholds against the server-clock quantiles', () => {
    const tracker = new PodTracker(T0 - 10);
    for (let i = 0; i < 10; i++) feed(tracker, `p-${i}`, times(T0, 600 + i * 100));
    const { thresholds } = podLatencyPlugin.parseOptions({ thresholds: [
      { conditionType: 'Ready', metric: 'P99', threshold: '3s' },
      { conditionType: 'PodScheduled', metric: 'Max', threshold: '2s' },
    ] }, positionsOf('config.yaml:3:5'));
    const result = podLatencyResult(tracker, { ...options, thresholds });
    expect(result.thresholds).toEqual([
      // Ready at 2,2,3,3,4,4,4,5,5,6 s: rank 9.9 -> mean of the 9th and 10th (kube-burner's method)
      // 10 samples, fewer than 100: P99 is the maximum (6 s), not kube-burner's interpolated 5.5 s.
      expect.objectContaining({ key: 'podLatency Ready P99', value: 6000, threshold: 3000, passed: false }),
      expect.objectContaining({ key: 'podLatency PodScheduled Max', value: 1000, threshold: 2000, passed: true }),
    ]);
    expect(result.thresholds[0]!.message).toContain('(6000ms) higher than the configured threshold (3000ms) (10 samples, fewer than 100: P99 is the maximum)');
  });

  it('counts pods that never started in the pod startup SLI, beyond any threshold', () => {
    const tracker = new PodTracker(T0 - 10);
    for (let i = 0; i < 110; i++) feed(tracker, `ok-${i}`, times(T0, 100));
    for (let i = 0; i < 10; i++) tracker.observe(projectPod(podJson('ns-1', `pending-${i}`, { created: T0 })), T0 + 20);
    // Deleted before it started (churn): not waited for, left out.
    tracker.observe(projectPod(podJson('ns-1', 'deleted', { created: T0 })), T0 + 20);
    tracker.markDeleted('ns-1', 'deleted');
    const result = podLatencyResult(tracker, options);
    const sli = result.slis[0]!;
    expect(sli).toMatchObject({ sli: 'podStartup', count: 120, neverReady: 10, excluded: 1, clock: 'watch-ms' });
    expect(sli.p99).toBe(Number.POSITIVE_INFINITY);
    expect(sli.p50).toBeLessThan(5000);
    const doc = result.documents.find((d) => d.fileName.startsWith('podStartupLatencyMeasurement'))!.docs[0] as any;
    expect(doc).toMatchObject({ neverReady: 10, count: 120 });
  });

  it('a pod the server reports started but the watch never showed in time is left out of the SLI, not counted as never ready', () => {
    const tracker = new PodTracker(T0 - 10);
    for (let i = 0; i < 5; i++) feed(tracker, `ok-${i}`, times(T0, 100));
    // The watch saw the pod created, then was cut; the final LIST shows it started and Ready.
    tracker.observe(projectPod(podJson('ns-1', 'lagging', { created: T0 })), T0 + 20);
    expect(tracker.shows(projectPod(podJson('ns-1', 'lagging', { created: T0 })))).toBe(true);
    expect(tracker.shows(projectPod(podJson('ns-1', 'lagging', times(T0, 300))))).toBe(false);
    expect(tracker.shows(projectPod(podJson('ns-1', 'never-seen', { created: T0 })))).toBe(false);
    tracker.observeLate(projectPod(podJson('ns-1', 'lagging', times(T0, 300))));
    const sli = podLatencyResult(tracker, options).slis[0]!;
    expect(sli).toMatchObject({ count: 5, neverReady: 0, excluded: 1 });
    expect(sli.p99).toBeLessThan(5000);
  });

  it('times pods seen late (after a watch outage) only to within the outage: the SLI carries the p99 at their shortest and longest', () => {
    const tracker = new PodTracker(T0 - 10);
    for (let i = 0; i < 200; i++) feed(tracker, `ok-${i}`, times(T0, 100));
    // created on time (T0 + 20), seen started 60 s later, just after an outage of up to 59.5 s:
    // it started between 500 ms and 60 s after its creation
    tracker.observe(projectPod(podJson('ns-1', 'seen-late', { created: T0 })), T0 + 20);
    tracker.observe(projectPod(podJson('ns-1', 'seen-late', times(T0, 300))), T0 + 60_020, 59_500);
    const result = podLatencyResult(tracker, options, 59_500);
    const sli = result.slis[0]!;
    // one pod of 201 cannot move the p99 (the 199th sample), whatever its span
    expect(sli).toMatchObject({ count: 201, neverReady: 0, excluded: 0, blind: { pods: 1, unknown: 0, ms: 59_500, p99IfFast: 300, p99IfSlow: 300 } });
    expect(sli.p99).toBe(300);
    // a minute late on the watch clock is not a latency: no watch-clock phase figure holds it
    expect(result.quantiles.filter((q) => q.clock === 'watch-ms' && q.name !== 'PodStartup').every((q) => (q.max ?? 0) <= 500)).toBe(true);
    const perPod = result.documents.find((d) => d.fileName === 'podLatencyMeasurement-job-a.json')!.docs as any[];
    expect(perPod.find((d) => d.podName === 'seen-late').watchLatencies.containersStartedLatency).toBeNull();
    // two more such pods: the p99 is the 201st of 203 samples, and their range decides it
    for (const name of ['late-2', 'late-3']) {
      tracker.observe(projectPod(podJson('ns-1', name, { created: T0 })), T0 + 20);
      tracker.observe(projectPod(podJson('ns-1', name, times(T0, 300))), T0 + 60_020, 59_500);
    }
    expect(podLatencyResult(tracker, options, 59_500).slis[0]).toMatchObject({ count: 203, p99: 60_000, blind: { pods: 3, p99IfFast: 500, p99IfSlow: 60_000 } });
  });

  it('a pod created while the watch was cut off can have taken longer than seen', () => {
    const tracker = new PodTracker(T0 - 10);
    tracker.observe(projectPod(podJson('ns-1', 'p', times(T0, 300))), T0 + 9_000, 8_000);
    tracker.observe(projectPod(podJson('ns-1', 'p', times(T0, 300))), T0 + 9_000, 8_000);
    const [sli] = podLatencyResult(tracker, options, 8_000).slis;
    expect(sli).toMatchObject({ count: 1, p99: 0, blind: { pods: 1, p99IfFast: 0, p99IfSlow: 8_000 } });
  });

  it('counts pods not seen started while the watch was still cut off at the end as unknown, not never ready', () => {
    const tracker = new PodTracker(T0 - 10);
    for (let i = 0; i < 10; i++) tracker.observe(projectPod(podJson('ns-1', `p-${i}`, { created: T0 })), T0 + 20);
    tracker.markUnstartedBlind();
    const [sli] = podLatencyResult(tracker, options, 240_000).slis;
    expect(sli).toMatchObject({ count: 0, neverReady: 0, excluded: 10, blind: { pods: 0, unknown: 10, ms: 240_000, p99IfFast: 0, p99IfSlow: Infinity } });
  });

  it('passes a threshold with no samples and says so (kube-burner passes it)', () => {
    const { thresholds } = podLatencyPlugin.parseOptions({ thresholds: [{ conditionType: 'Ready', metric: 'P99', threshold: '10s' }] }, positionsOf('config.yaml:3:5'));
    const result = podLatencyResult(new PodTracker(T0), { ...options, thresholds });
    expect(result.thresholds).toEqual([expect.objectContaining({ key: 'podLatency Ready P99', passed: true, noSamples: true })]);
    expect(result.thresholds[0]!.message).toContain('no samples');
  });

  it('writes no documents for a job without pods (a delete job), as kube-burner', () => {
    const result = podLatencyResult(new PodTracker(T0), options);
    expect(result).toMatchObject({ documents: [], slis: [], invalid: { count: 0, total: 0 }, errors: [] });
  });

  it('rejects a malformed threshold with the entry it came from', () => {
    const parse = (thresholds: unknown) => () => podLatencyPlugin.parseOptions({ thresholds }, positionsOf('config.yaml:3:5'));
    expect(parse([{ conditionType: 'Ready', metric: 'P98', threshold: '1s' }])).toThrow(UserError);
    expect(parse([{ conditionType: 'Ready', threshold: 'soon' }])).toThrow(/config.yaml:3:5: "threshold" of podLatency thresholds\[0\] must be a duration/);
    expect(parse([{ conditionType: 'Ready', threshold: 2000 }])).toThrow(/must be a duration with a unit, got 2000/);
    expect(parse([{ conditionType: 'Redy', threshold: '1s' }])).toThrow(/"conditionType" of podLatency thresholds\[0\] is "Redy"/);
    expect(parse([{ metric: 'P99', threshold: '1s' }])).toThrow(/thresholds\[0\] has no conditionType/);
    expect(parse({ conditionType: 'Ready' })).toThrow(/"thresholds" of podLatency must be a list/);
  });
});
