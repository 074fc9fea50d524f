/**
 * The simulated HPA: kube-controller-manager's autoscaling/v2 arithmetic (unit), then the
 * controller on the simulated cluster scaling a Deployment whose modelled application (a Service
 * served on a loopback port) is loaded over real HTTP.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BEHAVIOR, behaviorOf, decide, recommend, type PodSample } from '../../src/sim/cluster/hpa-algorithm.js';
import { startTestCluster, type TestCluster } from './cluster-harness.js';

const pod = (usage: number | undefined, ready = true, req = 100): PodSample => ({ usage, request: req, ready });
const bounds = { min: 1, max: 100 };

describe('HPA arithmetic (autoscaling/v2)', () => {
  it('desired = ceil(current x metric / target), nothing within the 10% tolerance', () => {
    expect(recommend(2, [pod(90), pod(90)], 50)).toEqual({ desired: 4, utilization: 90 }); // ceil(2 x 90/50) = 4
    expect(recommend(3, [pod(30), pod(30), pod(30)], 50).desired).toBe(2); // ceil(3 x 0.6) = 2
    expect(recommend(2, [pod(54), pod(54)], 50).desired).toBe(2); // ratio 1.08: within tolerance
    expect(recommend(2, [pod(56), pod(56)], 50).desired).toBe(3); // ratio 1.12: ceil(2.24)
  });

  it('counts pods not yet ready as using nothing when scaling up, so a scale-up is not repeated while they start', () => {
    // 2 ready at 100%, 2 starting: (200 used) / (400 requested) = 50% of target 50: no change.
    expect(recommend(4, [pod(100), pod(100), pod(undefined, false), pod(undefined, false)], 50).desired).toBe(4);
    // 2 ready at 150%: 300/400 = 75% -> ratio 1.5 over 4 pods = 6.
    expect(recommend(4, [pod(150), pod(150), pod(undefined, false), pod(undefined, false)], 50).desired).toBe(6);
  });

  it('default behavior: up by the larger of 100% and 4 pods per 15 s; down only after 300 s of lower recommendations', () => {
    expect(decide(1, 20, DEFAULT_BEHAVIOR, [{ atMs: 0, desired: 20 }], [], bounds, 0)).toEqual({ desired: 5, limitedBy: 'ScaleUpLimit' }); // 1 + 4
    expect(decide(10, 50, DEFAULT_BEHAVIOR, [{ atMs: 0, desired: 50 }], [], bounds, 0)).toEqual({ desired: 20, limitedBy: 'ScaleUpLimit' }); // 10 x 2
    // Within the period after a scale from 10 to 20, the limit counts from 10.
    expect(decide(20, 50, DEFAULT_BEHAVIOR, [{ atMs: 5000, desired: 50 }], [{ atMs: 0, from: 10, replicas: 20 }], bounds, 5000)).toEqual({ desired: 20, limitedBy: 'ScaleUpLimit' });
    const history = [
      { atMs: 0, desired: 8 },
      { atMs: 200_000, desired: 3 },
    ];
    expect(decide(8, 3, DEFAULT_BEHAVIOR, history, [], bounds, 200_000)).toEqual({ desired: 8, limitedBy: 'ScaleDownStabilized' });
    expect(decide(8, 3, DEFAULT_BEHAVIOR, history.slice(1), [], bounds, 301_000)).toEqual({ desired: 3 });
    expect(decide(3, 200, DEFAULT_BEHAVIOR, [{ atMs: 0, desired: 200 }], [], { min: 1, max: 5 }, 0)).toEqual({ desired: 5, limitedBy: 'TooManyReplicas' });
  });

  it('reads spec.behavior, defaults where it says nothing', () => {
    const b = behaviorOf({ behavior: { scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } });
    expect(b.scaleUp).toEqual({ stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] });
    expect(b.scaleDown).toEqual(DEFAULT_BEHAVIOR.scaleDown);
    expect(decide(1, 5, b, [{ atMs: 0, desired: 2 }, { atMs: 30_000, desired: 5 }], [], bounds, 30_000)).toEqual({ desired: 2, limitedBy: 'ScaleUpStabilized' });
  });
});

function get(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

let cluster: TestCluster | undefined;
afterEach(() => cluster?.stop());

describe('HPA controller and modelled application on the simulated cluster', () => {
  it('serves the Service on a loopback port; under load the HPA scales the Deployment out and the new pods become ready', async () => {
    cluster = startTestCluster({ nodes: 2 });
    const { store } = cluster;
    const labels = { app: 'web' };
    store.create('apps/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'web', resources: { requests: { cpu: '100m' } } }] } } },
    });
    // 20 req/s per pod costs 2m each: 40m + 1m idle = 41% of 100m.
    store.create('services', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', annotations: { 'sim.burn.dev/app': 'true', 'sim.burn.dev/app-capacity': '50', 'sim.burn.dev/app-cpu-per-request': '2m' } }, spec: { selector: labels, ports: [{ port: 80 }] } });
    store.create('autoscaling/horizontalpodautoscalers', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'web', namespace: 'default', annotations: { 'sim.burn.dev/sync-period': '1' } },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 4, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] },
    });
    const port = Number(await cluster.until('the loopback port', () => store.get('services', 'default', 'web')?.metadata.annotations?.['sim.burn.dev/loopback-port']));
    await cluster.until('a ready pod', () => store.list('pods', 'default').some((p) => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')), 30_000);
    expect(await get(port)).toBe(200);
    // About 60 req/s on one pod: 121% of its request, so the HPA asks for ceil(1 x 121/50) = 3.
    let loading = true;
    const load = (async () => {
      while (loading) {
        await Promise.all(Array.from({ length: 6 }, () => get(port)));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      const hpa = await cluster.until('a scale-out', () => {
        const h = store.get('autoscaling/horizontalpodautoscalers', 'default', 'web');
        return (h?.status?.desiredReplicas ?? 0) > 1 ? h : undefined;
      }, 60_000);
      expect(hpa.status.currentMetrics[0].resource.current.averageUtilization).toBeGreaterThan(55);
      expect(store.get('apps/deployments', 'default', 'web')!.spec.replicas).toBe(hpa.status.desiredReplicas);
      expect(cluster.events(hpa).map((e) => e.reason)).toContain('SuccessfulRescale');
      await cluster.until('the new pods ready', () => store.list('pods', 'default').filter((p) => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True')).length >= 2, 30_000);
    } finally {
      loading = false;
      await load;
    }
  }, 120_000);
});
