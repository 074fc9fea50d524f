import type { JobObject } from '../config/index.js';
import type { JobContext } from './context.js';
import type { CreatedObject } from './ledger.js';
import { runSelector } from './labels.js';
import { waitUntilGone } from './select-jobs.js';

/**
 * kube-burner's `group.gc`: once a group is done, the objects of its members with gc: true are
 * deleted (and, with waitForDeletion, waited for until gone), so later groups run without them.
 * They leave the ledger, so verifyObjects does not expect them, as kube-burner skips them.
 */
export async function deleteGroupObjects(ctx: JobContext, members: readonly JobObject[]): Promise<void> {
  const { job } = ctx;
  const indexes = new Set(members.filter((o) => o.group.gc).map((o) => o.index));
  const doomed = new Set<CreatedObject>(ctx.ledger.objects.filter((o) => o.job === job.name && indexes.has(o.objectIndex)));
  for (const obj of doomed) {
    if (ctx.signal.aborted) return;
    ctx.tracker.forget({ kind: obj.kind, metadata: { name: obj.name, namespace: obj.namespace } });
    await ctx.progress.track(() => ctx.client.delete(obj.apiVersion, obj.kind, obj.name, obj.namespace, { notFoundOk: true, propagationPolicy: 'Background', signal: ctx.signal }));
  }
  ctx.ledger.removeObjects(doomed);
  if (!job.waitForDeletion) return;
  const byKind = new Map<string, CreatedObject[]>();
  for (const obj of doomed) byKind.set(`${obj.apiVersion}/${obj.kind}`, [...(byKind.get(`${obj.apiVersion}/${obj.kind}`) ?? []), obj]);
  for (const objs of byKind.values()) {
    const keys = new Set(objs.map((o) => `${o.namespace ?? ''}/${o.name}`));
    await waitUntilGone(ctx, objs[0]!.apiVersion, objs[0]!.kind, runSelector(ctx.config.global.uuid, job.name), keys);
  }
}
