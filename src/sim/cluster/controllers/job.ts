import type { KubeObject, SimContext } from '../../types.js';
import type { OwnerIndex } from '../owners.js';
import { rfc3339 } from '../time.js';
import { KindController } from './controller.js';
import { controllerRef, isPodActive, isPodReady, omitZero, podFromTemplate, writeStatus } from './common.js';

/**
 * The job controller: keeps up to `parallelism` pods running until `completions` have succeeded
 * (or, with no completions, until one has and none is left running), then marks the Job Complete.
 * Indexed jobs get one pod per completion index.
 */

const COMPONENT = 'job-controller';
const INDEX = 'batch.kubernetes.io/job-completion-index';

function indexOf(pod: KubeObject): number {
  return Number(pod.metadata.annotations?.[INDEX] ?? -1);
}

/** "0-2,4,6-7" as Kubernetes writes status.completedIndexes. */
export function formatIndexes(indexes: number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

export class JobController extends KindController {
  constructor(ctx: SimContext, owners: OwnerIndex) {
    super(ctx, owners, { queue: 'job', resource: 'batch/jobs', kind: 'Job', dependents: 'pods' });
  }

  protected reconcile(job: KubeObject): void {
    const done = (job.status?.conditions ?? []).some((c: { type: string; status: string }) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
    if (done || job.spec?.suspend) return;
    const uid = job.metadata.uid as string;
    const pods = this.owners.dependents(uid, 'pods').filter((p) => controllerRef(p)?.uid === uid);
    const active = pods.filter(isPodActive);
    const succeededPods = pods.filter((p) => p.status?.phase === 'Succeeded');
    const failed = pods.filter((p) => p.status?.phase === 'Failed').length;
    const indexed = job.spec?.completionMode === 'Indexed';
    const completions: number | undefined = job.spec?.completions ?? undefined;
    const parallelism = Number(job.spec?.parallelism ?? 1);
    const completedIndexes = indexed ? [...new Set(succeededPods.map(indexOf).filter((i) => i >= 0))] : [];
    const succeeded = Math.max(Number(job.status?.succeeded ?? 0), indexed ? completedIndexes.length : succeededPods.length);
    const now = this.ctx.now();

    const complete = completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0;
    if (!complete) {
      const remaining = completions !== undefined ? completions - succeeded : succeeded > 0 ? 0 : parallelism;
      const want = Math.max(0, Math.min(parallelism, remaining) - active.length);
      if (indexed) {
        const taken = new Set([...completedIndexes, ...active.map(indexOf)]);
        let created = 0;
        for (let i = 0; created < want && i < (completions ?? 0); i++) {
          if (taken.has(i)) continue;
          this.createPod(job, i);
          created++;
        }
      } else {
        for (let i = 0; i < want; i++) this.createPod(job);
      }
    }

    const status: Record<string, unknown> = {
      startTime: job.status?.startTime ?? rfc3339(now),
      active: omitZero(complete ? 0 : active.length),
      ready: complete ? 0 : active.filter(isPodReady).length,
      succeeded: omitZero(succeeded),
      failed: omitZero(failed),
      terminating: 0,
      uncountedTerminatedPods: {},
      completedIndexes: indexed && completedIndexes.length ? formatIndexes(completedIndexes) : undefined,
    };
    if (complete) {
      const at = rfc3339(now);
      const reached = { status: 'True', lastProbeTime: at, lastTransitionTime: at, reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
      status.conditions = [...(job.status?.conditions ?? []), { type: 'SuccessCriteriaMet', ...reached }, { type: 'Complete', ...reached }];
      status.completionTime = at;
    }
    const written = writeStatus(this.ctx.store, 'batch/jobs', job, status);
    if (complete && written) this.ctx.recordEvent(job, 'Normal', 'Completed', 'Job completed', COMPONENT);
  }

  private createPod(job: KubeObject, index?: number): void {
    const overrides = index === undefined ? {} : { generateName: `${job.metadata.name}-${index}-`, annotations: { [INDEX]: String(index) }, labels: { [INDEX]: String(index) }, spec: { hostname: `${job.metadata.name}-${index}` } };
    const pod = this.ctx.store.create('pods', podFromTemplate(job, job.spec?.template, overrides));
    this.ctx.recordEvent(job, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, COMPONENT);
  }
}
