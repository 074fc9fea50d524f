/**
 * burn's own metrics for a team's Prometheus: served during a run (--metrics-port) and pushed at its
 * end (--pushgateway). prom-client is loaded only here, when one of those flags is given.
 */
import type { RunObserver } from '../engine/index.js';
import { readRunFolder, type RunFolder } from '../report/index.js';
import { UserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { sleep } from '../shared/sleep.js';
import { addFinalMetrics, verdictOf } from './final.js';
import { configName, type RunFacts } from './labels.js';
import { LiveMetrics } from './live.js';
import { checkPushgateway, pushMetrics } from './push.js';
import { serveMetrics, type MetricsServer } from './server.js';

export { groupUrl, PUSH_JOB } from './push.js';
export { phaseName } from './live.js';
export { labelName, runInfoLabels } from './labels.js';

export interface TelemetryOptions {
  /** --metrics-port: serve during the run (0: any free port). */
  metricsPort?: number;
  /** --metrics-address, 127.0.0.1 by default. */
  metricsAddress?: string;
  /** --metrics-linger: keep serving this long after the run, so a scrape sees the final figures. */
  lingerMs?: number;
  /** --pushgateway: base URL. */
  pushgateway?: string;
  log: Logger;
  /** Cuts the linger short (Ctrl-C). */
  signal?: AbortSignal;
}

export interface RunIdentity extends RunFacts {
  uuid: string;
}

export interface Telemetry {
  observer: RunObserver;
  /** Where the metrics are served, when they are. */
  url?: string;
  /**
   * The run is over and its folder written: the final figures are added (and served), pushed to the
   * Pushgateway, and served for the linger time. Resolves what went wrong (a failed push), never throws.
   */
  finish(outcome: { reportDir: string; exitCode: number }): Promise<string[]>;
  /** Stops serving (also after a run that never got to finish). */
  close(): Promise<void>;
  /** `burn measure`'s window is open (phase "measuring"); a run's jobs report their phases through the observer. */
  measuring(): void;
}

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1';

/** Starts serving (and checks the Pushgateway answers) before the run creates anything. */
export async function startTelemetry(options: TelemetryOptions, run: RunIdentity): Promise<Telemetry> {
  const { log } = options;
  if (options.pushgateway) await checkPushgateway(options.pushgateway);
  const prom = await import('prom-client');
  const served = new prom.Registry();
  served.setDefaultLabels({ uuid: run.uuid });
  const pushed = options.pushgateway ? new prom.Registry() : undefined;
  const live = new LiveMetrics(prom, served, run, pushed);
  let server: MetricsServer | undefined;
  if (options.metricsPort !== undefined) {
    server = await serveMetrics(served, options.metricsAddress ?? DEFAULT_METRICS_ADDRESS, options.metricsPort);
    log.info(`burn's metrics: ${server.url} (Prometheus can scrape them for the length of the run)`);
  }
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    live.done();
    await server?.close();
  };
  return {
    observer: live,
    url: server?.url,
    close,
    measuring: () => live.measuring(),
    async finish({ reportDir, exitCode }) {
      const problems: string[] = [];
      let folder: RunFolder | undefined;
      try {
        folder = await readRunFolder(reportDir);
      } catch (err) {
        problems.push(`burn's metrics: the run folder ${reportDir} cannot be read, so no SLI is reported: ${err instanceof UserError ? err.message : String(err)}`);
      }
      live.done();
      addFinalMetrics(prom, pushed ? [served, pushed] : [served], folder, exitCode);
      if (options.pushgateway && pushed) {
        try {
          const where = await pushMetrics(options.pushgateway, pushed, { uuid: run.uuid, config: configName(run.configFile) });
          log.info(`burn's metrics: the run's SLIs and verdict (${verdictOf(exitCode)}) pushed to ${where}`);
        } catch (err) {
          problems.push(`burn's metrics: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (server && options.lingerMs) {
        log.info(`burn's metrics: serving the final figures at ${server.url} for ${Math.round(options.lingerMs / 1000)}s more (--metrics-linger)`);
        await sleep(options.lingerMs, options.signal).catch(() => undefined);
      }
      await close();
      return problems;
    },
  };
}
