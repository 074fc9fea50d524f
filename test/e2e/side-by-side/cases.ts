// The configs the side-by-side suite runs with both tools (a bench can run them at other rates with `set`).
import { resolve } from 'node:path';
import type { SideBySideCase } from '../../helpers/side-by-side/run-tool.js';

const FIXTURES = resolve('test/e2e/fixtures/side-by-side');
const CONFIGS = resolve('configs');

/**
 * burn's own configs/ that run on kwok (small sizes through their variables), then configs in the
 * style of kube-burner's examples and e2e suite. Left out: seed-one-deployment (a 30 s image preload),
 * seed-too-many-pods (needs a single node).
 */
export const SIDE_BY_SIDE_CASES: SideBySideCase[] = [
  { name: 'configs/quickstart.yaml', dir: CONFIGS, config: 'quickstart.yaml', env: { ITERATIONS: '2' } },
  { name: 'configs/cluster-density.yaml', dir: CONFIGS, config: 'cluster-density.yaml', env: { ITERATIONS: '2', POD_REPLICAS: '1' } },
  { name: 'configs/node-density.yaml', dir: CONFIGS, config: 'node-density.yaml', env: { PODS: '20' } },
  { name: 'configs/churn.yaml (namespaces)', dir: CONFIGS, config: 'churn.yaml', env: { ITERATIONS: '3', CHURN_CYCLES: '1', CHURN_PERCENT: '34' } },
  { name: 'configs/seed-qps-burst.yaml', dir: CONFIGS, config: 'seed-qps-burst.yaml', env: { ITERATIONS: '2', QPS: '5', BURST: '5' } },
  {
    name: 'configs/seed-delete.yaml',
    dir: CONFIGS,
    config: 'seed-delete.yaml',
    // README (delete jobs): burn fails a delete job whose selector matched nothing unless the object
    // says allowNoMatch: true; kube-burner passes it silently. Here nothing carries the label.
    expectedDifferences: [
      { pattern: /^kube-burner exited 0, burn 1; burn said:[\s\S]*matched nothing, so nothing was deleted/, why: 'burn refuses a delete that matched nothing' },
      { pattern: /^jobSummary\.json delete-deployments: passed is true in kube-burner's, false in burn's$/, why: 'the same refusal in the job summary' },
    ],
  },
  {
    name: 'api-intensive: multi-document template, waitOptions, --user-data, hooks, patch, read and delete by label',
    dir: FIXTURES,
    config: 'api-intensive.yml',
    userData: 'api-intensive.userdata.yml',
    requests: ['LIST configmaps', 'GET configmaps', 'PATCH deployments', 'PATCH configmaps', 'DELETE secrets', 'LIST secrets'],
  },
  { name: 'repeatEveryNIterations, runOnce and namespace churn', dir: FIXTURES, config: 'repeat-every-n.yml' },
  { name: 'churn in objects mode', dir: FIXTURES, config: 'churn-objects.yml' },
  {
    name: 'incrementalLoad',
    dir: FIXTURES,
    config: 'incremental.yml',
    // README (incrementalLoad): burn measures all steps together; kube-burner writes one job summary
    // (and one set of measurements) per step, each with its own run id and incrementalLoadUUID.
    expectedDifferences: [
      { pattern: /^jobSummary\.json: jobs \["sbs-incremental"(,"sbs-incremental")+\] in kube-burner's, \["sbs-incremental"\] in burn's$/, why: 'one job summary per incremental step in kube-burner' },
      { pattern: /^jobSummary\.json: burn misses kube-burner's field incrementalLoadUUID$/, why: "kube-burner's per-step marker" },
      { pattern: /^jobSummary\.json sbs-incremental: jobConfig is .*"jobIterations":\d+/, why: "kube-burner's per-step summaries carry the step's iterations" },
    ],
  },
  { name: 'Jobs and jobLatency', dir: FIXTURES, config: 'batch-jobs.yml' },
];
