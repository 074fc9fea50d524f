import type { Command } from 'commander';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Config, MeasurementConfig, MetricsEndpoint } from '../config/index.js';
import type { RunRecord } from '../report/index.js';
import { version } from '../shared/version.js';
import { UserError } from '../shared/errors.js';
import { createLogger, type LogLevel } from '../shared/log.js';
import { formatDuration } from '../shared/duration.js';
import { pause } from '../shared/sleep.js';
import { collect, durationFlag } from './flags.js';
import { addSkipLogFileFlag, kubeBurnerLogFile, logWriter } from './log-file.js';
import { configSource } from './config-source.js';
import { wantsColor } from './report.js';
import { trapInterrupts } from './signals.js';
import { addTelemetryFlags, exitCodeWithTelemetry, startTelemetryFor, wantsTelemetry, type TelemetryFlags } from './telemetry-flags.js';
import type { Telemetry } from '../telemetry/index.js';

/**
 * `burn measure`: measurements only, no workload, for a duration or until Ctrl-C. Writes a run folder
 * (the same writer as `burn init`) that `burn report` and `burn diff` read.
 */

interface MeasureFlags extends TelemetryFlags {
  config?: string;
  jobName: string;
  userMetadata?: string;
  logLevel: LogLevel;
  kubeconfig?: string;
  kubeContext?: string;
  skipTlsVerify?: boolean;
  duration?: number;
  selector: string;
  measurement: string[];
  uuid?: string;
  reportDir?: string;
  skipLogFile?: boolean;
  /** Where the log is also written (kube-burner-<uuid>.log; the action picks it). */
  logFile?: string;
}

/** The pseudo-job burn measure's documents are filed under, by default (kube-burner's `-j` default). */
const JOB_NAME = 'kube-burner-measure';
/** kube-burner measure reads this config when -c is not given. */
const DEFAULT_CONFIG = 'config.yml';
const DEFAULT_DURATION_MS = 10 * 60_000;
const DEFAULT_MEASUREMENTS = ['podLatency', 'schedulingThroughput'];

/** `--measurement NAME` entries, checked against the plugins; options are the plugin's defaults. */
async function fromFlags(names: string[]): Promise<MeasurementConfig[]> {
  const { findMeasurementPlugin, positionsOf, unknownMeasurement } = await import('../measure/index.js');
  return names.map((name) => {
    const plugin = findMeasurementPlugin(name);
    if (!plugin) {
      const { message, hint } = unknownMeasurement(name);
      throw new UserError(`--measurement ${name}: ${message}`, { hint });
    }
    return { name, options: plugin.parseOptions({}, positionsOf(`--measurement ${name}`)) as unknown };
  });
}

interface MeasurePlan {
  entries: MeasurementConfig[];
  endpoints: MetricsEndpoint[];
  config?: Config;
  configFile?: string;
  configDigest?: string;
}

async function plan(flags: MeasureFlags, uuid: string): Promise<MeasurePlan> {
  const [{ loadConfig }, { measurementNames }] = await Promise.all([import('../config/index.js'), import('../measure/index.js')]);
  if (!flags.config && flags.measurement.length === 0 && existsSync(DEFAULT_CONFIG)) flags = { ...flags, config: DEFAULT_CONFIG }; // as kube-burner
  if (!flags.config) return { entries: await fromFlags(flags.measurement.length ? flags.measurement : DEFAULT_MEASUREMENTS), endpoints: [] };
  const source = await configSource({ config: flags.config });
  let config: Config;
  let configDigest: string;
  try {
    config = await loadConfig(source.configPath, { uuid, runId: uuid, requireJobs: false });
    configDigest = createHash('sha256').update(await readFile(source.configPath)).digest('hex');
  } finally {
    await source.dispose();
  }
  const configFile = source.configPath === flags.config ? resolve(flags.config) : flags.config;
  const named = new Set(config.global.measurements.map((m) => m.name));
  const entries = [...config.global.measurements, ...(await fromFlags(flags.measurement.filter((name) => !named.has(name))))];
  if (config.metricsEndpoints.some((e) => e.endpoint !== '') && !entries.some((e) => e.name === 'prometheus')) entries.push(...(await fromFlags(['prometheus'])));
  if (entries.length === 0) throw new UserError(`${flags.config}: global.measurements is empty and no --measurement was given`, { hint: `add measurements to global.measurements, or -m NAME (burn measures: ${measurementNames().join(', ')})` });
  return { entries, endpoints: config.metricsEndpoints, config, configFile, configDigest };
}

export async function runMeasure(flags: MeasureFlags): Promise<number> {
  wantsTelemetry(flags);
  const [{ clusterFacts, processCost, readUserMetadata }, { connectCluster }, { MeasurementSet }, { documentFiles, firedAlerts, measurementRecords, terminalSummary, writeReports, writeRunFolder }] = await Promise.all([
    import('../engine/index.js'),
    import('../kube/index.js'),
    import('../measure/index.js'),
    import('../report/index.js'),
  ]);
  const log = createLogger(flags.logLevel, logWriter(flags.logFile));
  const uuid = flags.uuid ?? randomUUID();
  const jobName = flags.jobName;
  const duration = flags.duration ?? DEFAULT_DURATION_MS;
  const metadata = await readUserMetadata(flags.userMetadata);
  const { entries, endpoints, config, configFile, configDigest } = await plan(flags, uuid);
  // The config's indexers get the documents too, as in kube-burner measure; their folders are checked first.
  const indexing = await import('../indexers/index.js');
  const indexers = indexing.configuredIndexers(endpoints);
  await indexing.checkIndexers(indexers, { uuid, cwd: process.cwd() });
  const client = await connectCluster({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, skipTlsVerify: flags.skipTlsVerify });
  const interrupts = trapInterrupts((name) => log.info(`${name}: stopping measurements, writing results`));
  let telemetry: Telemetry | undefined;
  try {
    // Served (and the Pushgateway checked) before anything is watched, as burn init does.
    telemetry = await startTelemetryFor(flags, { uuid, configFile: configFile ?? '', configDigest: configDigest ?? '', burnVersion: version, metadata }, log, interrupts.signal);
    const housekeeping = client.unlimited();
    const cluster = await clusterFacts(housekeeping, 'real');
    telemetry?.observer.runStarted?.({ uuid, client: housekeeping, cluster });
    const set = new MeasurementSet({ entries, metricsEndpoints: endpoints, client: housekeeping, uuid, runId: uuid, jobName, labelSelector: flags.selector, log });
    await set.preflight();
    const errors: string[] = [];
    try {
      await set.start();
      telemetry?.measuring();
      log.info(`measuring ${set.names.join(', ')} for ${formatDuration(duration)} (Ctrl-C to stop sooner)`);
      await pause(duration, interrupts.signal);
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
    const results = await set.stopAndCollect();
    telemetry?.observer.jobsEnded?.();
    const { startMs, endMs } = set.window();
    const start = new Date(startMs).toISOString();
    const end = new Date(endMs).toISOString();
    const record: RunRecord = {
      uuid,
      runId: uuid,
      burnVersion: version,
      configFile: configFile ?? '',
      configDigest: configDigest ?? '',
      config: { global: config ? { ...config.global } : {}, jobs: [], metricsEndpoints: endpoints.map((e) => e.endpoint) },
      start,
      end,
      reason: errors.length ? 'failed' : 'completed',
      errors,
      explanations: [],
      cluster,
      metadata,
      created: 'nothing (burn measure only watches)',
      burnProcess: processCost(),
      alerts: firedAlerts(results),
      // The measuring window, listed like a job that sent nothing.
      jobs: [
        {
          name: jobName,
          jobType: 'measure',
          jobConfig: { name: jobName, jobType: 'measure', selector: flags.selector, measurements: set.names },
          start,
          end,
          passed: errors.length === 0,
          errors,
          explanations: [],
          requests: 0,
          achievedQps: 0,
          sendingMs: 0,
          objectsCreated: 0,
          uncertainCreates: 0,
          alreadyExists: 0,
          retries: 0,
          throttled: 0,
          churnCycles: 0,
          measurements: measurementRecords(results),
        },
      ],
      documentFiles: documentFiles(results),
    };
    const reportDir = flags.reportDir ?? join('reports', uuid);
    const graded = await writeRunFolder(reportDir, record);
    await writeReports(reportDir).catch((err: unknown) => log.error(`reports: ${err instanceof Error ? err.message : String(err)}`));
    const jobs = [{ name: jobName, skipIndexing: false, results, measurements: entries }];
    errors.push(...(await indexing.sendRunToIndexers(indexers, record, jobs, reportDir, log)));
    const exitCode = errors.length ? 1 : graded.exitCode;
    const problems = (await telemetry?.finish({ reportDir, exitCode })) ?? [];
    for (const problem of problems) log.error(problem);
    process.stdout.write(`${await terminalSummary(reportDir, { color: wantsColor(undefined) })}\nresults in ${reportDir}\n`);
    return exitCodeWithTelemetry(exitCode, problems);
  } finally {
    await telemetry?.close();
    interrupts.dispose();
    await client.close();
  }
}

export function register(program: Command): void {
  const command = program
    .command('measure')
    .description('run measurements without a workload, for a duration (10m) or until Ctrl-C; writes a run folder burn report and burn diff read')
    .option('-c, --config <file>', `take measurements and metricsEndpoints from this config, a file or URL (its jobs are not run; default ${DEFAULT_CONFIG} when it exists and no -m is given, as kube-burner)`)
    .option('-m, --measurement <name>', `measurement to run (repeatable; default ${DEFAULT_MEASUREMENTS.join(', ')} without a config)`, collect, [])
    .option('--duration <duration>', 'stop after this long (Ctrl-C stops sooner)', durationFlag, DEFAULT_DURATION_MS)
    .option('-l, --selector <labels>', 'label selector of the pods to measure (default: all pods)', '')
    .option('-j, --job-name <name>', 'job name the documents are filed under', JOB_NAME)
    .option('--user-metadata <file>', 'YAML file of key: value pairs added to the run\'s metadata')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--kube-context <name>', 'kubeconfig context (default: the current one)')
    .option('--skip-tls-verify', 'do not verify the API server certificate')
    .option('--uuid <uuid>', 'uuid of the documents (default: a new one)')
    .option('--report-dir <dir>', 'where the run folder goes (default: reports/<uuid>)');
  addTelemetryFlags(command);
  addSkipLogFileFlag(command);
  command.action(async (flags: MeasureFlags) => {
    const uuid = flags.uuid ?? randomUUID();
    process.exitCode = await runMeasure({ ...flags, uuid, logFile: kubeBurnerLogFile(uuid, flags.skipLogFile) });
  });
}
