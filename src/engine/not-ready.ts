/**
 * Explains why pods never became ready: groups not-ready pods by what kubectl would show as their
 * status and by the reason the cluster gave (scheduler condition, latest warning event, waiting reason).
 */

export interface PodState {
  namespace: string;
  name: string;
  phase?: string;
  deleting?: boolean;
  /** PodScheduled=False message from the scheduler, e.g. "0/3 nodes are available: 3 Too many pods." */
  unschedulableMessage?: string;
  /** First waiting container's reason and message, e.g. ContainerCreating, ImagePullBackOff. */
  waitingReason?: string;
  waitingMessage?: string;
  /** The Ready condition's reason and message when it is False (e.g. a node that went NotReady). */
  readyFalse?: string;
  ready: boolean;
}

export interface WarningEvent {
  namespace: string;
  podName: string;
  reason: string;
  message: string;
  /** ms since epoch of the event's last occurrence, to pick the latest per pod. */
  atMs: number;
}

export interface NotReadyGroup {
  count: number;
  status: string;
  reason: string;
  example: string; // namespace/name of one pod in the group
}

function statusOf(pod: PodState): string {
  if (pod.deleting) return 'Terminating';
  if (pod.waitingReason) return pod.waitingReason;
  return pod.phase ?? 'Unknown';
}

/** Latest warning event per pod, keyed namespace/name. */
function latestWarnings(events: Iterable<WarningEvent>): Map<string, WarningEvent> {
  const latest = new Map<string, WarningEvent>();
  for (const event of events) {
    const key = `${event.namespace}/${event.podName}`;
    const seen = latest.get(key);
    if (!seen || event.atMs >= seen.atMs) latest.set(key, event);
  }
  return latest;
}

function reasonOf(pod: PodState, warning: WarningEvent | undefined): string {
  if (pod.unschedulableMessage) return pod.unschedulableMessage;
  if (warning) return `${warning.reason}: ${warning.message}`;
  if (pod.waitingMessage) return pod.waitingMessage;
  if (pod.readyFalse !== undefined) return pod.readyFalse ? `Ready=False: ${pod.readyFalse}` : 'Ready=False';
  return 'no reason reported yet';
}

/**
 * Messages that differ only in per-node detail (an IP range, a node name) are one reason: digits
 * and long hex runs are folded when grouping, the first message is kept as the wording shown.
 */
function groupingKey(status: string, reason: string): string {
  return `${status}\u0000${reason.replace(/[0-9a-f]{8,}/g, '#').replace(/\d+/g, '#')}`;
}

export function explainNotReady(pods: Iterable<PodState>, events: Iterable<WarningEvent>): NotReadyGroup[] {
  const warnings = latestWarnings(events);
  const groups = new Map<string, NotReadyGroup>();
  for (const pod of pods) {
    if (pod.ready || pod.phase === 'Succeeded') continue;
    const status = statusOf(pod);
    const reason = reasonOf(pod, warnings.get(`${pod.namespace}/${pod.name}`));
    const key = groupingKey(status, reason);
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { count: 1, status, reason, example: `${pod.namespace}/${pod.name}` });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.status.localeCompare(b.status));
}

export function formatNotReady(groups: NotReadyGroup[]): string[] {
  return groups.map((g) => `${g.count} ${g.count === 1 ? 'pod' : 'pods'} ${g.status}: ${g.reason} (e.g. ${g.example})`);
}
