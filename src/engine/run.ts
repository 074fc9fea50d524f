import { createHash, randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig, type Config } from '../config/index.js';
import { checkIndexers, configuredIndexers, sendRunToIndexers, type JobResults } from '../indexers/index.js';
import { connectCluster, type Access, type KubeClient } from '../kube/index.js';
import { MeasurementSet, measurementsFor, stampDocumentMetadata } from '../measure/index.js';
import { writeReports } from '../report/index.js';
import type { MeasurementResult } from '../measure/index.js';
import { checkRunFolderWritable, documentFiles, firedAlerts, writeRunFolder, type ClusterFacts, type EndReason, type JobRecord, type ProcessCost, type RunRecord } from '../report/index.js';
import { ExitCode, UserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { version } from '../shared/version.js';
import { checkClusterHealth } from './cluster-health.js';
import { cleanupEarlierRuns } from './cleanup.js';
import { collectGarbage } from './gc.js';
import { JobHooks } from './hooks.js';
import { failureMessage, runOneJob } from './job.js';
import { Ledger } from './ledger.js';
import { ObjectRenderer } from './objects.js';
import type { RunObserver } from './observer.js';
import { holdRunLease } from './run-lease.js';

export type { EndReason } from '../report/index.js';

export interface RunOptions {
  configPath: string;
  /** `-e/--metrics-endpoint`: a file listing metrics endpoints that replaces the config's. */
  metricsEndpoint?: string;
  uuid?: string;
  userData?: string;
  /** --user-metadata: a YAML file whose keys are added to every jobSummary. */
  userMetadata?: string;
  set?: string[];
  allowMissing?: boolean;
  kubeconfig?: string;
  context?: string;
  skipTlsVerify?: boolean;
  /** --timeout; the config's global.timeout when omitted. */
  timeoutMs?: number;
  /** Where the run folder goes; reports/<uuid> when omitted. */
  reportDir?: string;
  /** The kubeconfig points at burn's simulator (started by the CLI) running this profile. */
  simProfile?: string;
  log: Logger;
  tty: boolean;
  /** Aborted by the CLI on SIGINT/SIGTERM. */
  interrupt?: AbortSignal;
  /** True once a second signal asked to skip gc. */
  skipGc?: () => boolean;
  /** Told as the run starts and as each job starts and ends (burn's own metrics, --metrics-port). */
  observer?: RunObserver;
}

export interface RunOutcome {
  uuid: string;
  exitCode: number;
  reason: EndReason;
  reportDir: string;
  record: RunRecord;
}

/** --user-metadata: a YAML (or JSON) mapping whose keys are added to the documents. */
export async function readUserMetadata(path: string | undefined): Promise<Record<string, unknown>> {
  if (!path) return {};
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UserError(`--user-metadata ${path}: file not found`, { hint: 'pass a YAML or JSON file of key: value pairs' });
  });
  const data = parseYaml(text) as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`--user-metadata ${path}: expected a mapping of key: value pairs`);
  return data as Record<string, unknown>;
}

/** What clusterFacts asks of the API server. */
export const CLUSTER_FACTS_ACCESS: Access[] = [
  { url: '/version', verbs: ['get'], why: 'the run records the Kubernetes version' },
  { group: '', resource: 'nodes', verbs: ['list'], why: 'the run records the node count' },
];

/** Kubernetes version, node count and server of the target, for the run folder. */
export async function clusterFacts(client: KubeClient, target: ClusterFacts['target'], simProfile?: string): Promise<ClusterFacts> {
  const version = await client.serverVersion();
  const totalNodes = await client.count('v1', 'Node');
  return { target, k8sVersion: version.gitVersion, totalNodes, server: client.server, ...(simProfile ? { simProfile } : {}) };
}

/** What stopped the run early, if anything: set by the timeout, a signal or a critical alert. */
class RunStop {
  readonly controller = new AbortController();
  reason: EndReason | undefined;

  constructor() {
    // Every request in flight listens on this signal: thousands at once is expected, not a leak.
    setMaxListeners(0, this.controller.signal);
  }

  stop(reason: EndReason): void {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort(new Error(reason));
  }
}

/** A run checked and ready to start: nothing has been created, no cluster contacted. */
export interface PreparedRun {
  options: RunOptions;
  config: Config;
  configDigest: string;
  metadata: Record<string, unknown>;
  reportDir: string;
  renderer: ObjectRenderer;
}

/**
 * Everything that can be checked before the first object: the config, --user-metadata, that the
 * run folder can be written, and every object template fetched and rendered (first iteration).
 * Throws a UserError; creates nothing.
 */
export async function prepareRun(options: RunOptions): Promise<PreparedRun> {
  const log = options.log;
  const uuid = options.uuid ?? randomUUID();
  const config = await loadConfig(options.configPath, { uuid, userData: options.userData, set: options.set, allowMissing: options.allowMissing, metricsEndpoint: options.metricsEndpoint });
  for (const warning of config.warnings) log.warn(`${warning.pos.file}:${warning.pos.line}:${warning.pos.col}: ${warning.message}`);
  const metadata = await readUserMetadata(options.userMetadata);
  const reportDir = options.reportDir ?? join('reports', uuid);
  await checkRunFolderWritable(reportDir);
  await checkIndexers(configuredIndexers(config.metricsEndpoints), { uuid, cwd: process.cwd() });
  const renderer = new ObjectRenderer(config);
  await renderer.prepare(config.jobs);
  const configDigest = createHash('sha256').update(await readFile(config.file)).digest('hex');
  return { options, config, configDigest, metadata, reportDir, renderer };
}

/** `burn init`: runs a config's jobs against a cluster, measures, grades, writes the run folder. */
export async function runBenchmark(options: RunOptions, prepared?: PreparedRun): Promise<RunOutcome> {
  const run = prepared ?? (await prepareRun(options));
  const client = await connectCluster({
    kubeconfig: options.kubeconfig,
    context: options.context,
    skipTlsVerify: options.skipTlsVerify,
    requestTimeoutMs: run.config.global.requestTimeoutMs,
  });
  try {
    // Metrics endpoints, credentials and queries are checked before anything is created.
    // A cluster that cannot be reached at all is found here, before anything is created (no run folder).
    const cluster = await clusterFacts(client.unlimited(), options.simProfile ? 'sim' : 'real', options.simProfile);
    if (run.config.global.clusterHealth) await requireHealthyCluster(run.config, client.unlimited(), options.log);
    await MeasurementSet.preflightRun(run.config, client.unlimited(), options.log);
    return await runJobs(run, client, cluster);
  } finally {
    await client.close();
  }
}

/** `global.clusterHealth: true`: as kube-burner, a cluster that is not healthy is refused before anything is created. */
async function requireHealthyCluster(config: Config, client: KubeClient, log: Logger): Promise<void> {
  const health = await checkClusterHealth(client);
  if (!health.healthy) {
    throw new UserError(`${config.source.describe('global.clusterHealth')}: clusterHealth: the cluster is not healthy, nothing was created:\n  ${health.problems.join('\n  ')}`, {
      hint: 'fix the nodes (or the API server) first; `burn health-check` repeats the check; or set global.clusterHealth: false to run anyway',
    });
  }
  log.info(`cluster health: the API server is healthy and all ${health.nodes} node(s) are Ready with no pressure condition`);
}

/** What burn itself cost: so a user can see burn was not the bottleneck of its own benchmark. */
export function processCost(): ProcessCost {
  const usage = process.resourceUsage();
  return { cpuUserMs: Math.round(usage.userCPUTime / 1000), cpuSystemMs: Math.round(usage.systemCPUTime / 1000), maxRssMb: Math.round(usage.maxRSS / 1024) };
}

/**
 * Runs the jobs in order. Whatever happens (a job that fails, an internal error, a timeout or a
 * signal), the run then runs gc when configured, writes its folder with what every job did so far,
 * and says what it left on the cluster.
 */
async function runJobs(run: PreparedRun, client: KubeClient, cluster: ClusterFacts): Promise<RunOutcome> {
  const { options, config, reportDir } = run;
  const log = options.log;
  const uuid = config.global.uuid;
  const housekeeping = client.unlimited();
  const stop = new RunStop();
  const timeoutMs = options.timeoutMs ?? config.global.timeoutMs;
  const timer = setTimeout(() => stop.stop('timeout'), timeoutMs);
  const onInterrupt = () => stop.stop('interrupted');
  options.interrupt?.addEventListener('abort', onInterrupt, { once: true });
  if (options.interrupt?.aborted) onInterrupt();

  const start = new Date().toISOString();
  const ledger = new Ledger();
  const jobs: JobRecord[] = [];
  const results: MeasurementResult[] = [];
  const jobResults: JobResults[] = [];
  const runErrors: string[] = [];
  const hooks = new Map(config.jobs.map((job) => [job.name, new JobHooks(job, { reportDir, log, signal: stop.controller.signal })]));
  const lease = await holdRunLease(housekeeping, uuid, log);
  options.observer?.runStarted?.({ uuid, client, cluster });
  try {
    log.info(`run ${uuid}: ${config.jobs.length} job(s) against ${cluster.target === 'sim' ? 'the simulated cluster' : cluster.server} (Kubernetes ${cluster.k8sVersion}, ${cluster.totalNodes} nodes)`);
    // kube-burner's clean-up of earlier runs, before the first job: each create job with cleanup, between its beforeGC and afterGC hooks.
    const gcStageErrors = new Map<string, string[]>();
    const cleanupProblems: string[] = [];
    for (const job of config.jobs) {
      if (job.jobType !== 'create' || !job.cleanup) continue;
      const jobHooks = hooks.get(job.name)!;
      const errors = await jobHooks.run('beforeGC');
      cleanupProblems.push(...(await cleanupEarlierRuns({ config, client: housekeeping, renderer: run.renderer, log, signal: stop.controller.signal }, job)));
      errors.push(...(await jobHooks.run('afterGC')));
      gcStageErrors.set(job.name, errors);
    }
    for (const problem of cleanupProblems) log.error(problem);
    runErrors.push(...cleanupProblems);
    for (const job of cleanupProblems.length ? [] : config.jobs) {
      if (stop.reason) break;
      const { record, results: ofJob } = await runOneJob({ config, job, client, housekeeping, renderer: run.renderer, ledger, log, signal: stop.controller.signal, tty: options.tty, runFolder: reportDir, hooks: hooks.get(job.name)!, earlierErrors: gcStageErrors.get(job.name) ?? [], observer: options.observer });
      jobs.push(record);
      stampDocumentMetadata(ofJob, { ...run.metadata, k8sVersion: cluster.k8sVersion, totalNodes: cluster.totalNodes });
      results.push(...ofJob);
      jobResults.push({ name: job.name, skipIndexing: job.skipIndexing, results: ofJob, measurements: measurementsFor(config, job) });
      if (record.measurements.some((r) => r.abortRun)) stop.stop('aborted-by-alert');
      if (!record.passed && !stop.reason) break;
    }
  } catch (err) {
    runErrors.push(failureMessage(err, log));
    log.error(runErrors.at(-1)!);
  } finally {
    clearTimeout(timer);
    options.interrupt?.removeEventListener('abort', onInterrupt);
    options.observer?.jobsEnded?.();
  }

  let gcRan = false;
  if (config.global.gc && !options.skipGc?.()) {
    log.info(`gc: removing what run ${uuid} created`);
    const gcSignal = options.skipGc ? abortWhen(options.skipGc) : undefined;
    const kinds = await run.renderer.kinds(config.jobs).then((planned) => [...planned, ...ledger.createdKinds()]);
    await collectGarbage(housekeeping, { uuid, strategy: config.global.deletionStrategy, waitMs: 10 * 60_000, log, signal: gcSignal?.signal, kinds })
      .then(() => (gcRan = true))
      .catch((err: unknown) => log.error(`gc failed: ${err instanceof Error ? err.message : String(err)}`));
    gcSignal?.dispose();
    // As kube-burner: with gcMetrics the run waits for gc, then runs each job's afterCleanup hooks.
    if (config.global.gcMetrics) for (const job of jobs) await afterGlobalGc(job, hooks.get(job.name)!);
  }
  const errors = [...jobs.flatMap((j) => j.errors.map((e) => `job ${j.name}: ${e}`)), ...runErrors];
  const reason: EndReason = stop.reason ?? (errors.length ? 'failed' : 'completed');
  await lease.release();

  const record: RunRecord = {
    uuid,
    runId: config.global.runId,
    burnVersion: version,
    configFile: config.file,
    configDigest: run.configDigest,
    config: { global: { ...config.global }, jobs: config.jobs.map((j) => j.name), metricsEndpoints: config.metricsEndpoints.map((m) => m.endpoint) },
    start,
    end: new Date().toISOString(),
    reason,
    errors,
    explanations: jobs.flatMap((j) => j.explanations),
    cluster,
    metadata: run.metadata,
    created: gcRan ? 'nothing (gc ran)' : ledger.describe(),
    burnProcess: processCost(),
    alerts: firedAlerts(results),
    jobs,
    documentFiles: documentFiles(results),
  };
  let gradingCode: number = ExitCode.Error;
  try {
    gradingCode = (await writeRunFolder(reportDir, record)).exitCode;
    await writeReports(reportDir).catch((err: unknown) => log.error(`reports: ${err instanceof Error ? err.message : String(err)}`));
  } catch (err) {
    log.error(`writing the run folder ${reportDir} failed: ${err instanceof Error ? err.message : String(err)}`);
    errors.push(`writing the run folder failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Only now, with the run folder written: an indexer that fails cannot lose the run.
  const indexers = configuredIndexers(config.metricsEndpoints);
  errors.push(...(await sendRunToIndexers(indexers, record, jobResults, reportDir, log)));
  const exitCode = exitCodeFor(reason, errors, gradingCode);
  if (!gcRan && !ledger.isEmpty() && (reason !== 'completed' || exitCode === ExitCode.Error)) {
    log.warn(`this run created ${ledger.describe()}; remove it with: burn destroy --uuid ${uuid}`);
  }
  return { uuid, exitCode, reason, reportDir, record };
}

/** A job's afterCleanup hooks after the run's gc (global gcMetrics); what they did goes into the job's record. */
async function afterGlobalGc(record: JobRecord, hooks: JobHooks): Promise<void> {
  if (!hooks.has('afterCleanup')) return;
  const errors = [...(await hooks.run('afterCleanup')), ...(await hooks.settle())];
  record.hooks = hooks.records;
  if (errors.length) {
    record.errors.push(...errors);
    record.passed = false;
  }
}

/** A signal that aborts when `predicate` turns true (a second Ctrl-C during gc). */
function abortWhen(predicate: () => boolean): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const timer = setInterval(() => predicate() && controller.abort(), 100);
  return { signal: controller.signal, dispose: () => clearInterval(timer) };
}

function exitCodeFor(reason: EndReason, errors: string[], gradingCode: number): number {
  if (reason === 'timeout') return ExitCode.Timeout;
  if (reason === 'interrupted' || reason === 'failed' || errors.length) return ExitCode.Error;
  return gradingCode;
}

