import { formatDuration } from '../shared/duration.js';
import { ConfigError, type Diagnostic } from './diagnostics.js';
import { incrementalSteps } from './incremental.js';
import { TokenBucketClock } from './least-time.js';
import { renderSample, type RenderedObject } from './render-check.js';
import type { Config, Job, JobObject, JobType } from './types.js';

export interface ObjectPlan {
  index: number;
  kinds: string[];
  replicas: number;
  documentsPerReplica: number;
  runOnce: boolean;
  repeatEveryNIterations: number;
  /** The template as written ("" for delete and read jobs). */
  template: string;
  /** The file (absolute path) or URL the template was read from, and where it was found. */
  templateFile: string;
  templateFoundIn: JobObject['objectTemplateFoundIn'];
  /** Delete, read and patch jobs: the label selector, "app=x,tier=web". */
  selector: string;
  /** Iterations that create this object. */
  iterations: number;
  /** kube-burner's grouped execution: the group id (0 when none), whether the group deletes it when done, and its pauses. */
  group: number;
  groupGc: boolean;
  pauseBeforeGCMs: number;
  pauseAfterGCMs: number;
  total: number;
  pods: number;
  rendered: boolean;
  /** The iterations and replicas validate rendered and checked (a sample: first, last, three between). */
  checkedIterations: number[];
  checkedReplicas: number[];
  /** Kinds of this object only a cluster can check. */
  needsCluster: string[];
}

export interface JobPlan {
  name: string;
  jobType: JobType;
  iterations: number;
  qps: number;
  burst: number;
  /**
   * Namespaces the job creates: `<namespace>-<iteration / iterationsPerNamespace>`, or `<namespace>`.
   * All of them up to MAX_LISTED_NAMESPACES; beyond, the first two and the last (namespaceCount has the number).
   */
  namespaces: string[];
  namespaceCount: number;
  /** Objects created in iteration 0 and in a later, ordinary iteration (runOnce and repeats differ). */
  objectsFirstIteration: number;
  objectsPerIteration: number;
  totalObjects: number;
  totalPods: number;
  /** Requests through the job's token bucket: object creations for create jobs; lists for the others. */
  requests: number;
  /** False for delete, read and patch jobs: what they act on is only known on the cluster. */
  requestsExact: boolean;
  /** The least time the job can take: its requests through the token bucket, delays, pauses, churn (the image preload is in `plus`: it ends when the images are pulled). */
  leastTimeMs: number;
  /** incrementalLoad: the iterations each step creates (the job's load is deleted after every step); [] otherwise. */
  incrementalSteps: number[];
  /** Things that add time beyond leastTimeMs (waits for readiness), for the reader. */
  plus: string[];
  objects: ObjectPlan[];
  /** A traffic job's load: its HTTP requests (not through the token bucket), over its stages. */
  traffic?: TrafficPlan;
}

export interface TrafficPlan {
  requests: number;
  durationMs: number;
  peakRate: number;
  targets: string[];
  parallelism: number;
  thresholds: string[];
}

/** The requests a traffic job's stages ask for: the integral of the rate (each stage a line from the previous rate). */
export function planTraffic(spec: NonNullable<Job['traffic']>): TrafficPlan {
  let rate = spec.startRate;
  let area = 0;
  for (const s of spec.stages) {
    area += ((rate + s.target) / 2) * (s.durationMs / 1000);
    rate = s.target;
  }
  return {
    requests: Math.ceil(area - 1e-9),
    durationMs: spec.stages.reduce((sum, s) => sum + s.durationMs, 0),
    peakRate: Math.max(spec.startRate, ...spec.stages.map((s) => s.target)),
    targets: spec.targets.map((t) => `${t.method} ${t.url || `Service ${t.service!.namespace}/${t.service!.name}:${t.service!.port}${t.service!.path}`}`),
    parallelism: spec.parallelism,
    thresholds: spec.thresholds.map((t) => t.text),
  };
}

export interface RunPlan {
  file: string;
  uuid: string;
  runId: string;
  jobs: JobPlan[];
  totalObjects: number;
  totalNamespaces: number;
  totalRequests: number;
  leastTimeMs: number;
  warnings: Diagnostic[];
  /** Kinds only a cluster can check (CRDs, aggregated APIs), as "group/version Kind". */
  needsCluster: string[];
}

export const MAX_LISTED_NAMESPACES = 1000;

/**
 * Checks what loading cannot (every object template renders to Kubernetes objects the API server would
 * take, for a sample of iterations and replicas) and works out what the run will do. Touches no cluster;
 * costs the same for 10 iterations and ten million. Throws a ConfigError with every template problem.
 */
export async function planRun(config: Config): Promise<RunPlan> {
  const problems: Diagnostic[] = [];
  const jobs: JobPlan[] = [];
  for (const job of config.jobs) {
    const rendered: RenderedObject[] = [];
    for (const object of job.objects) rendered.push(await renderSample(config, job, object, problems));
    jobs.push(planJob(job, rendered));
  }
  if (problems.length) throw new ConfigError(config.source.file, problems);
  return {
    file: config.source.file,
    uuid: config.global.uuid,
    runId: config.global.runId,
    jobs,
    totalObjects: sum(jobs.map((j) => j.totalObjects)),
    totalNamespaces: sum(jobs.map((j) => j.namespaceCount)),
    totalRequests: sum(jobs.map((j) => j.requests)),
    leastTimeMs: sum(jobs.map((j) => j.leastTimeMs)),
    warnings: config.warnings,
    needsCluster: [...new Set(jobs.flatMap((j) => j.objects.flatMap((o) => o.needsCluster)))],
  };
}

export function planJob(job: Job, rendered: readonly RenderedObject[]): JobPlan {
  const creates = job.jobType === 'create';
  const objects = job.objects.map((object, i) => planObject(job, object, rendered[i]));
  const namespaceCount = creates ? countNamespaces(job) : 0;
  const clock = new TokenBucketClock(job.qps, job.burst);
  const grouped = creates && objects.some((o) => o.group > 0);
  const steps = creates && job.incrementalLoad ? incrementalSteps(job) : [];
  const traffic = job.jobType === 'traffic' && job.traffic ? planTraffic(job.traffic) : undefined;
  if (traffic) clock.pause(traffic.durationMs);
  else if (!creates) simulateSelectJob(job, clock);
  else {
    // An incremental job runs its create once per step, stepDelay apart.
    for (const [i, iterations] of (steps.length ? steps : [job.jobIterations]).entries()) {
      const stepJob = { ...job, jobIterations: iterations };
      if (i > 0) clock.pause(job.incrementalLoad?.stepDelayMs ?? 0);
      if (grouped) simulateGroups(stepJob, objects, clock);
      else simulateCreate(stepJob, objects, clock);
    }
  }
  clock.pause(churnTimeMs(job));
  clock.pause(job.jobPauseMs);

  const plus: string[] = [];
  // The preload ends as soon as every node has the images; preLoadPeriod only bounds it.
  if (creates && job.preLoadImages) plus.push(`pulling the images on every node (preLoadImages, at most ${formatDuration(job.preLoadPeriodMs)})`);
  if (grouped && (job.podWait || job.waitWhenFinished)) plus.push('waiting for objects after every group');
  else if (creates && job.podWait) plus.push('waiting for objects after every iteration (podWait)');
  else if (creates && job.waitWhenFinished) plus.push('waiting for objects at the end (waitWhenFinished)');
  if (!creates && !traffic) plus.push(`the ${job.jobType} requests for every matching object`);
  if (!creates && job.objects.some((o) => o.wait) && (job.executionMode === 'parallel' || job.objectWait || job.waitWhenFinished)) plus.push("waiting for this run's objects of the selected kinds to be ready");
  if (job.jobType === 'delete' && job.waitForDeletion) plus.push('waiting for deletion');
  if (job.churnConfig.enabled) plus.push('churn re-creation waits');
  if (steps.length) plus.push('a health check and the deletion of the load after every step');

  const ordinary = objects.filter((o) => !o.runOnce && o.repeatEveryNIterations === 1);
  return {
    name: job.name,
    jobType: job.jobType,
    iterations: job.jobIterations,
    qps: job.qps,
    burst: job.burst,
    namespaces: creates ? listNamespaces(job, namespaceCount) : [],
    namespaceCount,
    objectsFirstIteration: creates ? sum(objects.map((o) => o.replicas * o.documentsPerReplica)) : 0,
    objectsPerIteration: creates ? sum(ordinary.map((o) => o.replicas * o.documentsPerReplica)) : 0,
    totalObjects: creates ? (steps.length ? sum(steps.map((n) => createdIn(objects, n, 'objects'))) : sum(objects.map((o) => o.total))) : 0,
    totalPods: creates ? (steps.length ? sum(steps.map((n) => createdIn(objects, n, 'pods'))) : sum(objects.map((o) => o.pods))) : 0,
    requests: clock.requests,
    requestsExact: creates,
    leastTimeMs: clock.elapsedMs,
    ...(traffic ? { traffic } : {}),
    incrementalSteps: steps,
    plus,
    objects,
  };
}

/** Objects (or pods) `iterations` iterations of the job create: one incremental step. */
function createdIn(objects: readonly ObjectPlan[], iterations: number, what: 'objects' | 'pods'): number {
  return sum(objects.map((o) => (o.runOnce ? 1 : Math.ceil(iterations / o.repeatEveryNIterations)) * o.replicas * (what === 'objects' ? o.documentsPerReplica : o.pods / Math.max(1, o.iterations * o.replicas))));
}

function planObject(job: Job, object: JobObject, rendered: RenderedObject | undefined): ObjectPlan {
  const docs = rendered?.documentsPerReplica ?? 1;
  const iterations = object.runOnce ? 1 : Math.ceil(job.jobIterations / object.repeatEveryNIterations);
  const total = job.jobType === 'create' ? iterations * object.replicas * docs : 0;
  return {
    index: object.index,
    template: object.objectTemplateAsWritten,
    templateFile: object.objectTemplate,
    templateFoundIn: object.objectTemplateFoundIn,
    selector: Object.entries(object.labelSelector).map(([k, v]) => `${k}=${v}`).join(','),
    kinds: rendered?.kinds.length ? rendered.kinds : object.kind ? [object.kind] : [],
    replicas: object.replicas,
    documentsPerReplica: docs,
    runOnce: object.runOnce,
    repeatEveryNIterations: object.repeatEveryNIterations,
    iterations,
    group: object.group.id,
    groupGc: object.group.gc,
    pauseBeforeGCMs: object.group.pauseBeforeGCMs,
    pauseAfterGCMs: object.group.pauseAfterGCMs,
    total,
    pods: job.jobType === 'create' ? iterations * object.replicas * (rendered?.podsPerReplica ?? 0) : 0,
    rendered: rendered?.rendered ?? false,
    checkedIterations: rendered?.iterations ?? [],
    checkedReplicas: rendered?.replicas ?? [],
    needsCluster: rendered?.needsCluster ?? [],
  };
}

/** The namespace iteration `i` of a job creates its namespaced objects in, if the job names one. */
export function namespaceForIteration(job: Job, iteration: number): string | undefined {
  if (!job.namespace) return undefined;
  return job.namespacedIterations ? `${job.namespace}-${Math.floor(iteration / job.iterationsPerNamespace)}` : job.namespace;
}

/** Whether iteration `i` creates an object (runOnce: only the first; repeatEveryNIterations: 0, N, 2N, ...). */
export function createsInIteration(object: Pick<JobObject, 'runOnce' | 'repeatEveryNIterations'>, iteration: number): boolean {
  return object.runOnce ? iteration === 0 : iteration % object.repeatEveryNIterations === 0;
}

function countNamespaces(job: Job): number {
  if (!job.namespace || job.jobIterations < 1) return 0;
  return job.namespacedIterations ? Math.ceil(job.jobIterations / job.iterationsPerNamespace) : 1;
}

/** Every namespace name up to MAX_LISTED_NAMESPACES, else the first two and the last. */
function listNamespaces(job: Job, count: number): string[] {
  const at = (k: number) => namespaceForIteration(job, k * job.iterationsPerNamespace)!;
  if (count === 0) return [];
  if (!job.namespacedIterations) return [job.namespace];
  if (count <= MAX_LISTED_NAMESPACES) return Array.from({ length: count }, (_, k) => at(k));
  return [at(0), at(1), at(count - 1)];
}

/** All the job's namespace names (for the engine, which creates them; the plan lists a sample beyond 1000). */
export function namespaceNames(job: Job): string[] {
  const count = countNamespaces(job);
  if (!job.namespacedIterations) return count ? [job.namespace] : [];
  return Array.from({ length: count }, (_, k) => namespaceForIteration(job, k * job.iterationsPerNamespace)!);
}

/** Iterations simulated one by one; beyond, the rest follows from the last whole period of the pattern. */
const SIMULATED_ITERATIONS = 20_000;

/**
 * Runs `step(iteration)` for every iteration up to SIMULATED_ITERATIONS; for longer jobs, the bucket has
 * reached its steady state by then, so each further `period` of iterations costs what the last one did.
 */
function simulateIterations(n: number, period: number, clock: TokenBucketClock, step: (iteration: number) => void): void {
  const window = period <= SIMULATED_ITERATIONS / 4 ? period : Math.floor(SIMULATED_ITERATIONS / 2);
  const simulated = n <= SIMULATED_ITERATIONS ? n : Math.floor(SIMULATED_ITERATIONS / window) * window;
  let windowStart = { ms: 0, requests: 0 };
  for (let iteration = 0; iteration < simulated; iteration++) {
    if (iteration === simulated - window) windowStart = { ms: clock.elapsedMs, requests: clock.requests };
    step(iteration);
  }
  if (simulated === n) return;
  const windows = Math.floor((n - simulated - 1) / window); // the last iteration is stepped: it has no pause after it
  clock.elapsedMs += windows * (clock.elapsedMs - windowStart.ms);
  clock.requests += windows * (clock.requests - windowStart.requests);
  for (let iteration = simulated + windows * window; iteration < n; iteration++) step(iteration);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Grouped execution: each group through every iteration (only its own objects), then the longest
 * pauseBeforeGC of its members and, when some have gc: true, their deletions and the longest pauseAfterGC.
 */
function simulateGroups(job: Job, objects: readonly ObjectPlan[], clock: TokenBucketClock): void {
  for (const id of [...new Set(objects.map((o) => o.group))].sort((a, b) => a - b)) {
    const members = objects.filter((o) => o.group === id);
    simulateCreate({ ...job, namespaceDelayMs: 0 }, members, clock);
    clock.pause(job.jobIterationDelayMs); // grouped iterations sleep after the last one too
    clock.pause(Math.max(...members.map((o) => o.pauseBeforeGCMs)));
    const deleted = members.filter((o) => o.groupGc);
    if (deleted.length) {
      clock.send(sum(deleted.map((o) => o.total)));
      clock.pause(Math.max(...members.map((o) => o.pauseAfterGCMs)));
    }
  }
}

function simulateCreate(job: Job, objects: readonly ObjectPlan[], clock: TokenBucketClock): void {
  const namespaced = Boolean(job.namespace) && job.namespacedIterations;
  // the pattern of what an iteration does repeats every lcm(repeatEveryNIterations..., iterationsPerNamespace) iterations
  const period = [...objects.map((o) => o.repeatEveryNIterations), namespaced ? job.iterationsPerNamespace : 1].reduce((a, b) => Math.min(SIMULATED_ITERATIONS, (a / gcd(a, b)) * b), 1);
  simulateIterations(job.jobIterations, period, clock, (iteration) => {
    // namespaces are created outside the job's token bucket (the article's timings in seed 003 confirm it)
    if (namespaced && iteration > 0 && iteration % job.iterationsPerNamespace === 0) clock.pause(job.namespaceDelayMs);
    const due = objects.filter((o) => createsInIteration(o, iteration));
    due.forEach((o, i) => {
      clock.send(o.replicas * o.documentsPerReplica);
      if (i < due.length - 1) clock.pause(job.objectDelayMs);
    });
    if (iteration < job.jobIterations - 1) clock.pause(job.jobIterationDelayMs);
  });
}

/**
 * delete, read and patch jobs list each object's selector before acting on what they find: once per
 * iteration (sequential), or once in all (parallel, where every iteration's requests go at once).
 */
function simulateSelectJob(job: Job, clock: TokenBucketClock): void {
  if (job.executionMode === 'parallel') {
    clock.send(job.objects.length);
    return;
  }
  simulateIterations(job.jobIterations, 1, clock, (iteration) => {
    job.objects.forEach((_, i) => {
      clock.send(1);
      if (i < job.objects.length - 1) clock.pause(job.objectDelayMs);
    });
    if (iteration < job.jobIterations - 1) clock.pause(job.jobIterationDelayMs);
  });
}

/** Churn stops at its duration or after its cycles (each at least `delay` apart), whichever is first. */
function churnTimeMs(job: Job): number {
  const churn = job.churnConfig;
  if (!churn.enabled) return 0;
  const byCycles = churn.cycles > 0 ? churn.cycles * (churn.delayMs + churn.deleteDelayMs) : Infinity;
  const byDuration = churn.durationMs > 0 ? churn.durationMs : Infinity;
  return Math.min(byCycles, byDuration);
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
