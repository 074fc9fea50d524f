/**
 * The autoscaling/v2 replica calculation of kube-controller-manager's HPA controller, for one
 * resource metric (CPU utilisation of the pods' requests): desired = ceil(current x metric / target),
 * no change within the tolerance (10%); pods not yet ready count as using nothing when scaling up
 * (so a scale-up is not repeated while new pods start), missing metrics count as the target when
 * scaling down; then the behavior: stabilisation windows (the highest recommendation of the
 * scale-down window, the lowest of the scale-up window) and the rate policies per period.
 */

export const TOLERANCE = 0.1;

export interface PodSample {
  /** Millicores used now; undefined when there is no metric for the pod. */
  usage: number | undefined;
  /** Millicores requested (the denominator of utilisation). */
  request: number;
  ready: boolean;
}

export interface ScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

export interface ScalingRules {
  stabilizationWindowSeconds: number;
  selectPolicy: 'Max' | 'Min' | 'Disabled';
  policies: ScalingPolicy[];
}

export interface Behavior {
  scaleUp: ScalingRules;
  scaleDown: ScalingRules;
}

/** kube-controller-manager's defaults: up by the larger of 100% or 4 pods per 15 s, no stabilisation; down by up to 100% per 15 s after 300 s of stabilisation. */
export const DEFAULT_BEHAVIOR: Behavior = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }, { type: 'Pods', value: 4, periodSeconds: 15 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
};

/** The behavior an HPA's spec.behavior asks for, kube-controller-manager's defaults where it says nothing. */
export function behaviorOf(spec: { behavior?: { scaleUp?: Partial<ScalingRules>; scaleDown?: Partial<ScalingRules> } } | undefined): Behavior {
  const rules = (given: Partial<ScalingRules> | undefined, fallback: ScalingRules): ScalingRules => ({
    stabilizationWindowSeconds: given?.stabilizationWindowSeconds ?? fallback.stabilizationWindowSeconds,
    selectPolicy: given?.selectPolicy ?? fallback.selectPolicy,
    policies: given?.policies?.length ? given.policies : fallback.policies,
  });
  return { scaleUp: rules(spec?.behavior?.scaleUp, DEFAULT_BEHAVIOR.scaleUp), scaleDown: rules(spec?.behavior?.scaleDown, DEFAULT_BEHAVIOR.scaleDown) };
}

export interface Recommendation {
  desired: number;
  /** Average utilisation of the ready pods, % of their requests (what status.currentMetrics shows). */
  utilization: number;
}

/** The replica count the metric asks for, before behavior and bounds. */
export function recommend(current: number, pods: PodSample[], targetUtilization: number): Recommendation {
  const measured = pods.filter((p) => p.ready && p.usage !== undefined && p.request > 0);
  if (measured.length === 0) return { desired: current, utilization: 0 };
  const used = measured.reduce((s, p) => s + p.usage!, 0);
  const requested = measured.reduce((s, p) => s + p.request, 0);
  const utilization = (100 * used) / requested;
  const ratio = utilization / targetUtilization;
  if (Math.abs(ratio - 1) <= TOLERANCE) return { desired: current, utilization };
  const unready = pods.filter((p) => !p.ready && p.request > 0);
  const missing = pods.filter((p) => p.ready && p.usage === undefined && p.request > 0);
  if (unready.length === 0 && missing.length === 0) return { desired: Math.ceil(ratio * measured.length), utilization };
  // Conservative: scaling up, the unready and unmeasured pods use nothing; scaling down, the unmeasured use the target.
  let adjustedUsed = used;
  let adjustedRequested = requested;
  for (const p of missing) {
    adjustedRequested += p.request;
    if (ratio < 1) adjustedUsed += (p.request * targetUtilization) / 100;
  }
  if (ratio > 1) for (const p of unready) adjustedRequested += p.request;
  const adjusted = (100 * adjustedUsed) / adjustedRequested / targetUtilization;
  // The adjustment must not reverse the direction, and a change within the tolerance is none.
  if (Math.abs(adjusted - 1) <= TOLERANCE || (ratio > 1 && adjusted < 1) || (ratio < 1 && adjusted > 1)) return { desired: current, utilization };
  const counted = measured.length + missing.length + (ratio > 1 ? unready.length : 0);
  return { desired: Math.ceil(adjusted * counted), utilization };
}

export interface ScaleEvent {
  atMs: number;
  /** Replicas after the change. */
  replicas: number;
  /** Replicas before the change. */
  from: number;
}

/** The most the policies allow from `current` (up) or the fewest (down), given the scale events of their periods. */
function policyLimit(rules: ScalingRules, current: number, events: ScaleEvent[], nowMs: number, up: boolean): number {
  if (rules.selectPolicy === 'Disabled') return current;
  const limits = rules.policies.map((p) => {
    // Replicas at the start of the period: undo the changes made within it.
    const within = events.filter((e) => nowMs - e.atMs < p.periodSeconds * 1000);
    const start = within.length ? within[0]!.from : current;
    if (up) return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
    return p.type === 'Pods' ? start - p.value : Math.ceil(start * (1 - p.value / 100));
  });
  const pick = (up ? rules.selectPolicy === 'Max' : rules.selectPolicy === 'Min') ? Math.max : Math.min;
  return pick(...limits);
}

export interface Decision {
  desired: number;
  /** Why the count is what it is, as the HPA's conditions say it. */
  limitedBy?: 'ScaleUpLimit' | 'ScaleDownLimit' | 'TooManyReplicas' | 'TooFewReplicas' | 'ScaleDownStabilized' | 'ScaleUpStabilized';
}

/**
 * Applies behavior and bounds to a recommendation. `history` holds the recommendations of the
 * largest stabilisation window (the caller adds the current one first), `events` the scale changes
 * of the longest policy period.
 */
export function decide(current: number, recommended: number, behavior: Behavior, history: Array<{ atMs: number; desired: number }>, events: ScaleEvent[], bounds: { min: number; max: number }, nowMs: number): Decision {
  const inWindow = (seconds: number) => history.filter((h) => nowMs - h.atMs <= seconds * 1000).map((h) => h.desired);
  // Scale-down stabilisation: the highest recommendation of the window; scale-up: the lowest.
  const downFloor = Math.max(...inWindow(behavior.scaleDown.stabilizationWindowSeconds), recommended);
  const upCeiling = Math.min(...inWindow(behavior.scaleUp.stabilizationWindowSeconds), recommended);
  let desired = current;
  let limitedBy: Decision['limitedBy'];
  if (recommended > current) {
    desired = Math.max(current, upCeiling);
    if (desired < recommended) limitedBy = 'ScaleUpStabilized';
    const limit = policyLimit(behavior.scaleUp, current, events, nowMs, true);
    if (desired > limit) [desired, limitedBy] = [limit, 'ScaleUpLimit'];
  } else if (recommended < current) {
    desired = Math.min(current, downFloor);
    if (desired > recommended) limitedBy = 'ScaleDownStabilized';
    const limit = policyLimit(behavior.scaleDown, current, events, nowMs, false);
    if (desired < limit) [desired, limitedBy] = [limit, 'ScaleDownLimit'];
  }
  if (desired > bounds.max) [desired, limitedBy] = [bounds.max, 'TooManyReplicas'];
  if (desired < bounds.min) [desired, limitedBy] = [bounds.min, 'TooFewReplicas'];
  return { desired, ...(limitedBy ? { limitedBy } : {}) };
}
