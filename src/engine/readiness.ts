/**
 * When an object burn created counts as ready, per kind, as kube-burner's waiters judge it.
 * Kinds without a rule are ready once created.
 */
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
};

export function waitsForKind(kind: string): boolean {
  return kind in RULES;
}

export interface StatusCheck {
  key: string;
  value: string;
}

/**
 * kube-burner's customStatusPaths are jq expressions over `.status`. burn evaluates the two shapes
 * they take in practice: a path (`.readyReplicas`, `.a.b`) and a selected list element
 * (`(.conditions.[] | select(.type == "Available")).status`).
 */
export function evaluateStatusPath(status: unknown, expression: string): unknown {
  const selected = /^\(\s*\.([\w.]+?)\.?\[\]\s*\|\s*select\(\s*\.(\w+)\s*==\s*"([^"]*)"\s*\)\s*\)((?:\.\w+)*)$/.exec(expression.trim());
  if (selected) {
    const [, listPath, field, wanted, rest] = selected;
    const list = readPath(status, listPath!);
    const item = Array.isArray(list) ? list.find((e) => e && typeof e === 'object' && String((e as Json)[field!]) === wanted) : undefined;
    return rest ? readPath(item, rest.slice(1)) : item;
  }
  const plain = /^\.([\w.]*)$/.exec(expression.trim());
  if (plain) return plain[1] ? readPath(status, plain[1]) : status;
  throw new Error(`unsupported customStatusPaths expression "${expression}": use ".a.b" or "(.list.[] | select(.field == \\"value\\")).field"`);
}

function readPath(value: unknown, path: string): unknown {
  let node = value;
  for (const key of path.split('.').filter(Boolean)) node = node && typeof node === 'object' ? (node as Json)[key] : undefined;
  return node;
}

/** The readiness test for objects of one kind, or undefined when burn does not wait for the kind. */
export function readinessOf(kind: string, customStatusPaths: StatusCheck[] = []): ((obj: Json) => boolean) | undefined {
  if (customStatusPaths.length) {
    return (obj) => customStatusPaths.every((c) => String(evaluateStatusPath(obj.status, c.key)) === c.value);
  }
  return RULES[kind];
}
