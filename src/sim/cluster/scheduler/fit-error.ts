import type { FilterFailure } from './filters.js';

/**
 * The FailedScheduling message as kube-scheduler builds it: each reason counted over the nodes,
 * "<count> <reason>" strings sorted as strings, then the preemption verdict for the same nodes.
 * Kubernetes 1.34 (dynamic resource allocation on by default) adds "no new claims to deallocate":
 * "0/3 nodes are available: 3 Too many pods. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
 */
export function fitErrorMessage(totalNodes: number, failures: FilterFailure[]): string {
  const reasons = new Map<string, number>();
  const preemption = new Map<string, number>();
  for (const failure of failures) {
    for (const reason of failure.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    const verdict = failure.unresolvable ? 'Preemption is not helpful for scheduling' : 'No preemption victims found for incoming pod';
    preemption.set(verdict, (preemption.get(verdict) ?? 0) + 1);
  }
  const histogram = (counts: Map<string, number>) =>
    [...counts]
      .map(([reason, count]) => `${count} ${reason}`)
      .sort()
      .join(', ');
  const available = `0/${totalNodes} nodes are available`;
  if (totalNodes === 0) return `no nodes available to schedule pods`;
  return `${available}: ${histogram(reasons)}. no new claims to deallocate, preemption: ${available}: ${histogram(preemption)}.`;
}
