import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { incrementalSteps, isUrl, namespaceNames } from '../config/index.js';
import { UserError } from '../shared/errors.js';
import { checkClusterHealth } from './cluster-health.js';
import { pause, type JobContext } from './context.js';
import { runCreateJob } from './create-job.js';
import { collectGarbage } from './gc.js';
import { verifyObjects } from './verify.js';

/**
 * kube-burner's incrementalLoad: steps of growing iteration counts. Each step creates iterations 0 to
 * its count (with the job's waits), verifies the objects, runs the health check (the script, or the
 * built-in API server and nodes check), deletes everything the job created, then sleeps stepDelay.
 * Any failure stops the steps. The job's measurements span all the steps (kube-burner measures and
 * indexes each step apart, with a step run id).
 */
export async function runIncrementalCreate(ctx: JobContext): Promise<void> {
  const { job } = ctx;
  const load = job.incrementalLoad!;
  const steps = incrementalSteps(job);
  for (const [i, iterations] of steps.entries()) {
    if (ctx.signal.aborted) return;
    ctx.log.info(`job ${job.name}: incremental step ${i + 1}/${steps.length}: ${iterations} iteration${iterations === 1 ? '' : 's'}`);
    const step: JobContext = { ...ctx, job: { ...job, jobIterations: iterations } };
    await runCreateJob(step);
    if (ctx.signal.aborted) return;
    if (job.verifyObjects) {
      const mismatches = await verifyObjects(step);
      if (mismatches.length) {
        if (job.errorOnVerify) ctx.errors.push(...mismatches.map((m) => `step ${i + 1} (${iterations} iterations): ${m}`));
        else for (const m of mismatches) ctx.log.warn(`job ${job.name}: step ${i + 1}: ${m}`);
        ctx.log.error(`job ${job.name}: object verification failed at ${iterations} iterations; no further steps`);
        return;
      }
    }
    ctx.progress.phase = `health check (step ${i + 1})`;
    await healthCheck(ctx, load.healthCheckScript, i + 1);
    ctx.progress.phase = `deleting step ${i + 1}`;
    await deleteStep(ctx);
    await pause(load.stepDelayMs, ctx.signal);
  }
}

/** Runs the step's health check; a failure is a UserError that stops the job. */
async function healthCheck(ctx: JobContext, script: string, step: number): Promise<void> {
  if (!script) {
    const health = await checkClusterHealth(ctx.housekeeping, { signal: ctx.signal });
    if (!health.healthy && !ctx.signal.aborted) throw new UserError(`job "${ctx.job.name}": cluster not healthy after incremental step ${step}: ${health.problems.join('; ')}`);
    return;
  }
  const [path, ...args] = script.split(' ');
  const text = isUrl(path!) ? await fetchScript(path!) : await readFile(path!, 'utf8');
  const { code, stderr } = await runShell(text, args, ctx.signal);
  if (code !== 0 && !ctx.signal.aborted) {
    throw new UserError(`job "${ctx.job.name}": health check script ${path} failed after incremental step ${step} (exit ${code})${stderr.trim() ? `: ${stderr.trim().slice(-500)}` : ''}`);
  }
  ctx.log.info(`job ${ctx.job.name}: health check script passed after step ${step}`);
}

async function fetchScript(url: string): Promise<string> {
  const response = await fetch(url);
  if (!response.ok) throw new UserError(`healthCheckScript ${url}: HTTP ${response.status}`);
  return response.text();
}

/** `/bin/sh -s - args` with the script on stdin, as kube-burner runs it. */
function runShell(script: string, args: string[], signal: AbortSignal): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', args.length ? ['-s', '-', ...args] : [], { stdio: ['pipe', 'ignore', 'pipe'], signal });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', (err) => (signal.aborted ? resolve({ code: 1, stderr }) : reject(err)));
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
    child.stdin.end(script);
  });
}

/** kube-burner's gc after a step: the job's namespaces and objects, waited for until gone. */
async function deleteStep(ctx: JobContext): Promise<void> {
  const { job, config } = ctx;
  const mine = new Set(ctx.ledger.objects.filter((o) => o.job === job.name));
  for (const obj of mine) ctx.tracker.forget({ kind: obj.kind, metadata: { name: obj.name, namespace: obj.namespace } });
  const kinds = [...(await ctx.renderer.kinds([job])), ...ctx.ledger.createdKinds()];
  const outcome = await collectGarbage(ctx.housekeeping, { uuid: config.global.uuid, job: job.name, strategy: config.global.deletionStrategy, waitMs: job.maxWaitTimeoutMs, signal: ctx.signal, log: ctx.log, kinds });
  ctx.ledger.removeObjects(mine);
  const total = Math.max(job.jobIterations, ...incrementalSteps(job));
  for (const ns of namespaceNames({ ...job, jobIterations: total })) ctx.ledger.namespaces.delete(ns);
  if (outcome.remaining > 0 && !ctx.signal.aborted) {
    throw new UserError(`job "${job.name}": ${outcome.remaining} of the step's objects and namespaces are still there after maxWaitTimeout; the next step would re-create into them`);
  }
}

