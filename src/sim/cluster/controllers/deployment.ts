import type { KubeObject, SimContext } from '../../types.js';
import type { OwnerIndex } from '../owners.js';
import { rfc3339 } from '../time.js';
import { keyOf } from '../workqueue.js';
import { KindController } from './controller.js';
import { controllerRef, intOrPercent, isPodActive, omitZero, ownerRefTo, setCondition, templateHash, writeStatus, type WorkloadCondition } from './common.js';
import { recreateStep, rollingStep, type ReplicaSetView } from './rollout.js';

/**
 * The deployment controller: one ReplicaSet per pod template (named by its pod-template-hash),
 * rolled over by strategy, old ones trimmed to revisionHistoryLimit, and the status and
 * conditions `kubectl rollout status` and kube-burner's waiters read.
 */

const COMPONENT = 'deployment-controller';
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const HASH = 'pod-template-hash';

function revisionOf(rs: KubeObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

function view(rs: KubeObject): ReplicaSetView {
  const replicas = Number(rs.spec?.replicas ?? 0);
  return { name: rs.metadata.name as string, replicas, available: Number(rs.status?.availableReplicas ?? 0), current: Math.max(replicas, Number(rs.status?.replicas ?? 0)) };
}

export class DeploymentController extends KindController {
  private readonly deadlines = new Set<string>();

  constructor(ctx: SimContext, owners: OwnerIndex) {
    super(ctx, owners, { queue: 'deployment', resource: 'apps/deployments', kind: 'Deployment', dependents: 'apps/replicasets' });
    owners.onDependentChange((event, refs) => {
      if (event.resource !== 'pods' || event.type !== 'DELETED') return;
      // Recreate waits for the old pods to be gone.
      for (const ref of refs) {
        if (ref.kind !== 'ReplicaSet') continue;
        const rs = ctx.store.get('apps/replicasets', event.object.metadata.namespace, ref.name);
        const owner = rs && controllerRef(rs);
        if (owner?.kind === 'Deployment') this.queue.enqueue(keyOf(event.object.metadata.namespace, owner.name));
      }
    });
  }

  protected reconcile(d: KubeObject): void {
    const name = d.metadata.name as string;
    const uid = d.metadata.uid as string;
    const owned = this.owners.dependents(uid, 'apps/replicasets').filter((rs) => controllerRef(rs)?.uid === uid);
    const hash = templateHash(d.spec?.template, d.status?.collisionCount);
    let newRs = owned.find((rs) => rs.metadata.labels?.[HASH] === hash);
    const olds = owned.filter((rs) => rs !== newRs).sort((a, b) => revisionOf(a) - revisionOf(b));
    const desired = Number(d.spec?.replicas ?? 1);
    const recreate = d.spec?.strategy?.type === 'Recreate';
    const rolling = d.spec?.strategy?.rollingUpdate ?? {};
    const maxSurge = recreate ? 0 : intOrPercent(rolling.maxSurge ?? '25%', desired, true);
    let maxUnavailable = recreate ? 0 : intOrPercent(rolling.maxUnavailable ?? '25%', desired, false);
    if (!recreate && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    let createdNew = false;

    if (!d.spec?.paused) {
      const newView: ReplicaSetView = newRs ? view(newRs) : { name: `${name}-${hash}`, replicas: 0, available: 0, current: 0 };
      const oldPodsLeft = recreate ? olds.reduce((n, rs) => n + this.owners.dependents(rs.metadata.uid as string, 'pods').filter(isPodActive).length, 0) : 0;
      const plan = recreate ? recreateStep(desired, newView, olds.map(view), oldPodsLeft) : rollingStep(desired, maxSurge, maxUnavailable, newView, olds.map(view));
      if (!newRs) {
        const maxRevision = owned.reduce((n, rs) => Math.max(n, revisionOf(rs)), 0);
        newRs = this.createReplicaSet(d, hash, plan.get(newView.name) ?? 0, maxRevision + 1, desired + maxSurge);
        createdNew = true;
        plan.delete(newView.name);
      }
      for (const rs of [newRs, ...olds]) {
        const next = plan.get(rs.metadata.name as string);
        if (next !== undefined) this.scale(d, rs, next, desired, desired + maxSurge);
      }
      this.trimHistory(d, olds);
    }
    this.writeStatus(d, newRs, owned, desired, maxUnavailable, createdNew);
  }

  /** Re-checks a rollout once its progress deadline could have passed (no event would say so). */
  private armDeadline(d: KubeObject, deadlineMs: number): void {
    const key = keyOf(d.metadata.namespace, d.metadata.name as string);
    if (this.deadlines.has(key)) return;
    this.deadlines.add(key);
    this.ctx.setTimeout(() => {
      this.deadlines.delete(key);
      this.queue.enqueue(key);
    }, deadlineMs + 1000);
  }

  private createReplicaSet(d: KubeObject, hash: string, replicas: number, revision: number, maxReplicas: number): KubeObject {
    const template = structuredClone(d.spec?.template ?? {});
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH]: hash } };
    const selector = structuredClone(d.spec?.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH]: hash };
    const rs = this.ctx.store.create('apps/replicasets', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...(template.metadata.labels ?? {}) },
        annotations: { [DESIRED]: String(d.spec?.replicas ?? 1), [MAX]: String(maxReplicas), [REVISION]: String(revision) },
        ownerReferences: [ownerRefTo(d)],
      },
      spec: { replicas, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    });
    if (replicas > 0) this.ctx.recordEvent(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`, COMPONENT);
    return rs;
  }

  private scale(d: KubeObject, rs: KubeObject, replicas: number, desired: number, maxReplicas: number): void {
    const from = Number(rs.spec?.replicas ?? 0);
    this.ctx.store.mutate('apps/replicasets', rs.metadata.namespace, rs.metadata.name as string, (o) => {
      o.spec.replicas = replicas;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [DESIRED]: String(desired), [MAX]: String(maxReplicas) };
    });
    const direction = replicas > from ? 'up' : 'down';
    this.ctx.recordEvent(d, 'Normal', 'ScalingReplicaSet', `Scaled ${direction} replica set ${rs.metadata.name} from ${from} to ${replicas}`, COMPONENT);
  }

  /** Deletes the oldest fully scaled-down ReplicaSets beyond spec.revisionHistoryLimit. */
  private trimHistory(d: KubeObject, olds: KubeObject[]): void {
    const limit = Number(d.spec?.revisionHistoryLimit ?? 10);
    const idle = olds.filter((rs) => Number(rs.spec?.replicas ?? 0) === 0 && Number(rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp);
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) this.ctx.store.delete('apps/replicasets', rs.metadata.namespace, rs.metadata.name as string);
  }

  private writeStatus(d: KubeObject, newRs: KubeObject | undefined, owned: KubeObject[], desired: number, maxUnavailable: number, createdNew: boolean): void {
    const sum = (field: string) => owned.reduce((n, rs) => n + Number(rs.status?.[field] ?? 0), 0);
    const replicas = sum('replicas');
    const updatedReplicas = createdNew ? 0 : Number(newRs?.status?.replicas ?? 0);
    const readyReplicas = sum('readyReplicas');
    const availableReplicas = sum('availableReplicas');
    const specTotal = owned.reduce((n, rs) => n + Number(rs.spec?.replicas ?? 0), 0);
    const now = this.ctx.now();
    const rsName = newRs?.metadata.name as string;
    const previous = d.status ?? {};
    const progressed = previous.updatedReplicas !== updatedReplicas || previous.readyReplicas !== readyReplicas || previous.availableReplicas !== availableReplicas || previous.replicas !== replicas;
    let conditions: WorkloadCondition[] = previous.conditions ?? [];
    conditions = setCondition(
      conditions,
      availableReplicas >= desired - maxUnavailable
        ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }
        : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' },
      now,
      true,
    );
    const complete = updatedReplicas === desired && replicas === desired && availableReplicas === desired;
    const progressing = conditions.find((c) => c.type === 'Progressing');
    const deadlineMs = Number(d.spec?.progressDeadlineSeconds ?? 600) * 1000;
    if (createdNew) {
      conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "${rsName}"` }, now, true);
    } else if (complete) {
      conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${rsName}" has successfully progressed.` }, now, true);
    } else {
      if (progressed || !progressing || progressing.reason === 'NewReplicaSetAvailable') {
        conditions = setCondition(conditions, { type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: `ReplicaSet "${rsName}" is progressing.` }, now, true);
        conditions = conditions.map((c) => (c.type === 'Progressing' ? { ...c, lastUpdateTime: rfc3339(now) } : c));
      } else if (progressing.status === 'True' && progressing.lastUpdateTime && now - Date.parse(progressing.lastUpdateTime) > deadlineMs) {
        conditions = setCondition(conditions, { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${rsName}" has timed out progressing.` }, now, true);
      }
      if (conditions.some((c) => c.type === 'Progressing' && c.status === 'True')) this.armDeadline(d, deadlineMs);
    }
    const status: Record<string, unknown> = {
      observedGeneration: d.metadata.generation,
      replicas: omitZero(replicas),
      updatedReplicas: omitZero(updatedReplicas),
      readyReplicas: omitZero(readyReplicas),
      availableReplicas: omitZero(availableReplicas),
      unavailableReplicas: omitZero(Math.max(0, specTotal - availableReplicas)),
      conditions,
      collisionCount: previous.collisionCount,
    };
    writeStatus(this.ctx.store, 'apps/deployments', d, status);
  }
}
