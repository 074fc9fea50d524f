/**
 * pvcLatency's rules (kube-burner v2's: phases stamped on changes, resize by requested size and
 * capacity), its thresholds, and volumeSnapshotLatency's preflight against a cluster without the
 * VolumeSnapshot API (the simulator started without the external-snapshotter CRDs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectCluster, type KubeClient } from '../../src/kube/index.js';
import { createMeasurement, positionsOf } from '../../src/measure/index.js';
import { PvcTracker, projectPvc, pvcLatencyPlugin, pvcLatencyResult } from '../../src/measure/pvc-latency.js';
import { startSim, type RunningSim } from '../../src/sim/index.js';

function pvc(name: string, phase: string, requested = '1Gi', capacity?: string): any {
  return {
    metadata: { uid: `uid-${name}`, namespace: 'ns', name, labels: { 'kube-burner.io/job-iteration': '2', 'kube-burner.io/replica': '1' } },
    spec: { storageClassName: 'fast', resources: { requests: { storage: requested } } },
    status: { phase, ...(capacity ? { capacity: { storage: capacity } } : {}) },
  };
}

const meta = { uuid: 'u', jobName: 'j', thresholds: [], stoppedMs: 10_000 };

describe('pvcLatency', () => {
  it('stamps phases on changes only, from first sight, as kube-burner', () => {
    const tracker = new PvcTracker();
    tracker.observe(projectPvc(pvc('a', 'Pending')), 1000, true);
    tracker.observe(projectPvc(pvc('a', 'Pending')), 1040, false);
    tracker.observe(projectPvc(pvc('a', 'Bound', '1Gi', '1Gi')), 1900, false);
    tracker.observe(projectPvc(pvc('a', 'Bound', '1Gi', '1Gi')), 5000, false); // a later change moves nothing
    const result = pvcLatencyResult(tracker, meta);
    const [doc] = result.documents.find((f) => f.fileName === 'pvcLatencyMeasurement-j.json')!.docs as any[];
    expect(doc).toEqual({
      timestamp: new Date(1000).toISOString(),
      pendingLatency: 40,
      bindingLatency: 900,
      lostLatency: 0,
      resizeLatency: 0,
      uuid: 'u',
      pvcName: 'a',
      jobName: 'j',
      namespace: 'ns',
      metricName: 'pvcLatencyMeasurement',
      size: '1Gi',
      storageClass: 'fast',
      jobIteration: 2,
      replica: 1,
    });
    expect(result.quantiles.map((q) => [q.name, q.max, q.clock])).toEqual([['Pending', 40, 'watch-ms'], ['Bound', 900, 'watch-ms'], ['Lost', 0, 'watch-ms'], ['Resize', 0, 'watch-ms']]);
    expect(result.warnings).toEqual([]);
  });

  it('times a resize from the change of the requested size to the capacity reaching it', () => {
    const tracker = new PvcTracker();
    tracker.observe(projectPvc(pvc('b', 'Bound', '1Gi', '1Gi')), 0, true); // already bound when the job starts
    tracker.observe(projectPvc(pvc('b', 'Bound', '2Gi', '1Gi')), 2000, false);
    tracker.observe(projectPvc(pvc('b', 'Bound', '2Gi', '2Gi')), 3500, false);
    const result = pvcLatencyResult(tracker, { ...meta, thresholds: [{ conditionType: 'Resize', metric: 'Max', thresholdMs: 1000 }] });
    const [doc] = result.documents[0]!.docs as any[];
    expect(doc).toMatchObject({ pendingLatency: 0, bindingLatency: 0, resizeLatency: 1500, resizedCapacity: '2Gi', size: '1Gi' });
    expect(result.thresholds).toEqual([expect.objectContaining({ key: 'pvcLatency Resize Max', value: 1500, passed: false })]);
  });

  it('leaves claims that never bound out of the figures, says so, and fails a Bound threshold for them', () => {
    const tracker = new PvcTracker();
    tracker.observe(projectPvc(pvc('c', 'Pending')), 1000, true);
    tracker.observe(projectPvc(pvc('c', 'Pending')), 1100, false);
    const result = pvcLatencyResult(tracker, { ...meta, thresholds: [{ conditionType: 'Bound', metric: 'P99', thresholdMs: 5000 }] });
    expect(result.documents).toEqual([]);
    expect(result.quantiles).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^1 of 1 PersistentVolumeClaims \(storage class fast\) were still Pending when the measurement stopped, 9s after/)]);
    expect(result.thresholds).toEqual([expect.objectContaining({ key: 'pvcLatency Bound P99', passed: false, message: expect.stringContaining('1 of 1 PersistentVolumeClaims were still Pending') })]);
  });

  it('checks a "Resized" threshold (kube-burner\'s spelling) on the Resize quantile', () => {
    const parsed = pvcLatencyPlugin.parseOptions({ thresholds: [{ conditionType: 'Resized', metric: 'P99', threshold: '2s' }] }, positionsOf('test'));
    expect(parsed.thresholds).toEqual([{ conditionType: 'Resize', metric: 'P99', thresholdMs: 2000 }]);
  });
});

describe('volumeSnapshotLatency preflight', () => {
  let dir: string;
  let sim: RunningSim;
  let client: KubeClient;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'burn-vs-'));
    sim = await startSim({ nodes: 1, volumeSnapshots: false, kubeconfigOut: join(dir, 'kubeconfig') });
    client = await connectCluster({ kubeconfig: join(dir, 'kubeconfig') });
  });

  afterAll(async () => {
    await client?.close();
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses before any load on a cluster without the VolumeSnapshot CRDs, naming the fix', async () => {
    const m = createMeasurement('volumeSnapshotLatency');
    await expect(m.preflight!({ client, uuid: 'u', runId: 'r', metricsEndpoints: [] })).rejects.toThrow(
      /volumeSnapshotLatency cannot measure anything: the cluster does not serve snapshot\.storage\.k8s\.io\/v1 \(the VolumeSnapshot CRDs are not installed\)/,
    );
  });
});
