import { createsInIteration } from '../config/index.js';
import type { JobContext } from './context.js';
import { kubeBurnerObjectSelector } from './labels.js';

/**
 * kube-burner's verifyObjects: after a create job, each of the job's objects (each document of a
 * template) must be in the cluster as many times as the config asks for: replicas times the
 * iterations that create it. Each is counted by its own kube-burner.io/index among the objects of
 * its kind carrying the run's uuid, runid and job, so the pods a Deployment makes (which carry the
 * Deployment's index, and are of another kind) never count as created objects. Returns one message
 * per mismatch.
 */
export async function verifyObjects(ctx: JobContext): Promise<string[]> {
  const { job, config } = ctx;
  const mismatches: string[] = [];
  for (const object of job.objects) {
    // Objects of a group with gc were deleted when their group ended: kube-burner skips them too.
    if (object.replicas < 1 || !object.objectTemplate || object.group.gc) continue;
    let iterations = 0;
    for (let i = 0; i < job.jobIterations; i++) if (createsInIteration(object, i)) iterations++;
    const expected = object.replicas * iterations;
    const first = await ctx.renderer.firstIndex(job, object);
    for (const [d, { apiVersion, kind }] of (await ctx.renderer.documents(job, object)).entries()) {
      const selector = kubeBurnerObjectSelector({ uuid: config.global.uuid, runId: config.global.runId, job: job.name, index: first + d });
      const found = await ctx.housekeeping.count(apiVersion, kind, { labelSelector: selector, signal: ctx.signal });
      if (found !== expected) {
        const conflicts = ctx.progress.alreadyExists ? ` (${ctx.progress.alreadyExists} of the job's creates found their object already there)` : '';
        mismatches.push(`verifyObjects: expected ${expected} ${kind} with ${selector}, found ${found}${conflicts}`);
      }
    }
  }
  return mismatches;
}
