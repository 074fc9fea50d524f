import type { KubeObject, SimStore, StoreEvent } from '../types.js';
import { IpPool } from './ipam.js';
import { cpuMillis, memoryBytes, podRequests, type PodRequests } from './quantity.js';

/**
 * What the scheduler and the kubelets know about nodes: allocatable resources, what the pods bound
 * to each node use, taints and labels, the node's pod IP range and the images it holds.
 * Kept up to date from store events (never by listing), and bucketed by pod count so the
 * least-loaded node is found without scanning every node.
 */

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface NodeState {
  name: string;
  labels: Record<string, string>;
  taints: Taint[];
  unschedulable: boolean;
  allocatable: { pods: number; cpuMillis: number; memoryBytes: number };
  used: { pods: number; cpuMillis: number; memoryBytes: number };
  pool?: IpPool;
  internalIP?: string;
  /** image -> the ms its first pull on this node completes. */
  images: Map<string, number>;
}

interface Placement {
  node: NodeState;
  requests: PodRequests;
}

export function isTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export class NodeLedger {
  readonly nodes = new Map<string, NodeState>();
  /** Bumped whenever capacity frees or nodes change: scheduling failures older than it may be stale. */
  generation = 0;
  /** The largest allocatable pod count of any node: fuller buckets cannot take a pod. */
  private maxPods = 0;
  private readonly placements = new Map<string, Placement>();
  private readonly buckets: Array<Set<NodeState>> = [];
  private readonly freedListeners: Array<() => void> = [];
  private readonly unsubscribe: Array<() => void> = [];

  constructor(store: SimStore) {
    this.unsubscribe.push(store.on('nodes', (e) => this.onNode(e)));
    this.unsubscribe.push(store.on('pods', (e) => this.onPod(e)));
    for (const node of store.list('nodes')) this.onNode({ type: 'ADDED', resource: 'nodes', object: node });
    for (const pod of store.list('pods')) this.onPod({ type: 'ADDED', resource: 'pods', object: pod });
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
  }

  /** Called (synchronously) after capacity frees up or the set of nodes changes. */
  onCapacityFreed(listener: () => void): void {
    this.freedListeners.push(listener);
  }

  /** The first node, least loaded first, that `fits`. */
  firstFit(fits: (node: NodeState) => boolean): NodeState | undefined {
    const limit = Math.min(this.buckets.length, this.maxPods);
    for (let count = 0; count < limit; count++) {
      for (const node of this.buckets[count]!) if (fits(node)) return node;
    }
    return undefined;
  }

  private onNode(event: StoreEvent): void {
    const obj = event.object;
    const name = obj.metadata.name as string;
    if (event.type === 'DELETED') {
      const node = this.nodes.get(name);
      if (node) {
        this.buckets[node.used.pods]?.delete(node);
        this.nodes.delete(name);
      }
      return;
    }
    let node = this.nodes.get(name);
    if (!node) {
      node = { name, labels: {}, taints: [], unschedulable: false, allocatable: { pods: 0, cpuMillis: 0, memoryBytes: 0 }, used: { pods: 0, cpuMillis: 0, memoryBytes: 0 }, images: new Map() };
      this.nodes.set(name, node);
      this.bucket(0).add(node);
    }
    node.labels = { ...(obj.metadata.labels ?? {}) };
    node.taints = (obj.spec?.taints ?? []) as Taint[];
    node.unschedulable = obj.spec?.unschedulable === true;
    const alloc = obj.status?.allocatable ?? obj.status?.capacity ?? {};
    node.allocatable = { pods: Number(alloc.pods ?? 110), cpuMillis: cpuMillis(alloc.cpu), memoryBytes: memoryBytes(alloc.memory) };
    this.maxPods = Math.max(this.maxPods, node.allocatable.pods);
    const cidr: string | undefined = obj.spec?.podCIDR;
    if (cidr && !node.pool) node.pool = new IpPool(cidr);
    node.internalIP = (obj.status?.addresses ?? []).find((a: { type: string }) => a.type === 'InternalIP')?.address;
    this.freed();
  }

  private onPod(event: StoreEvent): void {
    const pod = event.object;
    const uid = pod.metadata.uid as string;
    const holds = event.type !== 'DELETED' && !!pod.spec?.nodeName && !isTerminal(pod);
    const placed = this.placements.get(uid);
    if (holds && !placed) {
      const node = this.nodes.get(pod.spec.nodeName);
      if (!node) return;
      const requests = podRequests(pod.spec);
      this.placements.set(uid, { node, requests });
      this.adjust(node, 1, requests);
    } else if (!holds && placed) {
      this.placements.delete(uid);
      this.adjust(placed.node, -1, placed.requests);
      this.freed();
    }
  }

  private adjust(node: NodeState, sign: 1 | -1, requests: PodRequests): void {
    if (this.nodes.get(node.name) === node) {
      this.buckets[node.used.pods]?.delete(node);
      this.bucket(node.used.pods + sign).add(node);
    }
    node.used.pods += sign;
    node.used.cpuMillis += sign * requests.cpuMillis;
    node.used.memoryBytes += sign * requests.memoryBytes;
  }

  private bucket(count: number): Set<NodeState> {
    while (this.buckets.length <= count) this.buckets.push(new Set());
    return this.buckets[count]!;
  }

  private freed(): void {
    this.generation++;
    for (const listener of this.freedListeners) listener();
  }
}
