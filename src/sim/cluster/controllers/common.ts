import type { KubeObject, OwnerReference, SimStore } from '../../types.js';
import { fnv1a } from '../../../shared/random.js';
import { isTerminal } from '../node-ledger.js';
import { rfc3339 } from '../time.js';

/** Helpers the workload controllers share: owner references, pods from templates, status writes. */

export function controllerRef(obj: KubeObject): OwnerReference | undefined {
  return (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
}

export function ownerRefTo(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name as string, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true };
}

export function isPodReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

/** Counted by controllers as one of theirs: not finished and not on its way out. */
export function isPodActive(pod: KubeObject): boolean {
  return !pod.metadata.deletionTimestamp && !isTerminal(pod);
}

export interface PodOverrides {
  name?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  spec?: Record<string, unknown>;
}

/** A pod as a controller creates it from its pod template, owned by `owner`. */
export function podFromTemplate(owner: KubeObject, template: { metadata?: KubeObject['metadata']; spec?: Record<string, unknown> } | undefined, overrides: PodOverrides): KubeObject {
  const meta = template?.metadata ?? {};
  const pod: KubeObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: owner.metadata.namespace,
      labels: { ...(meta.labels ?? {}), ...(overrides.labels ?? {}) },
      ownerReferences: [ownerRefTo(owner)],
    },
    spec: { ...structuredClone(template?.spec ?? {}), ...(overrides.spec ?? {}) },
  };
  const annotations = { ...(meta.annotations ?? {}), ...(overrides.annotations ?? {}) };
  if (Object.keys(annotations).length) pod.metadata.annotations = annotations;
  if (overrides.name) pod.metadata.name = overrides.name;
  else pod.metadata.generateName = overrides.generateName ?? `${owner.metadata.name}-`;
  return pod;
}

/** Kubernetes omits zero counters (`omitempty`): undefined drops the field in writeStatus. */
export function omitZero(n: number): number | undefined {
  return n === 0 ? undefined : n;
}

/** Replaces `status` fields when they differ; no write (and no event) when nothing changed. */
export function writeStatus(store: SimStore, resource: string, obj: KubeObject, status: Record<string, unknown>): KubeObject | undefined {
  const merge = (current: Record<string, unknown> | undefined) => {
    const next: Record<string, unknown> = { ...(current ?? {}), ...status };
    for (const key of Object.keys(next)) if (next[key] === undefined) delete next[key];
    return next;
  };
  // Compare before mutate: most syncs change nothing, and a no-op mutate still copies the object.
  const current = store.get(resource, obj.metadata.namespace, obj.metadata.name as string);
  if (!current || current.metadata.uid !== obj.metadata.uid) return undefined;
  if (JSON.stringify(merge(current.status)) === JSON.stringify(current.status ?? {})) return undefined;
  return store.mutate(resource, obj.metadata.namespace, obj.metadata.name as string, (o) => {
    if (o.metadata.uid !== obj.metadata.uid) return false;
    o.status = merge(o.status);
  });
}

export interface WorkloadCondition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/**
 * Sets a status condition: lastTransitionTime moves only when the status flips, lastUpdateTime
 * (where the kind has it) when anything changes.
 */
export function setCondition(conditions: WorkloadCondition[] | undefined, next: Omit<WorkloadCondition, 'lastUpdateTime' | 'lastTransitionTime'>, atMs: number, withUpdateTime: boolean): WorkloadCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const before = i >= 0 ? list[i] : undefined;
  if (before && before.status === next.status && before.reason === next.reason && before.message === next.message) return list;
  const at = rfc3339(atMs);
  const condition: WorkloadCondition = { type: next.type, status: next.status } as WorkloadCondition;
  if (withUpdateTime) condition.lastUpdateTime = at;
  condition.lastTransitionTime = before && before.status === next.status ? before.lastTransitionTime : at;
  condition.reason = next.reason;
  condition.message = next.message;
  if (i >= 0) list[i] = condition;
  else list.push(condition);
  return list;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * The pod-template-hash: FNV-1a (32 bit) of the template, written in the apimachinery's
 * vowel-free alphabet so it never spells words ("6dd7747f86"-like, 10 characters at most).
 */
export function templateHash(template: unknown, collisionCount = 0): string {
  const text = stableJson(template) + (collisionCount ? String(collisionCount) : '');
  return [...String(fnv1a(text))].map((d) => SAFE_ALPHABET[d.charCodeAt(0) % SAFE_ALPHABET.length]).join('');
}

/** JSON with object keys sorted, so equal templates hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Resolves an int-or-percent against a total (maxSurge rounds up, maxUnavailable down). */
export function intOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const exact = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  if (typeof value === 'string' && value !== '') return Number(value) || 0;
  return 0;
}
