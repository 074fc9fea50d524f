import type { KubeObject } from '../types.js';

/**
 * Defaulting the real apiserver applies on create (the fields clients and controllers rely on):
 * pod spec defaults, workload spec defaults, service ClusterIPs, namespace finalizers and phase.
 * Status of objects with a status subresource starts empty, as the registry strategies reset it.
 */

type Json = Record<string, any>;

function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const tag = lastSegment.includes(':') ? lastSegment.slice(lastSegment.indexOf(':') + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: Json): void {
  container.imagePullPolicy ??= imagePullPolicy(container.image);
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.resources ??= {};
  for (const port of container.ports ?? []) port.protocol ??= 'TCP';
  if (container.resources.limits && !container.resources.requests) container.resources.requests = { ...container.resources.limits };
}

export function defaultPodSpec(spec: Json | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  if (spec.serviceAccountName === undefined && spec.serviceAccount === undefined) spec.serviceAccountName = 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.serviceAccountName ??= spec.serviceAccount;
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  spec.tolerations ??= [];
  const tolerates = (key: string) => spec.tolerations.some((t: Json) => t.key === key);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerates(key)) spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
}

function qosClass(spec: Json | undefined): string {
  const containers: Json[] = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  let anySet = false;
  let allGuaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) allGuaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return allGuaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultTemplate(spec: Json | undefined): void {
  if (spec?.template) defaultPodSpec(spec.template.spec);
}

/** Hands out ClusterIPs from 10.96.0.0/12 in order. */
export class ClusterIpAllocator {
  private next = 1;
  allocate(): string {
    const n = this.next++;
    return `10.${96 + ((n >> 16) & 0x0f)}.${(n >> 8) & 0xff}.${n & 0xff}`;
  }
}

/**
 * The DefaultStorageClass admission plugin: a claim that names no class gets the default one
 * (the newest class annotated storageclass.kubernetes.io/is-default-class), if there is one.
 */
export function admitDefaultStorageClass(claim: KubeObject, classes: KubeObject[]): void {
  if (!claim.spec || claim.spec.storageClassName !== undefined) return;
  const defaults = classes.filter((c) => c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true');
  defaults.sort((a, b) => String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)));
  if (defaults[0]) claim.spec.storageClassName = defaults[0].metadata.name;
}

/** Applies create-time defaults in place. `key` is the ResourceInfo key. */
export function applyCreateDefaults(key: string, obj: KubeObject, ips: ClusterIpAllocator): void {
  const spec = obj.spec as Json | undefined;
  switch (key) {
    case 'pods':
      defaultPodSpec(spec);
      obj.status = { phase: 'Pending', qosClass: qosClass(spec) };
      return;
    case 'namespaces':
      obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name as string };
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      return;
    case 'services': {
      const s: Json = (obj.spec ??= {});
      s.type ??= 'ClusterIP';
      s.sessionAffinity ??= 'None';
      if (s.type !== 'ExternalName' && s.clusterIP !== 'None' && !s.clusterIP) s.clusterIP = ips.allocate();
      if (s.clusterIP) s.clusterIPs ??= [s.clusterIP];
      s.ipFamilies ??= ['IPv4'];
      s.ipFamilyPolicy ??= 'SingleStack';
      s.internalTrafficPolicy ??= 'Cluster';
      for (const port of s.ports ?? []) {
        port.protocol ??= 'TCP';
        port.targetPort ??= port.port;
      }
      obj.status = { loadBalancer: {} };
      return;
    }
    case 'apps/deployments': {
      const s: Json = (obj.spec ??= {});
      s.replicas ??= 1;
      s.revisionHistoryLimit ??= 10;
      s.progressDeadlineSeconds ??= 600;
      s.strategy ??= { type: 'RollingUpdate' };
      if (s.strategy.type === 'RollingUpdate') s.strategy.rollingUpdate ??= { maxUnavailable: '25%', maxSurge: '25%' };
      defaultTemplate(s);
      obj.status = {};
      return;
    }
    case 'apps/replicasets':
      (obj.spec ??= {}).replicas ??= 1;
      defaultTemplate(obj.spec);
      obj.status = { replicas: 0 };
      return;
    case 'apps/statefulsets': {
      const s: Json = (obj.spec ??= {});
      s.replicas ??= 1;
      s.podManagementPolicy ??= 'OrderedReady';
      s.revisionHistoryLimit ??= 10;
      s.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
      defaultTemplate(s);
      obj.status = { replicas: 0, availableReplicas: 0 };
      return;
    }
    case 'apps/daemonsets': {
      const s: Json = (obj.spec ??= {});
      s.revisionHistoryLimit ??= 10;
      s.updateStrategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } };
      defaultTemplate(s);
      obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
      return;
    }
    case 'batch/jobs': {
      const s: Json = (obj.spec ??= {});
      if (s.completions === undefined && s.parallelism === undefined) s.completions = 1;
      s.parallelism ??= 1;
      if (!s.manualSelector && obj.metadata.uid) {
        const uid = obj.metadata.uid;
        const name = obj.metadata.name as string;
        const owned = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': name, 'controller-uid': uid, 'job-name': name };
        s.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
        s.template ??= {};
        s.template.metadata ??= {};
        s.template.metadata.labels = { ...(s.template.metadata.labels ?? {}), ...owned };
      }
      s.backoffLimit ??= 6;
      s.completionMode ??= 'NonIndexed';
      s.suspend ??= false;
      defaultTemplate(s);
      obj.status = {};
      return;
    }
    case 'persistentvolumeclaims':
      if (obj.spec) obj.spec.volumeMode ??= 'Filesystem';
      obj.status = { phase: 'Pending' };
      return;
    case 'secrets':
      obj.type ??= 'Opaque';
      return;
    default:
      return;
  }
}
