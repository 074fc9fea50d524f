import type { KubeObject, SimContext, StoreEvent } from '../../types.js';
import type { OwnerIndex } from '../owners.js';
import { WorkQueue, keyOf, splitKey } from '../workqueue.js';

/**
 * What every simulated controller shares: its work queues and store subscriptions, all of which
 * `stop()` ends. Subclasses hold only what they watch and how they reconcile.
 */
export abstract class Controller {
  private readonly queues: WorkQueue[] = [];
  private readonly unsubscribes: Array<() => void> = [];

  constructor(protected readonly ctx: SimContext) {}

  stop(): void {
    for (const queue of this.queues) queue.stop();
    for (const off of this.unsubscribes) off();
  }

  protected addQueue(name: string, sync: (key: string) => void): WorkQueue {
    const queue = new WorkQueue(this.ctx, name, sync);
    this.queues.push(queue);
    return queue;
  }

  protected watch(resource: string, listener: (event: StoreEvent) => void): void {
    this.unsubscribes.push(this.ctx.store.on(resource, listener));
  }
}

export interface KindControllerSpec {
  /** The queue's name, as sync failures are reported. */
  queue: string;
  /** The store resource of the kind it controls, e.g. 'apps/replicasets'. */
  resource: string;
  /** The kind its dependents name as their controller in ownerReferences. */
  kind: string;
  /** The resource of those dependents, e.g. 'pods'. */
  dependents: string;
}

/**
 * A controller of one namespaced kind, keyed "namespace/name": an object is reconciled after it
 * is added or changed, and after any dependent it controls is added, changed or deleted.
 * Deleted and terminating objects are not reconciled.
 */
export abstract class KindController extends Controller {
  protected readonly queue: WorkQueue;

  constructor(
    ctx: SimContext,
    protected readonly owners: OwnerIndex,
    private readonly spec: KindControllerSpec,
  ) {
    super(ctx);
    this.queue = this.addQueue(spec.queue, (key) => this.sync(key));
    this.watch(spec.resource, (e) => {
      if (e.type !== 'DELETED') this.enqueue(e.object);
    });
    owners.onDependentChange((event, refs) => {
      if (event.resource !== spec.dependents) return;
      for (const ref of refs) if (ref.kind === spec.kind && ref.controller) this.queue.enqueue(keyOf(event.object.metadata.namespace, ref.name));
    });
  }

  protected abstract reconcile(obj: KubeObject): void;

  protected enqueue(obj: KubeObject): void {
    this.queue.enqueue(keyOf(obj.metadata.namespace, obj.metadata.name as string));
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const obj = this.ctx.store.get(this.spec.resource, namespace, name);
    if (obj && !obj.metadata.deletionTimestamp) this.reconcile(obj);
  }
}
