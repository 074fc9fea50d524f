import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../shared/errors.js';
import { createLogger } from '../shared/log.js';
import { boolFlag, collect, durationFlag, timeFlag } from './flags.js';
import type { IndexerSettings } from '../config/index.js';

/**
 * `burn check-alerts`: kube-burner's alert profiles against a Prometheus over a time range; exit 3 on
 * error/critical alerts. Fired alerts go, as kube-burner's alert documents, to --metrics-directory
 * (local indexer) or to Elasticsearch / OpenSearch (--es-server and --es-index).
 */

interface CheckAlertsFlags {
  prometheusUrl: string;
  alertProfile: string[];
  token?: string;
  username?: string;
  password?: string;
  skipTlsVerify?: boolean;
  start?: number;
  end?: number;
  duration?: number;
  step?: number;
  uuid?: string;
  /** kube-burner's --metrics-directory: fired alerts are written there as alert.json by the local indexer. */
  metricsDirectory?: string;
  /** Or sent to this Elasticsearch / OpenSearch server's --es-index. */
  esServer?: string;
  esIndex?: string;
}

const DEFAULT_DURATION_MS = 3_600_000;
const DEFAULT_STEP_MS = 30_000;

export async function runCheckAlerts(flags: CheckAlertsFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { searchIndexerFlags } = await import('./search-flags.js');
  const search = searchIndexerFlags(flags);
  const { alertsFail, checkAlerts } = await import('../measure/index.js');
  const endMs = flags.end ?? Date.now();
  const startMs = flags.start ?? endMs - (flags.duration ?? DEFAULT_DURATION_MS);
  if (startMs >= endMs) throw new UserError(`--start must be before --end (got ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()})`);
  if (flags.step !== undefined && flags.step <= 0) throw new UserError('-s/--step must be above 0', { hint: 'e.g. --step 30s' });
  const uuid = flags.uuid ?? randomUUID();
  // kube-burner takes both and indexes to --es-server: so does burn, saying so.
  if (search && flags.metricsDirectory !== undefined) process.stderr.write(`warning: --metrics-directory ${flags.metricsDirectory} is not used: with --es-server and --es-index the alerts go to Elasticsearch / OpenSearch, as in kube-burner\n`);
  const settings: IndexerSettings | undefined = search ?? (flags.metricsDirectory ? { type: 'local', metricsDirectory: flags.metricsDirectory, createTarball: false, tarballName: '' } : undefined);
  const indexing = settings ? await alertIndexing(settings, flags.esServer !== undefined ? '--es-server' : '--metrics-directory', uuid) : undefined;
  const { alerts, warnings } = await checkAlerts({
    connection: { endpoint: flags.prometheusUrl, token: flags.token, username: flags.username, password: flags.password, skipTLSVerify: flags.skipTlsVerify },
    alertProfiles: flags.alertProfile.map((p) => resolve(p)),
    startMs,
    endMs,
    stepMs: flags.step ?? DEFAULT_STEP_MS,
  });
  for (const w of warnings) out.write(`warning: ${w}\n`);
  for (const a of alerts) out.write(`${a.severity.toUpperCase().padEnd(8)} ${new Date(a.firstMs).toISOString()} .. ${new Date(a.lastMs).toISOString()}  ${a.message || a.expr}\n`);
  out.write(`${alerts.length} alert(s) fired between ${new Date(startMs).toISOString()} and ${new Date(endMs).toISOString()}\n`);
  const indexErrors = indexing && alerts.length ? await indexing.send(alerts) : [];
  if (alertsFail(alerts)) return ExitCode.AlertError;
  return indexErrors.length ? ExitCode.Error : ExitCode.Passed;
}

/** The indexer of --metrics-directory or --es-server, checked before Prometheus is asked anything; as kube-burner, it gets alert documents only when alerts fired. */
async function alertIndexing(settings: IndexerSettings, flag: string, uuid: string) {
  const { alertBatch, checkIndexers, sendToIndexers } = await import('../indexers/index.js');
  const configured = [{ endpoint: 0, where: flag, nameOf: () => flag, settings }];
  const ctx = { uuid, cwd: process.cwd() };
  await checkIndexers(configured, ctx);
  type Alerts = Parameters<typeof alertBatch>[0];
  return { send: (alerts: Alerts) => sendToIndexers(configured, alertBatch(alerts, uuid, {}), ctx, createLogger('info')) };
}

export function register(program: Command): void {
  program
    .command('check-alerts')
    .description('evaluate alert profiles against Prometheus over a time range (exit 3 when an error or critical alert fired)')
    .requiredOption('-u, --prometheus-url <url>', 'Prometheus URL, e.g. http://localhost:9090')
    .requiredOption('-a, --alert-profile <file>', 'alert profile: YAML list of {expr, description, severity} (repeatable)', collect, [])
    .option('--uuid <uuid>', 'uuid of the alert documents (default: a new one)')
    .option('-t, --token <token>', 'bearer token for Prometheus')
    .option('--username <user>', 'basic auth user')
    .option('-p, --password <password>', 'basic auth password')
    .option('--skip-tls-verify [bool]', 'do not verify the Prometheus certificate (kube-burner\'s default: true; --skip-tls-verify=false verifies)', boolFlag, true)
    .option('--start <time>', 'range start: unix seconds or RFC 3339 (default: --end minus --duration)', timeFlag)
    .option('--end <time>', 'range end: unix seconds or RFC 3339 (default: now)', timeFlag)
    .option('--duration <duration>', 'range length when --start is not given (default: 1h)', durationFlag)
    .option('-s, --step <duration>', 'query resolution (default: 30s)', durationFlag)
    .option('--metrics-directory <dir>', 'write the fired alerts to <dir>/alert.json (kube-burner\'s local indexer)')
    .option('--es-server <url>', 'send the fired alerts to this Elasticsearch / OpenSearch server instead (with --es-index), as kube-burner check-alerts')
    .option('--es-index <index>', 'the index the alert documents go to (with --es-server)')
    .action(async (flags: CheckAlertsFlags) => {
      process.exitCode = await runCheckAlerts(flags);
    });
}
