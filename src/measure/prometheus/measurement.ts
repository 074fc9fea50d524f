/**
 * The `prometheus` measurement: for each of kube-burner's metricsEndpoints that has a URL, its
 * metric profiles and alert profiles over the job's window; from the first one, the server-side
 * SLIs (API responsiveness and the kubelet's pod startup). Each of the four is a gatherer of its
 * own module; this one chooses which run and merges what they return.
 * Options: `apiResponsiveness: false`, `mode: auto|simple|full`, `customThresholds`,
 * `allowedSlowCalls`, `settleDelay` (wait after the job so the last scrape lands; default 5s).
 */
import { nowMs } from '../../shared/clock.js';
import { sleep } from '../../shared/sleep.js';
import { readAllowedSlowCalls, readCustomThresholds, type CustomThreshold } from '../api-sli.js';
import { formatSeconds } from '../duration.js';
import { OptionReader } from '../options.js';
import type { MeasurementPlugin } from '../plugin.js';
import type { Measurement, MeasurementContext, MeasurementResult, PreflightContext } from '../types.js';
import { alertsAbort, alertsGatherer } from './alerts.js';
import { apiResponsivenessGatherer, type ResponsivenessMode } from './api-responsiveness.js';
import { hasPrometheus, openEndpoint, preflightEndpoint } from './endpoint.js';
import type { GatherWindow, Gathered, PrometheusEndpoint, PrometheusGatherer } from './gatherer.js';
import { metricsProfileGatherer } from './metrics.js';
import { kubeletPodStartupGatherer } from './pod-startup.js';

const DEFAULT_STEP_MS = 30_000;
const DEFAULT_SETTLE_MS = 5000;

export interface PrometheusOptions {
  /** The server-side SLIs: false turns them off. */
  sli: false | { mode: ResponsivenessMode | 'auto'; customThresholds: CustomThreshold[]; allowedSlowCalls: number };
  settleMs: number;
}

/** The gatherers the options ask for, in the order their figures are reported. */
export function gatherersFor(options: Pick<PrometheusOptions, 'sli'>): PrometheusGatherer[] {
  return [metricsProfileGatherer, alertsGatherer, ...(options.sli ? [apiResponsivenessGatherer(options.sli), kubeletPodStartupGatherer] : [])];
}

/** Everything the gatherers return from the endpoints over one window. */
export async function collectFromEndpoints(
  endpoints: PrometheusEndpoint[],
  gatherers: PrometheusGatherer[],
  meta: { uuid: string; jobName: string; window: { startMs: number; endMs: number } },
): Promise<MeasurementResult> {
  const elapsed = formatSeconds(meta.window.endMs - meta.window.startMs);
  const merged: Required<Gathered> = { documents: [], slis: [], alerts: [], warnings: [], errors: [] };
  for (const [i, endpoint] of endpoints.entries()) {
    const window: GatherWindow = { ...meta.window, stepMs: endpoint.settings.stepMs || DEFAULT_STEP_MS };
    for (const gatherer of gatherers) {
      if (gatherer.endpoints === 'first' && i > 0) continue;
      const got = await gatherer.gather({ endpoint, window, elapsed, uuid: meta.uuid, jobName: meta.jobName });
      merged.documents.push(...(got.documents ?? []));
      merged.slis.push(...(got.slis ?? []));
      merged.alerts.push(...(got.alerts ?? []));
      merged.warnings.push(...(got.warnings ?? []));
      merged.errors.push(...(got.errors ?? []));
    }
  }
  return { name: 'prometheus', quantiles: [], thresholds: [], ...merged, abortRun: alertsAbort(merged.alerts) };
}

async function openAll(ctx: Pick<PreflightContext, 'metricsEndpoints'>): Promise<PrometheusEndpoint[]> {
  return Promise.all(ctx.metricsEndpoints.flatMap((settings, position) => (hasPrometheus(settings) ? [openEndpoint(settings, position)] : [])));
}

async function closeAll(endpoints: PrometheusEndpoint[]): Promise<void> {
  await Promise.all(endpoints.map((e) => e.client.close()));
}

class PrometheusMeasurement implements Measurement {
  readonly name = 'prometheus';
  readonly readsWindowEnd = true;
  private endpoints: PrometheusEndpoint[] = [];
  private ctx?: MeasurementContext;

  constructor(private readonly options: PrometheusOptions) {}

  async preflight(ctx: PreflightContext): Promise<void> {
    const endpoints = await openAll(ctx);
    try {
      for (const endpoint of endpoints) await preflightEndpoint(endpoint, gatherersFor(this.options));
    } finally {
      await closeAll(endpoints);
    }
  }

  async start(ctx: MeasurementContext): Promise<void> {
    this.ctx = ctx;
    this.endpoints = await openAll(ctx);
  }

  async stop(): Promise<void> {}

  async collect(): Promise<MeasurementResult> {
    const ctx = this.ctx!;
    const { startMs, endMs = nowMs() } = ctx.window();
    const wait = endMs + this.options.settleMs - nowMs();
    if (wait > 0) await sleep(wait);
    try {
      if (this.endpoints.length === 0) {
        return { name: this.name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [], warnings: ['prometheus: no metricsEndpoints with an endpoint URL configured, nothing collected'] };
      }
      return await collectFromEndpoints(this.endpoints, gatherersFor(this.options), { uuid: ctx.uuid, jobName: ctx.jobName, window: { startMs, endMs: endMs + this.options.settleMs } });
    } finally {
      await closeAll(this.endpoints);
    }
  }
}

export const prometheusPlugin: MeasurementPlugin<PrometheusOptions> = {
  name: 'prometheus',
  jobTypes: 'all',
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], 'prometheus', ['name']);
    const sliOn = options.bool('apiResponsiveness', true);
    const sli = {
      mode: options.oneOf<ResponsivenessMode | 'auto'>('mode', ['auto', 'simple', 'full'], 'auto'),
      customThresholds: readCustomThresholds(options),
      allowedSlowCalls: readAllowedSlowCalls(options),
    };
    const settleMs = options.duration('settleDelay', DEFAULT_SETTLE_MS);
    options.finish();
    return { sli: sliOn ? sli : false, settleMs };
  },
  create: (options) => new PrometheusMeasurement(options),
  // Prometheus is reached at its own URL with the endpoint's credentials, not through the API server.
  access: () => [],
};
