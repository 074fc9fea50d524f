import type { KubeObject, SimContext } from '../../types.js';
import { rfc3339 } from '../time.js';
import { keyOf, splitKey } from '../workqueue.js';
import { writeStatus } from './common.js';
import { Controller } from './controller.js';
import { SIM_PROVISIONER } from './storage.js';

/**
 * CSI volume snapshots as the external-snapshotter's controller and sidecar run them with a driver
 * that takes snapshots: a VolumeSnapshot of a bound claim gets its VolumeSnapshotContent and
 * `readyToUse: false`, then, after the profile's `snapshotReady` time, `readyToUse: true` with
 * creationTime and restoreSize. A snapshot whose claim is not bound yet waits for it; one with no
 * class (and no default class) or of a class whose driver is not the simulator's gets status.error
 * and never becomes ready. Deleting a snapshot deletes its content (deletionPolicy Delete).
 */

const SNAPSHOTS = 'snapshot.storage.k8s.io/volumesnapshots';
const CONTENTS = 'snapshot.storage.k8s.io/volumesnapshotcontents';
const SNAPSHOT_CLASSES = 'snapshot.storage.k8s.io/volumesnapshotclasses';
const CLAIMS = 'persistentvolumeclaims';
const COMPONENT = 'snapshot-controller';
const DEFAULT_CLASS = 'snapshot.storage.kubernetes.io/is-default-class';

/** The snapshot class a fresh simulator has: `standard-snapclass`, the default. */
export function createSnapshotClasses(ctx: SimContext): void {
  ctx.store.create(SNAPSHOT_CLASSES, {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotClass',
    metadata: { name: 'standard-snapclass', annotations: { [DEFAULT_CLASS]: 'true' } },
    driver: SIM_PROVISIONER,
    deletionPolicy: 'Delete',
  });
}

export class SnapshotController extends Controller {
  private readonly queue = this.addQueue('snapshot', (key) => this.sync(key));
  private readonly taking = new Set<string>();

  constructor(ctx: SimContext) {
    super(ctx);
    this.watch(SNAPSHOTS, (e) => {
      if (e.type === 'DELETED') this.snapshotDeleted(e.object);
      else this.queue.enqueue(keyOf(e.object.metadata.namespace, e.object.metadata.name as string));
    });
    // A claim that binds may be the source snapshots wait for.
    this.watch(CLAIMS, (e) => {
      if (e.type === 'DELETED' || e.object.status?.phase !== 'Bound' || e.previous?.status?.phase === 'Bound') return;
      for (const vs of ctx.store.list(SNAPSHOTS, e.object.metadata.namespace)) {
        if (vs.spec?.source?.persistentVolumeClaimName === e.object.metadata.name) this.queue.enqueue(keyOf(vs.metadata.namespace, vs.metadata.name as string));
      }
    });
  }

  private snapshotClass(vs: KubeObject): KubeObject | undefined {
    const name = vs.spec?.volumeSnapshotClassName;
    if (name) return this.ctx.store.get(SNAPSHOT_CLASSES, undefined, name);
    return this.ctx.store.list(SNAPSHOT_CLASSES).find((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true');
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const vs = this.ctx.store.get(SNAPSHOTS, namespace, name);
    if (!vs || vs.metadata.deletionTimestamp || vs.status?.readyToUse === true || vs.status?.error || this.taking.has(key)) return;
    const snapshotClass = this.snapshotClass(vs);
    if (!snapshotClass || snapshotClass.driver !== SIM_PROVISIONER) {
      const message = !snapshotClass
        ? vs.spec?.volumeSnapshotClassName
          ? `volumesnapshotclass.snapshot.storage.k8s.io "${vs.spec.volumeSnapshotClassName}" not found`
          : 'cannot find default snapshot class'
        : `snapshot driver "${snapshotClass.driver}" is not run by the simulator`;
      writeStatus(this.ctx.store, SNAPSHOTS, vs, { readyToUse: false, error: { message, time: rfc3339(this.ctx.now()) } });
      this.ctx.recordEvent(vs, 'Warning', 'SnapshotCreationFailed', message, COMPONENT);
      return;
    }
    const claimName = vs.spec?.source?.persistentVolumeClaimName;
    const claim = claimName ? this.ctx.store.get(CLAIMS, namespace, claimName) : undefined;
    if (!claim || claim.status?.phase !== 'Bound') return; // waits for its claim to bind
    const contentName = `snapcontent-${vs.metadata.uid}`;
    this.ctx.store.create(CONTENTS, {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotContent',
      metadata: { name: contentName },
      spec: {
        deletionPolicy: snapshotClass.deletionPolicy ?? 'Delete',
        driver: snapshotClass.driver,
        source: { volumeHandle: claim.spec?.volumeName ?? '' },
        volumeSnapshotClassName: snapshotClass.metadata.name,
        volumeSnapshotRef: { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', name, namespace, uid: vs.metadata.uid, resourceVersion: vs.metadata.resourceVersion },
      },
    });
    const classed = vs.spec?.volumeSnapshotClassName
      ? vs
      : this.ctx.store.mutate(SNAPSHOTS, namespace, name, (o) => void (o.spec = { ...o.spec, volumeSnapshotClassName: snapshotClass.metadata.name }));
    if (classed) writeStatus(this.ctx.store, SNAPSHOTS, classed, { boundVolumeSnapshotContentName: contentName, readyToUse: false });
    this.taking.add(key);
    const uid = vs.metadata.uid;
    const restoreSize = claim.status?.capacity?.storage ?? claim.spec?.resources?.requests?.storage;
    this.ctx.setTimeout(() => {
      this.taking.delete(key);
      const current = this.ctx.store.get(SNAPSHOTS, namespace, name);
      if (!current || current.metadata.uid !== uid || current.metadata.deletionTimestamp) return;
      const at = rfc3339(this.ctx.now());
      this.ctx.store.mutate(CONTENTS, undefined, contentName, (c) => void (c.status = { creationTime: Math.round(this.ctx.now() * 1e6), readyToUse: true, snapshotHandle: contentName }));
      writeStatus(this.ctx.store, SNAPSHOTS, current, { creationTime: at, readyToUse: true, restoreSize });
      this.ctx.recordEvent(current, 'Normal', 'SnapshotReady', `Snapshot ${namespace}/${name} is ready to use.`, COMPONENT);
    }, this.ctx.sample(this.ctx.profile.snapshotReady));
  }

  private snapshotDeleted(vs: KubeObject): void {
    const contentName = vs.status?.boundVolumeSnapshotContentName;
    if (!contentName) return;
    this.ctx.setTimeout(() => {
      const content = this.ctx.store.get(CONTENTS, undefined, contentName);
      if (content && content.spec?.volumeSnapshotRef?.uid === vs.metadata.uid && content.spec?.deletionPolicy === 'Delete') this.ctx.store.remove(CONTENTS, undefined, contentName);
    }, this.ctx.sample(this.ctx.profile.controllerSync));
  }
}
