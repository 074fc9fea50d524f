import type { KubeObject } from '../kube/index.js';
import type { JobContext } from './context.js';
import { LABEL } from './labels.js';
import type { VanishedObject } from './tracker.js';
import { explainNotReady, formatNotReady, type WarningEvent } from './not-ready.js';
import type { Access } from '../kube/index.js';

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

/**
 * Who deleted objects a wait was waiting for, as far as the cluster says: their namespace gone or
 * terminating (and which burn run owns it, by its label), or the objects deleted on their own.
 */
export async function explainVanished(ctx: JobContext, vanished: VanishedObject[]): Promise<string[]> {
  const byNamespace = new Map<string, VanishedObject[]>();
  for (const v of vanished) byNamespace.set(v.namespace ?? '', [...(byNamespace.get(v.namespace ?? '') ?? []), v]);
  const lines: string[] = [];
  for (const [namespace, objects] of [...byNamespace].slice(0, MAX_EVENT_NAMESPACES)) {
    const what = `${objects.length} object${objects.length === 1 ? '' : 's'} (${objects.slice(0, 3).map((o) => `${o.kind} ${o.name}`).join(', ')}${objects.length > 3 ? ', ...' : ''})`;
    if (!namespace) {
      lines.push(`${what} deleted while the job waited for them`);
      continue;
    }
    const ns = await ctx.housekeeping.get('v1', 'Namespace', namespace, undefined, { notFoundOk: true }).catch(() => undefined);
    const owner = ns?.metadata.labels?.[LABEL.uuid];
    const ownerText = owner && owner !== ctx.config.global.uuid ? `; the namespace belongs to burn run ${owner}` : '';
    if (ns === null) lines.push(`${what} in namespace ${namespace}: the namespace was deleted`);
    else if (!ns) lines.push(`${what} in namespace ${namespace} deleted while the job waited for them`);
    else if (ns.metadata.deletionTimestamp) lines.push(`${what} in namespace ${namespace}: the namespace is being deleted (since ${ns.metadata.deletionTimestamp})${ownerText}`);
    else lines.push(`${what} in namespace ${namespace} deleted while the job waited for them${ownerText}`);
  }
  return lines;
}

/** Explaining pods that are not ready reads their namespaces' warning events. */
export const EXPLAIN_ACCESS: Access[] = [
  { group: '', resource: 'events', verbs: ['list'], why: 'burn explains pods that are not ready from their warning events' },
  { group: '', resource: 'namespaces', verbs: ['get'], why: 'burn explains objects that vanished (was their namespace deleted?)' },
];
