import type { KubeObject } from '../kube/index.js';
import { pause, type JobContext } from './context.js';
import { applyLabels, LABEL } from './labels.js';
import { waitUntilGone } from './select-jobs.js';

/**
 * kube-burner's preLoadImages: before the job, a DaemonSet pulls every image the job's templates
 * use onto every node, so image pulls do not pollute pod startup latency. It is removed afterwards.
 */
export async function preloadImages(ctx: JobContext): Promise<void> {
  const images = await ctx.renderer.images(ctx.job);
  if (images.length === 0) return;
  const { uuid, runId } = ctx.config.global;
  const namespace = `preload-${uuid.slice(0, 8)}`;
  const labels = { [LABEL.uuid]: uuid, [LABEL.runId]: runId, [LABEL.job]: `${ctx.job.name}-preload` };
  const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } };
  const ds: KubeObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'preload', namespace },
    spec: {
      selector: { matchLabels: { app: 'burn-preload' } },
      template: {
        metadata: { labels: { app: 'burn-preload' } },
        spec: {
          initContainers: images.map((image, i) => ({ name: `pull-${i}`, image, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', 'exit 0'] })),
          containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '1m', memory: '4Mi' } } }],
          nodeSelector: ctx.job.preLoadNodeLabels,
          tolerations: [{ operator: 'Exists' }],
        },
      },
    },
  };
  applyLabels(ns, labels);
  applyLabels(ds, labels);
  ctx.progress.phase = `preloading ${images.length} image(s)`;
  ctx.log.info(`job ${ctx.job.name}: preloading ${images.join(', ')} for ${Math.round(ctx.job.preLoadPeriodMs / 1000)}s`);
  await ctx.housekeeping.create(ns, { alreadyExistsOk: true, signal: ctx.signal });
  await ctx.housekeeping.create(ds, { alreadyExistsOk: true, signal: ctx.signal });
  await pause(ctx.job.preLoadPeriodMs, ctx.signal);
  await ctx.housekeeping.delete('v1', 'Namespace', namespace, undefined, { notFoundOk: true });
  await waitUntilGone(ctx, 'v1', 'Namespace', `${LABEL.uuid}=${uuid}`, new Set([`/${namespace}`]));
}
