import type { KubeObject } from '../kube/index.js';
import type { JobContext } from './context.js';
import { explainNotReady, formatNotReady, type WarningEvent } from './not-ready.js';

/** Namespaces whose events are read to explain not-ready pods: enough for every reason to show, bounded for huge runs. */
const MAX_EVENT_NAMESPACES = 20;

function warningOf(event: KubeObject): WarningEvent | undefined {
  if (event.type !== 'Warning' || event.involvedObject?.kind !== 'Pod') return undefined;
  const at = Date.parse(event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp ?? '') || 0;
  return { namespace: event.involvedObject.namespace ?? event.metadata.namespace ?? '', podName: event.involvedObject.name, reason: event.reason ?? '', message: event.message ?? '', atMs: at };
}

async function warningEvents(ctx: JobContext, namespace: string): Promise<WarningEvent[]> {
  const list = (fieldSelector?: string) => ctx.housekeeping.list('v1', 'Event', { namespace, fieldSelector });
  // Servers that cannot select events by type get the plain list, filtered here.
  const events = await list('type=Warning').catch(() => list());
  return events.map(warningOf).filter((e): e is WarningEvent => e !== undefined);
}

/** Lines like "120 pods Pending: 0/1 nodes are available: 1 Too many pods." for a job whose wait timed out. */
export async function explainPods(ctx: JobContext): Promise<string[]> {
  const notReady = [...ctx.tracker.pods.values()].filter((p) => !p.ready && p.phase !== 'Succeeded');
  if (notReady.length === 0) return [`no pod is behind it: the objects themselves did not report ready (check their status)`];
  const namespaces = [...new Set(notReady.map((p) => p.namespace))].slice(0, MAX_EVENT_NAMESPACES);
  const events: WarningEvent[] = [];
  for (const ns of namespaces) events.push(...(await warningEvents(ctx, ns).catch(() => [])));
  return formatNotReady(explainNotReady(notReady, events));
}
