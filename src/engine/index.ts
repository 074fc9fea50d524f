/** Runs a benchmark (every job's lifecycle, the run folder written whatever happens) and collects its garbage. */
export { prepareRun, runBenchmark, clusterFacts, processCost, readUserMetadata, type RunOptions, type RunOutcome, type PreparedRun } from './run.js';
export { collectGarbage, type GcOptions, type GcOutcome } from './gc.js';
/** kube-burner's cluster health check: `global.clusterHealth` and the `health-check` subcommand. */
export { checkClusterHealth, type ClusterHealth } from './cluster-health.js';
/** What a run tells an observer as it happens (burn's own Prometheus metrics). */
export type { RunObserver } from './observer.js';
export type { JobProgress } from './progress.js';
/** `burn rbac`: the least-privilege roles a config needs. */
export { runAccess, rbacYaml, rolesFor, type RbacOptions } from './rbac.js';
