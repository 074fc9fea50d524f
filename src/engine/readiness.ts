/**
 * When an object burn created counts as ready, per kind, as kube-burner's waiters judge it.
 * Kinds without a rule are ready once created.
 */
import { parseStatusPath } from '../shared/status-path.js';

type Json = Record<string, any>;

const num = (v: unknown, fallback = 0): number => (typeof v === 'number' ? v : fallback);

const RULES: Record<string, (obj: Json) => boolean> = {
  Deployment: (o) => {
    const want = num(o.spec?.replicas, 1);
    const s = o.status ?? {};
    return num(s.observedGeneration) >= num(o.metadata?.generation) && num(s.updatedReplicas) >= want && num(s.availableReplicas) >= want && num(s.replicas) <= want;
  },
  ReplicaSet: (o) => num(o.status?.readyReplicas) >= num(o.spec?.replicas, 1),
  ReplicationController: (o) => num(o.status?.readyReplicas) >= num(o.spec?.replicas, 1),
  StatefulSet: (o) => num(o.status?.readyReplicas) >= num(o.spec?.replicas, 1),
  DaemonSet: (o) => {
    const s = o.status ?? {};
    return num(s.desiredNumberScheduled) > 0 && num(s.numberReady) >= num(s.desiredNumberScheduled) && num(s.updatedNumberScheduled) >= num(s.desiredNumberScheduled);
  },
  Job: (o) => num(o.status?.succeeded) >= num(o.spec?.completions, 1),
  Pod: (o) => o.status?.phase === 'Succeeded' || (o.status?.conditions ?? []).some((c: Json) => c.type === 'Ready' && c.status === 'True'),
  PersistentVolumeClaim: (o) => o.status?.phase === 'Bound',
  VolumeSnapshot: (o) => String(o.status?.readyToUse).toLowerCase() === 'true',
};

export function waitsForKind(kind: string): boolean {
  return kind in RULES;
}

export interface StatusCheck {
  key: string;
  value: string;
}

export { evaluateStatusPath } from '../shared/status-path.js';

/**
 * The readiness test for objects of one kind, or undefined when burn does not wait for the kind.
 * With customStatusPaths (an object's waitOptions), every path must give its value, as kube-burner's
 * verifyCondition requires; they replace the kind's own rule.
 */
export function readinessOf(kind: string, customStatusPaths: readonly StatusCheck[] = []): ((obj: Json) => boolean) | undefined {
  if (customStatusPaths.length) {
    const checks = customStatusPaths.map((c) => ({ evaluate: parseStatusPath(c.key), value: c.value }));
    return (obj) => obj.status !== undefined && checks.every((c) => String(c.evaluate(obj.status)) === c.value);
  }
  return RULES[kind];
}
