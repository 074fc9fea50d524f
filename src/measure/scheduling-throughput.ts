/**
 * schedulingThroughput: pods of this run scheduled per second, counted in 1 s samples by the time
 * burn's watch first saw each pod bound to a node (watch clock, not polling), from the first
 * scheduled pod to the last. Percentiles by nearest rank, as ClusterLoader2.
 */
import { collectTimestamp, documentFile } from './documents.js';
import { nearestRankFigures } from './quantiles.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import type { Measurement, MeasurementContext, MeasurementResult } from './types.js';
import { watchAccess } from '../kube/index.js';

/** Counts first-seen scheduling per pod into 1 s buckets. */
export class ScheduledCounter {
  private readonly seen = new Set<string>();
  private readonly perSecond = new Map<number, number>();
  private preexisting = 0;

  /** `count: false` for pods found already bound when the watch started: remembered, not counted. */
  observe(pod: { id: string; scheduled: boolean }, observedAtMs: number, count = true): void {
    if (!pod.scheduled || this.seen.has(pod.id)) return;
    this.seen.add(pod.id);
    if (!count) {
      this.preexisting++;
      return;
    }
    const second = Math.floor(observedAtMs / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
  }

  /** One sample per second from the first scheduling to the last, empty seconds included. */
  samples(): number[] {
    if (this.perSecond.size === 0) return [];
    const seconds = [...this.perSecond.keys()];
    const first = Math.min(...seconds);
    const last = Math.max(...seconds);
    const out: number[] = [];
    for (let s = first; s <= last; s++) out.push(this.perSecond.get(s) ?? 0);
    return out;
  }

  get scheduled(): number {
    return this.seen.size - this.preexisting;
  }
}

export function schedulingThroughputResult(counter: ScheduledCounter, meta: { uuid: string; jobName: string }): MeasurementResult {
  const samples = counter.samples();
  const q = nearestRankFigures(samples);
  const figures = q ? { perc50: q.p50, perc90: q.p90, perc99: q.p99, max: q.max, ...(q.p99IsMax ? { p99IsMax: true } : {}) } : { perc50: 0, perc90: 0, perc99: 0, max: 0 };
  const doc = { metricName: 'schedulingThroughputMeasurement', uuid: meta.uuid, jobName: meta.jobName, timestamp: collectTimestamp(), unit: 'pods/s', ...figures, samples: samples.length, podsScheduled: counter.scheduled, clock: 'watch-ms' };
  return { name: 'schedulingThroughput', documents: [documentFile('schedulingThroughputMeasurement', meta.jobName, [doc])], quantiles: [], thresholds: [], slis: [], errors: [] };
}

class SchedulingThroughputMeasurement implements Measurement {
  readonly name = 'schedulingThroughput';
  private counter = new ScheduledCounter();
  private watch?: { stop(): unknown };
  private meta = { uuid: '', jobName: '' };

  async start(ctx: MeasurementContext): Promise<void> {
    this.meta = { uuid: ctx.uuid, jobName: ctx.jobName };
    this.counter = new ScheduledCounter();
    const counter = this.counter;
    let synced = false;
    const handle = ctx.client.watchResources({
      apiVersion: 'v1',
      kind: 'Pod',
      labelSelector: ctx.labelSelector,
      project: (pod: any) => ({ id: `${pod?.metadata?.namespace}/${pod?.metadata?.name}`, scheduled: Boolean(pod?.spec?.nodeName) }),
      // The initial list's bound pods were not scheduled in this window.
      onEvent: (_type, pod, observedAtMs) => counter.observe(pod, observedAtMs, synced),
    });
    this.watch = handle;
    await handle.synced;
    synced = true;
  }

  async stop(): Promise<void> {
    await this.watch?.stop();
  }

  async collect(): Promise<MeasurementResult> {
    return schedulingThroughputResult(this.counter, this.meta);
  }
}

export const schedulingThroughputPlugin: MeasurementPlugin<Record<string, never>> = {
  name: 'schedulingThroughput',
  jobTypes: ['create', 'patch'],
  parseOptions(raw, at) {
    new OptionReader(raw, at, [], 'schedulingThroughput', ['name']).finish();
    return {};
  },
  create: () => new SchedulingThroughputMeasurement(),
  access: () => [watchAccess('', 'pods', "schedulingThroughput watches the run's pods")],
};
