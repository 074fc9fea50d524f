import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';

/**
 * The labels that tie every object burn creates to its run, so gc, waits and measurements select
 * exactly this run's objects (DESIGN.md conventions). kube-burner's own labels go beside them, with
 * kube-burner's values, so kube-burner configs that select by them find burn's objects.
 */
export const LABEL = {
  uuid: 'burn.dev/uuid',
  runId: 'burn.dev/runid',
  job: 'burn.dev/job',
  iteration: 'burn.dev/iteration',
  replica: 'burn.dev/replica',
} as const;

export interface ObjectIdentity {
  uuid: string;
  runId: string;
  job: string;
  iteration: number;
  replica: number;
  /**
   * kube-burner.io/index: the object's position among the job's objects as kube-burner numbers
   * them, each document of a multi-document template counting as one, objects with no replicas
   * not counted.
   */
  index: number;
  /** kube-burner.io/group: the object's group id, 0 when it has none. */
  group: number;
}

export function burnLabels(id: ObjectIdentity): Record<string, string> {
  return {
    [LABEL.uuid]: id.uuid,
    [LABEL.runId]: id.runId,
    [LABEL.job]: id.job,
    [LABEL.iteration]: String(id.iteration),
    [LABEL.replica]: String(id.replica),
  };
}

/** The labels kube-burner v2 puts on each object a create job makes, with its values. */
export function kubeBurnerLabels(id: ObjectIdentity): Record<string, string> {
  return {
    [KUBE_BURNER_LABEL.uuid]: id.uuid,
    [KUBE_BURNER_LABEL.job]: id.job,
    [KUBE_BURNER_LABEL.index]: String(id.index),
    [KUBE_BURNER_LABEL.runId]: id.runId,
    [KUBE_BURNER_LABEL.jobIteration]: String(id.iteration),
    [KUBE_BURNER_LABEL.replica]: String(id.replica),
    [KUBE_BURNER_LABEL.group]: String(id.group),
  };
}

/**
 * A namespace a job creates: kube-burner's job, uuid and runid labels, which the job's
 * namespaceLabels may override (as in kube-burner), then burn's own, which nothing overrides.
 */
export function namespaceLabels(run: { uuid: string; runId: string; job: string }, userLabels: Record<string, string>): Record<string, string> {
  return {
    [KUBE_BURNER_LABEL.job]: run.job,
    [KUBE_BURNER_LABEL.uuid]: run.uuid,
    [KUBE_BURNER_LABEL.runId]: run.runId,
    ...userLabels,
    [LABEL.uuid]: run.uuid,
    [LABEL.runId]: run.runId,
    [LABEL.job]: run.job,
  };
}

type Path = readonly string[];
const POD_TEMPLATE: Path = ['spec', 'template', 'metadata', 'labels'];

/** Where workload controllers keep the pod template their pods are made from: burn's labels go there. */
const BURN_CHILD_PATHS: Record<string, Path[]> = {
  Deployment: [POD_TEMPLATE],
  ReplicaSet: [POD_TEMPLATE],
  ReplicationController: [POD_TEMPLATE],
  StatefulSet: [POD_TEMPLATE],
  DaemonSet: [POD_TEMPLATE],
  Job: [POD_TEMPLATE],
  CronJob: [['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels']],
};

/**
 * Where kube-burner copies its labels below the object: the pod templates of these four kinds
 * only (not Jobs, CronJobs or ReplicationControllers), and a StatefulSet's selector too.
 */
const KUBE_BURNER_CHILD_PATHS: Record<string, Path[]> = {
  Deployment: [POD_TEMPLATE],
  ReplicaSet: [POD_TEMPLATE],
  DaemonSet: [POD_TEMPLATE],
  StatefulSet: [POD_TEMPLATE, ['spec', 'selector', 'matchLabels']],
};

type Json = Record<string, unknown>;

/** The map at `path` (labels or matchLabels), created where the parents exist or can be made. */
function mapAt(holder: Json, path: Path): Record<string, string> {
  let node = holder;
  for (const key of path) {
    const next = node[key];
    node = (next && typeof next === 'object' && !Array.isArray(next) ? next : (node[key] = {})) as Json;
  }
  return node as Record<string, string>;
}

/** The labels map of an object's metadata, created when missing. */
function topLabels(obj: Json): Record<string, string> {
  return mapAt(obj, ['metadata', 'labels']);
}

/** Puts burn-owned labels on the object and on the pod template of a workload controller. */
export function applyLabels(obj: Json, labels: Record<string, string>): void {
  Object.assign(topLabels(obj), labels);
  for (const path of BURN_CHILD_PATHS[String(obj.kind)] ?? []) {
    const parent = path.slice(0, -2);
    let node: unknown = obj;
    for (const key of parent) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
    if (node && typeof node === 'object') Object.assign(mapAt(node as Json, path.slice(-2)), labels);
  }
}

/**
 * Labels one object a create job made, as kube-burner does and with burn's labels beside:
 * kube-burner's labels yield to the template's own (kube-burner lets a template override them),
 * burn's labels override everything. Controllers' pod templates (kube-burner's four kinds) get
 * every label the object ended up with (its template's own and kube-burner's), over the pod
 * template's labels of the same keys and created where missing, as kube-burner does (seen side by
 * side: a Deployment labelled `team: a` has pods labelled `team: a` under kube-burner).
 */
export function labelObject(obj: Json, id: ObjectIdentity): void {
  const own = topLabels(obj);
  const kubeBurner = kubeBurnerLabels(id);
  for (const key of Object.keys(kubeBurner)) if (key in own) kubeBurner[key] = own[key]!;
  Object.assign(own, kubeBurner);
  const objectLabels = { ...own };
  for (const path of KUBE_BURNER_CHILD_PATHS[String(obj.kind)] ?? []) Object.assign(mapAt(obj, path), objectLabels);
  applyLabels(obj, burnLabels(id));
}

/** `burn.dev/uuid=<uuid>[,burn.dev/job=<job>]` */
export function runSelector(uuid: string, job?: string): string {
  return job === undefined ? `${LABEL.uuid}=${uuid}` : `${LABEL.uuid}=${uuid},${LABEL.job}=${job}`;
}

/** kube-burner's selector of one object of a job of a run (its verifyObjects lists by it). */
export function kubeBurnerObjectSelector(id: Pick<ObjectIdentity, 'uuid' | 'runId' | 'job' | 'index'>): string {
  return [
    `${KUBE_BURNER_LABEL.uuid}=${id.uuid}`,
    `${KUBE_BURNER_LABEL.runId}=${id.runId}`,
    `${KUBE_BURNER_LABEL.job}=${id.job}`,
    `${KUBE_BURNER_LABEL.index}=${id.index}`,
  ].join(',');
}

/** `kube-burner.io/job=<job>`: what kube-burner's cleanup and gc of a job select, whatever the run. */
export function kubeBurnerJobSelector(job: string): string {
  return `${KUBE_BURNER_LABEL.job}=${job}`;
}
