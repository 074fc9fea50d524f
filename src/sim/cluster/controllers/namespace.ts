import type { KubeObject, SimContext } from '../../types.js';
import { StatusError } from '../../status.js';
import { Controller } from './controller.js';

/**
 * Namespace lifecycle: every new namespace gets the "default" ServiceAccount and the
 * kube-root-ca.crt ConfigMap; a deleted namespace (Terminating, held by the "kubernetes"
 * finalizer in spec.finalizers) has everything in it deleted, then the finalizer is removed and
 * the namespace goes.
 */

const ROOT_CA = 'kube-root-ca.crt';

export class NamespaceController extends Controller {
  private readonly setupQueue = this.addQueue('serviceaccount', (ns) => this.setUp(ns));
  private readonly deleteQueue = this.addQueue('namespace', (ns) => this.drain(ns));

  constructor(
    ctx: SimContext,
    private readonly caPem: string,
  ) {
    super(ctx);
    this.watch('namespaces', (e) => {
      const name = e.object.metadata.name as string;
      if (e.type === 'DELETED') return;
      if (e.object.metadata.deletionTimestamp) this.deleteQueue.enqueue(name);
      else this.setupQueue.enqueue(name);
    });
    // Whatever leaves a terminating namespace may have been the last thing holding it.
    this.watch('*', (e) => {
      const ns = e.object.metadata.namespace;
      if (e.type !== 'DELETED' || !ns || e.resource === 'namespaces') return;
      if (ctx.store.get('namespaces', undefined, ns)?.metadata.deletionTimestamp) this.deleteQueue.enqueue(ns);
    });
    for (const ns of ctx.store.list('namespaces')) {
      const name = ns.metadata.name as string;
      if (ns.metadata.deletionTimestamp) this.deleteQueue.enqueue(name);
      else this.setupQueue.enqueue(name);
    }
  }

  private setUp(namespace: string): void {
    const ns = this.ctx.store.get('namespaces', undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    this.createIfMissing('serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } });
    this.createIfMissing('configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: ROOT_CA,
        namespace,
        annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' },
      },
      data: { 'ca.crt': this.caPem },
    });
  }

  private createIfMissing(resource: string, obj: KubeObject): void {
    if (this.ctx.store.get(resource, obj.metadata.namespace, obj.metadata.name as string)) return;
    try {
      this.ctx.store.create(resource, obj);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }

  /** Deletes what is left in a terminating namespace; when nothing is, lets the namespace go. */
  private drain(namespace: string): void {
    const ns = this.ctx.store.get('namespaces', undefined, namespace);
    if (!ns?.metadata.deletionTimestamp) return;
    let remaining = 0;
    for (const info of this.ctx.store.resources()) {
      if (!info.namespaced) continue;
      for (const obj of this.ctx.store.list(info.key, namespace)) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) this.ctx.store.delete(info.key, namespace, obj.metadata.name as string, { propagationPolicy: 'Background' });
      }
    }
    if (remaining > 0) return;
    const after = this.ctx.store.mutate('namespaces', undefined, namespace, (o) => {
      if (!o.spec?.finalizers?.includes('kubernetes')) return false;
      o.spec.finalizers = o.spec.finalizers.filter((f: string) => f !== 'kubernetes');
    });
    if (after && !after.metadata.finalizers?.length && !after.spec?.finalizers?.length) this.ctx.store.remove('namespaces', undefined, namespace);
  }
}
