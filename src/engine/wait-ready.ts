import { createsInIteration, type JobObject } from '../config/index.js';
import { UserError } from '../shared/errors.js';
import type { JobContext } from './context.js';
import { LABEL } from './labels.js';
import { readinessOf } from './readiness.js';
import type { CutOffWatch, VanishedObject } from './tracker.js';
import { formatMs } from '../shared/format-ms.js';
import { nowMs } from '../shared/clock.js';
import { selectorString, waitSelectedReady } from './wait-selected.js';

/**
 * The job's objects did not all become ready in time; the run explains why from the pods' state.
 * A watch of burn's cut off from the API server at the deadline may be why: said first.
 */
export class WaitTimeout extends UserError {
  constructor(
    readonly job: string,
    readonly timeoutMs: number,
    readonly pending: number,
    readonly cutOff: CutOffWatch[] = [],
    atMs = nowMs(),
  ) {
    const blind = cutOff.map((w) => `burn's watch of ${w.kind}s has been cut off from the API server for ${formatMs(atMs - w.sinceMs)} (${w.error}), so it cannot see them become ready`);
    super(`job "${job}": ${pending} object${pending === 1 ? '' : 's'} not ready after maxWaitTimeout ${Math.round(timeoutMs / 1000)}s${blind.length ? `; ${blind.join('; ')}` : ''}`, {
      hint: blind.length
        ? 'check that the API server answers burn (its address, the network, a proxy dropping long-lived connections); the reasons below are what burn last saw'
        : 'see the reasons below; raise maxWaitTimeout in the job if the cluster is just slow',
    });
  }
}

/** Objects the job waited for were deleted by someone else while it waited: they will never be ready. */
export class ObjectsVanished extends UserError {
  constructor(
    readonly job: string,
    readonly objects: VanishedObject[],
  ) {
    const first = objects[0]!;
    const more = objects.length > 1 ? ` and ${objects.length - 1} more` : '';
    super(`job "${job}": ${objects.length} object${objects.length === 1 ? ' it was' : 's it was'} waiting for ${objects.length === 1 ? 'was' : 'were'} deleted (not by this run): ${first.kind} ${first.namespace ? `${first.namespace}/` : ''}${first.name}${more}`, {
      hint: 'another run, a user or a controller deleted them; see below who, and run benchmarks that share a cluster with distinct namespace names',
    });
  }
}

export type WaitFailure = WaitTimeout | ObjectsVanished;

export function isWaitFailure(err: unknown): err is WaitFailure {
  return err instanceof WaitTimeout || err instanceof ObjectsVanished;
}

/**
 * The one wait of the engine: until the objects of `iterations` (all when omitted) are ready.
 * Throws WaitTimeout at the job's maxWaitTimeout and ObjectsVanished as soon as one of them is
 * deleted under it; returns quietly when the run is stopped.
 */
export async function waitReadyOrThrow(ctx: JobContext, iterations?: number[]): Promise<void> {
  const { job, tracker } = ctx;
  const end = await tracker.waitReady(iterations, job.maxWaitTimeoutMs, ctx.signal);
  if (end === 'timeout') throw new WaitTimeout(job.name, job.maxWaitTimeoutMs, tracker.pending(iterations), tracker.cutOff());
  if (end === 'vanished') throw new ObjectsVanished(job.name, tracker.vanishedIn(iterations));
}

/**
 * The wait of a create job's iterations (all when omitted): every object it created that has a
 * readiness rule (its kind's, or its own customStatusPaths), then the children named by
 * `waitOptions.kind` of the objects due in those iterations.
 */
export async function waitIterationsOrThrow(ctx: JobContext, iterations?: number[]): Promise<void> {
  await waitReadyOrThrow(ctx, iterations);
  const due = ctx.job.objects.filter((o) => !iterations || iterations.some((i) => createsInIteration(o, i)));
  await waitForKindsOrThrow(ctx, due);
}

/**
 * kube-burner's `waitOptions.kind`: instead of the object itself, every object of that kind carrying
 * this run's runid label and the waitOptions' labelSelector, in every namespace (an object's Pods,
 * say), must be ready by the kind's rule or the customStatusPaths. burn also waits until at least
 * one such object exists, so children not created yet never pass for ready.
 */
export async function waitForKindsOrThrow(ctx: JobContext, objects: readonly JobObject[]): Promise<void> {
  const { job } = ctx;
  for (const object of objects) {
    const wait = object.waitOptions;
    if (!object.wait || !wait.kind || ctx.signal.aborted) continue;
    const isReady = readinessOf(wait.kind, wait.customStatusPaths);
    if (!isReady) continue; // no rule for the kind and no paths: kube-burner has no waiter for it either
    const { end, pending } = await waitSelectedReady(ctx.housekeeping, {
      apiVersion: wait.apiVersion,
      kind: wait.kind,
      labelSelector: selectorString({ [LABEL.runId]: ctx.config.global.runId, ...wait.labelSelector }),
      isReady,
      requireAny: true,
      timeoutMs: job.maxWaitTimeoutMs,
      signal: ctx.signal,
    });
    if (end === 'timeout') throw new WaitTimeout(job.name, job.maxWaitTimeoutMs, pending);
  }
}

/**
 * kube-burner's waiter for delete, patch and read jobs: for each object with `wait`, every object of
 * its kind (or of waitOptions.kind) that carries this run's runid label and the waitOptions'
 * labelSelector, in every namespace, must be ready; none at all counts as ready, as in kube-burner.
 */
export async function waitSelectedObjectsOrThrow(ctx: JobContext, objects: readonly JobObject[]): Promise<void> {
  const { job } = ctx;
  for (const object of objects) {
    const wait = object.waitOptions;
    if (!object.wait || ctx.signal.aborted) continue;
    const kind = wait.kind || object.kind;
    const isReady = readinessOf(kind, wait.customStatusPaths);
    if (!isReady) continue;
    const { end, pending } = await waitSelectedReady(ctx.housekeeping, {
      apiVersion: wait.kind ? wait.apiVersion : object.apiVersion || 'v1',
      kind,
      labelSelector: selectorString({ [LABEL.runId]: ctx.config.global.runId, ...wait.labelSelector }),
      isReady,
      requireAny: false,
      timeoutMs: job.maxWaitTimeoutMs,
      signal: ctx.signal,
    });
    if (end === 'timeout') throw new WaitTimeout(job.name, job.maxWaitTimeoutMs, pending);
  }
}
