/**
 * burn's metrics while a run goes on. Figures are read from the engine's own state when Prometheus
 * scrapes (each job's progress), or counted from the requests the client reports to its listeners:
 * nothing in the engine counts for them.
 */
import type { Counter, Registry } from 'prom-client';
import type { JobProgress, RunObserver } from '../engine/index.js';
import type { KubeClient, RequestRecord } from '../kube/index.js';
import type { ClusterFacts, JobRecord } from '../report/index.js';
import { runInfoLabels, type RunFacts } from './labels.js';

export type PromClient = typeof import('prom-client');

/** Phases of the run outside a job; inside one, the job's own phase. */
export type RunPhase = 'starting' | 'measuring' | 'between jobs' | 'finishing' | 'done';

/** A job's phase without its counters ("waiting (iteration 3)" -> "waiting"), so each phase is one series. */
export function phaseName(phase: string): string {
  return phase.replace(/\s*\(.*$/, '').replace(/(\s+\d+)+$/, '').trim() || phase;
}

const OBJECT_ACTIONS: Partial<Record<RequestRecord['verb'], string>> = { POST: 'created', PATCH: 'patched', PUT: 'patched', DELETE: 'deleted' };

interface JobState {
  jobType: string;
  progress: JobProgress;
  record?: JobRecord;
}

export class LiveMetrics implements RunObserver {
  private readonly jobs = new Map<string, JobState>();
  private current: string | undefined;
  private runPhase: RunPhase = 'starting';
  private unsubscribe: (() => void) | undefined;
  private readonly requests: Counter<'job_name' | 'verb' | 'code' | 'origin'>;
  private readonly errors: Counter<'job_name' | 'verb' | 'code' | 'origin'>;
  private readonly objects: Counter<'job_name' | 'action'>;
  private facts: RunFacts;

  /** `registry` serves scrapes; `pushed` (when given) also gets the counters, which the end of the run pushes. */
  constructor(prom: PromClient, readonly registry: Registry, facts: RunFacts, pushed?: Registry) {
    this.facts = facts;
    const both = pushed ? [registry, pushed] : [registry];
    prom.collectDefaultMetrics({ register: registry, prefix: 'burn_', eventLoopMonitoringPrecision: 10 });
    this.requests = new prom.Counter({ name: 'burn_requests_total', help: 'API requests burn sent, by job, verb, final HTTP code (0: no response) and origin (workload: the job\'s load; burn: watches, waits, housekeeping)', labelNames: ['job_name', 'verb', 'code', 'origin'], registers: both });
    this.errors = new prom.Counter({ name: 'burn_request_errors_total', help: 'API requests that failed (HTTP code 400 and above, or no response), by job, verb, code and origin', labelNames: ['job_name', 'verb', 'code', 'origin'], registers: both });
    this.objects = new prom.Counter({ name: 'burn_objects_total', help: "Objects the jobs' load created, patched or deleted (successful requests)", labelNames: ['job_name', 'action'], registers: both });
    const self = this;
    new prom.Gauge({
      name: 'burn_run_info',
      help: 'What the run ran: config, its digest, target, Kubernetes version, node count, burn version and the --user-metadata keys',
      labelNames: Object.keys(runInfoLabels(facts)),
      registers: [registry],
      collect() {
        this.reset();
        this.set(runInfoLabels(self.facts), 1);
      },
    });
    new prom.Gauge({
      name: 'burn_phase',
      help: 'What burn is doing: 1 for the current phase (job_name "" outside a job)',
      labelNames: ['job_name', 'phase'],
      registers: [registry],
      collect() {
        this.reset();
        const job = self.current === undefined ? undefined : self.jobs.get(self.current);
        if (job) this.set({ job_name: self.current!, phase: phaseName(job.progress.phase) }, 1);
        else this.set({ job_name: '', phase: self.runPhase }, 1);
      },
    });
    this.perJob(prom, registry, 'burn_job_iteration', 'Iteration the job is on (from 1)', (j) => Math.min(j.progress.iteration + 1, j.progress.iterations));
    this.perJob(prom, registry, 'burn_job_iterations', 'Iterations the job runs', (j) => j.progress.iterations);
    this.perJob(prom, registry, 'burn_job_achieved_qps', "Requests of the job's load per second of sending time", (j) => j.record?.achievedQps ?? j.progress.achievedQps());
    this.perJob(prom, registry, 'burn_job_pods_ready', "The job's pods that are Ready", (j) => j.progress.podsReady());
    this.perJob(prom, registry, 'burn_job_pods', "The job's pods burn has seen", (j) => j.progress.podsKnown());
    this.perJob(prom, registry, 'burn_job_running', '1 while the job runs, 0 once it ended', (j) => (j.record ? 0 : 1));
  }

  private perJob(prom: PromClient, registry: Registry, name: string, help: string, value: (job: JobState) => number): void {
    const jobs = this.jobs;
    new prom.Gauge({
      name,
      help,
      labelNames: ['job_name'],
      registers: [registry],
      collect() {
        this.reset();
        for (const [job, state] of jobs) this.set({ job_name: job }, value(state));
      },
    });
  }

  runStarted(run: { client: KubeClient; cluster: ClusterFacts }): void {
    this.facts = { ...this.facts, cluster: run.cluster };
    this.unsubscribe = run.client.onRequest((r) => this.onRequest(r));
  }

  jobStarted(job: { name: string; jobType: string; progress: JobProgress }): void {
    this.jobs.set(job.name, { jobType: job.jobType, progress: job.progress });
    this.current = job.name;
  }

  jobEnded(record: JobRecord): void {
    const state = this.jobs.get(record.name);
    if (state) state.record = record;
    this.current = undefined;
    this.runPhase = 'between jobs';
  }

  /** burn measure: the measurements watch, no job runs. */
  measuring(): void {
    this.runPhase = 'measuring';
    this.current = undefined;
  }

  jobsEnded(): void {
    this.runPhase = 'finishing';
    this.current = undefined;
  }

  done(): void {
    this.runPhase = 'done';
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private onRequest(r: RequestRecord): void {
    const labels = { job_name: this.current ?? '', verb: r.verb, code: String(r.code), origin: r.origin };
    this.requests.inc(labels);
    if (r.code === 0 || r.code >= 400) this.errors.inc(labels);
    const action = OBJECT_ACTIONS[r.verb];
    if (action && r.origin === 'workload' && r.code >= 200 && r.code < 300) this.objects.inc({ job_name: this.current ?? '', action });
  }
}
