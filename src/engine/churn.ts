import { nowMs } from '../shared/clock.js';
import { UserError } from '../shared/errors.js';
import { runSelector } from './labels.js';
import { namespaceForIteration } from '../config/index.js';
import { pause, type JobContext } from './context.js';
import { createIterations, createReplica, ensureNamespace, isGrouped, runGroups } from './create-job.js';
import type { CreatedObject } from './ledger.js';
import { waitUntilGone } from './select-jobs.js';
import { DELETION_TIMEOUT_MS } from './wait-gone.js';
import { waitIterationsOrThrow } from './wait-ready.js';

/** What a churn cycle deleted is still there after DELETION_TIMEOUT_MS: re-creating it would fail or adopt it. */
class ChurnDeleteStuck extends UserError {
  constructor(job: string, what: string, names: string[]) {
    super(`job "${job}": churn deleted ${names.length} ${what} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}) that ${names.length === 1 ? 'is' : 'are'} still there after ${DELETION_TIMEOUT_MS / 60_000} minutes; churn stops rather than re-create into them`, {
      hint: 'see what holds them (kubectl get <kind> -o yaml: finalizers, terminating pods)',
    });
  }
}

/** Picks `percent` % of `items` (at least one), at random. */
function pick<T>(items: readonly T[], percent: number): T[] {
  const count = Math.max(1, Math.round((items.length * percent) / 100));
  const shuffled = [...items];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled.slice(0, count);
}

/** Deletes a share of the job's namespaces, waits until they are gone, creates their iterations again. */
async function churnNamespaces(ctx: JobContext): Promise<void> {
  const { job } = ctx;
  const byNamespace = new Map<string, number[]>();
  for (let i = 0; i < job.jobIterations; i++) {
    const ns = namespaceForIteration(job, i);
    if (ns) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), i]);
  }
  const chosen = pick([...byNamespace.keys()], job.churnConfig.percent);
  const doomed = new Set(chosen);
  const removed = new Set<CreatedObject>(ctx.ledger.objects.filter((o) => o.namespace !== undefined && doomed.has(o.namespace)));
  for (const obj of removed) ctx.tracker.forget({ kind: obj.kind, metadata: { name: obj.name, namespace: obj.namespace } });
  ctx.ledger.removeObjects(removed);
  for (const ns of chosen) {
    await ctx.progress.track(() => ctx.client.delete('v1', 'Namespace', ns, undefined, { notFoundOk: true, signal: ctx.signal }));
    ctx.ledger.namespaces.delete(ns);
  }
  // Re-creating into a namespace that is still terminating is refused by the API server (403): wait
  // as long as kube-burner does for the deletion, whatever the job's maxWaitTimeout.
  if (!(await waitUntilGone(ctx, 'v1', 'Namespace', runSelector(ctx.config.global.uuid), new Set(chosen.map((ns) => `/${ns}`)), DELETION_TIMEOUT_MS))) {
    throw new ChurnDeleteStuck(job.name, 'namespaces', chosen);
  }
  await pause(job.churnConfig.deleteDelayMs, ctx.signal);
  const iterations = chosen.flatMap((ns) => byNamespace.get(ns)!);
  if (isGrouped(job)) return runGroups(ctx, iterations);
  for (const ns of chosen) await ensureNamespace(ctx, ns);
  await createIterations(ctx, iterations, { waitEachIteration: false });
  await waitIterationsOrThrow(ctx, iterations);
}

/** Deletes a share of the job's churnable objects (whole replicas), waits until gone, creates them again. */
async function churnObjects(ctx: JobContext): Promise<void> {
  const { job } = ctx;
  const units = new Map<string, CreatedObject[]>();
  for (const obj of ctx.ledger.objects) {
    if (obj.job !== job.name || !obj.churn) continue;
    const key = `${obj.objectIndex}/${obj.iteration}/${obj.replica}`;
    units.set(key, [...(units.get(key) ?? []), obj]);
  }
  const chosen = pick([...units.values()], job.churnConfig.percent);
  const removed = new Set(chosen.flat());
  for (const obj of removed) {
    ctx.tracker.forget({ kind: obj.kind, metadata: { name: obj.name, namespace: obj.namespace } });
    await ctx.progress.track(() => ctx.client.delete(obj.apiVersion, obj.kind, obj.name, obj.namespace, { notFoundOk: true, propagationPolicy: 'Background', signal: ctx.signal }));
  }
  ctx.ledger.removeObjects(removed);
  const byKind = new Map<string, CreatedObject[]>();
  for (const obj of removed) byKind.set(`${obj.apiVersion}/${obj.kind}`, [...(byKind.get(`${obj.apiVersion}/${obj.kind}`) ?? []), obj]);
  for (const objs of byKind.values()) {
    const keys = new Set(objs.map((o) => `${o.namespace ?? ''}/${o.name}`));
    if (!(await waitUntilGone(ctx, objs[0]!.apiVersion, objs[0]!.kind, runSelector(ctx.config.global.uuid, job.name), keys, DELETION_TIMEOUT_MS))) {
      throw new ChurnDeleteStuck(job.name, objs[0]!.kind, objs.map((o) => `${o.namespace ? `${o.namespace}/` : ''}${o.name}`));
    }
  }
  await pause(job.churnConfig.deleteDelayMs, ctx.signal);
  for (const unit of chosen) {
    const first = unit[0]!;
    await createReplica(ctx, job.objects[first.objectIndex]!, first.iteration, first.replica);
  }
  await waitIterationsOrThrow(ctx, [...new Set(chosen.map((u) => u[0]!.iteration))]);
}

/** kube-burner's churn: cycles of delete and re-create, until `cycles` or `duration`, whichever comes first. */
export async function runChurn(ctx: JobContext): Promise<number> {
  const churn = ctx.job.churnConfig;
  if (!churn.enabled) return 0;
  const endMs = churn.durationMs > 0 ? nowMs() + churn.durationMs : Number.POSITIVE_INFINITY;
  let cycles = 0;
  while (!ctx.signal.aborted && (churn.cycles <= 0 || cycles < churn.cycles) && nowMs() < endMs) {
    ctx.progress.phase = `churn cycle ${cycles + 1}`;
    if (churn.mode === 'namespaces') await churnNamespaces(ctx);
    else await churnObjects(ctx);
    cycles++;
    await pause(churn.delayMs, ctx.signal);
  }
  return cycles;
}
