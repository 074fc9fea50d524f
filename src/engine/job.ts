/**
 * One job's lifecycle: tracker and measurements started, the job type's runner, verification and
 * pause, then measurements stopped and collected, tracker stopped, job gc, whatever happened in
 * between. A job never throws: what went wrong (an internal error included) is in its record.
 */
import type { Config, HookStage, Job, JobType } from '../config/index.js';
import { kindAccess, type Access, type KindRef, type KubeClient, type RbacVerb } from '../kube/index.js';
import { markChurnDocuments, MeasurementSet, type MeasurementResult } from '../measure/index.js';
import { plannedObjects } from './planned-objects.js';
import { measurementRecords, type JobRecord } from '../report/index.js';
import { nowMs } from '../shared/clock.js';
import { isUserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { runChurn } from './churn.js';
import { pause, type JobContext } from './context.js';
import { runCreateJob } from './create-job.js';
import { runIncrementalCreate } from './incremental.js';
import { EXPLAIN_ACCESS, explainPods, explainVanished } from './explain.js';
import { collectGarbage, gcAccess } from './gc.js';
import { cleanupAccess } from './cleanup.js';
import type { JobHooks } from './hooks.js';
import { runSelector } from './labels.js';
import type { Ledger } from './ledger.js';
import type { ObjectRenderer } from './objects.js';
import { PRELOAD_ACCESS, preloadImages } from './preload.js';
import type { RunObserver } from './observer.js';
import { JobProgress } from './progress.js';
import { runDeleteJob, runPatchJob, runReadJob } from './select-jobs.js';
import { runTrafficJob, trafficAccess } from './traffic-job.js';
import { jobConfigOf } from './summary.js';
import { ReadinessTracker, trackerAccess } from './tracker.js';
import { verifyObjects } from './verify.js';
import { ObjectsVanished, WaitTimeout } from './wait-ready.js';
import { JobWatchers } from './watchers.js';

/** Runs a job's load; resolves its churn cycles (0 for job types without churn) and when churn ran. */
export type JobRunner = (ctx: JobContext) => Promise<{ churnCycles: number; churn?: { startMs: number; endMs: number } }>;

/** Runs `step`, then the job's `stage` hooks whether it failed or not (as kube-burner: its steps return errors, they do not stop the job). */
async function thenHooks(ctx: JobContext, step: () => Promise<void>, stage: HookStage): Promise<void> {
  try {
    await step();
  } finally {
    ctx.errors.push(...(await ctx.hooks.run(stage)));
  }
}

async function createJob(ctx: JobContext): ReturnType<JobRunner> {
  if (ctx.job.preLoadImages) await preloadImages(ctx);
  // An incremental job verifies after every step and leaves nothing behind (its churn is refused).
  if (ctx.job.incrementalLoad) {
    await thenHooks(ctx, () => runIncrementalCreate(ctx), 'afterJobExecution');
    return { churnCycles: 0 };
  }
  await thenHooks(ctx, () => runCreateJob(ctx), 'afterJobExecution');
  let churnCycles = 0;
  let churn: { startMs: number; endMs: number } | undefined;
  if (ctx.job.churnConfig.enabled) {
    ctx.errors.push(...(await ctx.hooks.run('beforeChurn')));
    const startMs = Date.now();
    await thenHooks(ctx, async () => void (churnCycles = await runChurn(ctx)), 'afterChurn');
    churn = { startMs, endMs: Date.now() };
  }
  if (ctx.job.verifyObjects && !ctx.signal.aborted) {
    const mismatches = await verifyObjects(ctx);
    if (mismatches.length && ctx.job.errorOnVerify) ctx.errors.push(...mismatches);
    else for (const m of mismatches) ctx.log.warn(`job ${ctx.job.name}: ${m}`);
  }
  return { churnCycles, churn };
}

const noChurn = (run: (ctx: JobContext) => Promise<void>): JobRunner => async (ctx) => {
  await thenHooks(ctx, () => run(ctx), 'afterJobExecution');
  return { churnCycles: 0 };
};

/** Every job type has a runner: the compiler insists. */
export const JOB_RUNNERS: Record<JobType, JobRunner> = {
  create: createJob,
  delete: noChurn(runDeleteJob),
  patch: noChurn(runPatchJob),
  read: noChurn(runReadJob),
  traffic: noChurn(runTrafficJob),
};

/** What a job asks of the API server: given the kinds its templates create (create jobs) or select (the others). */
export type JobAccess = (job: Job, kinds: readonly KindRef[]) => Access[];

const kindsAccess = (kinds: readonly KindRef[], verbs: readonly RbacVerb[], why: string): Access[] => kinds.map((k) => kindAccess(k.apiVersion, k.kind, verbs, why));

/** The kinds the job's waits name (waitOptions.kind), read as watches. */
const waitedKinds = (job: Job): KindRef[] => job.objects.filter((o) => o.wait && o.waitOptions.kind).map((o) => ({ apiVersion: o.waitOptions.apiVersion || 'v1', kind: o.waitOptions.kind }));

function createJobAccess(job: Job, kinds: readonly KindRef[]): Access[] {
  const namespaces = 'the job creates its namespaces (a terminating one is waited for)';
  return [
    { group: '', resource: 'namespaces', verbs: ['create', 'get', 'list', 'watch'], why: namespaces },
    ...kindsAccess(kinds, ['create', 'get'], `job ${job.name} creates its objects (and reads one that already exists)`),
    ...trackerAccess([...kinds, ...waitedKinds(job)]),
    ...kindsAccess(job.watchers, ['list', 'watch'], `job ${job.name}'s watchers`),
    ...EXPLAIN_ACCESS,
    ...(job.preLoadImages ? PRELOAD_ACCESS : []),
    ...(job.cleanup ? cleanupAccess(kinds) : []),
    ...(job.gc || job.incrementalLoad || job.objects.some((o) => o.group.gc) ? gcAccess(kinds) : []),
    ...(job.churnConfig.enabled
      ? [{ group: '', resource: 'namespaces', verbs: ['delete'], why: `job ${job.name} churns (deletes and re-creates)` } as Access, ...kindsAccess(kinds, ['delete'], `job ${job.name} churns (deletes and re-creates)`)]
      : []),
  ];
}

function selectJobAccess(verbs: readonly RbacVerb[]): JobAccess {
  return (job, kinds) => [
    ...kindsAccess(kinds, ['list', 'watch', ...verbs], `${job.jobType} job ${job.name} acts on what its selectors find`),
    ...trackerAccess(waitedKinds(job)),
    ...kindsAccess(job.watchers, ['list', 'watch'], `job ${job.name}'s watchers`),
    ...EXPLAIN_ACCESS,
  ];
}

/** Every job type says what it asks of the API server (`burn rbac`): the compiler insists, as for runners. */
export const JOB_ACCESS: Record<JobType, JobAccess> = {
  create: createJobAccess,
  delete: selectJobAccess(['delete']),
  patch: selectJobAccess(['patch']),
  read: selectJobAccess(['get']),
  traffic: (job) => [...trafficAccess(job), ...trackerAccess([]), ...kindsAccess(job.watchers, ['list', 'watch'], `job ${job.name}'s watchers`), ...EXPLAIN_ACCESS],
};

export interface OneJob {
  config: Config;
  job: Job;
  client: KubeClient;
  housekeeping: KubeClient;
  renderer: ObjectRenderer;
  ledger: Ledger;
  log: Logger;
  signal: AbortSignal;
  tty: boolean;
  /** The run folder, where measurements that write files (pprof) put them. */
  runFolder?: string;
  /** The job's hooks (made by the run, which also runs the job's beforeGC and afterGC stages). */
  hooks: JobHooks;
  /** Errors the job has before it starts: those of its beforeGC and afterGC hooks. */
  earlierErrors?: string[];
  observer?: RunObserver;
}

/** A failure's message for the record: a UserError as the user sees it, anything else as an internal error. */
export function failureMessage(err: unknown, log: Logger): string {
  if (isUserError(err)) return err.message;
  log.debug(err instanceof Error && err.stack ? err.stack : String(err));
  return `internal error: ${err instanceof Error ? err.message : String(err)}`;
}

/** Collects what a step failed with, unless the run was stopped (then the stop is the reason). */
async function settle(what: string, step: () => Promise<unknown>, errors: string[], log: Logger): Promise<void> {
  try {
    await step();
  } catch (err) {
    errors.push(`${what}: ${failureMessage(err, log)}`);
  }
}

/**
 * Runs one job; never throws. Resolves its record and its measurements' results (with their documents).
 * The order is kube-burner's: watchers, measurements, beforeJobExecution hooks, the job (its runner
 * calls the hooks inside it), beforeCleanup hooks, jobPause, measurements stopped, watchers stopped,
 * job gc and afterCleanup hooks, background hooks waited for. The job's window (jobSummary's end,
 * the Prometheus range) ends where `metricsClosing` says: afterJob (before jobPause), afterJobPause
 * (the default) or afterMeasurements.
 */
export async function runOneJob(run: OneJob): Promise<{ record: JobRecord; results: MeasurementResult[] }> {
  const { config, job, log, hooks } = run;
  const startMs = Date.now();
  const startedAt = nowMs();
  const tracker = new ReadinessTracker(run.housekeeping, runSelector(config.global.uuid, job.name), job.objects.map((o) => o.waitOptions.customStatusPaths));
  const progress = new JobProgress(job.name, job.jobIterations, () => tracker.readyPods, () => tracker.pods.size, { tty: run.tty, signal: run.signal }, log);
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
    errors: [...(run.earlierErrors ?? [])],
    hooks,
    alreadyExisting: [],
    results: [],
  };
  const measurements = MeasurementSet.forJob(config, job, run.housekeeping, log, runSelector(config.global.uuid, job.name), plannedObjects(job, run.renderer), run.runFolder);
  const watchers = new JobWatchers(job, run.housekeeping, log, run.signal);
  const explanations: string[] = [];
  let churnCycles = 0;
  let churn: { startMs: number; endMs: number } | undefined;
  let results: MeasurementResult[] = [];
  let endMs = startMs;
  let cleanupStageRan = false;
  const beforeCleanup = async () => {
    if (cleanupStageRan) return;
    cleanupStageRan = true;
    ctx.errors.push(...(await hooks.run('beforeCleanup')));
  };
  log.info(`job ${job.name}: ${job.jobType}, ${job.jobIterations} iteration(s) at qps ${job.qps} burst ${job.burst}`);
  try {
    ctx.errors.push(...(await watchers.start()));
    await tracker.start();
    await measurements.start();
    progress.start();
    run.observer?.jobStarted?.({ name: job.name, jobType: job.jobType, progress });
    ctx.errors.push(...(await hooks.run('beforeJobExecution')));
    ({ churnCycles, churn } = await JOB_RUNNERS[job.jobType](ctx));
    await beforeCleanup();
    if (job.metricsClosing === 'afterJob') measurements.closeWindow();
    await pause(job.jobPauseMs, ctx.signal);
    if (job.metricsClosing === 'afterJobPause') measurements.closeWindow();
  } catch (err) {
    if (!ctx.signal.aborted) {
      ctx.errors.push(failureMessage(err, log));
      log.error(`job ${job.name}: ${ctx.errors.at(-1)}${isUserError(err) && err.hint ? `\n  ${err.hint}` : ''}`);
    }
    if (err instanceof WaitTimeout) await settle('explaining not-ready pods', async () => explanations.push(...(await explainPods(ctx))), ctx.errors, log);
    if (err instanceof ObjectsVanished) await settle('explaining deleted objects', async () => explanations.push(...(await explainVanished(ctx, err.objects))), ctx.errors, log);
    for (const line of explanations) log.error(`job ${job.name}: ${line}`);
    await beforeCleanup();
  } finally {
    progress.stop();
    // stopAndCollect stops only what started and turns each measurement's failure into its result's errors.
    await settle('measurements', async () => (results = await measurements.stopAndCollect({ windowEndsAfterMeasurements: job.metricsClosing === 'afterMeasurements' })), ctx.errors, log);
    results.push(...ctx.results);
    endMs = measurements.windowEndedAt() ?? Date.now();
    await settle('readiness watches', () => tracker.stop(), ctx.errors, log);
  }
  if (churn) markChurnDocuments(results, churn);
  const watcherRecords = await watchers.stop();
  if (job.gc && !ctx.signal.aborted) {
    await settle('job gc', async () => collectGarbage(run.housekeeping, { uuid: config.global.uuid, job: job.name, strategy: config.global.deletionStrategy, waitMs: job.maxWaitTimeoutMs, log, kinds: [...(await run.renderer.kinds([job])), ...run.ledger.createdKinds()] }), ctx.errors, log);
    ctx.errors.push(...(await hooks.run('afterCleanup')));
  }
  ctx.errors.push(...(await hooks.settle()));
  const record: JobRecord = {
    name: job.name,
    jobType: job.jobType,
    jobConfig: jobConfigOf(job),
    start: new Date(startMs).toISOString(),
    end: new Date(endMs).toISOString(),
    // Measurement failures are graded (slo), not job errors.
    passed: ctx.errors.length === 0 && !ctx.signal.aborted,
    errors: ctx.errors,
    explanations,
    requests: progress.requests,
    achievedQps: progress.achievedQps(),
    sendingMs: progress.sendingMs(),
    objectsCreated: progress.objectsCreated,
    uncertainCreates: progress.uncertainCreates,
    alreadyExists: progress.alreadyExists,
    retries: ctx.client.requestCounts.retries,
    throttled: ctx.client.requestCounts.throttled,
    churnCycles,
    ...(churn ? { churnStart: new Date(churn.startMs).toISOString(), churnEnd: new Date(churn.endMs).toISOString() } : {}),
    measurements: measurementRecords(results),
    ...(job.hooks.length ? { hooks: hooks.records } : {}),
    ...(watcherRecords.length ? { watchers: watcherRecords } : {}),
  };
  run.observer?.jobEnded?.(record);
  // A traffic job's HTTP load has its own line (src/engine/traffic-job.ts); it sends no API requests.
  if (job.jobType !== 'traffic') log.info(`job ${job.name}: ${sendingLine(record, job)} (${Math.round(nowMs() - startedAt) / 1000}s in all)${retriesNote(record)}`);
  return { record, results };
}

/** What the job's requests needed beyond one attempt each; nothing when they needed nothing. */
export function retriesNote(record: Pick<JobRecord, 'retries' | 'throttled'>): string {
  const retries = record.retries ?? 0;
  if (retries === 0 && !record.throttled) return '';
  const throttled = record.throttled ? `; ${record.throttled} answered 429 Too Many Requests by the API server (sent again after its Retry-After)` : '';
  return `; ${retries} attempt${retries === 1 ? '' : 's'} sent again${throttled}`;
}

/** The job's load in one line: what was sent, how fast, and what the burst did to that figure. */
export function sendingLine(record: Pick<JobRecord, 'requests' | 'sendingMs' | 'achievedQps'>, job: Pick<Job, 'qps' | 'burst'>): string {
  const { requests, sendingMs, achievedQps } = record;
  if (requests === 0) return 'no requests sent';
  const base = `${requests} request${requests === 1 ? '' : 's'} sent in ${(sendingMs / 1000).toFixed(2)}s, achieved qps ${achievedQps.toFixed(1)} (limit qps ${job.qps}, burst ${job.burst}`;
  if (requests <= job.burst) return `${base}: all of them fit in the burst and went out without waiting; a rate is counted over at least 1s)`;
  return `${base}: the first ${job.burst} went out at once as the burst, the rest at up to qps ${job.qps})`;
}
