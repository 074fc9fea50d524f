import type { KubeObject } from '../kube/index.js';
import { UserError } from '../shared/errors.js';
import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';
import type { JobContext } from './context.js';
import { applyLabels, LABEL } from './labels.js';
import { waitUntilGone } from './select-jobs.js';
import { DELETION_TIMEOUT_MS } from './wait-gone.js';
import { watchAccess, type Access } from '../kube/index.js';

/**
 * kube-burner's preLoadImages: before the job, a DaemonSet on the nodes of `preLoadNodeLabels` pulls
 * every image the job's templates use, so image pulls do not pollute pod startup latency. The job
 * goes on as soon as every node has pulled every image, or when `preLoadPeriod` has passed (then with
 * a warning naming what was not pulled, as kube-burner does); the namespace is removed either way.
 *
 * As in kube-burner, each image runs as a plain container whose command does not exist in it: the
 * kubelet must pull the image before it can fail to start it, and nothing needs a shell (the pause
 * image has none). Such pods never become Ready on a real node, so a node counts as done when each of
 * its pull containers is past the pull (running, terminated, restarted, or waiting for any reason but
 * the pull itself).
 */

const APP_LABEL = 'burn-preload';
const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
/** A command no image has: starting it fails, after the pull. */
const NOT_A_COMMAND = ['/burn-preload-image-pulled'];
/** Waiting reasons that mean the image is not on the node yet. */
const STILL_PULLING = new Set(['', 'ContainerCreating', 'PodInitializing', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull']);

interface ContainerStatus {
  name?: string;
  restartCount?: number;
  state?: { running?: unknown; terminated?: unknown; waiting?: { reason?: string; message?: string } };
}

/** Whether a pull container's image is on its node (kube-burner's rule). */
export function imagePulled(status: ContainerStatus): boolean {
  const state = status.state ?? {};
  if (state.running || state.terminated || (status.restartCount ?? 0) > 0) return true;
  return state.waiting !== undefined && !STILL_PULLING.has(state.waiting.reason ?? '');
}

export function preloadDaemonSet(namespace: string, images: readonly string[], nodeSelector: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'preload', namespace },
    spec: {
      revisionHistoryLimit: 1,
      selector: { matchLabels: { app: APP_LABEL } },
      template: {
        metadata: { labels: { app: APP_LABEL } },
        spec: {
          terminationGracePeriodSeconds: 0,
          containers: [
            { name: 'pause', image: PAUSE_IMAGE, resources: { requests: { cpu: '1m', memory: '4Mi' } } },
            ...images.map((image, i) => ({ name: `pull-${i}`, image, command: NOT_A_COMMAND, imagePullPolicy: 'Always' })),
          ],
          nodeSelector,
        },
      },
    },
  };
}

interface PullState {
  /** Nodes the DaemonSet should run on; undefined until the controller has said. */
  desired?: number;
  /** Per pod: its node, and each pull container's status. */
  pods: Map<string, { node: string; pulls: ContainerStatus[] }>;
}

function pulledNodes(state: PullState): number {
  let done = 0;
  for (const pod of state.pods.values()) if (pod.pulls.length > 0 && pod.pulls.every(imagePulled)) done++;
  return done;
}

/** What is still missing, for the warning at the end of the period. */
function missing(state: PullState, images: readonly string[]): string[] {
  const out: string[] = [];
  for (const pod of state.pods.values()) {
    for (const status of pod.pulls) {
      if (imagePulled(status)) continue;
      const image = images[Number(status.name?.slice('pull-'.length))] ?? status.name;
      const waiting = status.state?.waiting;
      out.push(`${image} on ${pod.node || 'an unscheduled pod'}${waiting?.reason ? ` (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})` : ''}`);
    }
  }
  return out;
}

/** Watches the DaemonSet and its pods until every desired node has pulled every image, or the period ends. */
async function waitForPulls(ctx: JobContext, namespace: string, images: readonly string[]): Promise<PullState> {
  const state: PullState = { pods: new Map() };
  let wake: () => void = () => undefined;
  const done = () => state.desired !== undefined && state.desired > 0 && pulledNodes(state) >= state.desired;
  const onError = (err: unknown) => ctx.log.debug(`preload watch: ${err instanceof Error ? err.message : String(err)}`);
  const dsWatch = ctx.housekeeping.watchResources({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    namespace,
    onError,
    onEvent: (type, ds) => {
      const desired = (ds.status as { desiredNumberScheduled?: number } | undefined)?.desiredNumberScheduled;
      if (type !== 'DELETED' && typeof desired === 'number' && ds.metadata.generation === (ds.status as { observedGeneration?: number }).observedGeneration) state.desired = desired;
      if (done()) wake();
    },
  });
  const podWatch = ctx.housekeeping.watchResources({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace,
    labelSelector: `app=${APP_LABEL}`,
    onError,
    onEvent: (type, pod) => {
      const name = pod.metadata.name as string;
      if (type === 'DELETED') state.pods.delete(name);
      else {
        const statuses = ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []).filter((s) => s.name?.startsWith('pull-'));
        state.pods.set(name, { node: (pod.spec as { nodeName?: string } | undefined)?.nodeName ?? '', pulls: statuses });
      }
      if (done()) wake();
    },
  });
  try {
    await Promise.all([dsWatch.synced, podWatch.synced]);
    if (done() || ctx.signal.aborted) return state;
    await new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        ctx.signal.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, ctx.job.preLoadPeriodMs);
      ctx.signal.addEventListener('abort', finish, { once: true });
      wake = finish;
    });
    return state;
  } finally {
    await Promise.all([dsWatch.stop(), podWatch.stop()]);
  }
}

export async function preloadImages(ctx: JobContext): Promise<void> {
  const images = await ctx.renderer.images(ctx.job);
  if (images.length === 0) {
    ctx.log.info(`job ${ctx.job.name}: no images to preload`);
    return;
  }
  const { uuid, runId } = ctx.config.global;
  const namespace = `preload-${uuid.slice(0, 8)}`;
  const labels = { [LABEL.uuid]: uuid, [LABEL.runId]: runId, [LABEL.job]: `${ctx.job.name}-preload`, [KUBE_BURNER_LABEL.job]: 'preload' };
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
  const ds = preloadDaemonSet(namespace, images, ctx.job.preLoadNodeLabels);
  applyLabels(ns, labels);
  applyLabels(ds, labels);
  const period = `${Math.round(ctx.job.preLoadPeriodMs / 1000)}s`;
  ctx.progress.phase = `preloading ${images.length} image(s)`;
  ctx.log.info(`job ${ctx.job.name}: preloading ${images.join(', ')} on every node${Object.keys(ctx.job.preLoadNodeLabels).length ? ` labelled ${JSON.stringify(ctx.job.preLoadNodeLabels)}` : ''} (at most ${period})`);
  await ctx.housekeeping.create(ns, { alreadyExistsOk: true, signal: ctx.signal });
  try {
    await ctx.housekeeping.create(ds, { alreadyExistsOk: true, signal: ctx.signal });
    const state = await waitForPulls(ctx, namespace, images);
    if (ctx.signal.aborted) return;
    const nodes = pulledNodes(state);
    if (!state.desired) {
      throw new UserError(`job ${ctx.job.name}: preLoadImages found no node to pull images on within preLoadPeriod ${period}`, {
        hint: Object.keys(ctx.job.preLoadNodeLabels).length ? 'check that preLoadNodeLabels match schedulable nodes without taints' : 'check that the cluster has schedulable nodes without taints, or set preLoadImages: false',
      });
    }
    if (nodes >= state.desired) ctx.log.info(`job ${ctx.job.name}: ${images.length} image(s) pulled on ${nodes} node(s)`);
    else {
      const left = missing(state, images);
      ctx.log.warn(
        `job ${ctx.job.name}: preLoadPeriod ${period} passed with images pulled on ${nodes} of ${state.desired} node(s); the job goes on, and pod startup may include image pulls` +
          (left.length ? `; not pulled: ${left.slice(0, 5).join('; ')}${left.length > 5 ? `; and ${left.length - 5} more` : ''}` : ''),
      );
    }
  } finally {
    await ctx.housekeeping.delete('v1', 'Namespace', namespace, undefined, { notFoundOk: true });
    // As kube-burner, the preload namespace is waited for whatever maxWaitTimeout says: that bounds
    // the job's own objects, and a DaemonSet's pods can take longer to go than a short one.
    if (!ctx.signal.aborted) await waitUntilGone(ctx, 'v1', 'Namespace', `${LABEL.uuid}=${uuid}`, new Set([`/${namespace}`]), DELETION_TIMEOUT_MS);
  }
}

/** What preLoadImages asks of the API server: its namespace and DaemonSet, watched until the pulls end, then removed. */
export const PRELOAD_ACCESS: Access[] = [
  { group: '', resource: 'namespaces', verbs: ['create', 'delete', 'list', 'watch'], why: 'preLoadImages makes a namespace for its DaemonSet and removes it' },
  { group: 'apps', resource: 'daemonsets', verbs: ['create', 'list', 'watch'], why: 'preLoadImages pulls the images with a DaemonSet' },
  watchAccess('', 'pods', "preLoadImages watches its DaemonSet's pods pull"),
];
