import type { DeletionStrategy } from '../config/index.js';
import type { ApiResource, KubeClient } from '../kube/index.js';
import type { Logger } from '../shared/log.js';
import { runSelector } from './labels.js';
import { deleteRunLease, RUN_LEASE_ACCESS } from './run-lease.js';
import { waitGone } from './wait-gone.js';
import { kindAccess, type Access, type KindRef } from '../kube/index.js';

export interface GcOptions {
  uuid: string;
  /** Only this job's objects (job-level gc); the whole run when omitted. */
  job?: string;
  /** Another selection than the run's (or job's) labels: `burn destroy -c` selects by kube-burner.io/job, as kube-burner does. */
  selector?: string;
  strategy: DeletionStrategy;
  /** How long to wait for namespaces and objects to disappear; 0 does not wait. */
  waitMs: number;
  signal?: AbortSignal;
  log: Logger;
  /**
   * The kinds the run (or job) created: only these are looked for, so gc asks for no more than
   * `burn rbac` grants. Omitted (`burn destroy`): every kind the server serves.
   */
  kinds?: readonly KindRef[];
}

export interface GcOutcome {
  namespaces: number;
  objects: number;
  /** Still there when the wait ended. */
  remaining: number;
}

/** Kinds that can hold burn's objects: listable, deletable, not a subresource, not the namespaces themselves. */
function removableResources(all: ApiResource[]): ApiResource[] {
  const seen = new Set<string>();
  return all.filter((r) => {
    if (r.resource.includes('/') || r.kind === 'Namespace' || r.kind === 'Event') return false;
    if (!r.verbs.includes('list') || !r.verbs.includes('delete')) return false;
    // A kind served by several group-versions is the same objects: list it once.
    const key = `${r.group}/${r.resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The run's kinds as the server serves them (Namespaces apart: they go last); a kind gone from the server holds nothing. */
async function resourcesOf(client: KubeClient, kinds: readonly KindRef[]): Promise<ApiResource[]> {
  const found: ApiResource[] = [];
  for (const k of kinds) {
    if (k.kind === 'Namespace' && (k.apiVersion || 'v1') === 'v1') continue;
    const api = await client.resolve(k.apiVersion || 'v1', k.kind).catch(() => undefined);
    if (api) found.push(api);
  }
  return removableResources(found);
}

/**
 * Deletes what a run (or one of its jobs) created, found by its labels, so it works from a config,
 * from `burn destroy --uuid`, and twice in a row. `default` deletes the run's namespaces and labelled
 * objects outside them; `gvr` deletes labelled objects kind by kind first, then the namespaces.
 */
export async function collectGarbage(client: KubeClient, options: GcOptions): Promise<GcOutcome> {
  const selector = options.selector ?? runSelector(options.uuid, options.job);
  const namespaces = (await client.list('v1', 'Namespace', { labelSelector: selector, signal: options.signal, metadataOnly: true })).map((ns) => ns.metadata.name!);
  const doomed = new Set(namespaces);
  let objects = 0;
  for (const api of options.kinds ? await resourcesOf(client, options.kinds) : removableResources(await client.allResources())) {
    if (options.signal?.aborted) break;
    let items;
    try {
      items = await client.list(api.apiVersion, api.kind, { labelSelector: selector, signal: options.signal, metadataOnly: true });
    } catch (err) {
      options.log.debug(`gc: cannot list ${api.resource}: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    for (const item of items) {
      const ns = item.metadata.namespace;
      // With the default strategy, deleting a namespace deletes what is in it.
      if (options.strategy === 'default' && ns && doomed.has(ns)) continue;
      // Dependents go with their owners (pods of a Deployment): deleting them too only races the garbage collector.
      if ((item.metadata.ownerReferences as unknown[] | undefined)?.length) continue;
      await client.delete(api.apiVersion, api.kind, item.metadata.name!, ns, { notFoundOk: true, propagationPolicy: 'Background', signal: options.signal });
      objects++;
    }
  }
  for (const name of namespaces) {
    await client.delete('v1', 'Namespace', name, undefined, { notFoundOk: true, signal: options.signal });
  }
  // A run that died left its Lease; one that is ending releases it itself.
  if (options.job === undefined) await deleteRunLease(client, options.uuid, options.signal).catch((err: unknown) => options.log.debug(`gc: cannot delete the run's Lease: ${err instanceof Error ? err.message : String(err)}`));
  const remaining = options.waitMs > 0 ? await waitGone(client, { apiVersion: 'v1', kind: 'Namespace', labelSelector: selector, timeoutMs: options.waitMs, signal: options.signal }) : 0;
  options.log.info(`gc: deleted ${namespaces.length} namespace(s) and ${objects} other object(s) of ${selector}${remaining ? `; ${remaining} namespace(s) still terminating` : ''}`);
  return { namespaces: namespaces.length, objects, remaining };
}

/** What gc of a run (or job) whose objects are of `kinds` asks of the API server. */
export function gcAccess(kinds: readonly KindRef[]): Access[] {
  const why = "gc removes what the run created (found by the run's labels)";
  return [
    { group: '', resource: 'namespaces', verbs: ['list', 'watch', 'delete'], why },
    ...kinds.map((k) => kindAccess(k.apiVersion, k.kind, ['list', 'delete'], why)),
    ...RUN_LEASE_ACCESS,
  ];
}
