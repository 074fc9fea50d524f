import type { Config, Job } from '../config/index.js';
import type { KubeClient, KubeObject } from '../kube/index.js';
import type { Logger } from '../shared/log.js';
import { kubeBurnerJobSelector, LABEL } from './labels.js';
import type { ObjectRenderer } from './objects.js';
import { liveRuns, RUN_LEASE_ACCESS } from './run-lease.js';
import { waitGone } from './wait-gone.js';
import { kindAccess, type Access, type KindRef } from '../kube/index.js';

/**
 * kube-burner's `cleanup` (on by default): before the first job of a run, each create job with
 * cleanup removes what earlier runs of a job of that name left, found by `kube-burner.io/job=<job>`
 * whatever their uuid: the job's cluster-scoped kinds, its kinds in the namespaces its templates
 * name, and the namespaces labelled with the job (with deletionStrategy gvr, the job's kinds in
 * them first); then it waits until they are gone. What belongs to a burn run that is still going
 * (its run Lease is fresh) is spared and said: cleanup is for runs that are over.
 */

export interface CleanupContext {
  config: Config;
  client: KubeClient;
  renderer: ObjectRenderer;
  log: Logger;
  signal?: AbortSignal;
}

interface Target {
  apiVersion: string;
  kind: string;
  /** Where to look: a namespace the template names, or undefined for a cluster-scoped kind. */
  namespace?: string;
}

/** The job's kinds: cluster-scoped ones, and namespaced ones in the namespace their template names; plus the namespaced kinds free to go anywhere. */
async function targetsOf(ctx: CleanupContext, job: Job): Promise<{ fixed: Target[]; inNamespaces: Target[] }> {
  const fixed = new Map<string, Target>();
  const inNamespaces = new Map<string, Target>();
  for (const object of job.objects) {
    if (object.replicas < 1 || !object.objectTemplate) continue;
    for (const doc of await ctx.renderer.documents(job, object)) {
      const api = await ctx.client.resolve(doc.apiVersion, doc.kind);
      const target = { apiVersion: doc.apiVersion, kind: doc.kind, namespace: api.namespaced ? doc.namespace : undefined };
      if (!api.namespaced || doc.namespace) fixed.set(`${target.apiVersion}/${target.kind}/${target.namespace ?? ''}`, target);
      else inNamespaces.set(`${target.apiVersion}/${target.kind}`, target);
    }
  }
  return { fixed: [...fixed.values()], inNamespaces: [...inNamespaces.values()] };
}

/** Runs one create job's cleanup; resolves the problems (leftovers still there when the wait ended). */
export async function cleanupEarlierRuns(ctx: CleanupContext, job: Job): Promise<string[]> {
  const { client, signal, log } = ctx;
  const selector = kubeBurnerJobSelector(job.name);
  const spared: string[] = [];
  /**
   * What of `items` earlier runs left: not what a burn run still going owns. The Leases are read
   * after the items were listed: a run creates its Lease before any object, so the owner of every
   * listed item that is still going is seen.
   */
  const leftovers = async (items: KubeObject[], kind: string): Promise<KubeObject[]> => {
    if (items.length === 0) return items;
    const live = await liveRuns(client, signal);
    live.delete(ctx.config.global.uuid);
    return items.filter((item) => {
      const owner = item.metadata.labels?.[LABEL.uuid];
      if (owner === undefined || !live.has(owner)) return true;
      spared.push(`${kind} ${item.metadata.namespace ? `${item.metadata.namespace}/` : ''}${item.metadata.name} (run ${owner})`);
      return false;
    });
  };
  const { fixed, inNamespaces } = await targetsOf(ctx, job);
  const deleted: Array<{ target: Target; keys: Set<string> }> = [];
  const remove = async (target: Target, namespace: string | undefined): Promise<void> => {
    const items = await leftovers(await client.list(target.apiVersion, target.kind, { namespace, labelSelector: selector, signal, metadataOnly: true }), target.kind);
    const keys = new Set<string>();
    for (const item of items) {
      await client.delete(target.apiVersion, target.kind, item.metadata.name!, item.metadata.namespace, { notFoundOk: true, propagationPolicy: 'Background', signal });
      keys.add(`${item.metadata.namespace ?? ''}/${item.metadata.name}`);
    }
    if (keys.size) deleted.push({ target, keys });
  };

  for (const target of fixed) await remove(target, target.namespace);
  const namespaces = await leftovers(await client.list('v1', 'Namespace', { labelSelector: selector, signal, metadataOnly: true }), 'Namespace');
  if (ctx.config.global.deletionStrategy === 'gvr') {
    for (const ns of namespaces) for (const target of inNamespaces) await remove(target, ns.metadata.name);
  }
  for (const ns of namespaces) await client.delete('v1', 'Namespace', ns.metadata.name!, undefined, { notFoundOk: true, signal });

  const problems: string[] = [];
  const wait = async (apiVersion: string, kind: string, keys: Set<string>): Promise<void> => {
    const left = await waitGone(client, { apiVersion, kind, labelSelector: selector, only: keys, timeoutMs: job.maxWaitTimeoutMs, signal });
    if (left > 0 && !signal?.aborted) problems.push(`cleanup of job "${job.name}": ${left} ${kind} left by earlier runs (${selector}) still there after ${Math.round(job.maxWaitTimeoutMs / 1000)}s`);
  };
  for (const { target, keys } of deleted) await wait(target.apiVersion, target.kind, keys);
  if (namespaces.length) await wait('v1', 'Namespace', new Set(namespaces.map((ns) => `/${ns.metadata.name}`)));

  const objects = deleted.reduce((n, d) => n + d.keys.size, 0);
  if (namespaces.length || objects) log.info(`job ${job.name}: cleanup deleted ${namespaces.length} namespace(s) and ${objects} other object(s) that earlier runs of the job left (${selector})`);
  if (spared.length) {
    log.warn(`job ${job.name}: cleanup spared ${spared.length} object(s) of ${selector} that belong to burn runs still going: ${spared.slice(0, 3).join(', ')}${spared.length > 3 ? ', ...' : ''}`);
  }
  return problems;
}

/** What a create job's cleanup of earlier runs asks of the API server, for the job's kinds. */
export function cleanupAccess(kinds: readonly KindRef[]): Access[] {
  const why = 'cleanup removes what earlier runs of the job left (kube-burner.io/job)';
  return [
    { group: '', resource: 'namespaces', verbs: ['list', 'watch', 'delete'], why },
    ...kinds.map((k) => kindAccess(k.apiVersion, k.kind, ['list', 'watch', 'delete'], why)),
    ...RUN_LEASE_ACCESS,
  ];
}
