import type { ResourceInfo } from '../types.js';

/** The resources the simulator serves, as the real apiserver's discovery describes them. */

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface ResourceSpec {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  singular?: string;
  namespaced?: boolean;
  shortNames?: string[];
  subresources?: string[];
  verbs?: string[];
  categories?: string[];
}

function define(spec: ResourceSpec): ResourceInfo {
  const group = spec.group ?? '';
  const info: ResourceInfo = {
    key: group ? `${group}/${spec.resource}` : spec.resource,
    group,
    version: spec.version ?? 'v1',
    resource: spec.resource,
    kind: spec.kind,
    listKind: `${spec.kind}List`,
    singular: spec.singular ?? spec.kind.toLowerCase(),
    namespaced: spec.namespaced ?? true,
    shortNames: spec.shortNames ?? [],
    subresources: spec.subresources ?? [],
    verbs: spec.verbs ?? ALL_VERBS,
  };
  if (spec.categories) info.categories = spec.categories;
  return info;
}

export const builtinResources: ResourceInfo[] = [
  define({ resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], subresources: ['status', 'finalize'], verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] }),
  define({ resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'] }),
  define({ resource: 'pods', kind: 'Pod', shortNames: ['po'], subresources: ['status'], categories: ['all'] }),
  define({ resource: 'services', kind: 'Service', shortNames: ['svc'], subresources: ['status'], categories: ['all'], verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] }),
  define({ resource: 'endpoints', kind: 'Endpoints', singular: 'endpoints', shortNames: ['ep'] }),
  define({ resource: 'secrets', kind: 'Secret' }),
  define({ resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] }),
  define({ resource: 'serviceaccounts', kind: 'ServiceAccount', shortNames: ['sa'] }),
  define({ resource: 'events', kind: 'Event', shortNames: ['ev'] }),
  define({ resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', shortNames: ['pvc'], subresources: ['status'] }),
  define({ resource: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false, shortNames: ['pv'], subresources: ['status'] }),
  define({ group: 'storage.k8s.io', resource: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] }),
  define({ group: 'discovery.k8s.io', resource: 'endpointslices', kind: 'EndpointSlice' }),
  define({ group: 'networking.k8s.io', resource: 'networkpolicies', kind: 'NetworkPolicy', singular: 'networkpolicy', shortNames: ['netpol'] }),
  define({ group: 'apps', resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], subresources: ['status', 'scale'], categories: ['all'] }),
  define({ group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], subresources: ['status', 'scale'], categories: ['all'] }),
  define({ group: 'apps', resource: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], subresources: ['status', 'scale'], categories: ['all'] }),
  define({ group: 'apps', resource: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], subresources: ['status'], categories: ['all'] }),
  define({ group: 'batch', resource: 'jobs', kind: 'Job', subresources: ['status'], categories: ['all'] }),
  define({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', shortNames: ['hpa'], subresources: ['status'], categories: ['all'] }),
  define({ group: 'coordination.k8s.io', resource: 'leases', kind: 'Lease' }),
];

/** The external-snapshotter's CRDs: served unless the simulator is started without them. */
export const snapshotResources: ResourceInfo[] = [
  define({ group: 'snapshot.storage.k8s.io', resource: 'volumesnapshots', kind: 'VolumeSnapshot', shortNames: ['vs'], subresources: ['status'] }),
  define({ group: 'snapshot.storage.k8s.io', resource: 'volumesnapshotcontents', kind: 'VolumeSnapshotContent', namespaced: false, shortNames: ['vsc', 'vscs'], subresources: ['status'] }),
  define({ group: 'snapshot.storage.k8s.io', resource: 'volumesnapshotclasses', kind: 'VolumeSnapshotClass', namespaced: false, shortNames: ['vsclass', 'vsclasses'] }),
];

/** "apps/v1" or "v1" for a resource. */
export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}
