/**
 * The labels kube-burner v2 puts on objects and reads back (its config package's label names).
 * kube-burner's own configs, tests and dashboards select by them, so burn sets and honours them
 * beside its own `burn.dev/*` labels. Every layer that needs one imports it from here.
 */
export const KUBE_BURNER_LABEL = {
  job: 'kube-burner.io/job',
  uuid: 'kube-burner.io/uuid',
  runId: 'kube-burner.io/runid',
  index: 'kube-burner.io/index',
  jobIteration: 'kube-burner.io/job-iteration',
  replica: 'kube-burner.io/replica',
  churnDelete: 'kube-burner.io/churn-delete',
  group: 'kube-burner.io/group',
  serviceLatency: 'kube-burner.io/service-latency',
  skipNetworkPolicyLatency: 'kube-burner.io/skip-networkpolicy-latency',
} as const;
