/**
 * kube-burner's alert profiles: each expression is a range query over the window; every series
 * it returns is an alert of the rule's severity, whatever it is, described by the rendered
 * description. Severity error makes the run exit 3; critical also ends the run.
 */
import type { AlertOutcome } from '../types.js';
import type { PrometheusClient } from './client.js';
import { PREFLIGHT_ELAPSED, type GatherWindow, type PrometheusGatherer } from './gatherer.js';
import { renderAlertDescription, renderElapsed, type AlertRule } from './profiles.js';

export async function evaluateAlerts(prometheus: PrometheusClient, rules: AlertRule[], window: GatherWindow, elapsed: string): Promise<{ alerts: AlertOutcome[]; warnings: string[] }> {
  const alerts: AlertOutcome[] = [];
  const warnings: string[] = [];
  for (const rule of rules) {
    const expr = renderElapsed(rule.expr, elapsed);
    try {
      for (const series of await prometheus.queryRange(expr, window.startMs, window.endMs, window.stepMs)) {
        const fired = series.samples.filter((s) => !Number.isNaN(s.value));
        if (fired.length === 0) continue;
        alerts.push({
          expr,
          description: rule.description,
          severity: rule.severity,
          firstMs: fired[0]!.timeMs,
          lastMs: fired[fired.length - 1]!.timeMs,
          message: renderAlertDescription(rule.description, series.metric, fired[fired.length - 1]!.value),
        });
      }
    } catch (err) {
      warnings.push(`alert "${rule.description}" (${prometheus.endpoint}): ${(err as Error).message}`);
    }
  }
  return { alerts, warnings };
}

export const alertsGatherer: PrometheusGatherer = {
  name: 'alerts',
  endpoints: 'all',
  plannedQueries: (endpoint) =>
    endpoint.rules.map((r) => ({ expr: renderElapsed(r.expr, PREFLIGHT_ELAPSED), origin: `alert profile ${r.origin}${r.description ? ` ("${r.description}")` : ''}` })),
  async gather({ endpoint, window, elapsed }) {
    const { alerts, warnings } = await evaluateAlerts(endpoint.client, endpoint.rules, window, elapsed);
    return { alerts: alerts.map((a) => ({ ...a, endpoint: endpoint.position })), warnings };
  },
};

/** An alert of severity error or critical makes the run exit 3 (kube-burner). */
export function alertsFail(alerts: AlertOutcome[]): boolean {
  return alerts.some((a) => a.severity === 'error' || a.severity === 'critical');
}

/** An alert of severity critical ends the run at once. */
export function alertsAbort(alerts: AlertOutcome[]): boolean {
  return alerts.some((a) => a.severity === 'critical');
}
