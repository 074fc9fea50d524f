/**
 * What `burn validate` knows offline about the objects a template renders: the built-in kinds of
 * Kubernetes and the API versions that serve them, and the rules the API server applies to their names.
 * Kinds of other API groups (CRDs, aggregated APIs) can only be checked against a cluster.
 */

type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path-segment';

interface KindInfo {
  namespaced: boolean;
  name: NameRule;
  /** Extra length limit some kinds have (a CronJob's Jobs get an 11-character suffix). */
  maxLength?: number;
}

const sub = (namespaced: boolean, maxLength?: number): KindInfo => ({ namespaced, name: 'subdomain', maxLength });

/** Built-in kinds by group/version as served by current Kubernetes (1.29 and later). */
const builtIn: Record<string, Record<string, KindInfo>> = {
  v1: {
    Pod: sub(true),
    Service: { namespaced: true, name: 'dns1035' },
    ConfigMap: sub(true),
    Secret: sub(true),
    Namespace: { namespaced: false, name: 'label' },
    ServiceAccount: sub(true),
    PersistentVolumeClaim: sub(true),
    PersistentVolume: sub(false),
    Endpoints: sub(true),
    Event: sub(true),
    LimitRange: sub(true),
    ResourceQuota: sub(true),
    ReplicationController: sub(true),
    PodTemplate: sub(true),
    Node: sub(false),
  },
  'apps/v1': { Deployment: sub(true), ReplicaSet: sub(true), StatefulSet: sub(true), DaemonSet: sub(true), ControllerRevision: sub(true) },
  'batch/v1': { Job: sub(true), CronJob: sub(true, 52) },
  'networking.k8s.io/v1': { NetworkPolicy: sub(true), Ingress: sub(true), IngressClass: sub(false) },
  'rbac.authorization.k8s.io/v1': {
    Role: { namespaced: true, name: 'path-segment' },
    RoleBinding: { namespaced: true, name: 'path-segment' },
    ClusterRole: { namespaced: false, name: 'path-segment' },
    ClusterRoleBinding: { namespaced: false, name: 'path-segment' },
  },
  'policy/v1': { PodDisruptionBudget: sub(true) },
  'autoscaling/v1': { HorizontalPodAutoscaler: sub(true) },
  'autoscaling/v2': { HorizontalPodAutoscaler: sub(true) },
  'storage.k8s.io/v1': { StorageClass: sub(false), VolumeAttachment: sub(false), CSIDriver: sub(false), CSINode: sub(false), CSIStorageCapacity: sub(true) },
  'scheduling.k8s.io/v1': { PriorityClass: sub(false) },
  'coordination.k8s.io/v1': { Lease: sub(true) },
  'discovery.k8s.io/v1': { EndpointSlice: sub(true) },
  'events.k8s.io/v1': { Event: sub(true) },
  'node.k8s.io/v1': { RuntimeClass: sub(false) },
  'certificates.k8s.io/v1': { CertificateSigningRequest: sub(false) },
  'apiextensions.k8s.io/v1': { CustomResourceDefinition: sub(false) },
  'admissionregistration.k8s.io/v1': { ValidatingWebhookConfiguration: sub(false), MutatingWebhookConfiguration: sub(false), ValidatingAdmissionPolicy: sub(false), ValidatingAdmissionPolicyBinding: sub(false) },
  'flowcontrol.apiserver.k8s.io/v1': { FlowSchema: sub(false), PriorityLevelConfiguration: sub(false) },
};

const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const builtInGroups = new Set(Object.keys(builtIn).map(groupOf));

/** Where a kind is served, for hints: "apps/v1". */
function versionsServing(kind: string): string[] {
  return Object.entries(builtIn)
    .filter(([, kinds]) => kind in kinds)
    .map(([version]) => version);
}

export type KindCheck =
  | { known: true; info: KindInfo }
  /** A group burn does not know (a CRD or an aggregated API): only a cluster can say. */
  | { known: false; needsCluster: true }
  | { known: false; needsCluster: false; problem: string; hint: string };

export function checkKind(apiVersion: string, kind: string): KindCheck {
  const group = groupOf(apiVersion);
  if (kind === 'List' || (builtInGroups.has(group) && kind.endsWith('List') && versionsServing(kind.slice(0, -4)).length)) {
    return { known: false, needsCluster: false, problem: `kind ${kind} is a list, which the API server does not create`, hint: 'write each item as its own document, separated by ---' };
  }
  if (!builtInGroups.has(group)) return { known: false, needsCluster: true };
  const info = builtIn[apiVersion]?.[kind];
  if (info) return { known: true, info };
  const serving = versionsServing(kind);
  if (serving.length) return { known: false, needsCluster: false, problem: `${kind} is not served as ${apiVersion}`, hint: `use apiVersion: ${serving.join(' or ')}` };
  const inVersion = Object.keys(builtIn[apiVersion] ?? {});
  const caseless = Object.entries(builtIn).flatMap(([v, kinds]) => Object.keys(kinds).filter((k) => k.toLowerCase() === kind.toLowerCase()).map((k) => `${k} (${v})`));
  const hint = caseless.length ? `kinds are case-sensitive: did you mean ${caseless[0]}?` : inVersion.length ? `${apiVersion} serves ${inVersion.join(', ')}` : `${apiVersion} is not a version Kubernetes serves`;
  return { known: false, needsCluster: false, problem: `${apiVersion} has no kind ${kind}`, hint };
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035Label = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why the API server would refuse `name` for a kind with this rule, or undefined. */
export function nameProblem(name: string, info: KindInfo): string | undefined {
  const maxLength = Math.min(info.maxLength ?? Infinity, info.name === 'subdomain' ? 253 : info.name === 'path-segment' ? Infinity : 63);
  if (name.length > maxLength) return `is ${name.length} characters long; at most ${maxLength} are allowed`;
  switch (info.name) {
    case 'label':
      return dns1123Label.test(name) ? undefined : 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit';
    case 'dns1035':
      return dns1035Label.test(name) ? undefined : 'must be a DNS-1035 label: lowercase letters, digits and "-", starting with a letter and ending with a letter or digit';
    case 'subdomain':
      return dns1123Subdomain.test(name) ? undefined : 'must be a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", starting and ending with a letter or digit';
    case 'path-segment':
      return name === '.' || name === '..' || /[/%]/.test(name) ? 'may not be "." or ".." nor contain "/" or "%"' : undefined;
  }
}

/** The API server cuts generateName to 58 characters and appends 5 random ones; the result must be a valid name. */
export function generateNameProblem(generateName: string, info: KindInfo): string | undefined {
  return nameProblem(`${generateName.slice(0, 58)}x2b7q`, info);
}

/** The group/version serving a built-in kind (the first, when several do), or undefined for other kinds. */
export function builtInApiVersion(kind: string): string | undefined {
  return Object.keys(builtIn).find((apiVersion) => kind in builtIn[apiVersion]!);
}
