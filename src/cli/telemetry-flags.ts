import { InvalidArgumentError, type Command } from 'commander';
import { isIP } from 'node:net';
import type { Telemetry, RunIdentity } from '../telemetry/index.js';
import { ExitCode, UserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { durationFlag } from './flags.js';

/** The flags of burn's own metrics (init and measure). */
export interface TelemetryFlags {
  metricsPort?: number;
  metricsAddress?: string;
  metricsLinger?: number;
  pushgateway?: string;
}

function portFlag(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError(`"${value}" is not a TCP port: use 1024-65535, or 0 for any free port`);
  return port;
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*$/;

function addressFlag(value: string): string {
  if (isIP(value) || HOST_NAME.test(value)) return value;
  throw new InvalidArgumentError(`"${value}" is not an IP address or host name: use 127.0.0.1 (the default), 0.0.0.0 or ::`);
}

function pushgatewayFlag(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL: use the Pushgateway's base URL, e.g. http://pushgateway.monitoring:9091`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`"${value}" is not an http(s) URL: use e.g. http://pushgateway.monitoring:9091`);
  if (url.search || url.hash) throw new InvalidArgumentError(`"${value}": the Pushgateway URL takes no query or fragment`);
  if (/\/metrics(\/|$)/.test(url.pathname)) throw new InvalidArgumentError(`"${value}": give the Pushgateway's base URL, without /metrics (burn adds /metrics/job/burn/uuid/<uuid>/config/<config>)`);
  return value;
}

export function addTelemetryFlags(command: Command): void {
  command
    .option('--metrics-port <port>', "serve burn's own Prometheus metrics on this port during the run (0: any free port, logged)", portFlag)
    .option('--metrics-address <address>', 'address --metrics-port listens on (default 127.0.0.1; 0.0.0.0 in a pod)', addressFlag)
    .option('--metrics-linger <duration>', 'keep serving the final figures this long after the run (default 0s)', durationFlag)
    .option('--pushgateway <url>', "push the run's SLIs, verdict and totals to this Prometheus Pushgateway at its end (grouping key job=burn, uuid, config)", pushgatewayFlag);
}

export function wantsTelemetry(flags: TelemetryFlags): boolean {
  if (flags.metricsPort === undefined) {
    const orphan = flags.metricsAddress !== undefined ? '--metrics-address' : flags.metricsLinger !== undefined ? '--metrics-linger' : undefined;
    if (orphan) throw new UserError(`${orphan} needs --metrics-port: it says how burn serves its metrics, and without --metrics-port it serves none`, { hint: `add --metrics-port PORT, or drop ${orphan}` });
  }
  return flags.metricsPort !== undefined || flags.pushgateway !== undefined;
}

/** Starts burn's own metrics when a flag asks for them (loads prom-client only then). */
export async function startTelemetryFor(flags: TelemetryFlags, run: RunIdentity, log: Logger, signal?: AbortSignal): Promise<Telemetry | undefined> {
  if (!wantsTelemetry(flags)) return undefined;
  const { startTelemetry } = await import('../telemetry/index.js');
  return startTelemetry({ metricsPort: flags.metricsPort, metricsAddress: flags.metricsAddress, lingerMs: flags.metricsLinger, pushgateway: flags.pushgateway, log, signal }, run);
}

/** A run that passed but whose figures did not get where they were asked to go (a failed push) exits 1; any other outcome keeps its code. */
export function exitCodeWithTelemetry(exitCode: number, problems: string[]): number {
  return problems.length && exitCode === ExitCode.Passed ? ExitCode.Error : exitCode;
}
