/**
 * The deployment controller's replica arithmetic, apart from any I/O: how many replicas each
 * ReplicaSet should have next, for the RollingUpdate and Recreate strategies.
 */

export interface ReplicaSetView {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  available: number;
  /** Pods it may have right now: spec.replicas or status.replicas, whichever is larger. */
  current: number;
}

/** New spec.replicas per ReplicaSet name (only the ones that change). */
export type ScalePlan = Map<string, number>;

/**
 * One step of a rolling update: scale the new ReplicaSet up within maxSurge; otherwise scale old
 * ones down (their unhealthy replicas first, oldest first) while keeping maxUnavailable.
 * `olds` must be ordered oldest first.
 */
export function rollingStep(desired: number, maxSurge: number, maxUnavailable: number, newRs: ReplicaSetView, olds: ReplicaSetView[]): ScalePlan {
  const plan: ScalePlan = new Map();
  if (olds.every((o) => o.current === 0)) {
    if (newRs.replicas !== desired) plan.set(newRs.name, desired);
    return plan;
  }
  // Surge is judged on the pods that may exist now, not only on the specs, since the replicaset
  // controller scales old sets down a reaction time after the deployment controller asks.
  const total = newRs.current + olds.reduce((n, o) => n + o.current, 0);
  if (newRs.replicas > desired) {
    plan.set(newRs.name, desired);
    return plan;
  }
  if (newRs.replicas < desired && total < desired + maxSurge) {
    plan.set(newRs.name, newRs.replicas + Math.min(desired + maxSurge - total, desired - newRs.replicas));
    return plan;
  }
  const minAvailable = desired - maxUnavailable;
  const newUnavailable = Math.max(0, newRs.replicas - newRs.available);
  const specTotal = newRs.replicas + olds.reduce((n, o) => n + o.replicas, 0);
  const maxScaledDown = specTotal - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return plan;
  const next = new Map(olds.map((o) => [o.name, o.replicas]));
  let cleaned = 0;
  for (const old of olds) {
    if (cleaned >= maxScaledDown) break;
    const unhealthy = old.replicas - old.available;
    if (unhealthy <= 0) continue;
    const n = Math.min(unhealthy, maxScaledDown - cleaned);
    next.set(old.name, old.replicas - n);
    cleaned += n;
  }
  const available = newRs.available + olds.reduce((n, o) => n + Math.min(o.available, next.get(o.name)!), 0);
  let toScaleDown = Math.min(available - minAvailable, maxScaledDown - cleaned);
  for (const old of olds) {
    if (toScaleDown <= 0) break;
    const current = next.get(old.name)!;
    const n = Math.min(current, toScaleDown);
    next.set(old.name, current - n);
    toScaleDown -= n;
  }
  for (const old of olds) if (next.get(old.name) !== old.replicas) plan.set(old.name, next.get(old.name)!);
  return plan;
}

/** Recreate: old ReplicaSets to zero, and the new one up only once no old pod is left. */
export function recreateStep(desired: number, newRs: ReplicaSetView, olds: ReplicaSetView[], oldPodsLeft: number): ScalePlan {
  const plan: ScalePlan = new Map();
  for (const old of olds) if (old.replicas !== 0) plan.set(old.name, 0);
  if (plan.size || oldPodsLeft > 0) return plan;
  if (newRs.replicas !== desired) plan.set(newRs.name, desired);
  return plan;
}
