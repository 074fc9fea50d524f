import type { KubeClient } from '../kube/index.js';
import type { ClusterFacts, JobRecord } from '../report/index.js';
import type { JobProgress } from './progress.js';

/**
 * What a run tells someone watching it (burn's own Prometheus metrics, for one) as it happens. The
 * engine calls these at the points of the run where its state changes; an observer reads the
 * job's live progress when it wants figures, so nothing in the engine counts twice. An observer
 * must not throw: the engine does not guard its calls.
 */
export interface RunObserver {
  /** Before the first job, with the client every request of the run goes through (its onRequest sees them all). */
  runStarted?(run: { uuid: string; client: KubeClient; cluster: ClusterFacts }): void;
  /** A job's progress is live from now until jobEnded. */
  jobStarted?(job: { name: string; jobType: string; progress: JobProgress }): void;
  jobEnded?(record: JobRecord): void;
  /** No job runs any more: gc, the run folder and the indexers follow. */
  jobsEnded?(): void;
}
