/**
 * burn's own table of the Kubernetes protobuf messages the simulator encodes and decodes.
 *
 * The field numbers are the wire format of the Kubernetes API (facts, as published in the
 * `generated.proto` files of k8s.io/api and k8s.io/apimachinery v0.34); the notation is ours:
 * each message is a list of `number jsonName type` entries separated by `;`, where type is
 *   s | i32 | i64 | bool | bytes             scalars (bytes are base64 in JSON)
 *   Time | MicroTime | Quantity | IntOrString | FieldsV1 | RawExtension
 *                                             the special apimachinery types (see codec.ts)
 *   <Message>                                 another message of this table
 *   []T                                       repeated T
 *   map:T                                     map from string to T
 * A trailing `?` marks a field that is a pointer in Go: present even when zero (`replicas: 0`).
 * A jsonName of `*` marks an embedded struct whose fields appear inline in JSON
 * (Volume's VolumeSource, Probe's ProbeHandler).
 */

const MESSAGES: Record<string, string> = {
  // meta/v1
  ObjectMeta:
    '1 name s; 2 generateName s; 3 namespace s; 4 selfLink s; 5 uid s; 6 resourceVersion s; 7 generation i64; 8 creationTimestamp Time; 9 deletionTimestamp Time; 10 deletionGracePeriodSeconds i64?; 11 labels map:s; 12 annotations map:s; 13 ownerReferences []OwnerReference; 14 finalizers []s; 17 managedFields []ManagedFieldsEntry',
  ListMeta: '1 selfLink s; 2 resourceVersion s; 3 continue s; 4 remainingItemCount i64?',
  OwnerReference: '5 apiVersion s; 1 kind s; 3 name s; 4 uid s; 6 controller bool?; 7 blockOwnerDeletion bool?',
  ManagedFieldsEntry: '1 manager s; 2 operation s; 3 apiVersion s; 4 time Time; 6 fieldsType s; 7 fieldsV1 FieldsV1; 8 subresource s',
  LabelSelector: '1 matchLabels map:s; 2 matchExpressions []LabelSelectorRequirement',
  LabelSelectorRequirement: '1 key s; 2 operator s; 3 values []s',
  Condition: '1 type s; 2 status s; 3 observedGeneration i64; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  Status: '1 metadata ListMeta; 2 status s; 3 message s; 4 reason s; 5 details StatusDetails?; 6 code i32',
  StatusDetails: '1 name s; 2 group s; 3 kind s; 6 uid s; 4 causes []StatusCause; 5 retryAfterSeconds i32',
  StatusCause: '1 reason s; 2 message s; 3 field s',
  DeleteOptions: '1 gracePeriodSeconds i64?; 2 preconditions Preconditions?; 3 orphanDependents bool?; 4 propagationPolicy s?; 5 dryRun []s; 6 ignoreStoreReadErrorWithClusterBreakingPotential bool?',
  Preconditions: '1 uid s?; 2 resourceVersion s?',
  WatchEvent: '1 type s; 2 object RawExtension',

  // core/v1: Namespace
  Namespace: '1 metadata ObjectMeta; 2 spec NamespaceSpec; 3 status NamespaceStatus',
  NamespaceSpec: '1 finalizers []s',
  NamespaceStatus: '1 phase s; 2 conditions []NamespaceCondition',
  NamespaceCondition: '1 type s; 2 status s; 4 lastTransitionTime Time; 5 reason s; 6 message s',

  // core/v1: Node
  Node: '1 metadata ObjectMeta; 2 spec NodeSpec; 3 status NodeStatus',
  NodeSpec: '1 podCIDR s; 7 podCIDRs []s; 3 providerID s; 4 unschedulable bool; 5 taints []Taint; 2 externalID s',
  Taint: '1 key s; 2 value s; 3 effect s; 4 timeAdded Time',
  NodeStatus:
    '1 capacity map:Quantity; 2 allocatable map:Quantity; 3 phase s; 4 conditions []NodeCondition; 5 addresses []NodeAddress; 6 daemonEndpoints NodeDaemonEndpoints; 7 nodeInfo NodeSystemInfo; 8 images []ContainerImage; 9 volumesInUse []s; 10 volumesAttached []AttachedVolume; 12 runtimeHandlers []NodeRuntimeHandler; 13 features NodeFeatures?',
  NodeCondition: '1 type s; 2 status s; 3 lastHeartbeatTime Time; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  NodeAddress: '1 type s; 2 address s',
  NodeDaemonEndpoints: '1 kubeletEndpoint DaemonEndpoint',
  DaemonEndpoint: '1 Port i32',
  NodeSystemInfo:
    '1 machineID s; 2 systemUUID s; 3 bootID s; 4 kernelVersion s; 5 osImage s; 6 containerRuntimeVersion s; 7 kubeletVersion s; 8 kubeProxyVersion s; 9 operatingSystem s; 10 architecture s; 11 swap NodeSwapStatus?',
  NodeSwapStatus: '1 capacity i64?',
  ContainerImage: '1 names []s; 2 sizeBytes i64',
  AttachedVolume: '1 name s; 2 devicePath s',
  NodeRuntimeHandler: '1 name s; 2 features NodeRuntimeHandlerFeatures?',
  NodeRuntimeHandlerFeatures: '1 recursiveReadOnlyMounts bool?; 2 userNamespaces bool?',
  NodeFeatures: '1 supplementalGroupsPolicy bool?',

  // core/v1: Pod
  Pod: '1 metadata ObjectMeta; 2 spec PodSpec; 3 status PodStatus',
  PodSpec:
    '1 volumes []Volume; 20 initContainers []Container; 2 containers []Container; 3 restartPolicy s; 4 terminationGracePeriodSeconds i64?; 5 activeDeadlineSeconds i64?; 6 dnsPolicy s; 7 nodeSelector map:s; 8 serviceAccountName s; 9 serviceAccount s; 21 automountServiceAccountToken bool?; 10 nodeName s; 11 hostNetwork bool; 12 hostPID bool; 13 hostIPC bool; 27 shareProcessNamespace bool?; 14 securityContext PodSecurityContext?; 15 imagePullSecrets []LocalObjectReference; 16 hostname s; 17 subdomain s; 18 affinity Affinity?; 19 schedulerName s; 22 tolerations []Toleration; 23 hostAliases []HostAlias; 24 priorityClassName s; 25 priority i32?; 26 dnsConfig PodDNSConfig?; 28 readinessGates []PodReadinessGate; 29 runtimeClassName s?; 30 enableServiceLinks bool?; 31 preemptionPolicy s?; 32 overhead map:Quantity; 33 topologySpreadConstraints []TopologySpreadConstraint; 35 setHostnameAsFQDN bool?; 36 os PodOS?; 37 hostUsers bool?; 38 schedulingGates []PodSchedulingGate; 40 resources ResourceRequirements?; 41 hostnameOverride s?',
  Container:
    '1 name s; 2 image s; 3 command []s; 4 args []s; 5 workingDir s; 6 ports []ContainerPort; 19 envFrom []EnvFromSource; 7 env []EnvVar; 8 resources ResourceRequirements; 23 resizePolicy []ContainerResizePolicy; 24 restartPolicy s?; 9 volumeMounts []VolumeMount; 10 livenessProbe Probe?; 11 readinessProbe Probe?; 22 startupProbe Probe?; 12 lifecycle Lifecycle?; 13 terminationMessagePath s; 20 terminationMessagePolicy s; 14 imagePullPolicy s; 15 securityContext SecurityContext?; 16 stdin bool; 17 stdinOnce bool; 18 tty bool',
  ContainerPort: '1 name s; 2 hostPort i32; 3 containerPort i32; 4 protocol s; 5 hostIP s',
  ContainerResizePolicy: '1 resourceName s; 2 restartPolicy s',
  EnvVar: '1 name s; 2 value s; 3 valueFrom EnvVarSource?',
  EnvVarSource: '1 fieldRef ObjectFieldSelector?; 2 resourceFieldRef ResourceFieldSelector?; 3 configMapKeyRef ConfigMapKeySelector?; 4 secretKeyRef SecretKeySelector?',
  ObjectFieldSelector: '1 apiVersion s; 2 fieldPath s',
  ResourceFieldSelector: '1 containerName s; 2 resource s; 3 divisor Quantity',
  ConfigMapKeySelector: '1 * LocalObjectReference; 2 key s; 3 optional bool?',
  SecretKeySelector: '1 * LocalObjectReference; 2 key s; 3 optional bool?',
  EnvFromSource: '1 prefix s; 2 configMapRef ConfigMapEnvSource?; 3 secretRef SecretEnvSource?',
  ConfigMapEnvSource: '1 * LocalObjectReference; 2 optional bool?',
  SecretEnvSource: '1 * LocalObjectReference; 2 optional bool?',
  LocalObjectReference: '1 name s',
  ResourceRequirements: '1 limits map:Quantity; 2 requests map:Quantity; 3 claims []ResourceClaim',
  ResourceClaim: '1 name s; 2 request s',
  VolumeMount: '1 name s; 2 readOnly bool; 7 recursiveReadOnly s?; 3 mountPath s; 4 subPath s; 5 mountPropagation s?; 6 subPathExpr s',
  Probe: '1 * ProbeHandler; 2 initialDelaySeconds i32; 3 timeoutSeconds i32; 4 periodSeconds i32; 5 successThreshold i32; 6 failureThreshold i32; 7 terminationGracePeriodSeconds i64?',
  ProbeHandler: '1 exec ExecAction?; 2 httpGet HTTPGetAction?; 3 tcpSocket TCPSocketAction?; 4 grpc GRPCAction?',
  ExecAction: '1 command []s',
  HTTPGetAction: '1 path s; 2 port IntOrString; 3 host s; 4 scheme s; 5 httpHeaders []HTTPHeader',
  HTTPHeader: '1 name s; 2 value s',
  TCPSocketAction: '1 port IntOrString; 2 host s',
  GRPCAction: '1 port i32; 2 service s?',
  Lifecycle: '1 postStart LifecycleHandler?; 2 preStop LifecycleHandler?; 3 stopSignal s?',
  LifecycleHandler: '1 exec ExecAction?; 2 httpGet HTTPGetAction?; 3 tcpSocket TCPSocketAction?; 4 sleep SleepAction?',
  SleepAction: '1 seconds i64',
  SecurityContext:
    '1 capabilities Capabilities?; 2 privileged bool?; 3 seLinuxOptions SELinuxOptions?; 4 runAsUser i64?; 8 runAsGroup i64?; 5 runAsNonRoot bool?; 6 readOnlyRootFilesystem bool?; 7 allowPrivilegeEscalation bool?; 9 procMount s?; 11 seccompProfile SeccompProfile?; 12 appArmorProfile AppArmorProfile?',
  Capabilities: '1 add []s; 2 drop []s',
  SELinuxOptions: '1 user s; 2 role s; 3 type s; 4 level s',
  SeccompProfile: '1 type s; 2 localhostProfile s?',
  AppArmorProfile: '1 type s; 2 localhostProfile s?',
  PodSecurityContext:
    '1 seLinuxOptions SELinuxOptions?; 2 runAsUser i64?; 6 runAsGroup i64?; 3 runAsNonRoot bool?; 4 supplementalGroups []i64; 12 supplementalGroupsPolicy s?; 5 fsGroup i64?; 7 sysctls []Sysctl; 9 fsGroupChangePolicy s?; 10 seccompProfile SeccompProfile?; 11 appArmorProfile AppArmorProfile?; 13 seLinuxChangePolicy s?',
  Sysctl: '1 name s; 2 value s',
  Affinity: '1 nodeAffinity NodeAffinity?; 2 podAffinity PodAffinity?; 3 podAntiAffinity PodAntiAffinity?',
  NodeAffinity: '1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector?; 2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  NodeSelector: '1 nodeSelectorTerms []NodeSelectorTerm',
  NodeSelectorTerm: '1 matchExpressions []NodeSelectorRequirement; 2 matchFields []NodeSelectorRequirement',
  NodeSelectorRequirement: '1 key s; 2 operator s; 3 values []s',
  PreferredSchedulingTerm: '1 weight i32; 2 preference NodeSelectorTerm',
  PodAffinity: '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAntiAffinity: '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAffinityTerm: '1 labelSelector LabelSelector?; 2 namespaces []s; 3 topologyKey s; 4 namespaceSelector LabelSelector?; 5 matchLabelKeys []s; 6 mismatchLabelKeys []s',
  WeightedPodAffinityTerm: '1 weight i32; 2 podAffinityTerm PodAffinityTerm',
  Toleration: '1 key s; 2 operator s; 3 value s; 4 effect s; 5 tolerationSeconds i64?',
  HostAlias: '1 ip s; 2 hostnames []s',
  PodDNSConfig: '1 nameservers []s; 2 searches []s; 3 options []PodDNSConfigOption',
  PodDNSConfigOption: '1 name s; 2 value s?',
  PodReadinessGate: '1 conditionType s',
  TopologySpreadConstraint: '1 maxSkew i32; 2 topologyKey s; 3 whenUnsatisfiable s; 4 labelSelector LabelSelector?; 5 minDomains i32?; 6 nodeAffinityPolicy s?; 7 nodeTaintsPolicy s?; 8 matchLabelKeys []s',
  PodOS: '1 name s',
  PodSchedulingGate: '1 name s',
  Volume: '1 name s; 2 * VolumeSource',
  VolumeSource:
    '1 hostPath HostPathVolumeSource?; 2 emptyDir EmptyDirVolumeSource?; 6 secret SecretVolumeSource?; 10 persistentVolumeClaim PersistentVolumeClaimVolumeSource?; 16 downwardAPI DownwardAPIVolumeSource?; 19 configMap ConfigMapVolumeSource?; 26 projected ProjectedVolumeSource?',
  HostPathVolumeSource: '1 path s; 2 type s?',
  EmptyDirVolumeSource: '1 medium s; 2 sizeLimit Quantity?',
  SecretVolumeSource: '1 secretName s; 2 items []KeyToPath; 3 defaultMode i32?; 4 optional bool?',
  ConfigMapVolumeSource: '1 * LocalObjectReference; 2 items []KeyToPath; 3 defaultMode i32?; 4 optional bool?',
  KeyToPath: '1 key s; 2 path s; 3 mode i32?',
  PersistentVolumeClaimVolumeSource: '1 claimName s; 2 readOnly bool',
  DownwardAPIVolumeSource: '1 items []DownwardAPIVolumeFile; 2 defaultMode i32?',
  DownwardAPIVolumeFile: '1 path s; 2 fieldRef ObjectFieldSelector?; 3 resourceFieldRef ResourceFieldSelector?; 4 mode i32?',
  ProjectedVolumeSource: '1 sources []VolumeProjection; 2 defaultMode i32?',
  VolumeProjection: '1 secret SecretProjection?; 2 downwardAPI DownwardAPIProjection?; 3 configMap ConfigMapProjection?; 4 serviceAccountToken ServiceAccountTokenProjection?',
  SecretProjection: '1 * LocalObjectReference; 2 items []KeyToPath; 4 optional bool?',
  ConfigMapProjection: '1 * LocalObjectReference; 2 items []KeyToPath; 4 optional bool?',
  DownwardAPIProjection: '1 items []DownwardAPIVolumeFile',
  ServiceAccountTokenProjection: '1 audience s; 2 expirationSeconds i64?; 3 path s',
  PodStatus:
    '17 observedGeneration i64; 1 phase s; 2 conditions []PodCondition; 3 message s; 4 reason s; 11 nominatedNodeName s; 5 hostIP s; 16 hostIPs []HostIP; 6 podIP s; 12 podIPs []PodIP; 7 startTime Time; 10 initContainerStatuses []ContainerStatus; 8 containerStatuses []ContainerStatus; 9 qosClass s; 14 resize s',
  PodCondition: '1 type s; 7 observedGeneration i64; 2 status s; 3 lastProbeTime Time; 4 lastTransitionTime Time; 5 reason s; 6 message s',
  HostIP: '1 ip s',
  PodIP: '1 ip s',
  ContainerStatus:
    '1 name s; 2 state ContainerState; 3 lastState ContainerState; 4 ready bool; 5 restartCount i32; 6 image s; 7 imageID s; 8 containerID s; 9 started bool?; 10 allocatedResources map:Quantity; 11 resources ResourceRequirements?; 12 volumeMounts []VolumeMountStatus; 15 stopSignal s?',
  ContainerState: '1 waiting ContainerStateWaiting?; 2 running ContainerStateRunning?; 3 terminated ContainerStateTerminated?',
  ContainerStateWaiting: '1 reason s; 2 message s',
  ContainerStateRunning: '1 startedAt Time',
  ContainerStateTerminated: '1 exitCode i32; 2 signal i32; 3 reason s; 4 message s; 5 startedAt Time; 6 finishedAt Time; 7 containerID s',
  VolumeMountStatus: '1 name s; 2 mountPath s; 3 readOnly bool; 4 recursiveReadOnly s?',

  // core/v1: Event
  Event:
    '1 metadata ObjectMeta; 2 involvedObject ObjectReference; 3 reason s; 4 message s; 5 source EventSource; 6 firstTimestamp Time; 7 lastTimestamp Time; 8 count i32; 9 type s; 10 eventTime MicroTime; 11 series EventSeries?; 12 action s; 13 related ObjectReference?; 14 reportingComponent s; 15 reportingInstance s',
  ObjectReference: '1 kind s; 2 namespace s; 3 name s; 4 uid s; 5 apiVersion s; 6 resourceVersion s; 7 fieldPath s',
  EventSource: '1 component s; 2 host s',
  EventSeries: '1 count i32; 2 lastObservedTime MicroTime',

  // core/v1: configuration and identity
  ConfigMap: '1 metadata ObjectMeta; 4 immutable bool?; 2 data map:s; 3 binaryData map:bytes',
  Secret: '1 metadata ObjectMeta; 5 immutable bool?; 2 data map:bytes; 4 stringData map:s; 3 type s',
  ServiceAccount: '1 metadata ObjectMeta; 2 secrets []ObjectReference; 3 imagePullSecrets []LocalObjectReference; 4 automountServiceAccountToken bool?',

  // core/v1: Service and Endpoints
  Service: '1 metadata ObjectMeta; 2 spec ServiceSpec; 3 status ServiceStatus',
  ServiceSpec:
    '1 ports []ServicePort; 2 selector map:s; 3 clusterIP s; 18 clusterIPs []s; 4 type s; 5 externalIPs []s; 7 sessionAffinity s; 8 loadBalancerIP s; 9 loadBalancerSourceRanges []s; 10 externalName s; 11 externalTrafficPolicy s; 12 healthCheckNodePort i32; 13 publishNotReadyAddresses bool; 14 sessionAffinityConfig SessionAffinityConfig?; 19 ipFamilies []s; 17 ipFamilyPolicy s?; 20 allocateLoadBalancerNodePorts bool?; 21 loadBalancerClass s?; 22 internalTrafficPolicy s?; 23 trafficDistribution s?',
  ServicePort: '1 name s; 2 protocol s; 6 appProtocol s?; 3 port i32; 4 targetPort IntOrString; 5 nodePort i32',
  SessionAffinityConfig: '1 clientIP ClientIPConfig?',
  ClientIPConfig: '1 timeoutSeconds i32?',
  ServiceStatus: '1 loadBalancer LoadBalancerStatus; 2 conditions []Condition',
  LoadBalancerStatus: '1 ingress []LoadBalancerIngress',
  LoadBalancerIngress: '1 ip s; 2 hostname s; 3 ipMode s?; 4 ports []PortStatus',
  PortStatus: '1 port i32; 2 protocol s; 3 error s?',
  Endpoints: '1 metadata ObjectMeta; 2 subsets []EndpointSubset',
  EndpointSubset: '1 addresses []EndpointAddress; 2 notReadyAddresses []EndpointAddress; 3 ports []EndpointPort',
  EndpointAddress: '1 ip s; 3 hostname s; 4 nodeName s?; 2 targetRef ObjectReference?',
  EndpointPort: '1 name s; 2 port i32; 3 protocol s; 4 appProtocol s?',
};

/** The top-level objects the simulator speaks protobuf for, by apiVersion and kind; each has a `<Kind>List`. */
const TOP_LEVEL: Record<string, string[]> = {
  v1: ['Namespace', 'Node', 'Pod', 'Event', 'ConfigMap', 'Secret', 'ServiceAccount', 'Service', 'Endpoints'],
};

export const SCALARS = ['s', 'i32', 'i64', 'bool', 'bytes'] as const;
export const SPECIALS = ['Time', 'MicroTime', 'Quantity', 'IntOrString', 'FieldsV1', 'RawExtension'] as const;
export type ScalarType = (typeof SCALARS)[number];
export type SpecialType = (typeof SPECIALS)[number];

export interface FieldSpec {
  number: number;
  /** The JSON property; undefined for an embedded struct whose fields are inline. */
  json?: string;
  type: string;
  repeated: boolean;
  map: boolean;
  pointer: boolean;
}

export interface MessageSpec {
  name: string;
  fields: FieldSpec[];
  byNumber: Map<number, FieldSpec>;
}

function parseMessage(name: string, text: string): MessageSpec {
  const fields: FieldSpec[] = [];
  for (const entry of text.split(';').map((e) => e.trim()).filter(Boolean)) {
    const [num, json, rawType] = entry.split(/\s+/);
    if (!num || !json || !rawType) throw new Error(`protobuf schema ${name}: bad entry "${entry}"`);
    let type = rawType;
    const pointer = type.endsWith('?');
    if (pointer) type = type.slice(0, -1);
    const repeated = type.startsWith('[]');
    if (repeated) type = type.slice(2);
    const map = type.startsWith('map:');
    if (map) type = type.slice(4);
    fields.push({ number: Number(num), json: json === '*' ? undefined : json, type, repeated, map, pointer });
  }
  return { name, fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
}

const parsed = new Map<string, MessageSpec>(Object.entries(MESSAGES).map(([name, text]) => [name, parseMessage(name, text)]));
for (const kinds of Object.values(TOP_LEVEL)) {
  for (const kind of kinds) parsed.set(`${kind}List`, parseMessage(`${kind}List`, `1 metadata ListMeta; 2 items []${kind}`));
}

export function isScalar(type: string): type is ScalarType {
  return (SCALARS as readonly string[]).includes(type);
}

export function isSpecial(type: string): type is SpecialType {
  return (SPECIALS as readonly string[]).includes(type);
}

export function messageSpec(name: string): MessageSpec {
  const spec = parsed.get(name);
  if (!spec) throw new Error(`protobuf schema: no message ${name}`);
  return spec;
}

/**
 * The message for a top-level object: a built-in kind (or its list) of this table, or one of the
 * meta types every group version carries (Status, DeleteOptions). Undefined when burn sim does
 * not know the type in protobuf.
 */
export function topLevelMessage(apiVersion: string, kind: string): MessageSpec | undefined {
  if (kind === 'Status' || kind === 'DeleteOptions' || kind === 'WatchEvent') return parsed.get(kind);
  const kinds = TOP_LEVEL[apiVersion];
  if (!kinds) return undefined;
  const base = kind.endsWith('List') ? kind.slice(0, -4) : kind;
  return kinds.includes(base) ? parsed.get(kind) : undefined;
}

/** Every message name, for the schema's own consistency test. */
export function messageNames(): string[] {
  return [...parsed.keys()];
}
