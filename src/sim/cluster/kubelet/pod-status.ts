import { fnv1a } from '../../../shared/random.js';
import { rfc3339 } from '../time.js';

/**
 * Pod status pieces as the kubelet writes them: conditions in the kubelet's order with
 * lastTransitionTime kept while a condition's status stays the same, and container statuses.
 */

export type ConditionType = 'PodReadyToStartContainers' | 'Initialized' | 'Ready' | 'ContainersReady' | 'PodScheduled';

const ORDER: ConditionType[] = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

export interface PodCondition {
  type: string;
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastProbeTime: null;
  lastTransitionTime: string;
}

export interface ConditionChange {
  status: 'True' | 'False';
  reason?: string;
  message?: string;
}

/**
 * Applies condition changes at `atMs`; returns the new list and the types that turned True now
 * (the transitions to record as ground truth).
 */
export function applyConditions(current: PodCondition[] | undefined, changes: Partial<Record<ConditionType, ConditionChange>>, atMs: number): { conditions: PodCondition[]; turnedTrue: ConditionType[] } {
  const byType = new Map<string, PodCondition>((current ?? []).map((c) => [c.type, c]));
  const turnedTrue: ConditionType[] = [];
  for (const type of ORDER) {
    const change = changes[type];
    if (!change) continue;
    const before = byType.get(type);
    const transitioned = before?.status !== change.status;
    if (transitioned && change.status === 'True') turnedTrue.push(type);
    const next: PodCondition = { type, status: change.status, lastProbeTime: null, lastTransitionTime: transitioned ? rfc3339(atMs) : before!.lastTransitionTime };
    if (change.reason) next.reason = change.reason;
    if (change.message) next.message = change.message;
    byType.set(type, next);
  }
  const known = ORDER.filter((t) => byType.has(t)).map((t) => byType.get(t)!);
  const others = [...byType.values()].filter((c) => !ORDER.includes(c.type as ConditionType));
  return { conditions: [...known, ...others], turnedTrue };
}

export interface ContainerSpec {
  name: string;
  image: string;
}

export type ContainerState =
  | { waiting: { reason: string; message?: string } }
  | { running: { startedAt: string } }
  | { terminated: { exitCode: number; reason: string; startedAt: string; finishedAt: string } };

export function containerStatuses(
  containers: ContainerSpec[],
  state: ContainerState,
  flags: { ready: boolean; started: boolean },
  ids?: Map<string, string>,
): Array<Record<string, unknown>> {
  return containers.map((c) => {
    const status: Record<string, unknown> = {
      name: c.name,
      state,
      lastState: {},
      ready: flags.ready,
      restartCount: 0,
      image: c.image,
      imageID: '',
      started: flags.started,
    };
    const id = ids?.get(c.name);
    if (id) {
      status.containerID = id;
      status.imageID = imageId(c.image);
    }
    return status;
  });
}

/** A stable digest-like id for an image ("docker.io/library/nginx@sha256:..."). */
export function imageId(image: string): string {
  const slash = image.indexOf('/');
  const repo = image.split('@')[0]!.replace(/:[^/:]*$/, '');
  const full = slash < 0 ? `docker.io/library/${repo}` : repo.split('/')[0]!.includes('.') ? repo : `docker.io/${repo}`;
  return `${full}@sha256:${hex64(image)}`;
}

/** A deterministic 64-hex-digit string derived from text (FNV-1a, stretched). */
export function hex64(text: string): string {
  let out = '';
  let h = 0x811c9dc5;
  for (let round = 0; out.length < 64; round++) {
    h = Math.imul(fnv1a(text, h) ^ round, 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out.slice(0, 64);
}
