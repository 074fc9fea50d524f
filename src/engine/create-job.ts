import type { JobObject } from '../config/types.js';
import { isUncertainCreate, type KubeObject } from '../kube/index.js';
import { UserError } from '../shared/errors.js';
import { createsInIteration, namespaceForIteration } from '../config/plan.js';
import { pause, type JobContext } from './context.js';
import { Dispatcher, dispatchWindow } from './dispatch.js';
import { applyLabels, LABEL } from './labels.js';

/** Creates a namespace labelled for the run; an existing one is reused. */
export async function ensureNamespace(ctx: JobContext, name: string): Promise<void> {
  if (ctx.ledger.namespaces.has(name)) return;
  const { job, config } = ctx;
  const ns: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { ...job.namespaceLabels }, annotations: { ...job.namespaceAnnotations } },
  };
  applyLabels(ns, { [LABEL.uuid]: config.global.uuid, [LABEL.runId]: config.global.runId, [LABEL.job]: job.name });
  // Namespaces are set-up, not the job's load: like kube-burner, they do not take the job's tokens.
  await ctx.housekeeping.create(ns, { signal: ctx.signal, alreadyExistsOk: true, discardResponse: true });
  ctx.ledger.addNamespace(name);
}

/** Sends the creates of one object replica's documents. */
export async function createReplica(ctx: JobContext, object: JobObject, iteration: number, replica: number): Promise<void> {
  const { job } = ctx;
  const docs = await ctx.renderer.render({ job, object, iteration, replica });
  const namespace = namespaceForIteration(job, iteration);
  for (const obj of docs) {
    const api = await ctx.client.resolve(obj.apiVersion, obj.kind);
    if (api.namespaced && !obj.metadata.namespace && namespace) obj.metadata.namespace = namespace;
    let created: KubeObject | null;
    try {
      created = await ctx.progress.track(() => ctx.client.create(obj, { signal: ctx.signal, alreadyExistsOk: true, discardResponse: Boolean(obj.metadata.name) }));
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (isUncertainCreate(err)) {
        // Not resent (that could make a second object) and not an error of the cluster: reported.
        ctx.log.warn(`job ${job.name}: ${err.message}`);
        continue;
      }
      throw err;
    }
    const name = created?.metadata.name ?? obj.metadata.name!;
    const ns = api.namespaced ? (obj.metadata.namespace ?? ctx.client.defaultNamespace) : undefined;
    ctx.progress.objectsCreated++;
    ctx.ledger.addObject(
      { apiVersion: obj.apiVersion, kind: obj.kind, namespace: ns, name, job: job.name, iteration, replica, objectIndex: object.index, churn: object.churn },
      api.namespaced,
    );
    if (object.wait) ctx.tracker.expect({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name, namespace: ns } }, iteration);
  }
}

/** Creates every object of the given iterations (all of the job's when omitted), at the job's qps. */
export async function createIterations(ctx: JobContext, iterations: Iterable<number>, options: { waitEachIteration: boolean }): Promise<void> {
  const { job } = ctx;
  const dispatcher = new Dispatcher(dispatchWindow(ctx.client.limits));
  const failed = () => dispatcher.errors.length > 0;
  for (const iteration of iterations) {
    if (ctx.signal.aborted || failed()) break;
    ctx.progress.iteration = iteration;
    const namespace = namespaceForIteration(job, iteration);
    if (namespace && !job.preCreateNamespaces && !ctx.ledger.namespaces.has(namespace)) {
      if (iteration > 0) await pause(job.namespaceDelayMs, ctx.signal);
      await ensureNamespace(ctx, namespace);
    }
    const due = job.objects.filter((o) => createsInIteration(o, iteration));
    for (const [i, object] of due.entries()) {
      for (let replica = 1; replica <= object.replicas && !ctx.signal.aborted && !failed(); replica++) {
        await dispatcher.submit(() => createReplica(ctx, object, iteration, replica));
      }
      if (job.objectDelayMs > 0 && i < due.length - 1) {
        await dispatcher.drain();
        await pause(job.objectDelayMs, ctx.signal);
      }
    }
    if (options.waitEachIteration) {
      await dispatcher.drain();
      if (failed()) break;
      ctx.progress.phase = `waiting (iteration ${iteration + 1})`;
      const ready = await ctx.tracker.waitReady([iteration], job.maxWaitTimeoutMs, ctx.signal);
      ctx.progress.phase = 'creating';
      if (!ready && !ctx.signal.aborted) throw new WaitTimeout(job.name, job.maxWaitTimeoutMs, ctx.tracker.pending([iteration]));
    }
    if (job.jobIterationDelayMs > 0) {
      await dispatcher.drain();
      await pause(job.jobIterationDelayMs, ctx.signal);
    }
  }
  await dispatcher.drain();
  if (failed()) throw dispatcher.errors[0];
}

/** A create job: namespaces, iterations of objects, waits. */
export async function runCreateJob(ctx: JobContext): Promise<void> {
  const { job } = ctx;
  const all = Array.from({ length: job.jobIterations }, (_, i) => i);
  ctx.progress.phase = 'creating';
  if (job.preCreateNamespaces) {
    for (const i of all) {
      const ns = namespaceForIteration(job, i);
      if (ns) await ensureNamespace(ctx, ns);
    }
  }
  await createIterations(ctx, all, { waitEachIteration: job.podWait });
  if (!job.podWait && job.waitWhenFinished && !ctx.signal.aborted) {
    ctx.progress.phase = 'waiting';
    const ready = await ctx.tracker.waitReady(undefined, job.maxWaitTimeoutMs, ctx.signal);
    if (!ready && !ctx.signal.aborted) throw new WaitTimeout(job.name, job.maxWaitTimeoutMs, ctx.tracker.pending());
  }
}

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

export function isWaitTimeout(err: unknown): err is WaitTimeout {
  return err instanceof WaitTimeout;
}

