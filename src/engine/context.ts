import type { Config, Job } from '../config/index.js';
import type { KubeClient } from '../kube/index.js';
import type { MeasurementResult } from '../measure/index.js';
import type { Logger } from '../shared/log.js';
import type { JobHooks } from './hooks.js';
import type { Ledger } from './ledger.js';
import type { ObjectRenderer } from './objects.js';
import type { JobProgress } from './progress.js';
import type { ReadinessTracker } from './tracker.js';

/** One object of the cluster, named. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** Everything one job's execution needs. */
export interface JobContext {
  config: Config;
  job: Job;
  /** The job's view: its own token bucket at the job's qps and burst. */
  client: KubeClient;
  /** No token bucket: watches, waits and housekeeping that are not the job's load. */
  housekeeping: KubeClient;
  renderer: ObjectRenderer;
  tracker: ReadinessTracker;
  ledger: Ledger;
  progress: JobProgress;
  log: Logger;
  signal: AbortSignal;
  /** Messages of problems that did not stop the job (verification mismatches, failed requests, failed hooks). */
  errors: string[];
  /** The job's hooks: runners call the stages that happen inside them (onEachIteration, afterJobExecution, churn). */
  hooks: JobHooks;
  /** The first objects whose create found one already there; progress counts them all. */
  alreadyExisting: ObjectRef[];
  /** What the job type's runner measured itself (a traffic job's load): graded and written with the measurements' results. */
  results: MeasurementResult[];
}

/** Steps of a job pause with shared/sleep's pause: it wakes early, without throwing, when the run is stopped. */
export { pause } from '../shared/sleep.js';
