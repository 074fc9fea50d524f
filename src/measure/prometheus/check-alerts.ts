/** `burn check-alerts`: alert profiles evaluated over a time range against one Prometheus. */
import type { AlertOutcome } from '../types.js';
import { evaluateAlerts } from './alerts.js';
import { PrometheusClient, type PrometheusConnection } from './client.js';
import { formatSeconds } from '../duration.js';
import { loadAlertProfile } from './profiles.js';

export interface CheckAlertsOptions {
  connection: PrometheusConnection;
  alertProfiles: string[];
  startMs: number;
  endMs: number;
  stepMs: number;
}

export async function checkAlerts(options: CheckAlertsOptions): Promise<{ alerts: AlertOutcome[]; warnings: string[] }> {
  const rules = (await Promise.all(options.alertProfiles.map(loadAlertProfile))).flat();
  const client = new PrometheusClient(options.connection);
  try {
    const window = { startMs: options.startMs, endMs: options.endMs, stepMs: options.stepMs };
    return await evaluateAlerts(client, rules, window, formatSeconds(options.endMs - options.startMs));
  } finally {
    await client.close();
  }
}
