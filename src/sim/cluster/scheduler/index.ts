import type { KubeObject, SimContext, StoreEvent } from '../../types.js';
import type { ClusterMetrics } from '../metrics.js';
import type { NodeLedger, NodeState } from '../node-ledger.js';
import type { PodSelfDelay } from '../self-delay.js';
import { rfc3339 } from '../time.js';
import { filterNode, podNeeds, type FilterFailure, type PodNeeds } from './filters.js';
import { fitErrorMessage } from './fit-error.js';

/**
 * The default scheduler: binds pending pods to the least loaded node that passes the filters, or
 * marks them Unschedulable (PodScheduled=False, a FailedScheduling event) and retries them when
 * capacity frees up. A failure is remembered per pod shape until capacity changes, so a backlog of
 * identical unschedulable pods costs one scan of the nodes, not one per pod.
 */

const SCHEDULER = 'default-scheduler';

interface Waiting {
  namespace: string;
  name: string;
  lastMessage?: string;
}

export class Scheduler {
  private readonly unschedulable = new Map<string, Waiting>();
  private readonly failures = new Map<string, { generation: number; message: string }>();
  private retryScheduled = false;
  private stopped = false;
  private readonly off: () => void;

  constructor(
    private readonly ctx: SimContext,
    private readonly ledger: NodeLedger,
    private readonly metrics: ClusterMetrics,
    private readonly selfDelay: PodSelfDelay,
  ) {
    this.off = ctx.store.on('pods', (e) => this.onPod(e));
    ledger.onCapacityFreed(() => this.retryLater());
    for (const pod of ctx.store.list('pods')) this.onPod({ type: 'ADDED', resource: 'pods', object: pod });
  }

  stop(): void {
    this.stopped = true;
    this.off();
  }

  private onPod(event: StoreEvent): void {
    const pod = event.object;
    const uid = pod.metadata.uid as string;
    if (event.type === 'DELETED') {
      this.unschedulable.delete(uid);
      return;
    }
    if (event.type !== 'ADDED' || !this.wantsScheduling(pod)) return;
    const waiting: Waiting = { namespace: pod.metadata.namespace as string, name: pod.metadata.name as string };
    this.selfDelay.setTimeout(uid, () => this.attempt(uid, waiting), this.ctx.sample(this.ctx.profile.scheduling));
  }

  private wantsScheduling(pod: KubeObject): boolean {
    return !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && (pod.spec?.schedulerName ?? SCHEDULER) === SCHEDULER;
  }

  private retryLater(): void {
    if (this.retryScheduled || this.stopped || this.unschedulable.size === 0) return;
    this.retryScheduled = true;
    this.selfDelay.setTimeout(() => this.unschedulable.keys(), () => {
      this.retryScheduled = false;
      const batch = [...this.unschedulable];
      this.unschedulable.clear();
      for (const [uid, waiting] of batch) this.attempt(uid, waiting);
    }, this.ctx.sample(this.ctx.profile.scheduling));
  }

  private attempt(uid: string, waiting: Waiting): void {
    if (this.stopped) return;
    const pod = this.ctx.store.get('pods', waiting.namespace, waiting.name);
    if (!pod || pod.metadata.uid !== uid || !this.wantsScheduling(pod)) return;
    const needs = podNeeds(pod);
    const node = this.findNode(needs);
    if (node) this.bind(pod, node);
    else this.markUnschedulable(pod, uid, waiting, this.failureMessage(needs));
  }

  private findNode(needs: PodNeeds): NodeState | undefined {
    const cached = this.failures.get(needs.signature);
    if (cached?.generation === this.ledger.generation) return undefined;
    if (needs.pinnedNode) {
      const node = this.ledger.nodes.get(needs.pinnedNode);
      return node && !filterNode(node, needs) ? node : undefined;
    }
    return this.ledger.firstFit((node) => !filterNode(node, needs));
  }

  private failureMessage(needs: PodNeeds): string {
    const cached = this.failures.get(needs.signature);
    if (cached?.generation === this.ledger.generation) return cached.message;
    const failures: FilterFailure[] = [];
    for (const node of this.ledger.nodes.values()) {
      const failure = filterNode(node, needs);
      if (failure) failures.push(failure);
    }
    const message = fitErrorMessage(this.ledger.nodes.size, failures);
    this.failures.set(needs.signature, { generation: this.ledger.generation, message });
    return message;
  }

  private bind(pod: KubeObject, node: NodeState): void {
    const at = this.ctx.now();
    const bound = this.ctx.store.mutateShallow('pods', pod.metadata.namespace, pod.metadata.name as string, (p) => {
      if (p.spec.nodeName || p.metadata.deletionTimestamp) return false;
      p.spec.nodeName = node.name;
      p.status ??= {};
      p.status.conditions = [
        ...(p.status.conditions ?? []).filter((c: { type: string }) => c.type !== 'PodScheduled'),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(at) },
      ];
    });
    if (!bound?.spec?.nodeName || bound.spec.nodeName !== node.name) return;
    this.metrics.scheduleAttempt('scheduled');
    this.ctx.recordTruth(bound, 'PodScheduled', at);
    this.ctx.recordEvent(bound, 'Normal', 'Scheduled', `Successfully assigned ${bound.metadata.namespace}/${bound.metadata.name} to ${node.name}`, SCHEDULER);
  }

  private markUnschedulable(pod: KubeObject, uid: string, waiting: Waiting, message: string): void {
    this.metrics.scheduleAttempt('unschedulable');
    this.unschedulable.set(uid, waiting);
    if (waiting.lastMessage === message) return;
    waiting.lastMessage = message;
    const at = this.ctx.now();
    const updated = this.ctx.store.mutateShallow('pods', pod.metadata.namespace, pod.metadata.name as string, (p) => {
      const conditions: Array<Record<string, unknown>> = p.status?.conditions ?? [];
      const current = conditions.find((c) => c.type === 'PodScheduled');
      if (current?.status === 'False' && current.message === message) return false;
      p.status ??= {};
      p.status.conditions = [
        ...conditions.filter((c) => c.type !== 'PodScheduled'),
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message,
          lastProbeTime: null,
          lastTransitionTime: current?.status === 'False' ? current.lastTransitionTime : rfc3339(at),
        },
      ];
    });
    if (updated) this.ctx.recordEvent(updated, 'Warning', 'FailedScheduling', message, SCHEDULER);
  }
}
