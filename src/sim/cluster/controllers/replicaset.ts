import type { KubeObject, SimContext } from '../../types.js';
import type { OwnerIndex } from '../owners.js';
import { KindController } from './controller.js';
import { controllerRef, isPodActive, isPodReady, omitZero, podFromTemplate, writeStatus } from './common.js';

/** The replicaset controller: keeps spec.replicas pods of the template running, and reports counts. */

const COMPONENT = 'replicaset-controller';

export class ReplicaSetController extends KindController {
  constructor(ctx: SimContext, owners: OwnerIndex) {
    super(ctx, owners, { queue: 'replicaset', resource: 'apps/replicasets', kind: 'ReplicaSet', dependents: 'pods' });
  }

  protected reconcile(rs: KubeObject): void {
    const namespace = rs.metadata.namespace;
    let active = this.owners.dependents(rs.metadata.uid as string, 'pods').filter((p) => controllerRef(p)?.uid === rs.metadata.uid && isPodActive(p));
    const desired = Number(rs.spec?.replicas ?? 1);
    if (active.length < desired) {
      for (let i = active.length; i < desired; i++) active.push(this.createPod(rs));
    } else if (active.length > desired) {
      const doomed = new Set(deletionOrder(active).slice(0, active.length - desired));
      for (const pod of doomed) {
        this.ctx.store.delete('pods', namespace, pod.metadata.name as string);
        this.ctx.recordEvent(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`, COMPONENT);
      }
      active = active.filter((p) => !doomed.has(p));
    }
    // Status after this sync's own changes, so the deployment controller never counts a pod twice.
    const ready = active.filter(isPodReady);
    writeStatus(this.ctx.store, 'apps/replicasets', rs, {
      replicas: active.length,
      fullyLabeledReplicas: omitZero(active.length),
      readyReplicas: omitZero(ready.length),
      availableReplicas: omitZero(ready.length),
      observedGeneration: rs.metadata.generation,
    });
  }

  private createPod(rs: KubeObject): KubeObject {
    const pod = this.ctx.store.create('pods', podFromTemplate(rs, rs.spec?.template, {}));
    this.ctx.recordEvent(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
    return pod;
  }
}

/**
 * Which pods a scale-down removes first, as the real controller ranks them: unscheduled before
 * scheduled, pending before running, not ready before ready, newer before older.
 */
export function deletionOrder(pods: KubeObject[]): KubeObject[] {
  const rank = (p: KubeObject) => [p.spec?.nodeName ? 1 : 0, p.status?.phase === 'Pending' ? 0 : p.status?.phase === 'Unknown' ? 1 : 2, isPodReady(p) ? 1 : 0];
  return [...pods].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp));
  });
}
