import type { JobObject, PatchType as ConfigPatchType } from '../config/index.js';
import type { KubeObject, PatchType } from '../kube/index.js';
import { pause, type JobContext } from './context.js';
import { dispatcherFor } from './dispatch.js';
import { parseRenderedDocuments } from './rendered-yaml.js';
import { waitGone } from './wait-gone.js';
import { waitSelectedObjectsOrThrow } from './wait-ready.js';
import { selectorString } from './wait-selected.js';

/** delete, patch and read jobs act on what a label selector finds, kind by kind. */

const PATCH_TYPES: Record<ConfigPatchType, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

export { selectorString } from './wait-selected.js';

/** List items carry no apiVersion and kind: they come from the job's object. */
function apiVersionOf(object: JobObject): string {
  return object.apiVersion || 'v1';
}

async function selected(ctx: JobContext, object: JobObject): Promise<KubeObject[]> {
  return ctx.progress.track(() => ctx.client.list(apiVersionOf(object), object.kind, { labelSelector: selectorString(object.labelSelector), signal: ctx.signal }));
}

const VERBS: Record<'delete' | 'patch' | 'read', string> = { delete: 'deleted', patch: 'patched', read: 'read' };

/**
 * An object whose selector found nothing in any iteration: its job did none of its work, which is
 * an error unless the config says it is expected (allowNoMatch), so "passed" never hides it.
 */
function reportNoMatch(ctx: JobContext, object: JobObject): void {
  const what = `object ${object.index + 1} of ${ctx.job.jobType} job "${ctx.job.name}" (${object.kind} with ${selectorString(object.labelSelector)}) matched nothing, so nothing was ${VERBS[ctx.job.jobType as keyof typeof VERBS] ?? 'done'}`;
  if (object.allowNoMatch) {
    ctx.log.info(`job ${ctx.job.name}: ${what} (allowNoMatch: true)`);
    return;
  }
  ctx.log.error(`job ${ctx.job.name}: ${what}`);
  ctx.errors.push(`${what}; if that is expected, set allowNoMatch: true on the object`);
}

/**
 * kube-burner's execution modes. parallel (patch jobs by default): each object's selection is listed
 * once, every iteration's requests go at once, then the job's objects are waited for. sequential
 * (delete and read jobs, patch on request): iteration by iteration, object by object, each object's
 * requests finished (then waited for with objectWait, then `afterObject`) before the next object's.
 */
async function forEachSelected(ctx: JobContext, act: (object: JobObject, target: KubeObject, iteration: number) => Promise<unknown>, afterObject?: (object: JobObject) => Promise<unknown>): Promise<void> {
  const { job } = ctx;
  const dispatcher = dispatcherFor(ctx.client);
  const matched = new Map<JobObject, number>(job.objects.map((o) => [o, 0]));
  const send = async (object: JobObject, targets: KubeObject[], iteration: number) => {
    matched.set(object, matched.get(object)! + targets.length);
    for (const target of targets) await dispatcher.submit(() => ctx.progress.track(() => act(object, target, iteration)).then(() => void ctx.progress.objectsCreated++));
  };
  try {
    if (job.executionMode === 'parallel') {
      for (const object of job.objects) {
        if (ctx.signal.aborted) return;
        const targets = await selected(ctx, object);
        for (let iteration = 0; iteration < job.jobIterations && !ctx.signal.aborted; iteration++) await send(object, targets, iteration);
      }
      await dispatcher.drain();
      ctx.progress.phase = 'waiting';
      await waitSelectedObjectsOrThrow(ctx, job.objects);
      return;
    }
    for (let iteration = 0; iteration < job.jobIterations && !ctx.signal.aborted; iteration++) {
      ctx.progress.iteration = iteration;
      for (const [i, object] of job.objects.entries()) {
        await send(object, await selected(ctx, object), iteration);
        await dispatcher.drain();
        if (job.objectWait) await waitSelectedObjectsOrThrow(ctx, [object]);
        await afterObject?.(object);
        if (job.objectDelayMs > 0 && i < job.objects.length - 1) await pause(job.objectDelayMs, ctx.signal);
      }
      if (job.waitWhenFinished) await waitSelectedObjectsOrThrow(ctx, job.objects);
      if (iteration < job.jobIterations - 1) await pause(job.jobIterationDelayMs, ctx.signal);
    }
  } finally {
    await dispatcher.drain();
    for (const err of dispatcher.errors) ctx.errors.push(err instanceof Error ? err.message : String(err));
    if (!ctx.signal.aborted) for (const [object, count] of matched) if (count === 0) reportNoMatch(ctx, object);
  }
}

export async function runDeleteJob(ctx: JobContext): Promise<void> {
  ctx.progress.phase = 'deleting';
  // With waitForDeletion, each object's deletions are waited for before the next object's (kube-burner's finalizer).
  const waitGoneFor = async (object: JobObject) => {
    if (ctx.signal.aborted) return;
    ctx.progress.phase = 'waiting for deletion';
    await waitUntilGone(ctx, apiVersionOf(object), object.kind, selectorString(object.labelSelector));
    ctx.progress.phase = 'deleting';
  };
  await forEachSelected(
    ctx,
    (object, target) => ctx.client.delete(apiVersionOf(object), object.kind, target.metadata.name!, target.metadata.namespace, { notFoundOk: true, propagationPolicy: 'Background', signal: ctx.signal }),
    ctx.job.waitForDeletion ? waitGoneFor : undefined,
  );
}

/**
 * Waits for the job's deletions: until no object of the kind matches the selector (or, with `only`,
 * none of those namespace/name keys is left), or `timeoutMs` (the job's maxWaitTimeout) passes,
 * which is recorded as a job error.
 */
export async function waitUntilGone(
  ctx: Pick<JobContext, 'housekeeping' | 'signal' | 'job' | 'errors'>,
  apiVersion: string,
  kind: string,
  labelSelector: string,
  only?: ReadonlySet<string>,
  timeoutMs = ctx.job.maxWaitTimeoutMs,
): Promise<boolean> {
  const left = await waitGone(ctx.housekeeping, { apiVersion, kind, labelSelector, only, timeoutMs, signal: ctx.signal });
  if (left > 0 && !ctx.signal.aborted) ctx.errors.push(`${left} ${kind} (${labelSelector}) still present after ${Math.round(timeoutMs / 1000)}s`);
  return left === 0;
}

export async function runPatchJob(ctx: JobContext): Promise<void> {
  ctx.progress.phase = 'patching';
  await forEachSelected(ctx, async (object, target, iteration) => {
    const text = await ctx.renderer.renderText({ job: ctx.job, object, iteration, replica: 1 });
    const patchType = PATCH_TYPES[object.patchType ?? 'application/merge-patch+json'];
    const [patch] = parseRenderedDocuments(text);
    const body = JSON.stringify(patch ?? {});
    return ctx.client.patch(apiVersionOf(object), object.kind, target.metadata.name!, target.metadata.namespace, body, patchType, { signal: ctx.signal });
  });
}

export async function runReadJob(ctx: JobContext): Promise<void> {
  ctx.progress.phase = 'reading';
  await forEachSelected(ctx, (object, target) => ctx.client.get(apiVersionOf(object), object.kind, target.metadata.name!, target.metadata.namespace, { signal: ctx.signal }));
}
