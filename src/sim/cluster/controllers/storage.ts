import type { KubeObject, SimContext } from '../../types.js';
import { rfc3339 } from '../time.js';
import { keyOf, splitKey } from '../workqueue.js';
import { writeStatus } from './common.js';
import { Controller } from './controller.js';

/**
 * Persistent volumes as a cluster with a dynamic provisioner runs them (the PV controller and an
 * external provisioner in one): a claim of a StorageClass whose provisioner is the simulator's is
 * annotated for provisioning, gets a PersistentVolume after the profile's `volumeProvisioning`
 * time and is then bound (spec.volumeName and annotations, then status Bound with its capacity).
 * WaitForFirstConsumer classes wait until a pod using the claim is bound to a node (the claim gets
 * `volume.kubernetes.io/selected-node`); the simulated scheduler and kubelet do not wait for the
 * volume. A claim whose class does not exist or has no provisioner (kubernetes.io/no-provisioner)
 * stays Pending, as on a real cluster. A bound claim asking for more storage of a class that allows
 * expansion gets the new capacity after `volumeResize`. Deleting a claim deletes its volume
 * (reclaimPolicy Delete).
 */

export const SIM_PROVISIONER = 'sim.burn.dev/hostpath';
const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
const COMPONENT = 'persistentvolume-controller';
const ANN = {
  provisioner: 'volume.kubernetes.io/storage-provisioner',
  betaProvisioner: 'volume.beta.kubernetes.io/storage-provisioner',
  selectedNode: 'volume.kubernetes.io/selected-node',
  bindCompleted: 'pv.kubernetes.io/bind-completed',
  boundByController: 'pv.kubernetes.io/bound-by-controller',
  provisionedBy: 'pv.kubernetes.io/provisioned-by',
  defaultClass: 'storageclass.kubernetes.io/is-default-class',
};

const CLAIMS = 'persistentvolumeclaims';
const VOLUMES = 'persistentvolumes';
const CLASSES = 'storage.k8s.io/storageclasses';

/** The classes a fresh simulator has: `standard` (default, Immediate) and `standard-wffc` (WaitForFirstConsumer). */
export function createStorageClasses(ctx: SimContext): void {
  const storageClass = (name: string, mode: string, isDefault: boolean): KubeObject => ({
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, ...(isDefault ? { annotations: { [ANN.defaultClass]: 'true' } } : {}) },
    provisioner: SIM_PROVISIONER,
    reclaimPolicy: 'Delete',
    volumeBindingMode: mode,
    allowVolumeExpansion: true,
  });
  ctx.store.create(CLASSES, storageClass('standard', 'Immediate', true));
  ctx.store.create(CLASSES, storageClass('standard-wffc', 'WaitForFirstConsumer', false));
}

function requested(claim: KubeObject): string | undefined {
  return claim.spec?.resources?.requests?.storage;
}

export class StorageController extends Controller {
  private readonly queue = this.addQueue('persistentvolume', (key) => this.sync(key));
  /** Claims whose volume is being provisioned, and claims being resized to a size. */
  private readonly provisioning = new Set<string>();
  private readonly resizing = new Map<string, string>();
  /** Claims already told (by an Event) why they wait. */
  private readonly told = new Map<string, string>();

  constructor(ctx: SimContext) {
    super(ctx);
    this.watch(CLAIMS, (e) => {
      const key = keyOf(e.object.metadata.namespace, e.object.metadata.name as string);
      if (e.type === 'DELETED') this.claimDeleted(key, e.object);
      else this.queue.enqueue(key);
    });
    // A class created later may be the one pending claims wait for.
    this.watch(CLASSES, (e) => {
      if (e.type === 'DELETED') return;
      for (const claim of ctx.store.list(CLAIMS)) if (claim.status?.phase === 'Pending') this.queue.enqueue(keyOf(claim.metadata.namespace, claim.metadata.name as string));
    });
    this.watch('pods', (e) => {
      if (e.type !== 'DELETED' && e.object.spec?.nodeName && (e.previous === undefined || !e.previous.spec?.nodeName)) this.podBound(e.object);
    });
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const claim = this.ctx.store.get(CLAIMS, namespace, name);
    if (!claim || claim.metadata.deletionTimestamp) return;
    if (claim.status?.phase === 'Bound') return this.checkResize(key, claim);
    if (claim.status?.phase !== 'Pending' || this.provisioning.has(key)) return;
    const className = claim.spec?.storageClassName;
    const storageClass = className ? this.ctx.store.get(CLASSES, undefined, className) : undefined;
    if (!storageClass) {
      const why = className ? `storageclass.storage.k8s.io "${className}" not found` : 'no persistent volumes available for this claim and no storage class is set';
      return this.tell(key, claim, 'Warning', className ? 'ProvisioningFailed' : 'FailedBinding', why);
    }
    if (storageClass.provisioner !== SIM_PROVISIONER) {
      const why = storageClass.provisioner === NO_PROVISIONER ? 'no persistent volumes available for this claim and the storage class has no provisioner' : `waiting for a volume to be created by the external provisioner "${storageClass.provisioner}", which the simulator does not run`;
      return this.tell(key, claim, storageClass.provisioner === NO_PROVISIONER ? 'Warning' : 'Normal', storageClass.provisioner === NO_PROVISIONER ? 'FailedBinding' : 'ExternalProvisioning', why);
    }
    if (storageClass.volumeBindingMode === 'WaitForFirstConsumer' && !claim.metadata.annotations?.[ANN.selectedNode]) {
      return this.tell(key, claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    }
    // Annotated for the external provisioner (a change while Pending), then provisioned after the profile's time.
    this.ctx.store.mutate(CLAIMS, namespace, name, (o) => {
      if (o.metadata.uid !== claim.metadata.uid) return false;
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [ANN.provisioner]: SIM_PROVISIONER, [ANN.betaProvisioner]: SIM_PROVISIONER };
    });
    this.provisioning.add(key);
    this.ctx.setTimeout(() => this.provision(key, claim.metadata.uid as string, storageClass), this.ctx.sample(this.ctx.profile.volumeProvisioning));
  }

  private tell(key: string, claim: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    if (this.told.get(key) === reason) return;
    this.told.set(key, reason);
    this.ctx.recordEvent(claim, type, reason, message, COMPONENT);
  }

  private provision(key: string, uid: string, storageClass: KubeObject): void {
    this.provisioning.delete(key);
    const [namespace, name] = splitKey(key);
    const claim = this.ctx.store.get(CLAIMS, namespace, name);
    if (!claim || claim.metadata.uid !== uid || claim.metadata.deletionTimestamp || claim.status?.phase !== 'Pending') return;
    const volumeName = `pvc-${uid}`;
    const size = requested(claim) ?? '1Gi';
    const accessModes = claim.spec?.accessModes ?? ['ReadWriteOnce'];
    const now = rfc3339(this.ctx.now());
    if (!this.ctx.store.get(VOLUMES, undefined, volumeName)) {
      this.ctx.store.create(VOLUMES, {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: volumeName, annotations: { [ANN.provisionedBy]: SIM_PROVISIONER }, finalizers: ['kubernetes.io/pv-protection'] },
        spec: {
          capacity: { storage: size },
          accessModes,
          persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
          storageClassName: storageClass.metadata.name,
          volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
          claimRef: { kind: 'PersistentVolumeClaim', namespace, name, uid, apiVersion: 'v1', resourceVersion: claim.metadata.resourceVersion },
          hostPath: { path: `/var/lib/sim-volumes/${volumeName}`, type: '' },
        },
        status: { phase: 'Bound', lastPhaseTransitionTime: now },
      });
    }
    this.ctx.recordEvent(claim, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volumeName}`, SIM_PROVISIONER);
    // The binder writes the claim's spec and annotations, then its status, as two changes.
    const bound = this.ctx.store.mutate(CLAIMS, namespace, name, (o) => {
      if (o.metadata.uid !== uid) return false;
      o.spec = { ...(o.spec ?? {}), volumeName };
      o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [ANN.bindCompleted]: 'yes', [ANN.boundByController]: 'yes' };
    });
    if (bound) writeStatus(this.ctx.store, CLAIMS, bound, { phase: 'Bound', accessModes, capacity: { storage: size } });
  }

  private checkResize(key: string, claim: KubeObject): void {
    const want = requested(claim);
    const have = claim.status?.capacity?.storage;
    if (!want || want === have || this.resizing.get(key) === want) return;
    const className = claim.spec?.storageClassName;
    const storageClass = className ? this.ctx.store.get(CLASSES, undefined, className) : undefined;
    if (!storageClass?.allowVolumeExpansion) return this.tell(key, claim, 'Warning', 'VolumeResizeFailed', `storage class "${className ?? ''}" does not allow volume expansion`);
    this.resizing.set(key, want);
    const uid = claim.metadata.uid;
    this.ctx.setTimeout(() => {
      if (this.resizing.get(key) === want) this.resizing.delete(key);
      const [namespace, name] = splitKey(key);
      const current = this.ctx.store.get(CLAIMS, namespace, name);
      if (!current || current.metadata.uid !== uid || requested(current) !== want) return;
      const volumeName = current.spec?.volumeName;
      if (volumeName) this.ctx.store.mutate(VOLUMES, undefined, volumeName, (pv) => void (pv.spec = { ...pv.spec, capacity: { storage: want } }));
      writeStatus(this.ctx.store, CLAIMS, current, { capacity: { ...(current.status?.capacity ?? {}), storage: want } });
      this.ctx.recordEvent(current, 'Normal', 'VolumeResizeSuccessful', `resize volume "${volumeName ?? name}" by resizer "${SIM_PROVISIONER}" succeeded`, SIM_PROVISIONER);
    }, this.ctx.sample(this.ctx.profile.volumeResize));
  }

  /** The scheduler's choice of a node for a pod marks the WaitForFirstConsumer claims it uses. */
  private podBound(pod: KubeObject): void {
    const namespace = pod.metadata.namespace;
    for (const volume of pod.spec?.volumes ?? []) {
      const claimName = volume?.persistentVolumeClaim?.claimName;
      if (typeof claimName !== 'string') continue;
      const claim = this.ctx.store.get(CLAIMS, namespace, claimName);
      if (!claim || claim.status?.phase !== 'Pending' || claim.metadata.annotations?.[ANN.selectedNode]) continue;
      const storageClass = claim.spec?.storageClassName ? this.ctx.store.get(CLASSES, undefined, claim.spec.storageClassName) : undefined;
      if (storageClass?.volumeBindingMode !== 'WaitForFirstConsumer') continue;
      this.ctx.store.mutate(CLAIMS, namespace, claimName, (o) => {
        o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [ANN.selectedNode]: pod.spec.nodeName };
      });
      this.queue.enqueue(keyOf(namespace, claimName));
    }
  }

  private claimDeleted(key: string, claim: KubeObject): void {
    this.told.delete(key);
    this.resizing.delete(key);
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) return;
    this.ctx.setTimeout(() => {
      const pv = this.ctx.store.get(VOLUMES, undefined, volumeName);
      if (!pv || pv.spec?.claimRef?.uid !== claim.metadata.uid || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
      this.ctx.store.remove(VOLUMES, undefined, volumeName);
    }, this.ctx.sample(this.ctx.profile.controllerSync));
  }
}
