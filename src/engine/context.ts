import type { Config, Job } from '../config/types.js';
import type { KubeClient } from '../kube/index.js';
import type { Logger } from '../shared/log.js';
import type { Ledger } from './ledger.js';
import type { ObjectRenderer } from './objects.js';
import type { JobProgress } from './progress.js';
import type { ReadinessTracker } from './tracker.js';

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
  /** Messages of problems that did not stop the job (verification mismatches, failed requests). */
  errors: string[];
}

/** Sleeps, waking early when the run is aborted. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
