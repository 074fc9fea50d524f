/**
 * hpaScaleOut (burn's measurement): watches the HorizontalPodAutoscalers and the pods of their
 * Deployments while a job runs (burn's traffic or a user's load generator). It keeps a timeline of
 * each HPA's current and desired replicas and ready pods, and for each scale-out (desired going up)
 * the time from the start of the job's load to the HPA's decision, and from the decision until the
 * new pods were created, scheduled and ready (as burn's watch saw them). Thresholds on those as
 * kube-burner's latency thresholds: {conditionType: PodsReady, metric: Max, threshold: 60s}.
 */
import { kindAccess } from '../kube/index.js';
import type { MeasurementPlugin } from './plugin.js';
import { OptionReader } from './options.js';
import { summarize } from './quantiles.js';
import { checkLatencyThresholds, readLatencyThresholds, type LatencyThreshold } from './thresholds.js';
import type { Measurement, MeasurementContext, MeasurementResult, QuantileSummary } from './types.js';

export const HPA_PHASES = ['Decision', 'PodsCreated', 'PodsScheduled', 'PodsReady'] as const;
const NAME = 'hpaScaleOut';

interface HpaView {
  namespace: string;
  name: string;
  current: number;
  desired: number;
  targetKind: string;
  targetName: string;
}

interface PodView {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  scheduled: boolean;
  ready: boolean;
}

interface PodTimes {
  pod: PodView;
  createdMs: number;
  scheduledMs?: number;
  readyMs?: number;
}

interface ScaleOut {
  hpa: string;
  from: number;
  to: number;
  decidedMs: number;
  /** The pods this scale-out added: the first (to - from) of its target's pods created after the decision. */
  pods: PodTimes[];
}

interface Sample {
  atMs: number;
  hpa: string;
  current: number;
  desired: number;
  ready: number;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function conditionTrue(obj: any, type: string): boolean {
  return (obj?.status?.conditions ?? []).some((c: any) => c?.type === type && c?.status === 'True');
}

class HpaScaleOutMeasurement implements Measurement {
  readonly name = NAME;
  private ctx?: MeasurementContext;
  private readonly watches: Array<{ stop(): unknown }> = [];
  private readonly hpas = new Map<string, HpaView>();
  private readonly selectors = new Map<string, Record<string, string>>();
  private readonly pods = new Map<string, PodTimes>();
  private readonly scaleOuts: ScaleOut[] = [];
  private readonly timeline: Sample[] = [];
  private readonly problems: string[] = [];
  /** When burn last saw each HPA change: the start of the window in which its next decision was made. */
  private readonly lastHpaEventMs = new Map<string, number>();

  constructor(private readonly thresholds: LatencyThreshold[]) {}

  async start(ctx: MeasurementContext): Promise<void> {
    this.ctx = ctx;
    const hpaWatch = ctx.client.watchResources<HpaView>({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      project: (o: any) => ({ namespace: o.metadata.namespace, name: o.metadata.name, current: o.status?.currentReplicas ?? 0, desired: o.status?.desiredReplicas ?? 0, targetKind: o.spec?.scaleTargetRef?.kind ?? '', targetName: o.spec?.scaleTargetRef?.name ?? '' }),
      onEvent: (type, hpa, atMs) => this.onHpa(type, hpa, atMs),
    });
    const podWatch = ctx.client.watchResources<PodView>({
      apiVersion: 'v1',
      kind: 'Pod',
      project: (o: any) => ({ namespace: o.metadata.namespace, name: o.metadata.name, labels: { ...(o.metadata.labels ?? {}) }, scheduled: conditionTrue(o, 'PodScheduled'), ready: conditionTrue(o, 'Ready') }),
      onEvent: (type, pod, atMs) => this.onPod(type, pod, atMs),
    });
    this.watches.push(hpaWatch, podWatch);
    await Promise.all([hpaWatch.synced, podWatch.synced]);
  }

  private onHpa(type: string, hpa: HpaView, atMs: number): void {
    const key = `${hpa.namespace}/${hpa.name}`;
    if (type === 'DELETED') return void this.hpas.delete(key);
    const before = this.hpas.get(key);
    this.hpas.set(key, hpa);
    if (!this.selectors.has(key)) void this.loadSelector(key, hpa);
    // kube-controller-manager's HPA leaves desiredReplicas at 0 until it first has metrics: its
    // first decision scales out from the replicas it reports as current.
    const from = before ? (before.desired > 0 ? before.desired : hpa.current) : 0;
    if (from > 0 && hpa.desired > from) {
      const scaleOut: ScaleOut = { hpa: key, from, to: hpa.desired, decidedMs: atMs, pods: [] };
      this.claimPodsCreatedBefore(scaleOut, this.lastHpaEventMs.get(key) ?? atMs);
      this.scaleOuts.push(scaleOut);
    }
    this.lastHpaEventMs.set(key, atMs);
    this.sample(key, atMs);
  }

  /**
   * A controller scales the target before it writes the HPA's status, so burn's watch can see the
   * new pods first: pods of the target created since the HPA's previous change, and not taken by
   * another scale-out, are this one's, and its decision was no later than the first of them.
   */
  private claimPodsCreatedBefore(scaleOut: ScaleOut, sinceMs: number): void {
    const selector = this.selectors.get(scaleOut.hpa);
    if (!selector || !Object.keys(selector).length) return;
    const taken = new Set(this.scaleOuts.flatMap((s) => s.pods));
    const early = [...this.pods.values()]
      .filter((t) => !taken.has(t) && t.createdMs > sinceMs && t.createdMs <= scaleOut.decidedMs && scaleOut.hpa.startsWith(`${t.pod.namespace}/`) && matches(selector, t.pod.labels))
      .sort((a, b) => a.createdMs - b.createdMs)
      .slice(0, scaleOut.to - scaleOut.from);
    scaleOut.pods.push(...early);
    if (early.length) scaleOut.decidedMs = early[0]!.createdMs;
  }

  private async loadSelector(key: string, hpa: HpaView): Promise<void> {
    this.selectors.set(key, {});
    if (hpa.targetKind !== 'Deployment' || !this.ctx?.client.get) return;
    try {
      const d = await this.ctx.client.get('apps/v1', 'Deployment', hpa.targetName, hpa.namespace, { notFoundOk: true });
      const selector = (d as any)?.spec?.selector?.matchLabels as Record<string, string> | undefined;
      if (selector) this.selectors.set(key, selector);
      else this.problems.push(`HPA ${key}: its target Deployment ${hpa.targetName} was not found or has no matchLabels: its pods are not followed`);
    } catch (err) {
      this.problems.push(`HPA ${key}: reading its target ${hpa.targetName}: ${(err as Error).message}`);
    }
  }

  private onPod(type: string, pod: PodView, atMs: number): void {
    const key = `${pod.namespace}/${pod.name}`;
    if (type === 'DELETED') {
      this.pods.delete(key);
      return;
    }
    let times = this.pods.get(key);
    if (!times) {
      times = { pod, createdMs: atMs };
      this.pods.set(key, times);
      // A new pod of a target: the oldest scale-out still waiting for pods takes it.
      for (const s of this.scaleOuts) {
        const selector = this.selectors.get(s.hpa);
        if (s.pods.length < s.to - s.from && selector && Object.keys(selector).length && s.hpa.startsWith(`${pod.namespace}/`) && matches(selector, pod.labels) && atMs >= s.decidedMs) {
          s.pods.push(times);
          break;
        }
      }
    }
    const wasReady = times.pod.ready;
    times.pod = pod;
    if (pod.scheduled && times.scheduledMs === undefined) times.scheduledMs = atMs;
    if (pod.ready && times.readyMs === undefined) times.readyMs = atMs;
    if (wasReady !== pod.ready || type === 'ADDED') for (const [hpaKey, selector] of this.selectors) if (hpaKey.startsWith(`${pod.namespace}/`) && Object.keys(selector).length && matches(selector, pod.labels)) this.sample(hpaKey, atMs);
  }

  private sample(hpaKey: string, atMs: number): void {
    const hpa = this.hpas.get(hpaKey);
    const selector = this.selectors.get(hpaKey);
    if (!hpa) return;
    const ready = selector && Object.keys(selector).length ? [...this.pods.values()].filter((t) => t.pod.namespace === hpa.namespace && t.pod.ready && matches(selector, t.pod.labels)).length : 0;
    const last = this.timeline.findLast((s) => s.hpa === hpaKey);
    if (last && last.current === hpa.current && last.desired === hpa.desired && last.ready === ready) return;
    this.timeline.push({ atMs, hpa: hpaKey, current: hpa.current, desired: hpa.desired, ready });
  }

  async stop(): Promise<void> {
    await Promise.all(this.watches.splice(0).map((w) => w.stop()));
  }

  async collect(): Promise<MeasurementResult> {
    const ctx = this.ctx!;
    const startMs = ctx.window().startMs;
    const last = (pods: PodTimes[], pick: (t: PodTimes) => number | undefined, want: number) => {
      const values = pods.map(pick).filter((v): v is number => v !== undefined);
      return values.length >= want && want > 0 ? Math.max(...values) : undefined;
    };
    const rows = this.scaleOuts.map((s) => {
      const want = s.to - s.from;
      const created = last(s.pods, (t) => t.createdMs, want);
      const scheduled = last(s.pods, (t) => t.scheduledMs, want);
      const ready = last(s.pods, (t) => t.readyMs, want);
      return {
        s,
        decision: s.decidedMs - startMs,
        created: created === undefined ? undefined : created - s.decidedMs,
        scheduled: scheduled === undefined ? undefined : scheduled - s.decidedMs,
        ready: ready === undefined ? undefined : ready - s.decidedMs,
      };
    });
    const phase = (name: (typeof HPA_PHASES)[number], values: Array<number | undefined>) => summarize(name, values.filter((v): v is number => v !== undefined), 'watch-ms', 'nearestRank');
    const summaries = new Map<string, QuantileSummary>();
    for (const [name, values] of [
      ['Decision', rows.map((r) => r.decision)],
      ['PodsCreated', rows.map((r) => r.created)],
      ['PodsScheduled', rows.map((r) => r.scheduled)],
      ['PodsReady', rows.map((r) => r.ready)],
    ] as const) {
      const q = phase(name, values);
      if (q) summaries.set(name, q);
    }
    const warnings = [...this.problems];
    for (const r of rows) if (r.ready === undefined) warnings.push(`scale-out of HPA ${r.s.hpa} from ${r.s.from} to ${r.s.to}: ${r.s.pods.filter((p) => p.readyMs !== undefined).length} of ${r.s.to - r.s.from} new pods became ready before the job ended`);
    const base = { uuid: ctx.uuid, jobName: ctx.jobName };
    const iso = (ms: number) => new Date(ms).toISOString();
    return {
      name: NAME,
      documents: [
        {
          fileName: `hpaScaleOutMeasurement-${ctx.jobName}.json`,
          docs: rows.map((r) => ({ ...base, metricName: 'hpaScaleOutMeasurement', timestamp: iso(r.s.decidedMs), hpa: r.s.hpa, fromReplicas: r.s.from, toReplicas: r.s.to, decisionMs: Math.round(r.decision), podsCreatedMs: r.created === undefined ? null : Math.round(r.created), podsScheduledMs: r.scheduled === undefined ? null : Math.round(r.scheduled), podsReadyMs: r.ready === undefined ? null : Math.round(r.ready) })),
        },
        { fileName: `hpaTimeline-${ctx.jobName}.json`, docs: this.timeline.map((t) => ({ ...base, metricName: 'hpaTimeline', timestamp: iso(t.atMs), second: Math.round((t.atMs - startMs) / 100) / 10, hpa: t.hpa, currentReplicas: t.current, desiredReplicas: t.desired, readyPods: t.ready })) },
      ],
      quantiles: [...summaries.values()],
      thresholds: checkLatencyThresholds(NAME, this.thresholds, summaries),
      slis: [],
      errors: [],
      ...(warnings.length ? { warnings } : {}),
    };
  }
}

export const hpaScaleOutPlugin: MeasurementPlugin<{ thresholds: LatencyThreshold[] }> = {
  name: NAME,
  jobTypes: 'all',
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], NAME, ['name']);
    const thresholds = readLatencyThresholds(options, HPA_PHASES);
    options.finish();
    return { thresholds };
  },
  create: ({ thresholds }) => new HpaScaleOutMeasurement(thresholds),
  access: () => [
    kindAccess('autoscaling/v2', 'HorizontalPodAutoscaler', ['list', 'watch'], 'hpaScaleOut watches HorizontalPodAutoscalers'),
    kindAccess('v1', 'Pod', ['list', 'watch'], "hpaScaleOut watches the pods of the HPAs' targets"),
    kindAccess('apps/v1', 'Deployment', ['get'], "hpaScaleOut reads each HPA's target Deployment for its selector"),
  ],
};
