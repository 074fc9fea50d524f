import type { KubeObject, SimContext, StoreEvent } from '../../types.js';
import { StatusError } from '../../status.js';
import type { OwnerIndex } from '../owners.js';
import { mapMatches } from '../selectors.js';
import { keyOf, splitKey } from '../workqueue.js';
import { Controller } from './controller.js';
import { isPodReady, ownerRefTo } from './common.js';
import { isTerminal } from '../node-ledger.js';

/**
 * The endpoints and endpointslice controllers for services with a selector: the IPs of the
 * selected pods, ready ones as addresses and others as notReadyAddresses in core/v1 Endpoints,
 * and discovery.k8s.io/v1 EndpointSlices of at most 100 endpoints, labelled with the service name.
 */

const SLICE_RESOURCE = 'discovery.k8s.io/endpointslices';
const MAX_PER_SLICE = 100;
const MANAGED_BY = 'endpointslice-controller.k8s.io';

interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
}

interface Backend {
  pod: KubeObject;
  ip: string;
  ready: boolean;
  terminating: boolean;
  ports: Array<{ name?: string; port: number; protocol: string }>;
}

function resolvePort(pod: KubeObject, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^[0-9]+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  return undefined;
}

function relevantChange(event: StoreEvent): boolean {
  if (event.type !== 'MODIFIED' || !event.previous) return true;
  const a = event.previous;
  const b = event.object;
  return (
    a.status?.podIP !== b.status?.podIP ||
    isPodReady(a) !== isPodReady(b) ||
    a.status?.phase !== b.status?.phase ||
    !!a.metadata.deletionTimestamp !== !!b.metadata.deletionTimestamp ||
    JSON.stringify(a.metadata.labels ?? {}) !== JSON.stringify(b.metadata.labels ?? {})
  );
}

export class EndpointsController extends Controller {
  private readonly queue = this.addQueue('endpoints', (key) => this.sync(key));

  constructor(
    ctx: SimContext,
    private readonly owners: OwnerIndex,
  ) {
    super(ctx);
    // Every service event, deletion too: the Endpoints go with their service.
    this.watch('services', (e) => this.queue.enqueue(keyOf(e.object.metadata.namespace, e.object.metadata.name as string)));
    this.watch('pods', (e) => {
      if (!relevantChange(e)) return;
      const namespace = e.object.metadata.namespace as string;
      for (const svc of ctx.store.list('services', namespace)) {
        const selector = svc.spec?.selector;
        if (!selector || Object.keys(selector).length === 0) continue;
        if (mapMatches(selector, e.object.metadata.labels) || (e.previous && mapMatches(selector, e.previous.metadata.labels))) {
          this.queue.enqueue(keyOf(namespace, svc.metadata.name as string));
        }
      }
    });
  }

  private sync(key: string): void {
    const [namespace, name] = splitKey(key);
    const svc = this.ctx.store.get('services', namespace, name);
    if (!svc || svc.metadata.deletionTimestamp) {
      // Endpoints have no owner reference: the controller removes them with their service.
      if (this.ctx.store.get('endpoints', namespace, name)) this.ctx.store.delete('endpoints', namespace, name);
      return;
    }
    const selector: Record<string, string> | undefined = svc.spec?.selector;
    if (!selector || Object.keys(selector).length === 0) return;
    const ports: ServicePort[] = svc.spec?.ports ?? [];
    const backends: Backend[] = [];
    for (const pod of this.ctx.store.list('pods', namespace)) {
      if (!pod.status?.podIP || isTerminal(pod) || !mapMatches(selector, pod.metadata.labels)) continue;
      const resolved = ports.flatMap((p) => {
        const port = resolvePort(pod, p);
        return port === undefined ? [] : [{ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol ?? 'TCP' }];
      });
      backends.push({ pod, ip: pod.status.podIP, ready: isPodReady(pod) && !pod.metadata.deletionTimestamp, terminating: !!pod.metadata.deletionTimestamp, ports: resolved });
    }
    backends.sort((a, b) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0));
    this.writeEndpoints(svc, backends);
    this.writeSlices(svc, backends, ports);
  }

  private writeEndpoints(svc: KubeObject, backends: Backend[]): void {
    const namespace = svc.metadata.namespace as string;
    const name = svc.metadata.name as string;
    // One subset per distinct port set, as the real controller repacks them.
    const subsets = new Map<string, { addresses: unknown[]; notReadyAddresses: unknown[]; ports: Backend['ports'] }>();
    for (const b of backends) {
      if (b.terminating) continue;
      const key = JSON.stringify(b.ports);
      let subset = subsets.get(key);
      if (!subset) subsets.set(key, (subset = { addresses: [], notReadyAddresses: [], ports: b.ports }));
      const address = { ip: b.ip, nodeName: b.pod.spec?.nodeName, targetRef: { kind: 'Pod', namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid } };
      (b.ready ? subset.addresses : subset.notReadyAddresses).push(address);
    }
    const list = [...subsets.values()].map((s) => {
      const out: Record<string, unknown> = {};
      if (s.addresses.length) out.addresses = s.addresses;
      if (s.notReadyAddresses.length) out.notReadyAddresses = s.notReadyAddresses;
      if (s.ports.length) out.ports = s.ports;
      return out;
    });
    const labels = { ...(svc.metadata.labels ?? {}) };
    if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
    const existing = this.ctx.store.get('endpoints', namespace, name);
    if (!existing) {
      const ep: KubeObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace, labels } };
      if (list.length) ep.subsets = list;
      this.create('endpoints', ep);
      return;
    }
    this.ctx.store.mutate('endpoints', namespace, name, (o) => {
      if (JSON.stringify(o.subsets ?? []) === JSON.stringify(list) && JSON.stringify(o.metadata.labels ?? {}) === JSON.stringify(labels)) return false;
      o.metadata.labels = labels;
      if (list.length) o.subsets = list;
      else delete o.subsets;
    });
  }

  private writeSlices(svc: KubeObject, backends: Backend[], ports: ServicePort[]): void {
    const namespace = svc.metadata.namespace as string;
    const name = svc.metadata.name as string;
    const existing = this.owners.dependents(svc.metadata.uid as string, SLICE_RESOURCE).sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
    // Slices hold endpoints with the same port set; a service with no backends keeps one empty slice.
    const groups = new Map<string, Backend[]>();
    for (const b of backends) {
      const key = JSON.stringify(b.ports);
      groups.set(key, [...(groups.get(key) ?? []), b]);
    }
    const desired: Array<{ endpoints: unknown[]; ports: Backend['ports'] }> = [];
    for (const group of groups.values()) {
      for (let i = 0; i < group.length; i += MAX_PER_SLICE) {
        desired.push({
          ports: group[0]!.ports,
          endpoints: group.slice(i, i + MAX_PER_SLICE).map((b) => ({
            addresses: [b.ip],
            conditions: { ready: b.ready, serving: isPodReady(b.pod), terminating: b.terminating },
            nodeName: b.pod.spec?.nodeName,
            targetRef: { kind: 'Pod', namespace, name: b.pod.metadata.name, uid: b.pod.metadata.uid },
          })),
        });
      }
    }
    if (desired.length === 0) desired.push({ endpoints: [], ports: ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol ?? 'TCP' })) });
    const labels = { ...(svc.metadata.labels ?? {}), 'kubernetes.io/service-name': name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY };
    desired.forEach((want, i) => {
      const slice = existing[i];
      if (!slice) {
        this.create(SLICE_RESOURCE, {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { generateName: `${name}-`, namespace, labels, ownerReferences: [ownerRefTo(svc)] },
          addressType: 'IPv4',
          endpoints: want.endpoints,
          ports: want.ports,
        });
        return;
      }
      this.ctx.store.mutate(SLICE_RESOURCE, namespace, slice.metadata.name as string, (o) => {
        if (JSON.stringify(o.endpoints ?? []) === JSON.stringify(want.endpoints) && JSON.stringify(o.ports ?? []) === JSON.stringify(want.ports)) return false;
        o.endpoints = want.endpoints;
        o.ports = want.ports;
        o.metadata.labels = labels;
      });
    });
    for (const surplus of existing.slice(desired.length)) this.ctx.store.delete(SLICE_RESOURCE, namespace, surplus.metadata.name as string);
  }

  private create(resource: string, obj: KubeObject): void {
    try {
      this.ctx.store.create(resource, obj);
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) throw err;
    }
  }
}
