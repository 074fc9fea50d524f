import { resolve } from 'node:path';

/** What differs between the tests that run the quickstart deployment as one measured job. */
export interface QuickstartJobOptions {
  /** The job's name, also its namespace and the pods' workload label. */
  name: string;
  jobIterations: number;
  qps: number;
  burst: number;
  podReplicas: number;
  /** Wait for each iteration's pods (true), or only once at the end (false: waitWhenFinished). */
  podWait: boolean;
  /** YAML placed before `global:` (e.g. metricsEndpoints). */
  preamble?: string;
}

/**
 * A kube-burner config: one job of the quickstart deployment (workloads/quickstart) with the
 * podLatency measurement, the shape the nightly-style tests (history, indexers, telemetry) run on --sim.
 */
export function quickstartJobConfig(o: QuickstartJobOptions): string {
  return `${o.preamble ?? ''}global:
  measurements:
    - name: podLatency
jobs:
  - name: ${o.name}
    jobIterations: ${o.jobIterations}
    qps: ${o.qps}
    burst: ${o.burst}
    namespace: ${o.name}
    podWait: ${o.podWait}
${o.podWait ? '' : '    waitWhenFinished: true\n'}    preLoadImages: false
    maxWaitTimeout: 2m
    objects:
      - objectTemplate: ${resolve('workloads/quickstart/deployment.yaml')}
        replicas: 1
        inputVars: {podReplicas: ${o.podReplicas}, image: "registry.k8s.io/pause:3.10", workload: ${o.name}}
`;
}
