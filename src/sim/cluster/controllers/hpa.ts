/**
 * The HorizontalPodAutoscaler controller (autoscaling/v2) for Deployments, on CPU utilisation
 * from the modelled applications (src/sim/cluster/app-model.ts): every sync period (15 s as
 * kube-controller-manager, or the HPA's `sim.burn.dev/sync-period` annotation in seconds) it
 * computes the recommendation (src/sim/cluster/hpa-algorithm.ts), applies stabilisation, policies
 * and bounds, scales the Deployment and writes the HPA's status and a SuccessfulRescale event.
 */
import type { KubeObject, SimContext } from '../../types.js';
import type { AppModels } from '../app-model.js';
import { podRequests } from '../quantity.js';
import { mapMatches } from '../selectors.js';
import { rfc3339 } from '../time.js';
import { behaviorOf, decide, recommend, type ScaleEvent } from '../hpa-algorithm.js';
import { Controller } from './controller.js';
import { isPodActive, isPodReady } from './common.js';

const RESOURCE = 'autoscaling/horizontalpodautoscalers';
const COMPONENT = 'horizontal-pod-autoscaler';
export const SYNC_PERIOD_ANNOTATION = 'sim.burn.dev/sync-period';
const DEFAULT_SYNC_MS = 15_000;

interface Memory {
  history: Array<{ atMs: number; desired: number }>;
  events: ScaleEvent[];
  timerArmed: boolean;
}

export class HpaController extends Controller {
  private readonly memory = new Map<string, Memory>();

  constructor(
    ctx: SimContext,
    private readonly apps: AppModels,
  ) {
    super(ctx);
    this.watch(RESOURCE, (e) => {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === 'DELETED') this.memory.delete(key);
      else if (!this.memory.has(key)) {
        this.memory.set(key, { history: [], events: [], timerArmed: false });
        this.arm(key, 0);
      }
    });
  }

  private arm(key: string, ms: number): void {
    const m = this.memory.get(key);
    if (!m || m.timerArmed) return;
    m.timerArmed = true;
    this.ctx.setTimeout(() => {
      m.timerArmed = false;
      if (this.memory.get(key) !== m) return;
      const [namespace, name] = key.split('/') as [string, string];
      const hpa = this.ctx.store.get(RESOURCE, namespace, name);
      if (!hpa) return;
      this.sync(hpa, m);
      this.arm(key, syncPeriodMs(hpa));
    }, ms);
  }

  private sync(hpa: KubeObject, m: Memory): void {
    const namespace = hpa.metadata.namespace as string;
    const ref = hpa.spec?.scaleTargetRef as { kind?: string; name?: string } | undefined;
    const target = ref?.kind === 'Deployment' && ref.name ? this.ctx.store.get('apps/deployments', namespace, ref.name) : undefined;
    const cpu = (hpa.spec?.metrics as Array<{ type: string; resource?: { name: string; target?: { type: string; averageUtilization?: number } } }> | undefined)?.find((x) => x.type === 'Resource' && x.resource?.name === 'cpu' && x.resource.target?.type === 'Utilization');
    const now = this.ctx.now();
    if (!target || !cpu) {
      this.writeStatus(hpa, { able: false, reason: !target ? 'FailedGetScale' : 'FailedGetResourceMetric', message: !target ? `the simulator scales Deployments; ${ref?.kind}/${ref?.name} not found` : 'the simulator computes the cpu Resource metric with a Utilization target only' });
      return;
    }
    const current = target.spec?.replicas ?? 1;
    const selector = target.spec?.selector?.matchLabels as Record<string, string> | undefined;
    const pods = selector ? this.ctx.store.list('pods', namespace).filter((p) => isPodActive(p) && mapMatches(selector, p.metadata.labels)) : [];
    const samples = pods.map((p) => ({ usage: this.apps.cpuUsage(p), request: podRequests(p.spec).cpuMillis, ready: isPodReady(p) }));
    const targetUtilization = cpu.resource!.target!.averageUtilization ?? 80;
    const rec = recommend(current, samples, targetUtilization);
    const behavior = behaviorOf(hpa.spec);
    const longestWindow = Math.max(behavior.scaleUp.stabilizationWindowSeconds, behavior.scaleDown.stabilizationWindowSeconds) * 1000;
    const longestPeriod = Math.max(...[...behavior.scaleUp.policies, ...behavior.scaleDown.policies].map((p) => p.periodSeconds)) * 1000;
    m.history = [...m.history.filter((h) => now - h.atMs <= longestWindow), { atMs: now, desired: rec.desired }];
    m.events = m.events.filter((e) => now - e.atMs < longestPeriod);
    const decision = decide(current, rec.desired, behavior, m.history, m.events, { min: hpa.spec?.minReplicas ?? 1, max: hpa.spec?.maxReplicas ?? current }, now);
    let lastScaleTime: string | undefined;
    if (decision.desired !== current) {
      this.ctx.store.mutate('apps/deployments', namespace, target.metadata.name as string, (d) => {
        d.spec = { ...(d.spec ?? {}), replicas: decision.desired };
      });
      m.events.push({ atMs: now, replicas: decision.desired, from: current });
      lastScaleTime = rfc3339(now);
      this.ctx.recordEvent(hpa, 'Normal', 'SuccessfulRescale', `New size: ${decision.desired}; reason: cpu resource utilization (percentage of request) ${decision.desired > current ? 'above' : 'below'} target`, COMPONENT);
    }
    this.writeStatus(hpa, { able: true, current, desired: decision.desired, utilization: rec.utilization, limitedBy: decision.limitedBy, ...(lastScaleTime ? { lastScaleTime } : {}) });
  }

  private writeStatus(hpa: KubeObject, s: { able: boolean; reason?: string; message?: string; current?: number; desired?: number; utilization?: number; limitedBy?: string; lastScaleTime?: string }): void {
    const now = rfc3339(this.ctx.now());
    this.ctx.store.mutate(RESOURCE, hpa.metadata.namespace, hpa.metadata.name as string, (obj) => {
      const previous = obj.status ?? {};
      const condition = (type: string, status: boolean, reason: string, message: string) => {
        const before = (previous.conditions ?? []).find((c: { type: string }) => c.type === type);
        const same = before && before.status === (status ? 'True' : 'False');
        return { type, status: status ? 'True' : 'False', lastTransitionTime: same ? before.lastTransitionTime : now, reason, message };
      };
      obj.status = {
        ...previous,
        ...(s.current !== undefined ? { currentReplicas: s.current } : {}),
        ...(s.desired !== undefined ? { desiredReplicas: s.desired } : {}),
        ...(s.lastScaleTime ? { lastScaleTime: s.lastScaleTime } : {}),
        ...(s.utilization !== undefined ? { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: Math.round(s.utilization) } } }] } : {}),
        conditions: [
          condition('AbleToScale', s.able, s.able ? 'ReadyForNewScale' : (s.reason ?? 'FailedGetScale'), s.able ? 'recommended size matches current size' : (s.message ?? '')),
          condition('ScalingActive', s.able, s.able ? 'ValidMetricFound' : (s.reason ?? 'FailedGetResourceMetric'), s.able ? 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)' : (s.message ?? '')),
          condition('ScalingLimited', Boolean(s.limitedBy), s.limitedBy ?? 'DesiredWithinRange', s.limitedBy ? `the desired replica count is limited (${s.limitedBy})` : 'the desired count is within the acceptable range'),
        ],
      };
    });
  }
}

function syncPeriodMs(hpa: KubeObject): number {
  const given = Number(hpa.metadata.annotations?.[SYNC_PERIOD_ANNOTATION]);
  return Number.isFinite(given) && given > 0 ? given * 1000 : DEFAULT_SYNC_MS;
}
