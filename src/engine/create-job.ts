import type { Job, JobObject } from '../config/index.js';
import { isAlreadyExists, isUncertainCreate, prepareCreate, type KubeObject } from '../kube/index.js';
import { UserError } from '../shared/errors.js';
import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';
import { createsInIteration, namespaceForIteration } from '../config/index.js';
import { pause, type JobContext, type ObjectRef } from './context.js';
import { dispatcherFor, type Dispatcher } from './dispatch.js';
import { mayCreateAhead, NamespaceLookahead } from './namespace-lookahead.js';
import { LABEL, namespaceLabels } from './labels.js';
import { DELETION_TIMEOUT_MS, waitGone } from './wait-gone.js';
import { deleteGroupObjects } from './group-gc.js';
import { waitForKindsOrThrow, waitIterationsOrThrow, waitReadyOrThrow } from './wait-ready.js';

/**
 * Creates a namespace labelled for the run. An existing one is reused when it is this run's or
 * no burn run's (a user's own namespace: objects go in, gc leaves it); one that carries another
 * run's uuid is an error, so two runs never share (and gc never deletes) each other's namespaces.
 */
export async function ensureNamespace(ctx: JobContext, name: string): Promise<void> {
  if (ctx.ledger.namespaces.has(name)) return;
  const { job, config } = ctx;
  const ns: KubeObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: namespaceLabels({ uuid: config.global.uuid, runId: config.global.runId, job: job.name }, job.namespaceLabels), annotations: { ...job.namespaceAnnotations } },
  };
  // Namespaces are set-up, not the job's load: like kube-burner, they do not take the job's tokens.
  // A namespace that vanishes between our create (409) and our read is created again.
  for (let attempt = 1; ; attempt++) {
    const created = await ctx.housekeeping.create(ns, { signal: ctx.signal, alreadyExistsOk: true });
    if (created !== null) break;
    const existing = await ctx.housekeeping.get('v1', 'Namespace', name, undefined, { notFoundOk: true, signal: ctx.signal });
    if (existing === null && attempt < 3) continue;
    const owner = existing?.metadata.labels?.[LABEL.uuid];
    if (owner && owner !== config.global.uuid) throw new NamespaceOwnedElsewhere(name, owner, existing?.metadata.labels?.[LABEL.runId]);
    if (existing?.metadata.deletionTimestamp) {
      // Like kube-burner, wait for a terminating namespace to go, then create it again: objects sent
      // into it meanwhile would be refused with 403 "being terminated".
      ctx.log.info(`job ${job.name}: namespace ${name} is being deleted; waiting until it is gone to create it again`);
      const gone = await waitGone(ctx.housekeeping, { apiVersion: 'v1', kind: 'Namespace', labelSelector: '', only: new Set([`/${name}`]), timeoutMs: DELETION_TIMEOUT_MS, signal: ctx.signal });
      if (ctx.signal.aborted) return;
      if (gone > 0) {
        throw new UserError(`job "${job.name}": namespace ${name} exists and has been terminating for ${DELETION_TIMEOUT_MS / 60_000} minutes`, {
          hint: `see what holds it (kubectl get namespace ${name} -o yaml: conditions, finalizers), then run again`,
        });
      }
      attempt = 0;
      continue;
    }
    break;
  }
  ctx.ledger.addNamespace(name);
}

/** A namespace the run would reuse belongs to another burn run. */
export class NamespaceOwnedElsewhere extends UserError {
  constructor(
    readonly namespace: string,
    readonly owner: string,
    runId?: string,
  ) {
    super(`namespace ${namespace} exists and belongs to another burn run (uuid ${owner}${runId ? `, runId ${runId}` : ''}); this run will not use or delete it`, {
      hint: `if that run is still going, give this one other namespace names (the job's namespace); if it is over, remove what it left with: burn destroy --uuid ${owner}`,
    });
  }
}

/** A rendered document's create, in the iteration's namespace when it has none; the document can go once this returns. */
async function prepareDocument(ctx: JobContext, object: JobObject, obj: KubeObject, namespace: string | undefined) {
  const api = await ctx.client.resolve(obj.apiVersion, obj.kind);
  if (api.namespaced && !obj.metadata.namespace && namespace) obj.metadata.namespace = namespace;
  return { prepared: prepareCreate(obj), namespaced: api.namespaced, waits: waitsForItself(object, obj) };
}

/**
 * Sends the creates of one object replica's documents. Each document is serialized before it is
 * sent and then let go: while the API server holds the create, burn keeps its body and names only.
 */
export async function createReplica(ctx: JobContext, object: JobObject, iteration: number, replica: number): Promise<void> {
  const { job } = ctx;
  const docs: Array<KubeObject | undefined> = await ctx.renderer.render({ job, object, iteration, replica });
  const namespace = namespaceForIteration(job, iteration);
  for (let i = 0; i < docs.length; i++) {
    const { prepared, namespaced, waits } = await prepareDocument(ctx, object, docs[i]!, namespace);
    docs[i] = undefined;
    let created: KubeObject | null;
    try {
      created = await ctx.progress.track(() => ctx.client.createPrepared(prepared, { signal: ctx.signal, discardResponse: prepared.name !== undefined }));
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (isAlreadyExists(err)) {
        // Someone else's object (an earlier run's, a user's): counted and shown, never this run's.
        if (ctx.alreadyExisting.length < EXAMPLES) ctx.alreadyExisting.push({ apiVersion: prepared.apiVersion, kind: prepared.kind, namespace: prepared.namespace, name: prepared.name! });
        continue;
      }
      if (isUncertainCreate(err)) {
        // Not resent (that could make a second object) and not an error of the cluster: reported.
        ctx.log.warn(`job ${job.name}: ${err.message}`);
        continue;
      }
      throw err;
    }
    const name = created?.metadata.name ?? prepared.name!;
    const ns = namespaced ? (prepared.namespace ?? ctx.client.defaultNamespace) : undefined;
    ctx.progress.objectsCreated++;
    ctx.ledger.addObject({ apiVersion: prepared.apiVersion, kind: prepared.kind, namespace: ns, name, job: job.name, iteration, replica, objectIndex: object.index, churn: object.churn }, namespaced);
    if (waits) ctx.tracker.expect({ apiVersion: prepared.apiVersion, kind: prepared.kind, metadata: { name, namespace: ns } }, iteration, object.index);
  }
}

const EXAMPLES = 3;

function describeObject(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Who made an object this run found already there: the run uuid on its labels, when it has one. */
async function ownerOf(ctx: JobContext, ref: ObjectRef): Promise<string | undefined> {
  const found = await ctx.housekeeping.get(ref.apiVersion, ref.kind, ref.name, ref.namespace, { notFoundOk: true, signal: ctx.signal }).catch(() => null);
  const labels = found?.metadata.labels ?? {};
  return labels[LABEL.uuid] ?? labels[KUBE_BURNER_LABEL.uuid];
}

/**
 * A create's 409 AlreadyExists means the object is someone else's: counted, said, and a job that
 * created nothing because every create found its object there fails, saying how to clean up.
 */
async function reportAlreadyExisting(ctx: JobContext): Promise<void> {
  const count = ctx.progress.alreadyExists;
  if (count === 0) return;
  const examples = ctx.alreadyExisting.map(describeObject).join(', ');
  const what = `${count} create${count === 1 ? '' : 's'} of job "${ctx.job.name}" found the object already there (409 AlreadyExists${examples ? `: ${examples}${count > ctx.alreadyExisting.length ? ', ...' : ''}` : ''}); not this run's objects, so not waited on, counted or verified`;
  if (ctx.progress.objectsCreated > 0) {
    ctx.log.warn(`job ${ctx.job.name}: ${what}`);
    return;
  }
  const owner = ctx.alreadyExisting[0] ? await ownerOf(ctx, ctx.alreadyExisting[0]) : undefined;
  throw new UserError(`every create of job "${ctx.job.name}" found its object already there, so this run created nothing: ${what}`, {
    hint: `${owner ? `they carry the uuid of run ${owner}: remove them with burn destroy --uuid ${owner}` : 'remove them (kubectl delete, or burn destroy --uuid <the run that made them>)'}, or let the job do it before it starts with cleanup: true`,
  });
}

/**
 * Whether the job's wait follows this created object itself: not when `wait: false`, not when
 * waitOptions.kind names other objects to wait for, and with waitOptions.labelSelector only when
 * the object carries those labels (kube-burner lists the kind by them).
 */
function waitsForItself(object: JobObject, created: KubeObject): boolean {
  if (!object.wait || object.waitOptions.kind) return false;
  const labels = created.metadata.labels ?? {};
  return Object.entries(object.waitOptions.labelSelector).every(([k, v]) => labels[k] === v);
}

/** Creates every object (or every one of `options.objects`) of the given iterations, at the job's qps. */
export async function createIterations(ctx: JobContext, iterations: Iterable<number>, options: { waitEachIteration: boolean; objects?: readonly JobObject[] }): Promise<void> {
  const { job } = ctx;
  const dispatcher = dispatcherFor(ctx.client);
  const failed = () => dispatcher.errors.length > 0;
  const order = [...iterations];
  const objects = options.objects ?? job.objects;
  const namespaces = new NamespaceLookahead(
    ctx,
    ensureNamespace,
    order,
    objects.reduce((sum, o) => sum + o.replicas, 0),
    mayCreateAhead(job, options.waitEachIteration, ctx.hooks.has('onEachIteration')),
  );
  try {
    for (const [position, iteration] of order.entries()) {
      if (ctx.signal.aborted || failed()) break;
      ctx.errors.push(...(await ctx.hooks.run('onEachIteration')));
      ctx.progress.iteration = iteration;
      const namespace = namespaceForIteration(job, iteration);
      if (namespace && !job.preCreateNamespaces && !ctx.ledger.namespaces.has(namespace)) {
        if (iteration > 0) await pause(job.namespaceDelayMs, ctx.signal);
        await namespaces.ready(position);
      }
      await createIteration(ctx, dispatcher, iteration, objects, options.waitEachIteration);
      if (failed()) break;
    }
  } finally {
    await namespaces.settle();
  }
  await dispatcher.drain();
  if (failed()) throw dispatcher.errors[0];
}

/** Submits one iteration's objects; drains and waits after it when the job asks. */
async function createIteration(ctx: JobContext, dispatcher: Dispatcher, iteration: number, objects: readonly JobObject[], waitEachIteration: boolean): Promise<void> {
  const { job } = ctx;
  const failed = () => dispatcher.errors.length > 0;
  const due = objects.filter((o) => createsInIteration(o, iteration));
  for (const [i, object] of due.entries()) {
    for (let replica = 1; replica <= object.replicas && !ctx.signal.aborted && !failed(); replica++) {
      await dispatcher.submit(() => createReplica(ctx, object, iteration, replica));
    }
    if (job.objectDelayMs > 0 && i < due.length - 1) {
      await dispatcher.drain();
      await pause(job.objectDelayMs, ctx.signal);
    }
  }
  if (waitEachIteration) {
    await dispatcher.drain();
    if (failed()) return;
    ctx.progress.phase = `waiting (iteration ${iteration + 1})`;
    await waitIterationsOrThrow(ctx, [iteration]);
    ctx.progress.phase = 'creating';
  }
  if (job.jobIterationDelayMs > 0) {
    await dispatcher.drain();
    await pause(job.jobIterationDelayMs, ctx.signal);
  }
}

/** kube-burner's grouped execution: on as soon as one object has a group id above 0. */
export function isGrouped(job: Job): boolean {
  return job.objects.some((o) => o.group.id > 0);
}

/**
 * Grouped execution: namespaces first, then group after group in id order, each through all the
 * iterations; after a group, its wait (podWait or waitWhenFinished), the longest pauseBeforeGC of
 * its members, and when one of them has gc: true their deletion and the longest pauseAfterGC.
 */
export async function runGroups(ctx: JobContext, iterations: readonly number[]): Promise<void> {
  const { job } = ctx;
  for (const i of iterations) {
    const ns = namespaceForIteration(job, i);
    if (ns) await ensureNamespace(ctx, ns);
  }
  const ids = [...new Set(job.objects.map((o) => o.group.id))].sort((a, b) => a - b);
  for (const id of ids) {
    if (ctx.signal.aborted) return;
    const members = job.objects.filter((o) => o.group.id === id);
    ctx.log.info(`job ${job.name}: group ${id}: ${members.length} object template${members.length === 1 ? '' : 's'}`);
    ctx.progress.phase = `creating group ${id}`;
    await createIterations(ctx, iterations, { waitEachIteration: false, objects: members });
    if ((job.podWait || job.waitWhenFinished) && !ctx.signal.aborted) {
      ctx.progress.phase = `waiting (group ${id})`;
      await waitReadyOrThrow(ctx, [...iterations]);
      await waitForKindsOrThrow(ctx, members);
    }
    await pause(Math.max(...members.map((o) => o.group.pauseBeforeGCMs)), ctx.signal);
    if (members.some((o) => o.group.gc) && !ctx.signal.aborted) {
      ctx.progress.phase = `deleting group ${id}`;
      await deleteGroupObjects(ctx, members);
      await pause(Math.max(...members.map((o) => o.group.pauseAfterGCMs)), ctx.signal);
    }
  }
}

/** A create job: namespaces, iterations of objects, waits. */
export async function runCreateJob(ctx: JobContext): Promise<void> {
  const { job } = ctx;
  const all = Array.from({ length: job.jobIterations }, (_, i) => i);
  ctx.progress.phase = 'creating';
  if (isGrouped(job)) return runGroups(ctx, all);
  if (job.preCreateNamespaces) {
    for (const i of all) {
      const ns = namespaceForIteration(job, i);
      if (ns) await ensureNamespace(ctx, ns);
    }
  }
  await createIterations(ctx, all, { waitEachIteration: job.podWait });
  await reportAlreadyExisting(ctx);
  if (!job.podWait && job.waitWhenFinished && !ctx.signal.aborted) {
    ctx.progress.phase = 'waiting';
    await waitIterationsOrThrow(ctx);
  }
}
