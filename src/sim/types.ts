/**
 * The contract inside the simulator between the API server's object store (src/sim/store.ts,
 * src/sim/server/*) and the cluster behaviour that runs on it (src/sim/cluster/*: controllers,
 * scheduler, fake kubelets). Nothing outside src/sim imports this file.
 */

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object as stored: plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [key: string]: any;
}

/**
 * A resource the simulator serves. `key` identifies it everywhere inside the simulator:
 * the plural resource name for the core group ("pods"), `group/resource` otherwise ("apps/deployments").
 */
export interface ResourceInfo {
  key: string;
  group: string; // "" for core
  version: string;
  resource: string; // plural
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  subresources: string[]; // e.g. ["status", "scale"]
  verbs: string[];
  categories?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: string; // ResourceInfo.key
  object: KubeObject; // a frozen snapshot: never mutate
  /** For MODIFIED: the object before the change (for controllers that compare). */
  previous?: KubeObject;
}

/**
 * The object store behind the API server. Every write gets the next resourceVersion from one
 * cluster-wide counter, like etcd's revision, and is delivered synchronously to listeners in order.
 * Objects handed out are snapshots: callers must not mutate them (use `mutate`).
 * Errors are thrown as `StatusError` (src/sim/status.ts) carrying the real code and reason.
 */
export interface SimStore {
  resources(): ResourceInfo[];
  resource(key: string): ResourceInfo | undefined;
  /** Lookup by kind and apiVersion ("apps/v1", "v1"). */
  resourceForKind(apiVersion: string, kind: string): ResourceInfo | undefined;

  get(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;
  /** All objects of a resource, optionally in one namespace, optionally filtered by labels. */
  list(resource: string, namespace?: string, labels?: Record<string, string>): KubeObject[];
  /** Assigns uid, resourceVersion, creationTimestamp, generation; resolves generateName; 409 AlreadyExists. */
  /** `owned`: the caller made `obj` for this call and keeps no reference to it (it is stored as is, not copied). */
  create(resource: string, obj: KubeObject, owned?: boolean): KubeObject;
  /** Replaces an object; a set resourceVersion that is stale gives 409 Conflict. */
  update(resource: string, obj: KubeObject): KubeObject;
  /**
   * Read-modify-write without conflicts (for the cluster's own controllers). `fn` gets a private
   * copy; returning `false` means no change (no new resourceVersion, no event). Returns the
   * stored result, or undefined when the object does not exist.
   */
  mutate(resource: string, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void | false): KubeObject | undefined;
  /**
   * `mutate` for writers that only set top-level fields or fields of metadata/spec/status (the
   * kubelet's and scheduler's status writes): those four levels are fresh copies, everything deeper
   * is the stored, frozen value (writing into it throws). Skips the deep copy of the whole object.
   */
  mutateShallow(resource: string, namespace: string | undefined, name: string, fn: (obj: KubeObject) => void | false): KubeObject | undefined;
  /**
   * Deletes as the API server does: objects with finalizers or a grace period get a
   * deletionTimestamp (MODIFIED) and stay; others are removed (DELETED). Dependents are handled by
   * the garbage collector in src/sim/cluster, following `propagationPolicy`.
   * As the real apiserver: Orphan adds the finalizer "orphan", Foreground adds "foregroundDeletion"
   * (the GC removes them when done; removing the last finalizer of a deleted object removes it);
   * batch/jobs default to Orphan, everything else to Background. Pods bound to a node get
   * deletionGracePeriodSeconds (spec.terminationGracePeriodSeconds, 30) and stay until a delete with
   * gracePeriodSeconds 0 or `remove`; unbound or finished pods go at once. Namespaces get
   * status.phase Terminating and stay (spec.finalizers ["kubernetes"]) until `remove`d.
   * Creating in a missing namespace throws 404, in a terminating one 403 Forbidden.
   */
  delete(resource: string, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject | undefined;
  /** Removes an object now, whatever its finalizers or grace period (the kubelet's final delete). */
  remove(resource: string, namespace: string | undefined, name: string): KubeObject | undefined;

  /** Subscribe to every change of one resource ('*' for all). Returns the unsubscribe function. */
  on(resource: string, listener: (event: StoreEvent) => void): () => void;
  /** The current cluster-wide resourceVersion. */
  revision(): number;
}

export interface DeleteOptions {
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** A latency distribution given by its median and 99th percentile (log-normal), in milliseconds. */
export interface LatencySpec {
  p50: number;
  p99: number;
}

/** How a priority level queues the requests past its seats (API Priority and Fairness). */
export interface QueuingSpec {
  /** How many queues the priority level has (APF's default: 64). */
  queues: number;
  /** How many of them a flow is dealt (APF's default: 8). */
  handSize: number;
  /** Requests one queue holds (APF's default: 50); 0: no queuing, reject past the seats. */
  queueLengthLimit: number;
  /** Longest wait in a queue before the request is rejected (kube-apiserver: --request-timeout / 4 = 15 s). */
  queueWaitSeconds: number;
}

/** What `--profile NAME|FILE` sets. Every field has a default in the `default` profile. */
export interface SimProfile {
  name: string;
  /** Cluster behaviour. */
  scheduling: LatencySpec; // pod created -> bound to a node
  sandbox: LatencySpec; // bound -> PodReadyToStartContainers (IP assigned)
  imagePull: LatencySpec; // only the first time an image lands on a node
  containerStart: LatencySpec; // -> containers started
  readiness: LatencySpec; // started -> Ready
  podDeletion: LatencySpec; // deletionTimestamp set -> removed by the kubelet
  controllerSync: LatencySpec; // controller reaction time
  jobPodRuntime: LatencySpec; // a Job's pod runs this long before Succeeded
  volumeProvisioning: LatencySpec; // claim annotated for its provisioner -> volume created and claim bound
  volumeResize: LatencySpec; // bound claim asks for more storage -> status.capacity grown
  snapshotReady: LatencySpec; // VolumeSnapshot content created -> readyToUse
  podsPerNode: number; // maxPods, 110
  nodeCpu: string; // allocatable, e.g. "4"
  nodeMemory: string; // e.g. "16Gi"
  podCidrPrefix: number; // 24 -> 254 pod IPs per node (a /24 minus network and broadcast)
  /** Server behaviour. */
  serviceTime: Partial<Record<'get' | 'list' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection' | 'watch', LatencySpec>>;
  /** Seats of the two priority levels (read-only and mutating requests): requests executing at once. */
  maxInflight: { readonly: number; mutating: number };
  /** How each priority level queues the requests past its seats (API Priority and Fairness). */
  flowControl: QueuingSpec;
  faults: {
    /** Fraction (0..1) of non-watch requests answered 429 with Retry-After. */
    throttleRate: number;
    retryAfterSeconds: number;
    /** Fraction (0..1) of non-watch requests answered 500. */
    errorRate: number;
    /**
     * Fraction (0..1) of non-watch requests whose answer is held `stallMs` after the work is done (a
     * write has committed): what a client that times out meanwhile cannot tell from a lost request.
     */
    stallRate: number;
    stallMs: number;
    /** Cut every watch stream after this many ms (0: never). */
    watchCutMs: number;
    /**
     * Every this many ms (0: never), watches are cut off for watchOutageMs: open streams are reset
     * and new ones answered 503, as when something between client and API server drops long-lived
     * connections. Other requests are served.
     */
    watchOutageEveryMs: number;
    watchOutageMs: number;
    /** How many resourceVersions of history watches can resume from; older ones get 410 Gone. */
    watchWindow: number;
    /**
     * CPU (ms) the simulator spends on every API request before answering it, holding its event
     * loop: a simulator starved on purpose, falling behind at a modest qps. Its backlog is the
     * simulator's own delay, not the cluster's latency (burn grades a failure it explains inconclusive).
     */
    cpuMsPerRequest: number;
  };
}

/** Everything the cluster behaviour in src/sim/cluster needs from the server side. */
export interface SimContext {
  store: SimStore;
  profile: SimProfile;
  /** Seeded random numbers in [0, 1). */
  random: () => number;
  /** Draws a delay in ms from a latency spec with the seeded generator. */
  sample: (spec: LatencySpec) => number;
  /** Milliseconds since the epoch, with sub-millisecond precision, from the monotonic clock. */
  now: () => number;
  /** Records a core/v1 Event like the real components do (involvedObject, reason, message, type, source). */
  recordEvent: (involved: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, component: string, fieldPath?: string) => void;
  /** Ground truth: the true time (ms since epoch) of a pod's transition, served at /debug/sim/truth. */
  recordTruth: (pod: KubeObject, transition: PodTransition, atMs: number) => void;
  /** Timers the simulator can cancel all at once when it stops. */
  setTimeout: (fn: () => void, ms: number) => void;
}

export type PodTransition =
  | 'Created'
  | 'PodScheduled'
  | 'PodReadyToStartContainers'
  | 'Initialized'
  | 'ContainersStarted'
  | 'ContainersReady'
  | 'Ready'
  | 'Succeeded'
  | 'Deleted';
