/**
 * pvcLatency: this run's PersistentVolumeClaims, timed as kube-burner v2 times them. A claim is
 * first seen (its creation on the watch, or the initial list) and then each phase it is first
 * observed in on a later change (Pending, Bound, Lost) is stamped with the time burn read that
 * change; a claim whose requested size changes starts a resize, which ends when its
 * status.capacity reaches the new size. All figures are watch-observed milliseconds from first
 * sight, as kube-burner's (claims carry no server timestamps for their phases).
 * Claims that never bound, were never lost and were never resized are left out of the figures,
 * as in kube-burner, but burn says how many and that no provisioner bound them.
 */
import { nowMs } from '../shared/clock.js';
import { collectTimestamp, documentFile, isoTime, quantileDocument } from './documents.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { summarize } from './quantiles.js';
import { iterationOf, runWideSelector } from './run-labels.js';
import { checkLatencyThresholds, readLatencyThresholds, type LatencyThreshold } from './thresholds.js';
import type { Measurement, MeasurementContext, MeasurementResult, QuantileSummary, ThresholdResult } from './types.js';
import { watchAccess } from '../kube/index.js';

/** kube-burner's quantile names, in the order burn writes them. */
export const PVC_QUANTILES = ['Pending', 'Bound', 'Lost', 'Resize'] as const;
type PvcQuantile = (typeof PVC_QUANTILES)[number];

/**
 * conditionTypes a threshold may name: kube-burner accepts "Resized" while its quantile is
 * "Resize" (so its threshold never applies); burn takes both and checks them on Resize.
 */
const THRESHOLD_CONDITIONS = ['Pending', 'Bound', 'Lost', 'Resize', 'Resized'];

export interface PvcLatencyOptions {
  thresholds: LatencyThreshold[];
}

export interface PvcSnapshot {
  uid: string;
  namespace: string;
  name: string;
  phase: string;
  requested: string;
  capacity: string;
  storageClass: string;
  jobIteration: number;
  replica: number;
}

interface PvcRecord {
  snapshot: PvcSnapshot;
  firstSeenMs: number;
  size: string;
  pendingMs: number;
  boundMs: number;
  lostMs: number;
  resizeStartMs: number;
  resizeLatencyMs: number;
  resizedCapacity: string;
}

/** A Kubernetes quantity as written ("1Gi"); the comparison is textual, as kube-burner's Quantity.String(). */
function quantityText(value: unknown): string {
  return value === undefined || value === null ? '0' : String(value);
}

export function projectPvc(pvc: any): PvcSnapshot {
  const labels = pvc?.metadata?.labels as Record<string, string> | undefined;
  return {
    uid: String(pvc?.metadata?.uid ?? `${pvc?.metadata?.namespace}/${pvc?.metadata?.name}`),
    namespace: String(pvc?.metadata?.namespace ?? ''),
    name: String(pvc?.metadata?.name ?? ''),
    phase: String(pvc?.status?.phase ?? ''),
    requested: quantityText(pvc?.spec?.resources?.requests?.storage),
    capacity: quantityText(pvc?.status?.capacity?.storage),
    storageClass: typeof pvc?.spec?.storageClassName === 'string' ? pvc.spec.storageClassName : 'unknown',
    ...iterationOf(labels),
  };
}

/** The claims seen by one job's watch, with the times kube-burner's rules stamp. */
export class PvcTracker {
  private readonly claims = new Map<string, PvcRecord>();

  /** `added`: the watch's ADDED (creation or initial list); later events are changes. */
  observe(s: PvcSnapshot, observedMs: number, added: boolean): void {
    const known = this.claims.get(s.uid);
    if (!known) {
      this.claims.set(s.uid, { snapshot: s, firstSeenMs: observedMs, size: s.requested, pendingMs: 0, boundMs: 0, lostMs: 0, resizeStartMs: 0, resizeLatencyMs: 0, resizedCapacity: '' });
      if (added) return;
    }
    const r = this.claims.get(s.uid)!;
    r.snapshot = s;
    if (added) return;
    const sameSize = s.requested === r.size;
    if (sameSize && (r.boundMs === 0 || r.lostMs === 0)) {
      if (s.phase === 'Pending' && r.pendingMs === 0) r.pendingMs = observedMs;
      else if (s.phase === 'Bound' && r.boundMs === 0) r.boundMs = observedMs;
      else if (s.phase === 'Lost' && r.lostMs === 0) r.lostMs = observedMs;
    }
    if (!sameSize && r.resizeStartMs === 0) r.resizeStartMs = observedMs;
    if (r.resizeStartMs > 0 && r.resizeLatencyMs === 0 && s.capacity === s.requested) {
      r.resizeLatencyMs = Math.round(observedMs - r.resizeStartMs);
      r.resizedCapacity = s.capacity;
    }
  }

  records(): PvcRecord[] {
    return [...this.claims.values()];
  }
}

interface Normalized {
  record: PvcRecord;
  latencies: Record<PvcQuantile, number>;
  invalid: boolean;
}

function normalize(r: PvcRecord): Normalized {
  const since = (ms: number) => Math.round(ms - r.firstSeenMs);
  // kube-burner: a Pending never observed gives 0, not an error; a Bound before first sight is one.
  const pending = r.pendingMs > 0 ? Math.max(0, since(r.pendingMs)) : 0;
  const bound = r.boundMs > 0 ? since(r.boundMs) : 0;
  const lost = r.lostMs > 0 ? Math.max(0, since(r.lostMs)) : 0;
  return {
    record: r,
    latencies: { Pending: pending, Bound: Math.max(0, bound), Lost: lost, Resize: Math.max(0, r.resizeLatencyMs) },
    invalid: bound < 0,
  };
}

export function pvcLatencyResult(tracker: PvcTracker, meta: { uuid: string; jobName: string; thresholds: LatencyThreshold[]; stoppedMs: number }): MeasurementResult {
  const all = tracker.records();
  const settled = all.filter((r) => r.boundMs > 0 || r.lostMs > 0 || r.resizeStartMs > 0);
  const normalized = settled.map(normalize);
  const perClaim = normalized.map(({ record: r, latencies }) => ({
    timestamp: isoTime(r.firstSeenMs),
    pendingLatency: latencies.Pending,
    bindingLatency: latencies.Bound,
    lostLatency: latencies.Lost,
    resizeLatency: latencies.Resize,
    ...(r.resizedCapacity ? { resizedCapacity: r.resizedCapacity } : {}),
    uuid: meta.uuid,
    pvcName: r.snapshot.name,
    jobName: meta.jobName,
    namespace: r.snapshot.namespace,
    metricName: 'pvcLatencyMeasurement',
    size: r.size,
    storageClass: r.snapshot.storageClass,
    jobIteration: r.snapshot.jobIteration,
    replica: r.snapshot.replica,
  }));
  const timestamp = collectTimestamp();
  const summaries = new Map<string, QuantileSummary>();
  const quantiles: QuantileSummary[] = [];
  const quantileDocs: object[] = [];
  for (const name of PVC_QUANTILES) {
    const s = summarize(name, normalized.map((n) => n.latencies[name]), 'watch-ms', 'interpolatedRank');
    if (!s) continue;
    summaries.set(name, s);
    quantiles.push(s);
    quantileDocs.push(quantileDocument(s, { metricName: 'pvcLatencyQuantilesMeasurement', quantileName: name, timestamp, uuid: meta.uuid, jobName: meta.jobName }));
  }

  const unsettled = all.filter((r) => r.boundMs === 0 && r.lostMs === 0 && r.resizeStartMs === 0);
  const stillPending = unsettled.filter((r) => r.snapshot.phase === 'Pending' || r.snapshot.phase === '');
  const warnings: string[] = [];
  if (stillPending.length > 0) {
    const classes = [...new Set(stillPending.map((r) => r.snapshot.storageClass))].join(', ');
    const longestS = Math.round((meta.stoppedMs - Math.min(...stillPending.map((r) => r.firstSeenMs))) / 1000);
    warnings.push(
      `${stillPending.length} of ${all.length} PersistentVolumeClaims (storage class ${classes}) were still Pending when the measurement stopped, ${longestS}s after burn first saw the oldest: ` +
        'nothing bound them in that time (no provisioner for the class, a WaitForFirstConsumer class and no pod using the claim, or no default StorageClass); they have no pvcLatency figures',
    );
  }
  const thresholds: ThresholdResult[] = checkLatencyThresholds('pvcLatency', meta.thresholds, summaries);
  // A Bound threshold is not met by claims that never bound: say so instead of passing on the others.
  meta.thresholds.forEach((threshold, i) => {
    const t = thresholds[i]!;
    if (threshold.conditionType !== 'Bound' || stillPending.length === 0) return;
    t.passed = false;
    delete t.noSamples;
    t.message = `${t.key}: ${stillPending.length} of ${all.length} PersistentVolumeClaims were still Pending when the measurement stopped (threshold ${t.threshold}ms)`;
  });
  return {
    name: 'pvcLatency',
    documents: [documentFile('pvcLatencyMeasurement', meta.jobName, perClaim), documentFile('pvcLatencyQuantilesMeasurement', meta.jobName, quantileDocs)].filter((f) => f.docs.length > 0),
    quantiles,
    thresholds,
    slis: [],
    invalid: { count: normalized.filter((n) => n.invalid).length, total: normalized.length },
    errors: [],
    warnings,
  };
}

export class PvcLatencyMeasurement implements Measurement {
  readonly name = 'pvcLatency';
  private tracker = new PvcTracker();
  private watch?: { stop(): unknown };
  private meta = { uuid: '', jobName: '', thresholds: [] as LatencyThreshold[], stoppedMs: 0 };

  constructor(private readonly options: PvcLatencyOptions) {}

  async start(ctx: MeasurementContext): Promise<void> {
    this.meta = { uuid: ctx.uuid, jobName: ctx.jobName, thresholds: this.options.thresholds, stoppedMs: 0 };
    const tracker = (this.tracker = new PvcTracker());
    // kube-burner watches claims of the whole run, not of the job: a patch job resizes claims an earlier job made.
    const handle = ctx.client.watchResources({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      labelSelector: runWideSelector(ctx.labelSelector),
      project: projectPvc,
      onEvent: (type, claim, observedMs) => {
        if (type !== 'DELETED') tracker.observe(claim, observedMs, type === 'ADDED');
      },
    });
    this.watch = handle;
    await handle.synced;
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
    this.meta.stoppedMs = nowMs();
  }

  async collect(): Promise<MeasurementResult> {
    return pvcLatencyResult(this.tracker, this.meta);
  }
}

export const pvcLatencyPlugin: MeasurementPlugin<PvcLatencyOptions> = {
  name: 'pvcLatency',
  jobTypes: ['create', 'patch', 'delete'],
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], 'pvcLatency', ['name']);
    const thresholds = readLatencyThresholds(options, THRESHOLD_CONDITIONS).map((t) => (t.conditionType === 'Resized' ? { ...t, conditionType: 'Resize' } : t));
    options.finish();
    return { thresholds };
  },
  create: (options) => new PvcLatencyMeasurement(options),
  access: () => [watchAccess('', 'persistentvolumeclaims', "pvcLatency watches the run's PersistentVolumeClaims")],
};
