import { startCluster } from '../../src/sim/cluster/index.js';
import { createSimContext, TimerSet, TruthRecorder } from '../../src/sim/context.js';
import { builtinProfiles } from '../../src/sim/profiles.js';
import { builtinResources } from '../../src/sim/server/resources.js';
import { createStore, type MemoryStore } from '../../src/sim/store.js';
import type { KubeObject, LatencySpec, SimContext, SimProfile } from '../../src/sim/types.js';
import type { ClusterMetrics } from '../../src/sim/cluster/metrics.js';

/**
 * The real store and context with the cluster behaviour on top, in process, for the cluster
 * suites. Profiles are data: tests scale the built-in latencies down instead of waiting seconds.
 */

const LATENCY_FIELDS = ['scheduling', 'sandbox', 'imagePull', 'containerStart', 'readiness', 'podDeletion', 'controllerSync', 'jobPodRuntime'] as const;

/** A built-in profile with every cluster latency divided by `factor`. */
export function scaledProfile(name: string, factor: number, overrides: Partial<SimProfile> = {}): SimProfile {
  const base = structuredClone(builtinProfiles[name]!);
  for (const field of LATENCY_FIELDS) {
    const spec: LatencySpec = base[field];
    base[field] = { p50: spec.p50 / factor, p99: spec.p99 / factor };
  }
  return { ...base, ...overrides };
}

export interface RecordedMetrics extends ClusterMetrics {
  attempts: Record<string, number>;
  podStartSeconds: number[];
  /** Per started pod, the part of its startup the simulator added itself (its timers late). */
  podSelfDelaySeconds: number[];
}

export interface TestCluster {
  store: MemoryStore;
  ctx: SimContext;
  truth: TruthRecorder;
  metrics: RecordedMetrics;
  /** Resolves once `check` holds, re-evaluated on every store change; rejects after timeoutMs. */
  until<T>(what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  events(obj: KubeObject): KubeObject[];
  stop(): void;
}

export function startTestCluster(options: { nodes: number; profile?: SimProfile; seed?: number }): TestCluster {
  const profile = options.profile ?? scaledProfile('default', 20);
  const store = createStore(builtinResources, { watchWindow: 1000 });
  const truth = new TruthRecorder();
  const timers = new TimerSet();
  const ctx = createSimContext(store, profile, options.seed ?? 7, truth, timers);
  store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
  const metrics: RecordedMetrics = {
    attempts: {},
    podStartSeconds: [],
    podSelfDelaySeconds: [],
    scheduleAttempt(result) {
      this.attempts[result] = (this.attempts[result] ?? 0) + 1;
    },
    podStartSli(seconds, selfDelaySeconds) {
      this.podStartSeconds.push(seconds);
      this.podSelfDelaySeconds.push(selfDelaySeconds);
    },
  };
  const cluster = startCluster(ctx, { nodes: options.nodes, metrics, caPem: '-----BEGIN CERTIFICATE-----\ntest\n-----END CERTIFICATE-----\n' });
  const waiters = new Set<() => void>();
  const off = store.on('*', () => {
    for (const w of [...waiters]) w();
  });
  return {
    store,
    ctx,
    truth,
    metrics,
    until<T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const attempt = () => {
          const value = check();
          if (value === undefined || value === false) return false;
          waiters.delete(attempt);
          clearTimeout(timer);
          resolve(value);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(attempt);
          reject(new Error(`timed out waiting for ${what}`));
        }, timeoutMs);
        if (!attempt()) waiters.add(attempt);
      });
    },
    events(obj: KubeObject) {
      return store.list('events', obj.metadata.namespace).filter((e) => e.involvedObject?.uid === obj.metadata.uid);
    },
    stop() {
      off();
      cluster.stop();
      timers.clear();
    },
  };
}

export function podReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
}

export function deployment(name: string, replicas: number, extra: { image?: string; labels?: Record<string, string>; spec?: Record<string, unknown> } = {}): KubeObject {
  const labels = extra.labels ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: extra.image ?? 'nginx:1.27', ...(extra.spec ?? {}) }] } },
    },
  };
}
