import type { KubeObject, SimContext } from '../../types.js';
import type { NodeLedger, NodeState } from '../node-ledger.js';
import type { OwnerIndex } from '../owners.js';
import { filterNode, podNeeds } from '../scheduler/filters.js';
import { KindController } from './controller.js';
import { controllerRef, intOrPercent, isPodActive, isPodReady, omitZero, podFromTemplate, templateHash, writeStatus } from './common.js';

/**
 * The daemonset controller: one pod per node the template can run on (node selector, affinity,
 * taints), pinned to its node with node affinity on metadata.name as the real controller does;
 * pods of an old template replaced maxUnavailable at a time.
 */

const COMPONENT = 'daemonset-controller';
const REVISION_LABEL = 'controller-revision-hash';

/** Tolerations the controller adds to every daemon pod. */
const DAEMON_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

function daemonTolerations(existing: Array<Record<string, unknown>> | undefined): Array<Record<string, unknown>> {
  const out = [...(existing ?? [])];
  for (const t of DAEMON_TOLERATIONS) if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push(t);
  return out;
}

function nodeOfPod(pod: KubeObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) for (const f of term.matchFields ?? []) if (f.key === 'metadata.name' && f.values?.length === 1) return f.values[0];
  return undefined;
}

export class DaemonSetController extends KindController {
  constructor(
    ctx: SimContext,
    owners: OwnerIndex,
    private readonly ledger: NodeLedger,
  ) {
    super(ctx, owners, { queue: 'daemonset', resource: 'apps/daemonsets', kind: 'DaemonSet', dependents: 'pods' });
    this.watch('nodes', () => {
      for (const ds of ctx.store.list('apps/daemonsets')) this.enqueue(ds);
    });
  }

  /** Whether the daemon pod may run on the node: the scheduler's filters, resources aside. */
  private eligible(needs: ReturnType<typeof podNeeds>, node: NodeState): boolean {
    const failure = filterNode(node, needs);
    return !failure || !failure.unresolvable;
  }

  protected reconcile(ds: KubeObject): void {
    const uid = ds.metadata.uid as string;
    const revision = templateHash(ds.spec?.template);
    const probe: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: { ...(ds.spec?.template?.spec ?? {}), tolerations: daemonTolerations(ds.spec?.template?.spec?.tolerations) } };
    const needs = podNeeds(probe);
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of this.owners.dependents(uid, 'pods')) {
      if (controllerRef(pod)?.uid !== uid || !isPodActive(pod)) continue;
      const node = nodeOfPod(pod);
      if (!node) continue;
      const list = byNode.get(node) ?? [];
      list.push(pod);
      byNode.set(node, list);
    }
    let desired = 0;
    let scheduled = 0;
    let ready = 0;
    let updated = 0;
    let misscheduled = 0;
    const outdated: KubeObject[] = [];
    for (const node of this.ledger.nodes.values()) {
      const pods = byNode.get(node.name) ?? [];
      byNode.delete(node.name);
      if (!this.eligible(needs, node)) {
        if (pods.length) misscheduled++;
        for (const pod of pods) this.deletePod(ds, pod);
        continue;
      }
      desired++;
      if (pods.length === 0) {
        this.createPod(ds, node.name, revision);
        continue;
      }
      for (const extra of pods.slice(1)) this.deletePod(ds, extra);
      const pod = pods[0]!;
      scheduled++;
      if (isPodReady(pod)) ready++;
      if (pod.metadata.labels?.[REVISION_LABEL] === revision) updated++;
      else outdated.push(pod);
    }
    for (const pods of byNode.values()) for (const pod of pods) this.deletePod(ds, pod); // nodes that are gone
    this.rollOut(ds, outdated, desired, desired - ready);
    writeStatus(this.ctx.store, 'apps/daemonsets', ds, {
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: desired,
      currentNumberScheduled: scheduled,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberAvailable: omitZero(ready),
      numberUnavailable: omitZero(desired - ready),
      updatedNumberScheduled: omitZero(updated),
    });
  }

  /** Replaces outdated pods, keeping at most maxUnavailable daemon pods down. */
  private rollOut(ds: KubeObject, outdated: KubeObject[], desired: number, unavailable: number): void {
    if (ds.spec?.updateStrategy?.type === 'OnDelete') return;
    const maxUnavailable = Math.max(1, intOrPercent(ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, false));
    let budget = maxUnavailable - unavailable;
    // Outdated pods that are not ready cost nothing to replace.
    for (const pod of outdated.sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)))) {
      if (isPodReady(pod)) {
        if (budget <= 0) break;
        budget--;
      }
      this.deletePod(ds, pod);
    }
  }

  private createPod(ds: KubeObject, nodeName: string, revision: string): void {
    const template = ds.spec?.template;
    const affinity = structuredClone(template?.spec?.affinity ?? {});
    affinity.nodeAffinity = {
      ...(affinity.nodeAffinity ?? {}),
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] },
    };
    const pod = this.ctx.store.create(
      'pods',
      podFromTemplate(ds, template, {
        labels: { [REVISION_LABEL]: revision, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
        spec: { affinity, tolerations: daemonTolerations(template?.spec?.tolerations) },
      }),
    );
    this.ctx.recordEvent(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
  }

  private deletePod(ds: KubeObject, pod: KubeObject): void {
    this.ctx.store.delete('pods', pod.metadata.namespace, pod.metadata.name as string, { preconditions: { uid: pod.metadata.uid } });
    this.ctx.recordEvent(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, COMPONENT);
  }
}
