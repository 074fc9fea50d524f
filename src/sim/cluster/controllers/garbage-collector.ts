import type { KubeObject, OwnerReference, SimContext } from '../../types.js';
import type { OwnerIndex } from '../owners.js';
import { Controller } from './controller.js';

/**
 * The garbage collector, following ownerReferences:
 * - Background: once an owner is gone, dependents with no owner left are deleted (refs to gone
 *   owners are dropped from dependents that still have a live owner).
 * - Foreground: an owner carrying the foregroundDeletion finalizer has its dependents deleted
 *   (foreground too); the finalizer goes, and with it the owner, when none is left.
 * - Orphan: an owner carrying the orphan finalizer has its references removed from its
 *   dependents, then the finalizer goes.
 */

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';
const SEP = '\u0000';

function objectKey(resource: string, namespace: string | undefined, name: string): string {
  return [resource, namespace ?? '', name].join(SEP);
}

export class GarbageCollector extends Controller {
  private readonly dependentQueue = this.addQueue('garbage-collector', (key) => this.checkDependent(key));
  private readonly ownerQueue = this.addQueue('garbage-collector', (key) => this.processOwner(key));

  constructor(
    ctx: SimContext,
    private readonly owners: OwnerIndex,
  ) {
    super(ctx);
    this.watch('*', (event) => {
      const obj = event.object;
      if (event.type === 'DELETED') {
        for (const ref of owners.refs(obj.metadata.uid as string)) this.dependentQueue.enqueue(objectKey(ref.resource, ref.namespace, ref.name));
      } else if (obj.metadata.deletionTimestamp && obj.metadata.finalizers?.some((f) => f === ORPHAN || f === FOREGROUND)) {
        this.ownerQueue.enqueue(objectKey(event.resource, obj.metadata.namespace, obj.metadata.name as string));
      }
    });
    // A dependent going away may be the last one a foreground deletion waits for.
    owners.onDependentChange((event, refs) => {
      if (event.type !== 'DELETED') return;
      for (const ref of refs) {
        const owner = this.lookup(ref, event.object.metadata.namespace);
        if (owner?.metadata.finalizers?.includes(FOREGROUND)) this.ownerQueue.enqueue(objectKey(owner.resource, owner.obj.metadata.namespace, owner.obj.metadata.name as string));
      }
    });
  }

  /** The live owner an ownerReference points to (same uid), if any. */
  private lookup(ref: OwnerReference, dependentNamespace: string | undefined): { resource: string; obj: KubeObject; metadata: KubeObject['metadata'] } | undefined {
    const info = this.ctx.store.resourceForKind(ref.apiVersion, ref.kind);
    if (!info) return undefined;
    const obj = this.ctx.store.get(info.key, info.namespaced ? dependentNamespace : undefined, ref.name);
    return obj && obj.metadata.uid === ref.uid ? { resource: info.key, obj, metadata: obj.metadata } : undefined;
  }

  private checkDependent(key: string): void {
    const [resource, namespace, name] = key.split(SEP) as [string, string, string];
    const obj = this.ctx.store.get(resource, namespace || undefined, name);
    if (!obj || obj.metadata.deletionTimestamp) return;
    const refs = obj.metadata.ownerReferences ?? [];
    if (refs.length === 0) return;
    const live = refs.filter((ref) => this.lookup(ref, namespace || undefined));
    if (live.length === refs.length) return;
    if (live.length === 0) {
      this.ctx.store.delete(resource, namespace || undefined, name, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata.uid } });
      return;
    }
    const liveUids = new Set(live.map((r) => r.uid));
    this.ctx.store.mutate(resource, namespace || undefined, name, (o) => {
      o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => liveUids.has(r.uid));
    });
  }

  private processOwner(key: string): void {
    const [resource, namespace, name] = key.split(SEP) as [string, string, string];
    const ns = namespace || undefined;
    const owner = this.ctx.store.get(resource, ns, name);
    if (!owner?.metadata.deletionTimestamp) return;
    const uid = owner.metadata.uid as string;
    const finalizers = owner.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN)) {
      for (const ref of this.owners.refs(uid)) {
        this.ctx.store.mutate(ref.resource, ref.namespace, ref.name, (o) => {
          if (o.metadata.uid !== ref.uid) return false;
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
        });
      }
      this.dropFinalizer(resource, ns, name, ORPHAN);
      return;
    }
    if (finalizers.includes(FOREGROUND)) {
      const refs = this.owners.refs(uid);
      for (const ref of refs) {
        const dep = this.ctx.store.get(ref.resource, ref.namespace, ref.name);
        if (dep && dep.metadata.uid === ref.uid && !dep.metadata.deletionTimestamp) {
          this.ctx.store.delete(ref.resource, ref.namespace, ref.name, { propagationPolicy: 'Foreground', preconditions: { uid: ref.uid } });
        }
      }
      if (!this.owners.hasDependents(uid)) this.dropFinalizer(resource, ns, name, FOREGROUND);
    }
  }

  private dropFinalizer(resource: string, namespace: string | undefined, name: string, finalizer: string): void {
    const after = this.ctx.store.mutate(resource, namespace, name, (o) => {
      if (!o.metadata.finalizers?.includes(finalizer)) return false;
      o.metadata.finalizers = o.metadata.finalizers.filter((f) => f !== finalizer);
    });
    // The store removes a deleting object when its last finalizer goes; make sure for any grace left.
    if (after && after.metadata.deletionTimestamp && !after.metadata.finalizers?.length && resource !== 'pods' && resource !== 'namespaces') {
      this.ctx.store.remove(resource, namespace, name);
    }
  }
}
