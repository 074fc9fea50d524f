import type { KubeObject, OwnerReference, SimStore, StoreEvent } from '../types.js';

/**
 * Dependents by owner uid, for every resource, kept from store events: controllers find their
 * pods and replica sets, and the garbage collector finds what to delete or orphan, without listing.
 */

export interface DependentRef {
  resource: string;
  namespace?: string;
  name: string;
  uid: string;
}

function refKey(resource: string, namespace: string | undefined, name: string): string {
  return `${resource}\u0000${namespace ?? ''}\u0000${name}`;
}

export class OwnerIndex {
  private readonly byOwner = new Map<string, Map<string, DependentRef>>();
  private readonly off: () => void;
  private readonly listeners: Array<(event: StoreEvent, owners: OwnerReference[]) => void> = [];

  constructor(private readonly store: SimStore) {
    this.off = store.on('*', (e) => this.onEvent(e));
    for (const info of store.resources()) for (const obj of store.list(info.key)) this.onEvent({ type: 'ADDED', resource: info.key, object: obj });
  }

  stop(): void {
    this.off();
  }

  /** Called for every change of an object that has, or had, owners (after the index is updated). */
  onDependentChange(listener: (event: StoreEvent, owners: OwnerReference[]) => void): void {
    this.listeners.push(listener);
  }

  /** References to the current dependents of an owner, optionally of one resource. */
  refs(ownerUid: string, resource?: string): DependentRef[] {
    const deps = this.byOwner.get(ownerUid);
    if (!deps) return [];
    const out: DependentRef[] = [];
    for (const ref of deps.values()) if (!resource || ref.resource === resource) out.push(ref);
    return out;
  }

  /** The current dependent objects of an owner of one resource. */
  dependents(ownerUid: string, resource: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const ref of this.refs(ownerUid, resource)) {
      const obj = this.store.get(ref.resource, ref.namespace, ref.name);
      if (obj && obj.metadata.uid === ref.uid) out.push(obj);
    }
    return out;
  }

  hasDependents(ownerUid: string): boolean {
    return (this.byOwner.get(ownerUid)?.size ?? 0) > 0;
  }

  private onEvent(event: StoreEvent): void {
    const obj = event.object;
    const now = event.type === 'DELETED' ? [] : (obj.metadata.ownerReferences ?? []);
    const before = event.previous?.metadata.ownerReferences ?? (event.type === 'DELETED' ? (obj.metadata.ownerReferences ?? []) : []);
    if (now.length === 0 && before.length === 0) return;
    if (now === before || (event.type === 'MODIFIED' && sameOwners(now, before))) {
      for (const listener of this.listeners) listener(event, now);
      return;
    }
    const key = refKey(event.resource, obj.metadata.namespace, obj.metadata.name as string);
    const current = new Set(now.map((o) => o.uid));
    for (const owner of before) {
      if (current.has(owner.uid)) continue;
      const deps = this.byOwner.get(owner.uid);
      deps?.delete(key);
      if (deps?.size === 0) this.byOwner.delete(owner.uid);
    }
    for (const owner of now) {
      let deps = this.byOwner.get(owner.uid);
      if (!deps) this.byOwner.set(owner.uid, (deps = new Map()));
      deps.set(key, { resource: event.resource, namespace: obj.metadata.namespace, name: obj.metadata.name as string, uid: obj.metadata.uid as string });
    }
    const all = [...now, ...before.filter((o) => !current.has(o.uid))];
    for (const listener of this.listeners) listener(event, all);
  }
}

function sameOwners(a: OwnerReference[], b: OwnerReference[]): boolean {
  return a.length === b.length && a.every((o, i) => o.uid === b[i]!.uid);
}
