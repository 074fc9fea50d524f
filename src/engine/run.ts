import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../config/load.js';
import type { Config, Job } from '../config/types.js';
import { connectCluster, type KubeClient } from '../kube/index.js';
import { MeasurementSet, type MeasurementResult } from '../measure/index.js';
import { writeReports } from '../report/index.js';
import { nowMs } from '../shared/clock.js';
import { ExitCode, UserError, isUserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { pause, type JobContext } from './context.js';
import { isWaitTimeout, runCreateJob } from './create-job.js';
import { runChurn } from './churn.js';
import { explainPods } from './explain.js';
import { collectGarbage } from './gc.js';
import { runSelector } from './labels.js';
import { Ledger } from './ledger.js';
import { ObjectRenderer } from './objects.js';
import { preloadImages } from './preload.js';
import { JobProgress } from './progress.js';
import { writeRunFolder, type RunRecord } from './results.js';
import { runDeleteJob, runPatchJob, runReadJob } from './select-jobs.js';
import { startSimTarget, type SimTarget } from './sim-target.js';
import { jobSummaryDocument, type ClusterFacts } from './summary.js';
import { ReadinessTracker } from './tracker.js';
import { settingsNotActedOn } from './unsupported.js';
import { verifyObjects } from './verify.js';

export interface RunOptions {
  configPath: string;
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
  /** --sim: run against a simulated cluster in a child process. */
  sim?: { nodes: number; profile: string; seed?: number };
  log: Logger;
  tty: boolean;
  /** Aborted by the CLI on SIGINT/SIGTERM. */
  interrupt?: AbortSignal;
  /** True once a second signal asked to skip gc. */
  skipGc?: () => boolean;
}

export type EndReason = 'completed' | 'failed' | 'timeout' | 'interrupted' | 'aborted-by-alert';

export interface RunOutcome {
  uuid: string;
  exitCode: number;
  reason: EndReason;
  reportDir: string;
  record: RunRecord;
}

async function readUserMetadata(path: string | undefined): Promise<Record<string, unknown>> {
  if (!path) return {};
  const text = await readFile(path, 'utf8').catch(() => {
    throw new UserError(`--user-metadata ${path}: file not found`, { hint: 'pass a YAML or JSON file of key: value pairs' });
  });
  const data = parseYaml(text) as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UserError(`--user-metadata ${path}: expected a mapping of key: value pairs`);
  return data as Record<string, unknown>;
}

/** Kubernetes version, node count and server of the target, for the run folder. */
export async function clusterFacts(client: KubeClient, target: ClusterFacts['target']): Promise<ClusterFacts> {
  const version = await client.serverVersion();
  let totalNodes = 0;
  for await (const page of client.listPages('v1', 'Node', { limit: 500 })) totalNodes = page.restarted ? page.items.length : totalNodes + page.items.length;
  return { target, k8sVersion: version.gitVersion, totalNodes, server: client.server };
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

/** `burn init`: runs a config's jobs against a cluster, measures, grades, writes the run folder. */
export async function runBenchmark(options: RunOptions): Promise<RunOutcome> {
  const log = options.log;
  const uuid = options.uuid ?? randomUUID();
  const config = await loadConfig(options.configPath, { uuid, userData: options.userData, set: options.set, allowMissing: options.allowMissing });
  for (const warning of config.warnings) log.warn(`${warning.pos.file}:${warning.pos.line}:${warning.pos.col}: ${warning.message}`);
  for (const note of settingsNotActedOn(config)) log.warn(note);
  const metadata = await readUserMetadata(options.userMetadata);
  const reportDir = options.reportDir ?? join('reports', uuid);

  let sim: SimTarget | undefined;
  if (options.sim) {
    log.info(`starting the simulated cluster (${options.sim.nodes} nodes, profile ${options.sim.profile})`);
    sim = await startSimTarget(options.sim);
  }
  try {
    const client = await connectCluster({
      kubeconfig: sim?.kubeconfigPath ?? options.kubeconfig,
      context: sim ? undefined : options.context,
      skipTlsVerify: options.skipTlsVerify,
      requestTimeoutMs: config.global.requestTimeoutMs,
    });
    try {
      return await runJobs(options, config, client, sim ? 'sim' : 'real', reportDir, metadata);
    } finally {
      await client.close();
    }
  } finally {
    await sim?.stop();
  }
}

async function runJobs(options: RunOptions, config: Config, client: KubeClient, target: ClusterFacts['target'], reportDir: string, metadata: Record<string, unknown>): Promise<RunOutcome> {
  const log = options.log;
  const uuid = config.global.uuid;
  const housekeeping = client.unlimited();
  const cluster = await clusterFacts(housekeeping, target);
  log.info(`run ${uuid}: ${config.jobs.length} job(s) against ${cluster.target === 'sim' ? 'the simulated cluster' : cluster.server} (Kubernetes ${cluster.k8sVersion}, ${cluster.totalNodes} nodes)`);
  // Metrics endpoints, credentials and queries are checked before anything is created.
  await MeasurementSet.preflightRun(config, housekeeping, log);

  const stop = new RunStop();
  const timeoutMs = options.timeoutMs ?? config.global.timeoutMs;
  const timer = setTimeout(() => stop.stop('timeout'), timeoutMs);
  const onInterrupt = () => stop.stop('interrupted');
  options.interrupt?.addEventListener('abort', onInterrupt, { once: true });
  if (options.interrupt?.aborted) onInterrupt();

  const startMs = nowMs();
  const ledger = new Ledger();
  const renderer = new ObjectRenderer(config);
  const summaries: Record<string, unknown>[] = [];
  const results: MeasurementResult[] = [];
  const explanations: string[] = [];
  const errors: string[] = [];
  try {
    for (const job of config.jobs) {
      if (stop.reason) break;
      const outcome = await runOneJob({ config, job, client, housekeeping, renderer, ledger, log, signal: stop.controller.signal, tty: options.tty });
      results.push(...outcome.results);
      explanations.push(...outcome.explanations);
      errors.push(...outcome.errors.map((e) => `job ${job.name}: ${e}`));
      summaries.push(jobSummaryDocument({ ...outcome, uuid, runId: config.global.runId, job, cluster, metadata }));
      if (outcome.results.some((r) => r.abortRun)) stop.stop('aborted-by-alert');
      if (!outcome.passed && !stop.reason) break;
    }
  } finally {
    clearTimeout(timer);
    options.interrupt?.removeEventListener('abort', onInterrupt);
  }

  const reason: EndReason = stop.reason ?? (errors.length ? 'failed' : 'completed');
  let gcRan = false;
  if (config.global.gc && !options.skipGc?.()) {
    log.info(`gc: removing what run ${uuid} created`);
    const gcSignal = options.skipGc ? abortWhen(options.skipGc) : undefined;
    await collectGarbage(housekeeping, { uuid, strategy: config.global.deletionStrategy, waitMs: 10 * 60_000, log, signal: gcSignal?.signal })
      .then(() => (gcRan = true))
      .catch((err: unknown) => log.error(`gc failed: ${err instanceof Error ? err.message : String(err)}`));
    gcSignal?.dispose();
  }

  const record: RunRecord = {
    uuid,
    runId: config.global.runId,
    configFile: config.file,
    startMs,
    endMs: nowMs(),
    reason,
    errors,
    explanations,
    cluster,
    summaries,
    results,
    created: gcRan ? 'nothing (gc ran)' : ledger.describe(),
  };
  const graded = await writeRunFolder(reportDir, record, config);
  await writeReports(reportDir).catch((err: unknown) => log.error(`reports: ${err instanceof Error ? err.message : String(err)}`));
  const exitCode = exitCodeFor(reason, errors, graded.exitCode);
  if (!gcRan && !ledger.isEmpty() && (reason !== 'completed' || exitCode === ExitCode.Error)) {
    log.warn(`this run created ${ledger.describe()}; remove it with: burn destroy --uuid ${uuid}`);
  }
  return { uuid, exitCode, reason, reportDir, record: { ...record, verdicts: graded.verdicts } };
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

interface JobOutcome {
  startMs: number;
  endMs: number;
  passed: boolean;
  errors: string[];
  explanations: string[];
  requests: number;
  achievedQps: number;
  sendingMs: number;
  objectsCreated: number;
  uncertainCreates: number;
  churnCycles: number;
  results: MeasurementResult[];
}

interface OneJob {
  config: Config;
  job: Job;
  client: KubeClient;
  housekeeping: KubeClient;
  renderer: ObjectRenderer;
  ledger: Ledger;
  log: Logger;
  signal: AbortSignal;
  tty: boolean;
}

async function runOneJob(run: OneJob): Promise<JobOutcome> {
  const { config, job, log } = run;
  const startMs = nowMs();
  const customStatusPaths = job.objects.find((o) => o.waitOptions.customStatusPaths.length)?.waitOptions.customStatusPaths ?? [];
  const tracker = new ReadinessTracker(run.housekeeping, runSelector(config.global.uuid, job.name), customStatusPaths);
  const progress = new JobProgress(job.name, job.jobIterations, () => tracker.readyPods, () => tracker.pods.size, { tty: run.tty }, log);
  const ctx: JobContext = {
    config,
    job,
    client: run.client.withLimits({ qps: job.qps, burst: job.burst }),
    housekeeping: run.housekeeping,
    renderer: run.renderer,
    tracker,
    ledger: run.ledger,
    progress,
    log,
    signal: run.signal,
    errors: [],
  };
  const measurements = MeasurementSet.forJob(config, job, run.housekeeping, log, runSelector(config.global.uuid, job.name));
  const explanations: string[] = [];
  let churnCycles = 0;
  log.info(`job ${job.name}: ${job.jobType}, ${job.jobIterations} iteration(s) at qps ${job.qps} burst ${job.burst}`);
  await tracker.start();
  await measurements.start();
  progress.start();
  try {
    if (job.jobType === 'create') {
      if (job.preLoadImages) await preloadImages(ctx);
      await runCreateJob(ctx);
      churnCycles = await runChurn(ctx);
    } else if (job.jobType === 'delete') await runDeleteJob(ctx);
    else if (job.jobType === 'patch') await runPatchJob(ctx);
    else await runReadJob(ctx);
    if (job.jobType === 'create' && job.verifyObjects && !ctx.signal.aborted) {
      const mismatches = await verifyObjects(ctx);
      if (mismatches.length && job.errorOnVerify) ctx.errors.push(...mismatches);
      else for (const m of mismatches) log.warn(`job ${job.name}: ${m}`);
    }
    await pause(job.jobPauseMs, ctx.signal);
  } catch (err) {
    if (!isUserError(err) && !ctx.signal.aborted) throw err;
    if (!ctx.signal.aborted) ctx.errors.push(err instanceof Error ? err.message : String(err));
    if (isWaitTimeout(err)) {
      explanations.push(...(await explainPods(ctx)));
      for (const line of explanations) log.error(`job ${job.name}: ${line}`);
    }
  } finally {
    progress.stop();
  }
  const endMs = nowMs();
  const results = await measurements.stopAndCollect();
  await tracker.stop();
  if (job.gc && !ctx.signal.aborted) {
    await collectGarbage(run.housekeeping, { uuid: config.global.uuid, job: job.name, strategy: config.global.deletionStrategy, waitMs: job.maxWaitTimeoutMs, log });
  }
  // Measurement failures are graded (slo), not job errors.
  const errors = ctx.errors;
  return {
    startMs,
    endMs,
    passed: errors.length === 0 && !ctx.signal.aborted,
    errors,
    explanations,
    requests: progress.requests,
    achievedQps: progress.achievedQps(),
    sendingMs: progress.sendingMs(),
    objectsCreated: progress.objectsCreated,
    uncertainCreates: progress.uncertainCreates,
    churnCycles,
    results,
  };
}
