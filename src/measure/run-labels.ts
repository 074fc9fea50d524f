/**
 * What the storage measurements read of burn's and kube-burner's run labels. kube-burner selects
 * the objects of these measurements by run (kube-burner.io/runid), not by job: a patch job resizes
 * the claims an earlier job of the run created. burn's job selector is
 * `burn.dev/uuid=<uuid>,burn.dev/job=<job>`; without its job term it selects the whole run, and a
 * selector `burn measure --selector` gave is kept as written.
 */
import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';

const JOB_TERM = 'burn.dev/job=';

export function runWideSelector(jobSelector: string): string {
  return jobSelector
    .split(',')
    .filter((term) => term !== '' && !term.startsWith(JOB_TERM))
    .join(',');
}

function intLabel(labels: Record<string, string> | undefined, key: string): number {
  const n = Number.parseInt(labels?.[key] ?? '', 10);
  return Number.isNaN(n) ? 0 : n;
}

/** kube-burner's jobIteration and replica document fields, from its labels (burn's as a fallback); 0 when absent. */
export function iterationOf(labels: Record<string, string> | undefined): { jobIteration: number; replica: number } {
  return {
    jobIteration: intLabel(labels, KUBE_BURNER_LABEL.jobIteration) || intLabel(labels, 'burn.dev/iteration'),
    replica: intLabel(labels, KUBE_BURNER_LABEL.replica) || intLabel(labels, 'burn.dev/replica'),
  };
}
