import type { KubeObject } from '../../types.js';
import type { NodeState, Taint } from '../node-ledger.js';
import { podRequests, type PodRequests } from '../quantity.js';
import { mapMatches, nodeTermMatches, pinnedNodeName, type NodeSelectorTerm } from '../selectors.js';

/**
 * The default scheduler's filter plugins that matter here, run in its order (NodeUnschedulable,
 * TaintToleration, NodeAffinity, NodeResourcesFit): a node fails at the first plugin that
 * rejects it, with that plugin's reasons worded as the real scheduler words them.
 */

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/** What scheduling a pod needs, extracted once per attempt. */
export interface PodNeeds {
  requests: PodRequests;
  nodeSelector?: Record<string, string>;
  requiredTerms?: NodeSelectorTerm[];
  tolerations: Toleration[];
  /** A daemon pod's node (nodeAffinity matchFields metadata.name In [one]): no need to look elsewhere. */
  pinnedNode?: string;
  /** Pods with the same signature get the same answer from the same cluster state. */
  signature: string;
}

export function podNeeds(pod: KubeObject): PodNeeds {
  const spec = pod.spec ?? {};
  const requests = podRequests(spec);
  const requiredTerms: NodeSelectorTerm[] | undefined = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  const tolerations: Toleration[] = spec.tolerations ?? [];
  const nodeSelector: Record<string, string> | undefined = spec.nodeSelector;
  return {
    requests,
    nodeSelector,
    requiredTerms,
    tolerations,
    pinnedNode: pinnedNodeName(requiredTerms),
    signature: JSON.stringify([requests.cpuMillis, requests.memoryBytes, nodeSelector ?? null, requiredTerms ?? null, tolerations]),
  };
}

export function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key;
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '');
}

export interface FilterFailure {
  reasons: string[];
  /** Preemption could not help (the node would stay unsuitable with fewer pods on it). */
  unresolvable: boolean;
}

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

/** Why a node cannot take the pod, or undefined when it can. */
export function filterNode(node: NodeState, needs: PodNeeds): FilterFailure | undefined {
  if (node.unschedulable && !needs.tolerations.some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) {
    return { reasons: ['node(s) were unschedulable'], unresolvable: true };
  }
  for (const taint of node.taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!needs.tolerations.some((t) => tolerates(t, taint))) {
      return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`], unresolvable: true };
    }
  }
  if (!mapMatches(needs.nodeSelector, node.labels) || (needs.requiredTerms && !needs.requiredTerms.some((term) => nodeTermMatches(term, node.name, node.labels)))) {
    return { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true };
  }
  const reasons: string[] = [];
  if (node.used.pods + 1 > node.allocatable.pods) reasons.push('Too many pods');
  const { cpuMillis, memoryBytes } = needs.requests;
  if (cpuMillis > 0 && node.used.cpuMillis + cpuMillis > node.allocatable.cpuMillis) reasons.push('Insufficient cpu');
  if (memoryBytes > 0 && node.used.memoryBytes + memoryBytes > node.allocatable.memoryBytes) reasons.push('Insufficient memory');
  return reasons.length ? { reasons, unresolvable: false } : undefined;
}
