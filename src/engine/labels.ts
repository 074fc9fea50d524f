/**
 * The labels that tie every object burn creates to its run, so gc, waits and measurements select
 * exactly this run's objects (DESIGN.md conventions).
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

/** Where workload controllers keep the pod template their pods are made from. */
const POD_TEMPLATE_PATHS: Record<string, string[][]> = {
  Deployment: [['spec', 'template']],
  ReplicaSet: [['spec', 'template']],
  ReplicationController: [['spec', 'template']],
  StatefulSet: [['spec', 'template']],
  DaemonSet: [['spec', 'template']],
  Job: [['spec', 'template']],
  CronJob: [['spec', 'jobTemplate', 'spec', 'template']],
};

type Json = Record<string, unknown>;

function labelsOf(holder: Json): Record<string, string> {
  const metadata = (holder.metadata ??= {}) as Json;
  return (metadata.labels ??= {}) as Record<string, string>;
}

/** Puts the labels on the object and on the pod template of a workload controller. */
export function applyLabels(obj: Json, labels: Record<string, string>): void {
  Object.assign(labelsOf(obj), labels);
  for (const path of POD_TEMPLATE_PATHS[String(obj.kind)] ?? []) {
    let node: unknown = obj;
    for (const key of path) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
    if (node && typeof node === 'object') Object.assign(labelsOf(node as Json), labels);
  }
}

/** `burn.dev/uuid=<uuid>[,burn.dev/job=<job>]` */
export function runSelector(uuid: string, job?: string): string {
  return job === undefined ? `${LABEL.uuid}=${uuid}` : `${LABEL.uuid}=${uuid},${LABEL.job}=${job}`;
}
