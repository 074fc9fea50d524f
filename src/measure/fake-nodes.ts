/**
 * Nodes that run no containers: kwok's (annotated `kwok.x-k8s.io/node: fake`) and burn's
 * simulator's (provider burn-sim://). Pods "run" there only as API status: nothing listens on
 * their IPs, no Service forwards, no network policy is enforced, exec has nothing to enter. A
 * measurement that needs something running in the cluster says so instead of timing nothing.
 */
import type { KubeObject } from '../kube/index.js';

/** Why this node runs no containers, or undefined for a node that may. */
export function noContainersReason(node: KubeObject | null | undefined): string | undefined {
  if (!node) return undefined;
  const name = node.metadata?.name ?? '?';
  if (node.metadata?.annotations?.['kwok.x-k8s.io/node'] === 'fake') return `node ${name} is a kwok node, which runs no containers`;
  const provider = typeof node.spec?.providerID === 'string' ? node.spec.providerID : '';
  if (provider.startsWith('burn-sim://')) return `node ${name} is a node of burn's simulator, which runs no containers`;
  return undefined;
}
