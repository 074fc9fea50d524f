import { UserError } from '../shared/errors.js';
import type { JobContext } from './context.js';
import type { VanishedObject } from './tracker.js';

/** The job's objects did not all become ready in time; the run explains why from the pods' state. */
export class WaitTimeout extends UserError {
  constructor(
    readonly job: string,
    readonly timeoutMs: number,
    readonly pending: number,
  ) {
    super(`job "${job}": ${pending} object${pending === 1 ? '' : 's'} not ready after maxWaitTimeout ${Math.round(timeoutMs / 1000)}s`, {
      hint: 'see the reasons below; raise maxWaitTimeout in the job if the cluster is just slow',
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
  if (end === 'timeout') throw new WaitTimeout(job.name, job.maxWaitTimeoutMs, tracker.pending(iterations));
  if (end === 'vanished') throw new ObjectsVanished(job.name, tracker.vanishedIn(iterations));
}
