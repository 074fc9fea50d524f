/**
 * The `prometheus` measurement: for each of kube-burner's metricsEndpoints, its metrics profiles
 * (documents) and alert profiles (alerts) over the job's window; from the first endpoint, the
 * server-side SLIs (APIResponsivenessPrometheus and the kubelet's pod startup SLI).
 * Options: `apiResponsiveness: false`, `mode: auto|simple|full`, `customThresholds`,
 * `allowedSlowCalls`, `settleDelay` (wait after the job so the last scrape lands; default 5s).
 */
import { nowMs } from '../../shared/clock.js';
import type { MetricsEndpoint } from '../../config/types.js';
import { parseAllowedSlowCalls, parseCustomThresholds, type CustomThreshold } from '../api-sli.js';
import { documentFile } from '../documents.js';
import { formatSeconds, parseDurationMs } from '../duration.js';
import { registerMeasurement } from '../registry.js';
import type { AlertOutcome, Measurement, MeasurementContext, MeasurementResult, Sli } from '../types.js';
import { alertsAbort, evaluateAlerts } from './alerts.js';
import { apiResponsiveness, chooseMode } from './api-responsiveness.js';
import { PrometheusClient } from './client.js';
import { collectMetricsProfile } from './metrics.js';
import { kubeletPodStartup } from './pod-startup.js';
import { loadAlertProfile, loadMetricsProfile, type AlertRule, type MetricQuery } from './profiles.js';

const DEFAULT_STEP_MS = 30_000;
const DEFAULT_SETTLE_MS = 5000;

interface Endpoint {
  settings: MetricsEndpoint;
  client: PrometheusClient;
  queries: MetricQuery[];
  rules: AlertRule[];
}

export interface PrometheusCollectOptions {
  uuid: string;
  jobName: string;
  window: { startMs: number; endMs: number };
  sli: false | { mode: unknown; customThresholds: CustomThreshold[]; allowedSlowCalls: number };
}

export async function openEndpoint(settings: MetricsEndpoint): Promise<Endpoint> {
  const queries = (await Promise.all(settings.metrics.map(loadMetricsProfile))).flat();
  const rules = (await Promise.all(settings.alerts.map(loadAlertProfile))).flat();
  const client = new PrometheusClient({ endpoint: settings.endpoint, token: settings.token, username: settings.username, password: settings.password, skipTLSVerify: settings.skipTLSVerify });
  return { settings, client, queries, rules };
}

/** Everything the measurement gathers from its endpoints over one window. */
export async function collectFromEndpoints(endpoints: Endpoint[], options: PrometheusCollectOptions): Promise<MeasurementResult> {
  const { uuid, jobName, window } = options;
  const elapsed = formatSeconds(window.endMs - window.startMs);
  const documents: MeasurementResult['documents'] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  const alerts: AlertOutcome[] = [];
  const slis: Sli[] = [];
  for (const [i, e] of endpoints.entries()) {
    const metricWindow = { ...window, stepMs: e.settings.stepMs || DEFAULT_STEP_MS };
    const metrics = await collectMetricsProfile(e.client, e.queries, metricWindow, { uuid, jobName, elapsed, alias: e.settings.alias || undefined });
    documents.push(...metrics.documents);
    warnings.push(...metrics.warnings);
    const fired = await evaluateAlerts(e.client, e.rules, metricWindow, elapsed);
    alerts.push(...fired.alerts);
    warnings.push(...fired.warnings);
    if (i === 0 && options.sli) {
      try {
        const mode = chooseMode(options.sli.mode, window.endMs - window.startMs);
        const api = await apiResponsiveness(e.client, window, { ...options.sli, mode });
        slis.push(...api.slis);
        documents.push(documentFile(`APIResponsivenessPrometheus_${mode}`, jobName, [api.document]));
        const pods = await kubeletPodStartup(e.client, window);
        if (pods.sli) slis.push(pods.sli);
        else warnings.push(`${e.client.endpoint} has no kubelet_pod_start_sli_duration_seconds samples in the window (no kubelet metrics scraped, e.g. kwok nodes): pod startup is graded from burn's watch only`);
        documents.push(documentFile('PodStartupLatencyPrometheus', jobName, [pods.document]));
      } catch (err) {
        errors.push(`prometheus SLIs from ${e.client.endpoint}: ${(err as Error).message}`);
      }
    }
  }
  return { name: 'prometheus', documents, quantiles: [], thresholds: [], slis, alerts, errors, warnings, abortRun: alertsAbort(alerts) };
}

class PrometheusMeasurement implements Measurement {
  readonly name = 'prometheus';
  private endpoints: Endpoint[] = [];
  private ctx?: MeasurementContext;
  private settleMs = DEFAULT_SETTLE_MS;
  private sli: PrometheusCollectOptions['sli'] = false;

  async start(ctx: MeasurementContext): Promise<void> {
    this.ctx = ctx;
    const c = ctx.config;
    this.settleMs = c.settleDelay === undefined ? DEFAULT_SETTLE_MS : parseDurationMs(c.settleDelay, 'prometheus.settleDelay');
    this.sli = c.apiResponsiveness === false ? false : {
      mode: c.mode ?? 'auto',
      customThresholds: parseCustomThresholds('prometheus', c.customThresholds),
      allowedSlowCalls: parseAllowedSlowCalls('prometheus', c.allowedSlowCalls),
    };
    this.endpoints = await Promise.all(ctx.metricsEndpoints.map(openEndpoint));
  }

  async stop(): Promise<void> {}

  async collect(): Promise<MeasurementResult> {
    const ctx = this.ctx!;
    const { startMs, endMs = nowMs() } = ctx.window();
    const wait = endMs + this.settleMs - nowMs();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    try {
      if (this.endpoints.length === 0) {
        return { name: this.name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [], warnings: ['prometheus: no metricsEndpoints configured, nothing collected'] };
      }
      return await collectFromEndpoints(this.endpoints, { uuid: ctx.uuid, jobName: ctx.jobName, window: { startMs, endMs: endMs + this.settleMs }, sli: this.sli });
    } finally {
      await Promise.all(this.endpoints.map((e) => e.client.close()));
    }
  }
}

registerMeasurement('prometheus', () => new PrometheusMeasurement());
