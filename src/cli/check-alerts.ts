import { InvalidArgumentError, type Command } from 'commander';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../shared/errors.js';
import { collect, durationFlag } from './flags.js';

/** `burn check-alerts`: kube-burner's alert profiles against a Prometheus over a time range; exit 3 on error/critical alerts. */

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
}

const DEFAULT_DURATION_MS = 3_600_000;
const DEFAULT_STEP_MS = 30_000;

/** Unix seconds or an RFC 3339 time, in ms. */
export function timeFlag(value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${value}" is not a time: use unix seconds or RFC 3339 like 2026-11-22T10:00:00Z`);
  return ms;
}

export async function runCheckAlerts(flags: CheckAlertsFlags, out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { alertsFail, checkAlerts } = await import('../measure/index.js');
  const endMs = flags.end ?? Date.now();
  const startMs = flags.start ?? endMs - (flags.duration ?? DEFAULT_DURATION_MS);
  if (startMs >= endMs) throw new UserError(`--start must be before --end (got ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()})`);
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
  return alertsFail(alerts) ? ExitCode.AlertError : ExitCode.Passed;
}

export function register(program: Command): void {
  program
    .command('check-alerts')
    .description('evaluate alert profiles against Prometheus over a time range (exit 3 when an error or critical alert fired)')
    .requiredOption('-u, --prometheus-url <url>', 'Prometheus URL, e.g. http://localhost:9090')
    .requiredOption('-a, --alert-profile <file>', 'alert profile: YAML list of {expr, description, severity} (repeatable)', collect, [])
    .option('--token <token>', 'bearer token for Prometheus')
    .option('--username <user>', 'basic auth user')
    .option('--password <password>', 'basic auth password')
    .option('--skip-tls-verify', 'do not verify the Prometheus certificate')
    .option('--start <time>', 'range start: unix seconds or RFC 3339 (default: --end minus --duration)', timeFlag)
    .option('--end <time>', 'range end: unix seconds or RFC 3339 (default: now)', timeFlag)
    .option('--duration <duration>', 'range length when --start is not given (default: 1h)', durationFlag)
    .option('--step <duration>', 'query resolution (default: 30s)', durationFlag)
    .action(async (flags: CheckAlertsFlags) => {
      process.exitCode = await runCheckAlerts(flags);
    });
}
