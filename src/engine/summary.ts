import type { Job } from '../config/types.js';
import { version } from '../shared/version.js';

export interface ClusterFacts {
  target: 'sim' | 'real';
  k8sVersion: string;
  totalNodes: number;
  server: string;
}

export interface JobSummaryInput {
  uuid: string;
  runId: string;
  job: Job;
  startMs: number;
  endMs: number;
  passed: boolean;
  errors: string[];
  requests: number;
  achievedQps: number;
  /** Time the job had requests in flight: achievedQps = requests / sendingMs. */
  sendingMs: number;
  objectsCreated: number;
  /** Creates that may or may not have made their object (see UncertainCreateError). */
  uncertainCreates?: number;
  churnCycles: number;
  cluster: ClusterFacts;
  metadata: Record<string, unknown>;
}

/** The job as the user configured it, without burn's bookkeeping (positions, indices). */
function jobConfigOf(job: Job): Record<string, unknown> {
  const { pos: _pos, index: _index, objects, ...rest } = job;
  return { ...rest, objects: objects.map(({ pos: _p, index: _i, ...o }) => o) };
}

/** kube-burner's jobSummary document, plus what kube-burner does not say: achieved qps and the target. */
export function jobSummaryDocument(input: JobSummaryInput): Record<string, unknown> {
  return {
    timestamp: new Date(input.startMs).toISOString(),
    endTimestamp: new Date(input.endMs).toISOString(),
    elapsedTime: Math.round(input.endMs - input.startMs) / 1000,
    uuid: input.uuid,
    runId: input.runId,
    metricName: 'jobSummary',
    jobName: input.job.name,
    jobConfig: jobConfigOf(input.job),
    version: `burn ${version}`,
    passed: input.passed,
    executionErrors: input.errors.join('; '),
    requests: input.requests,
    achievedQps: Math.round(input.achievedQps * 100) / 100,
    sendingTime: Math.round(input.sendingMs) / 1000,
    objectsCreated: input.objectsCreated,
    uncertainCreates: input.uncertainCreates ?? 0,
    churnCycles: input.churnCycles,
    target: input.cluster.target,
    k8sVersion: input.cluster.k8sVersion,
    totalNodes: input.cluster.totalNodes,
    ...input.metadata,
  };
}
