import type { KubeObject, SimContext } from '../../types.js';
import { StatusError } from '../../status.js';
import type { OwnerIndex } from '../owners.js';
import { KindController } from './controller.js';
import { controllerRef, isPodActive, isPodReady, omitZero, podFromTemplate, templateHash, writeStatus } from './common.js';

/**
 * The statefulset controller: pods `<sts>-0..n-1` with stable names, created in order and each
 * only once the previous is Running and Ready (OrderedReady) or all at once (Parallel), removed
 * from the highest ordinal down, replaced from the highest ordinal down on a template change, with
 * a PersistentVolumeClaim per volumeClaimTemplate and pod.
 */

const COMPONENT = 'statefulset-controller';
const REVISION_LABEL = 'controller-revision-hash';

function ordinalOf(sts: KubeObject, pod: KubeObject): number {
  const prefix = `${sts.metadata.name}-`;
  const name = pod.metadata.name as string;
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : -1;
}

export class StatefulSetController extends KindController {
  constructor(ctx: SimContext, owners: OwnerIndex) {
    super(ctx, owners, { queue: 'statefulset', resource: 'apps/statefulsets', kind: 'StatefulSet', dependents: 'pods' });
  }

  protected reconcile(sts: KubeObject): void {
    const name = sts.metadata.name as string;
    const uid = sts.metadata.uid as string;
    const replicas = Number(sts.spec?.replicas ?? 1);
    const parallel = sts.spec?.podManagementPolicy === 'Parallel';
    const updateRevision = `${name}-${templateHash(sts.spec?.template)}`;
    const pods = new Map<number, KubeObject>();
    for (const pod of this.owners.dependents(uid, 'pods')) {
      const ordinal = ordinalOf(sts, pod);
      if (ordinal >= 0 && controllerRef(pod)?.uid === uid) pods.set(ordinal, pod);
    }

    this.reconcilePods(sts, pods, replicas, parallel, updateRevision);

    const live = [...pods.values()].filter((p) => !p.metadata.deletionTimestamp);
    const ready = live.filter(isPodReady).length;
    const updated = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length;
    const previousCurrent: string | undefined = sts.status?.currentRevision;
    const currentRevision = updated === replicas && live.length === replicas ? updateRevision : (previousCurrent ?? updateRevision);
    const current = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length;
    writeStatus(this.ctx.store, 'apps/statefulsets', sts, {
      observedGeneration: sts.metadata.generation,
      replicas: live.length,
      readyReplicas: omitZero(ready),
      currentReplicas: omitZero(current),
      updatedReplicas: omitZero(updated),
      availableReplicas: ready,
      currentRevision,
      updateRevision,
      collisionCount: 0,
    });
  }

  private reconcilePods(sts: KubeObject, pods: Map<number, KubeObject>, replicas: number, parallel: boolean, updateRevision: string): void {
    // Scale up: create missing ordinals (OrderedReady waits for each predecessor to be Running and Ready).
    for (let i = 0; i < replicas; i++) {
      const pod = pods.get(i);
      if (!pod) {
        this.createPod(sts, i, updateRevision);
        if (!parallel) return;
        continue;
      }
      if (!parallel && (!isPodActive(pod) || !isPodReady(pod) || pod.status?.phase !== 'Running')) return;
    }
    // Scale down from the highest ordinal (OrderedReady: one at a time, once the rest are ready).
    const surplus = [...pods.keys()].filter((i) => i >= replicas).sort((a, b) => b - a);
    for (const i of surplus) {
      const pod = pods.get(i)!;
      if (pod.metadata.deletionTimestamp) {
        if (!parallel) return;
        continue;
      }
      this.deletePod(sts, pod);
      if (!parallel) return;
    }
    // Rolling update: replace the highest ordinal still on an old revision, once all are ready.
    if (sts.spec?.updateStrategy?.type === 'OnDelete') return;
    const partition = Number(sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0);
    for (let i = replicas - 1; i >= partition; i--) {
      const pod = pods.get(i);
      if (!pod || pod.metadata.deletionTimestamp) return;
      if (pod.metadata.labels?.[REVISION_LABEL] !== updateRevision) {
        this.deletePod(sts, pod);
        return;
      }
    }
  }

  private createPod(sts: KubeObject, ordinal: number, revision: string): void {
    const name = `${sts.metadata.name}-${ordinal}`;
    const namespace = sts.metadata.namespace as string;
    const volumes: Array<Record<string, unknown>> = [...(sts.spec?.template?.spec?.volumes ?? [])];
    for (const claim of sts.spec?.volumeClaimTemplates ?? []) {
      const claimName = `${claim.metadata?.name}-${name}`;
      this.createClaim(sts, claim, claimName, name);
      if (!volumes.some((v) => v.name === claim.metadata?.name)) volumes.push({ name: claim.metadata?.name, persistentVolumeClaim: { claimName } });
    }
    const spec: Record<string, unknown> = { hostname: name };
    if (sts.spec?.serviceName) spec.subdomain = sts.spec.serviceName;
    if (volumes.length) spec.volumes = volumes;
    const pod = podFromTemplate(sts, sts.spec?.template, {
      name,
      labels: { [REVISION_LABEL]: revision, 'statefulset.kubernetes.io/pod-name': name, 'apps.kubernetes.io/pod-index': String(ordinal) },
      spec,
    });
    this.ctx.store.create('pods', pod);
    this.ctx.recordEvent(sts, 'Normal', 'SuccessfulCreate', `create Pod ${name} in StatefulSet ${sts.metadata.name} successful`, COMPONENT);
  }

  /** The claim for one pod; bound at once, since the simulator has no volume provisioner to wait for. */
  private createClaim(sts: KubeObject, template: KubeObject, claimName: string, podName: string): void {
    const namespace = sts.metadata.namespace as string;
    if (this.ctx.store.get('persistentvolumeclaims', namespace, claimName)) return;
    try {
      const claim = this.ctx.store.create('persistentvolumeclaims', {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: claimName, namespace, labels: { ...(sts.spec?.selector?.matchLabels ?? {}) } },
        spec: structuredClone(template.spec ?? {}),
      });
      this.ctx.store.mutate('persistentvolumeclaims', namespace, claimName, (o) => {
        o.status = { phase: 'Bound', accessModes: o.spec?.accessModes ?? ['ReadWriteOnce'], capacity: { storage: o.spec?.resources?.requests?.storage ?? '1Gi' } };
      });
      this.ctx.recordEvent(sts, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata.name} Pod ${podName} in StatefulSet ${sts.metadata.name} success`, COMPONENT);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }

  private deletePod(sts: KubeObject, pod: KubeObject): void {
    this.ctx.store.delete('pods', pod.metadata.namespace, pod.metadata.name as string, { preconditions: { uid: pod.metadata.uid } });
    this.ctx.recordEvent(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful`, COMPONENT);
  }
}
