/**
 * volumeSnapshotLatency: VolumeSnapshots (snapshot.storage.k8s.io/v1) in the job's namespaces,
 * from their creationTimestamp to the first change burn reads with status.readyToUse true, as
 * kube-burner v2 computes it (by namespace, not by label: snapshots made by other controllers
 * count too). The start is a server time of 1 s precision, the end a watch-observed time.
 * Before any load, preflight checks that the cluster serves the VolumeSnapshot API.
 */
import { UserError } from '../shared/errors.js';
import { collectTimestamp, documentFile, isoTime, quantileDocument } from './documents.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { summarize } from './quantiles.js';
import { iterationOf } from './run-labels.js';
import { checkLatencyThresholds, readLatencyThresholds, type LatencyThreshold } from './thresholds.js';
import type { Measurement, MeasurementContext, MeasurementResult, PreflightContext, QuantileSummary } from './types.js';
import { watchAccess } from '../kube/index.js';

export const SNAPSHOT_GROUP_VERSION = 'snapshot.storage.k8s.io/v1';

export interface SnapshotLatencyOptions {
  thresholds: LatencyThreshold[];
}

interface SnapshotSnapshot {
  uid: string;
  namespace: string;
  name: string;
  createdMs: number;
  ready: boolean;
  jobIteration: number;
  replica: number;
}

interface SnapshotRecord {
  snapshot: SnapshotSnapshot;
  readyMs: number;
}

function projectSnapshot(vs: any): SnapshotSnapshot {
  const labels = vs?.metadata?.labels as Record<string, string> | undefined;
  return {
    uid: String(vs?.metadata?.uid ?? `${vs?.metadata?.namespace}/${vs?.metadata?.name}`),
    namespace: String(vs?.metadata?.namespace ?? ''),
    name: String(vs?.metadata?.name ?? ''),
    createdMs: Date.parse(vs?.metadata?.creationTimestamp ?? ''),
    ready: vs?.status?.readyToUse === true,
    ...iterationOf(labels),
  };
}

/** Why the cluster cannot be measured, or undefined when it serves VolumeSnapshots. */
export async function missingSnapshotApi(client: PreflightContext['client']): Promise<string | undefined> {
  if (!client.request) return undefined;
  const list = await client.request<{ resources?: Array<{ name?: string }> } | undefined>({ method: 'GET', path: `/apis/${SNAPSHOT_GROUP_VERSION}`, tolerate: [404] });
  if (!list) return `the cluster does not serve ${SNAPSHOT_GROUP_VERSION} (the VolumeSnapshot CRDs are not installed)`;
  if (!(list.resources ?? []).some((r) => r.name === 'volumesnapshots')) return `the cluster serves ${SNAPSHOT_GROUP_VERSION} but not its volumesnapshots resource`;
  return undefined;
}

export class SnapshotLatencyMeasurement implements Measurement {
  readonly name = 'volumeSnapshotLatency';
  private snapshots = new Map<string, SnapshotRecord>();
  private watch?: { stop(): unknown };
  private meta = { uuid: '', jobName: '' };

  constructor(private readonly options: SnapshotLatencyOptions) {}

  async preflight(ctx: PreflightContext): Promise<void> {
    const missing = await missingSnapshotApi(ctx.client);
    if (missing) {
      throw new UserError(`volumeSnapshotLatency cannot measure anything: ${missing}`, {
        hint: 'install the external-snapshotter CRDs and snapshot controller with a CSI driver that takes snapshots, or remove the volumeSnapshotLatency measurement',
      });
    }
  }

  async start(ctx: MeasurementContext): Promise<void> {
    this.meta = { uuid: ctx.uuid, jobName: ctx.jobName };
    const snapshots = (this.snapshots = new Map());
    const inJob = ctx.inJobNamespace ?? (() => true);
    const handle = ctx.client.watchResources({
      apiVersion: SNAPSHOT_GROUP_VERSION,
      kind: 'VolumeSnapshot',
      project: projectSnapshot,
      onEvent: (type, vs, observedMs) => {
        if (type === 'DELETED' || !inJob(vs.namespace)) return;
        const known = snapshots.get(vs.uid);
        if (!known) {
          snapshots.set(vs.uid, { snapshot: vs, readyMs: 0 });
          if (type === 'ADDED') return;
        }
        const record = snapshots.get(vs.uid)!;
        // kube-burner stamps readiness on a change only, never on the first sight.
        if (type !== 'ADDED' && record.readyMs === 0 && vs.ready) record.readyMs = observedMs;
      },
    });
    this.watch = handle;
    await handle.synced;
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
  }

  async collect(): Promise<MeasurementResult> {
    const all = [...this.snapshots.values()];
    const ready = all.filter((r) => r.readyMs > 0);
    let invalid = 0;
    const docs = ready.map((r) => {
      let latency = Math.round(r.readyMs - r.snapshot.createdMs);
      if (!(latency >= 0)) {
        invalid++;
        latency = 0;
      }
      return {
        timestamp: isoTime(r.snapshot.createdMs),
        vsReadyLatency: latency,
        metricName: 'volumeSnapshotLatencyMeasurement',
        uuid: this.meta.uuid,
        namespace: r.snapshot.namespace,
        vsName: r.snapshot.name,
        jobName: this.meta.jobName,
        jobIteration: r.snapshot.jobIteration,
        replica: r.snapshot.replica,
      };
    });
    const summaries = new Map<string, QuantileSummary>();
    const quantileDocs: object[] = [];
    const s = summarize('Ready', docs.map((d) => d.vsReadyLatency), 'server-s', 'interpolatedRank');
    if (s) {
      summaries.set('Ready', s);
      quantileDocs.push(quantileDocument(s, { metricName: 'volumeSnapshotLatencyQuantilesMeasurement', quantileName: 'Ready', timestamp: collectTimestamp(), uuid: this.meta.uuid, jobName: this.meta.jobName }));
    }
    const notReady = all.length - ready.length;
    const warnings = notReady > 0 ? [`${notReady} of ${all.length} VolumeSnapshots in the job's namespaces never became readyToUse during the job (no snapshot controller or CSI snapshotter took them); they have no figures`] : [];
    const thresholds = checkLatencyThresholds('volumeSnapshotLatency', this.options.thresholds, summaries);
    for (const t of thresholds) {
      if (notReady === 0) break;
      t.passed = false;
      delete t.noSamples;
      t.message = `${t.key}: ${notReady} of ${all.length} VolumeSnapshots never became ready during the job (threshold ${t.threshold}ms)`;
    }
    return {
      name: 'volumeSnapshotLatency',
      documents: [documentFile('volumeSnapshotLatencyMeasurement', this.meta.jobName, docs), documentFile('volumeSnapshotLatencyQuantilesMeasurement', this.meta.jobName, quantileDocs)].filter((f) => f.docs.length > 0),
      quantiles: s ? [s] : [],
      thresholds,
      slis: [],
      invalid: { count: invalid, total: docs.length },
      errors: [],
      warnings,
    };
  }
}

export const snapshotLatencyPlugin: MeasurementPlugin<SnapshotLatencyOptions> = {
  name: 'volumeSnapshotLatency',
  // kube-burner also runs it on kubevirt jobs, which burn refuses.
  jobTypes: ['create', 'patch'],
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], 'volumeSnapshotLatency', ['name']);
    const thresholds = readLatencyThresholds(options, ['Ready']);
    options.finish();
    return { thresholds };
  },
  create: (options) => new SnapshotLatencyMeasurement(options),
  access: () => [
    { url: `/apis/${SNAPSHOT_GROUP_VERSION}`, verbs: ['get'], why: 'volumeSnapshotLatency checks that the cluster serves VolumeSnapshots' },
    watchAccess('snapshot.storage.k8s.io', 'volumesnapshots', "volumeSnapshotLatency watches the run's VolumeSnapshots"),
  ],
};
