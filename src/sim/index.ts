import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { nowMs } from '../shared/clock.js';
import { startCluster } from './cluster/index.js';
import { createSimContext, TimerSet, TruthRecorder } from './context.js';
import { loadProfile } from './profiles.js';
import { seededRandom } from './random.js';
import { createStore, type MemoryStore } from './store.js';
import { makeServingCerts } from './server/certs.js';
import { ApiHandler } from './server/handler.js';
import { listen } from './server/https.js';
import { ApiServerMetrics } from './server/metrics.js';
import { builtinResources, snapshotResources } from './server/resources.js';
import { Verbs } from './server/verbs.js';
import { WatchHub } from './server/watch.js';
import type { SimProfile, SimStore } from './types.js';

/** The simulated cluster: an HTTPS Kubernetes API server over an in-memory store, with the cluster behaviour on top. */

export interface SimOptions {
  /** 0 (default): a free port. */
  port?: number;
  nodes?: number;
  profile?: string | SimProfile;
  seed?: number;
  /** Also write the kubeconfig to this file. */
  kubeconfigOut?: string;
  /** How often watches with allowWatchBookmarks get a BOOKMARK (default 10 s). */
  bookmarkIntervalMs?: number;
  /** Events older than this are deleted, as the apiserver's --event-ttl does (default 1 h). */
  eventTtlMs?: number;
  /** Serve the external-snapshotter's VolumeSnapshot CRDs and run its controller (default true). */
  volumeSnapshots?: boolean;
  /** Told of every HTTP request the server receives (method and path with query). */
  onRequest?: (method: string, url: string) => void;
}

export interface RunningSim {
  url: string;
  token: string;
  caPem: string;
  kubeconfigPath?: string;
  /** kubeconfig YAML that kubectl, client-go and @kubernetes/client-node accept as is. */
  kubeconfig: string;
  store: SimStore;
  profile: SimProfile;
  stop(): Promise<void>;
}

/** A watch whose client stops reading is dropped after this much is buffered for it. */
const WATCH_BUFFER_LIMIT = 64 * 1024 * 1024;

export function kubeconfigYaml(url: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'burn-sim', cluster: { server: url, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'burn-sim', user: { token } }],
    contexts: [{ name: 'burn-sim', context: { cluster: 'burn-sim', user: 'burn-sim', namespace: 'default' } }],
    'current-context': 'burn-sim',
    preferences: {},
  });
}

/** Deletes the events older than the TTL. */
function expireEvents(store: MemoryStore, ttlMs: number): void {
  const cutoff = nowMs() - ttlMs;
  for (const event of store.list('events')) {
    if (Date.parse(event.metadata.creationTimestamp ?? '') < cutoff) store.remove('events', event.metadata.namespace, event.metadata.name!);
  }
}

/** What the real apiserver creates at start: the system namespaces and the kubernetes service. */
function bootstrap(store: MemoryStore, port: number): void {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    store.create('namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  store.create('services', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }] },
  });
  store.create('endpoints', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  });
}

export async function startSim(options: SimOptions = {}): Promise<RunningSim> {
  const profile = loadProfile(options.profile);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const volumeSnapshots = options.volumeSnapshots ?? true;
  const store = createStore(volumeSnapshots ? [...builtinResources, ...snapshotResources] : builtinResources, { now: nowMs, watchWindow: profile.faults.watchWindow, random: seededRandom(seed ^ 0x5eed) });
  const truth = new TruthRecorder();
  const timers = new TimerSet();
  const certs = await makeServingCerts();
  const token = randomBytes(24).toString('base64url');
  const metrics = new ApiServerMetrics(store);
  const watchOutage = { on: false };
  const watches = new WatchHub(store, { maxBufferedBytes: WATCH_BUFFER_LIMIT, bookmarkIntervalMs: options.bookmarkIntervalMs ?? 10_000, now: nowMs });
  let url = '';
  const handler = new ApiHandler({
    store,
    profile,
    metrics,
    watches,
    verbs: new Verbs(store, nowMs),
    truth,
    token,
    random: seededRandom(seed ^ 0x7e57),
    now: nowMs,
    serverAddress: () => url.replace('https://', ''),
    onRequest: options.onRequest,
    watchesCutOff: () => watchOutage.on,
  });
  const server = await listen(handler, certs, options.port ?? 0);
  url = `https://127.0.0.1:${server.port}`;
  const parts: { cluster?: { stop(): void }; eventSweep?: NodeJS.Timeout; watchOutages?: NodeJS.Timeout } = {};
  const { watchOutageEveryMs, watchOutageMs } = profile.faults;
  if (watchOutageEveryMs > 0) {
    parts.watchOutages = setInterval(() => {
      watchOutage.on = true;
      watches.reset();
      setTimeout(() => (watchOutage.on = false), watchOutageMs).unref();
    }, watchOutageEveryMs);
    parts.watchOutages.unref();
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(parts.eventSweep);
    clearInterval(parts.watchOutages);
    timers.clear();
    parts.cluster?.stop();
    watches.stop();
    handler.close();
    await server.close();
  };
  const kubeconfig = kubeconfigYaml(url, certs.caPem, token);
  try {
    // Like a fresh apiserver's watch cache, the history holds everything since start (revision 1)
    // until the window evicts it: a watch from resourceVersion 1 replays.
    bootstrap(store, server.port);
    const ctx = createSimContext(store, profile, seed, truth, timers);
    parts.cluster = startCluster(ctx, { nodes: options.nodes ?? 100, caPem: certs.caPem, volumeSnapshots });
    const ttl = options.eventTtlMs ?? 3_600_000;
    parts.eventSweep = setInterval(() => expireEvents(store, ttl), Math.min(60_000, Math.max(1000, ttl / 4)));
    if (options.kubeconfigOut) await writeFile(options.kubeconfigOut, kubeconfig, { mode: 0o600 });
  } catch (err) {
    // Nothing may keep running when the start fails half way.
    await stop();
    throw err;
  }
  return { url, token, caPem: certs.caPem, kubeconfigPath: options.kubeconfigOut, kubeconfig, store, profile, stop };
}

export type { SimProfile, SimStore } from './types.js';
export { builtinProfiles, loadProfile } from './profiles.js';
