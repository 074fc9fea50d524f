/**
 * hpaScaleOut fed the watch events kube-controller-manager's HPA controller produces (as seen on the
 * real control plane with metrics-server): desiredReplicas stays 0 until the controller first has
 * metrics, and the target is scaled before the HPA's status says so, so new pods can be seen first.
 */
import { describe, expect, it } from 'vitest';
import { hpaScaleOutPlugin } from '../../src/measure/hpa-scale-out.js';
import { positionsOf } from '../../src/measure/options.js';
import type { MeasurementClient, MeasurementContext, WatchResourcesOptions } from '../../src/measure/types.js';

const START = 1_000_000;

function harness() {
  const handlers = new Map<string, WatchResourcesOptions<any>>();
  const client = {
    watchResources<T>(options: WatchResourcesOptions<T>) {
      handlers.set(options.kind, options as WatchResourcesOptions<any>);
      return { synced: Promise.resolve(), stop() {} };
    },
    async get() {
      return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, spec: { selector: { matchLabels: { app: 'web' } } } };
    },
  } as unknown as MeasurementClient;
  const ctx = { client, uuid: 'u', runId: 'r', jobName: 'job', labelSelector: '', metricsEndpoints: [], window: () => ({ startMs: START }) } as unknown as MeasurementContext;
  const hpa = (type: string, current: number | undefined, desired: number | undefined, atMs: number) =>
    handlers.get('HorizontalPodAutoscaler')!.onEvent(type as never, handlers.get('HorizontalPodAutoscaler')!.project({
      metadata: { name: 'web', namespace: 'ns' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' } },
      ...(current === undefined ? {} : { status: { currentReplicas: current, desiredReplicas: desired } }),
    }), START + atMs);
  const pod = (type: string, name: string, phase: 'pending' | 'scheduled' | 'ready', atMs: number) => {
    const conditions = [
      { type: 'PodScheduled', status: phase === 'pending' ? 'False' : 'True' },
      { type: 'Ready', status: phase === 'ready' ? 'True' : 'False' },
    ];
    handlers.get('Pod')!.onEvent(type as never, handlers.get('Pod')!.project({ metadata: { name, namespace: 'ns', labels: { app: 'web' } }, status: { conditions } }), START + atMs);
  };
  return { ctx, hpa, pod };
}

describe('hpaScaleOut with the real HPA controller', () => {
  it('counts the first decision from the current replicas and gives it the pods seen before the status, deciding no later than the first of them', async () => {
    const m = hpaScaleOutPlugin.create(hpaScaleOutPlugin.parseOptions({ name: 'hpaScaleOut' }, positionsOf('config.yaml:1:1')));
    const h = harness();
    await m.start(h.ctx);
    h.pod('ADDED', 'web-0', 'ready', 1_000);
    h.hpa('ADDED', undefined, undefined, 1_300); // no status yet
    await new Promise((r) => setImmediate(r)); // the Deployment's selector is read
    h.hpa('MODIFIED', 1, 0, 16_300); // first sync: no metrics yet, desired left at 0
    // the controller scales the Deployment 1 -> 4; the pods show up before the HPA's new status
    h.pod('ADDED', 'web-1', 'pending', 31_000);
    h.pod('ADDED', 'web-2', 'pending', 31_050);
    h.hpa('MODIFIED', 1, 4, 31_400);
    h.pod('ADDED', 'web-3', 'pending', 31_500);
    for (const [name, at] of [['web-1', 31_100], ['web-2', 31_120], ['web-3', 31_600]] as const) h.pod('MODIFIED', name, 'scheduled', at);
    for (const [name, at] of [['web-1', 32_000], ['web-2', 32_100], ['web-3', 32_600]] as const) h.pod('MODIFIED', name, 'ready', at);
    h.hpa('MODIFIED', 4, 4, 46_400); // later syncs change nothing
    await m.stop();
    const result = await m.collect();
    const docs = result.documents!.find((d) => d.fileName === 'hpaScaleOutMeasurement-job.json')!.docs;
    expect(docs).toEqual([expect.objectContaining({ hpa: 'ns/web', fromReplicas: 1, toReplicas: 4, decisionMs: 31_000, podsCreatedMs: 500, podsScheduledMs: 600, podsReadyMs: 1_600 })]);
    expect(result.warnings ?? []).toEqual([]);
  });

  it('leaves pods that were there before the previous change alone, and sees no scale-out while desired stays 0', async () => {
    const m = hpaScaleOutPlugin.create(hpaScaleOutPlugin.parseOptions({ name: 'hpaScaleOut' }, positionsOf('config.yaml:1:1')));
    const h = harness();
    await m.start(h.ctx);
    h.pod('ADDED', 'web-0', 'ready', 1_000);
    h.pod('ADDED', 'web-1', 'ready', 1_100);
    h.hpa('ADDED', 2, 0, 1_300);
    await new Promise((r) => setImmediate(r));
    h.hpa('MODIFIED', 2, 0, 16_300);
    h.hpa('MODIFIED', 2, 3, 31_400); // no new pod seen yet: decision at the status
    h.pod('ADDED', 'web-2', 'ready', 32_000);
    await m.stop();
    const docs = (await m.collect()).documents!.find((d) => d.fileName === 'hpaScaleOutMeasurement-job.json')!.docs;
    expect(docs).toEqual([expect.objectContaining({ fromReplicas: 2, toReplicas: 3, decisionMs: 31_400, podsCreatedMs: 600, podsReadyMs: 600 })]);
  });
});
