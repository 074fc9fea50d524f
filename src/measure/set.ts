/**
 * The measurements of one job (or of `burn measure`'s window): which run, made from their plugins,
 * and their lifecycle: preflight before any load, start before the first request, stop and collect
 * after the waits. `burn init` and `burn measure` both use it.
 */
import type { Config, Job, MeasurementConfig, MetricsEndpoint } from '../config/index.js';
import { nowMs } from '../shared/clock.js';
import type { Logger } from '../shared/log.js';
import type { KubeObject } from '../kube/index.js';
import { withDefaultMeasurements } from './defaults.js';
import { appliesTo } from './plugin.js';
import { measurementPlugins } from './plugins.js';
import type { Measurement, MeasurementClient, MeasurementResult } from './types.js';

export interface MeasurementSetPlan {
  entries: MeasurementConfig[];
  metricsEndpoints: MetricsEndpoint[];
  client: MeasurementClient;
  uuid: string;
  runId: string;
  jobName: string;
  /** Selects the objects measured: this run's and job's, or what `burn measure --selector` names ("" for all). */
  labelSelector: string;
  /** Whether a namespace is one the job creates its objects in (kube-burner's job namespaces); absent: any. */
  inJobNamespace?: (namespace: string) => boolean;
  /** The run folder, for measurements that write files. */
  runFolder?: string;
  log: Logger;
  namespaceLabels?: Record<string, string>;
  plannedObjects?: () => AsyncIterable<KubeObject>;
}

/** The job's namespaces as kube-burner counts them: `namespace`, or `namespace-<k>` for each namespaced iteration group. */
export function jobNamespaceMatcher(job: Pick<Job, 'namespace' | 'namespacedIterations' | 'iterationsPerNamespace' | 'jobIterations'>): (namespace: string) => boolean {
  if (!job.namespacedIterations) return (ns) => ns === job.namespace;
  const groups = Math.ceil(Math.max(1, job.jobIterations) / Math.max(1, job.iterationsPerNamespace));
  const prefix = `${job.namespace}-`;
  return (ns) => {
    if (!ns.startsWith(prefix)) return false;
    const k = ns.slice(prefix.length);
    return /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < groups;
  };
}

/** The entries of a job: global ones, the job's own winning by name, plus those SLO grading needs; only those that apply to its type. */
export function measurementsFor(config: Config, job: Job): MeasurementConfig[] {
  const byName = new Map<string, MeasurementConfig>();
  for (const m of config.global.measurements) byName.set(m.name, m);
  for (const m of job.measurements) byName.set(m.name, m);
  return withDefaultMeasurements([...byName.values()], config.metricsEndpoints).filter((m) => appliesTo(measurementPlugins[m.name]!, job.jobType));
}

function failedResult(name: string, message: string): MeasurementResult {
  return { name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [message] };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class MeasurementSet {
  private readonly measurements: Measurement[];
  private readonly running: Measurement[] = [];
  private readonly failedToStart: MeasurementResult[] = [];
  private startMs = 0;
  private endMs: number | undefined;
  private endWallMs: number | undefined;

  constructor(private readonly plan: MeasurementSetPlan) {
    this.measurements = plan.entries.map((entry) => {
      const plugin = measurementPlugins[entry.name];
      // Names are checked when the config loads; reaching this is a bug, not a user error.
      if (!plugin) throw new Error(`measurement "${entry.name}" has no plugin`);
      return plugin.create(entry.options);
    });
  }

  /** A job's measurements, selecting the job's own objects by `labelSelector` (burn's run labels). */
  static forJob(config: Config, job: Job, client: MeasurementClient, log: Logger, labelSelector: string, plannedObjects?: () => AsyncIterable<KubeObject>, runFolder?: string): MeasurementSet {
    return new MeasurementSet({
      namespaceLabels: job.namespaceLabels,
      ...(plannedObjects ? { plannedObjects } : {}),
      entries: measurementsFor(config, job),
      metricsEndpoints: config.metricsEndpoints,
      client,
      uuid: config.global.uuid,
      runId: config.global.runId,
      jobName: job.name,
      labelSelector,
      inJobNamespace: jobNamespaceMatcher(job),
      runFolder,
      log,
    });
  }

  /**
   * Checks every measurement of every job before the first job starts (each measurement once):
   * metrics endpoints reachable, credentials accepted, every PromQL parses. Throws a UserError.
   */
  static async preflightRun(config: Config, client: MeasurementClient, log: Logger): Promise<void> {
    const checked = new Set<string>();
    for (const job of config.jobs) await MeasurementSet.forJob(config, job, client, log, '').preflight(checked);
  }

  get names(): string[] {
    return this.measurements.map((m) => m.name);
  }

  /** Throws a UserError naming the endpoint or profile and the fix; `checked` skips names already checked. */
  async preflight(checked = new Set<string>()): Promise<void> {
    const { client, uuid, runId, metricsEndpoints } = this.plan;
    for (const m of this.measurements) {
      if (checked.has(m.name)) continue;
      checked.add(m.name);
      await m.preflight?.({ client, uuid, runId, metricsEndpoints });
    }
  }

  /** Starts each measurement, resolving once their watches are synced. A failure stops the start and is thrown; stopAndCollect still collects what started. */
  async start(): Promise<void> {
    this.startMs = nowMs();
    const { client, uuid, runId, jobName, labelSelector, inJobNamespace, runFolder, metricsEndpoints, namespaceLabels, plannedObjects } = this.plan;
    for (const m of this.measurements) {
      try {
        await m.start({ client, uuid, runId, jobName, labelSelector, inJobNamespace, runFolder, metricsEndpoints, namespaceLabels, plannedObjects, window: () => ({ startMs: this.startMs, endMs: this.endMs }) });
      } catch (err) {
        this.failedToStart.push(failedResult(m.name, `${m.name} did not start: ${messageOf(err)}`));
        throw err;
      }
      this.running.push(m);
    }
  }

  /**
   * Ends the job's window now, unless it already ended (kube-burner's metricsClosing: after the job,
   * after its pause, or after the measurements stopped). Resolves the window's end.
   */
  closeWindow(): number {
    if (this.endMs === undefined) {
      this.endMs = nowMs();
      this.endWallMs = Date.now();
    }
    return this.endMs;
  }

  /** When the window ended on the wall clock (for the job's record), once it has. */
  windowEndedAt(): number | undefined {
    return this.endWallMs;
  }

  /**
   * Never throws: a measurement that fails gives a result with the error; warnings are logged.
   * The window ends when this is called unless `closeWindow` ended it before; with
   * `windowEndsAfterMeasurements` (metricsClosing: afterMeasurements) it ends once every measurement
   * but those that read the window's end has stopped and collected, and those are collected over it.
   */
  async stopAndCollect(options: { windowEndsAfterMeasurements?: boolean } = {}): Promise<MeasurementResult[]> {
    if (!options.windowEndsAfterMeasurements) this.closeWindow();
    const { jobName, log } = this.plan;
    const running = this.running.splice(0);
    const collected = new Map<Measurement, MeasurementResult>();
    const stopAndCollectOne = async (m: Measurement) => {
      try {
        await m.stop();
        collected.set(m, await m.collect());
      } catch (err) {
        log.error(`measurement ${m.name} of job ${jobName} failed: ${messageOf(err)}`);
        collected.set(m, failedResult(m.name, messageOf(err)));
      }
    };
    for (const m of running) if (!m.readsWindowEnd) await stopAndCollectOne(m);
    this.closeWindow();
    for (const m of running) if (m.readsWindowEnd) await stopAndCollectOne(m);
    const results = [...this.failedToStart.splice(0), ...running.map((m) => collected.get(m)!)];
    for (const result of results) for (const warning of result.warnings ?? []) log.warn(`job ${jobName}: ${result.name}: ${warning}`);
    return results;
  }

  /** The window the measurements covered (start to stop). */
  window(): { startMs: number; endMs: number } {
    return { startMs: this.startMs, endMs: this.endMs ?? nowMs() };
  }
}
