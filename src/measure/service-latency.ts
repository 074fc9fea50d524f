/**
 * serviceLatency, as kube-burner's: for each Service of the job, the time from its endpoints
 * being ready to a TCP connection succeeding from inside the cluster (Ready), and for
 * LoadBalancer Services the time until an ingress address is assigned (IPAssigned). burn adds
 * what the API alone shows, the time from the Service's creation to its first ready endpoint
 * (EndpointsReady), which is all a cluster without containers (kwok, the simulator) can show:
 * there Ready is reported as not measurable, with the reason, never as a number.
 *
 * Documents are kube-burner's: svcLatencyMeasurement per Service and
 * svcLatencyQuantilesMeasurement, latencies in nanoseconds (Go durations), as kube-burner writes them.
 */
import { nowMs } from '../shared/clock.js';
import { sleep } from '../shared/sleep.js';
import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';
import { collectTimestamp, documentFile, isoTime, quantileDocument } from './documents.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { summarize } from './quantiles.js';
import { InClusterServiceChecker, SVC_CHECKER, type ConnectivityProbe, type ProbeSetup } from './svc-checker.js';
import { probePodAccess } from './probe-pod.js';
import { checkLatencyThresholds, notMeasurableThresholds, readLatencyThresholds, type LatencyThreshold } from './thresholds.js';
import type { Measurement, MeasurementClient, MeasurementContext, MeasurementResult, QuantileSummary } from './types.js';
import { watchAccess, type Access } from '../kube/index.js';

export const SERVICE_LATENCY = 'serviceLatency';
const METRIC = 'svcLatencyMeasurement';
const QUANTILES_METRIC = 'svcLatencyQuantilesMeasurement';
/** kube-burner's quantile names, and burn's EndpointsReady. */
export const SERVICE_CONDITIONS = ['Ready', 'IPAssigned', 'EndpointsReady'] as const;
const SUPPORTED_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'];
const NS_PER_MS = 1e6;

export interface ServiceLatencyOptions {
  /** kube-burner svcTimeout: how long a Service gets to answer once its endpoints are ready; then its sample is discarded. */
  svcTimeoutMs: number;
  thresholds: LatencyThreshold[];
}

interface ServiceView {
  uid: string;
  namespace: string;
  name: string;
  type: string;
  createdMs: number;
  optedOut: boolean;
  clusterIPs: string[];
  ports: Array<{ port: number; nodePort?: number; protocol: string }>;
  /** status.loadBalancer.ingress: each one's IP, else its hostname. */
  ingress: string[];
}

interface Tracked {
  view: ServiceView;
  addedMs: number;
  ingressMs?: number;
  endpointsReadyMs?: number;
  probing?: boolean;
  readyMs?: number;
  failure?: string;
}

function projectService(svc: any): ServiceView {
  return {
    uid: String(svc?.metadata?.uid ?? ''),
    namespace: String(svc?.metadata?.namespace ?? ''),
    name: String(svc?.metadata?.name ?? ''),
    type: String(svc?.spec?.type ?? 'ClusterIP'),
    createdMs: Date.parse(svc?.metadata?.creationTimestamp ?? ''),
    optedOut: svc?.metadata?.annotations?.[KUBE_BURNER_LABEL.serviceLatency] === 'false',
    clusterIPs: (svc?.spec?.clusterIPs ?? (svc?.spec?.clusterIP ? [svc.spec.clusterIP] : [])).filter((ip: string) => ip && ip !== 'None'),
    ports: (svc?.spec?.ports ?? []).map((p: any) => ({ port: Number(p?.port), ...(p?.nodePort ? { nodePort: Number(p.nodePort) } : {}), protocol: String(p?.protocol ?? 'TCP') })),
    ingress: (svc?.status?.loadBalancer?.ingress ?? []).map((i: any) => String(i?.ip || i?.hostname || '')).filter(Boolean),
  };
}

/** An EndpointSlice as serviceLatency needs it: its Service, and whether an endpoint with an address is ready. */
function projectSlice(slice: any): { service: string; namespace: string; ready: boolean } {
  const endpoints: any[] = slice?.endpoints ?? [];
  return {
    service: String(slice?.metadata?.labels?.['kubernetes.io/service-name'] ?? ''),
    namespace: String(slice?.metadata?.namespace ?? ''),
    ready: endpoints.some((e) => (e?.addresses ?? []).length > 0 && e?.conditions?.ready !== false),
  };
}

/** Where a Service is tested from the checker pod, per kube-burner: ClusterIPs, the checker's node for NodePort, the ingress for LoadBalancer; TCP ports only. */
export function probeTargets(view: ServiceView, hostIP: string): Array<{ address: string; port: number }> {
  const out: Array<{ address: string; port: number }> = [];
  for (const p of view.ports) {
    if (p.protocol !== 'TCP') continue;
    const addresses = view.type === 'NodePort' ? [hostIP] : view.type === 'LoadBalancer' ? view.ingress : view.clusterIPs;
    const port = view.type === 'NodePort' ? p.nodePort : p.port;
    if (port === undefined) continue;
    for (const address of addresses) out.push({ address, port });
  }
  return out;
}

export class ServiceLatencyMeasurement implements Measurement {
  readonly name = SERVICE_LATENCY;
  private services = new Map<string, Tracked>();
  /** First time a ready endpoint was seen per namespace/service: slices can arrive before their Service. */
  private endpointsReady = new Map<string, number>();
  private probes = new Set<Promise<void>>();
  private watches: Array<{ stop(): unknown }> = [];
  private probe?: ConnectivityProbe;
  private setup?: ProbeSetup;
  private cleanupProblem?: string;
  private meta = { uuid: '', jobName: '' };

  constructor(
    private readonly options: ServiceLatencyOptions,
    private readonly makeProbe: (client: MeasurementClient) => ConnectivityProbe = (client) => new InClusterServiceChecker(client),
  ) {}

  async start(ctx: MeasurementContext): Promise<void> {
    this.meta = { uuid: ctx.uuid, jobName: ctx.jobName };
    this.services = new Map();
    this.endpointsReady = new Map();
    this.cleanupProblem = undefined;
    this.probe = this.makeProbe(ctx.client);
    try {
      this.setup = await this.probe.setup();
    } catch (err) {
      // stop() is not called for a measurement that did not start: remove what was deployed now.
      await this.probe.cleanup().catch(() => undefined);
      throw err;
    }
    const services = ctx.client.watchResources({
      apiVersion: 'v1',
      kind: 'Service',
      ...(ctx.labelSelector ? { labelSelector: ctx.labelSelector } : {}),
      project: projectService,
      onEvent: (type, view, observedAtMs) => {
        if (type !== 'DELETED') this.onService(view, observedAtMs);
      },
    });
    // The endpointslice controller copies a Service's labels onto its slices: the run's selector finds them.
    const slices = ctx.client.watchResources({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      labelSelector: [ctx.labelSelector, 'kubernetes.io/service-name'].filter(Boolean).join(','),
      project: projectSlice,
      onEvent: (type, slice, observedAtMs) => {
        if (type !== 'DELETED' && slice.ready) this.onEndpointsReady(`${slice.namespace}/${slice.service}`, observedAtMs);
      },
    });
    this.watches = [services, slices];
    await Promise.all([services.synced, slices.synced]);
  }

  private onService(view: ServiceView, observedAtMs: number): void {
    const key = `${view.namespace}/${view.name}`;
    let t = this.services.get(key);
    if (!t || t.view.uid !== view.uid) {
      t = { view, addedMs: observedAtMs };
      this.services.set(key, t);
      const ready = this.endpointsReady.get(key);
      if (ready !== undefined) t.endpointsReadyMs = Math.max(ready, observedAtMs);
    }
    t.view = view;
    if (t.ingressMs === undefined && view.type === 'LoadBalancer' && view.ingress.length > 0) t.ingressMs = observedAtMs;
    this.maybeProbe(t);
  }

  private onEndpointsReady(key: string, observedAtMs: number): void {
    if (!this.endpointsReady.has(key)) this.endpointsReady.set(key, observedAtMs);
    const t = this.services.get(key);
    if (t && t.endpointsReadyMs === undefined) {
      t.endpointsReadyMs = Math.max(observedAtMs, t.addedMs);
      this.maybeProbe(t);
    }
  }

  private maybeProbe(t: Tracked): void {
    if (t.probing || t.endpointsReadyMs === undefined || t.view.optedOut || !SUPPORTED_TYPES.includes(t.view.type)) return;
    if (t.view.type === 'LoadBalancer' && t.ingressMs === undefined) return;
    if (!this.setup?.measurable) return;
    t.probing = true;
    const from = Math.max(t.endpointsReadyMs, t.ingressMs ?? 0);
    const targets = probeTargets(t.view, this.setup.hostIP);
    const run = (async () => {
      try {
        // kube-burner tests the addresses one after the other; the Service is ready when all answered.
        for (const target of targets) await this.probe!.connect(target.address, target.port, this.options.svcTimeoutMs);
        t.readyMs = nowMs() - from;
      } catch (err) {
        t.failure = err instanceof Error ? err.message : String(err);
      }
    })();
    this.probes.add(run);
    void run.finally(() => this.probes.delete(run));
  }

  async stop(): Promise<void> {
    // The endpoints controller can lag the job's waits (they wait for pods, not Services): give the
    // job's Services up to svcTimeout to show ready endpoints before the watches stop.
    const deadline = nowMs() + this.options.svcTimeoutMs;
    const waiting = () => [...this.services.values()].some((t) => t.endpointsReadyMs === undefined && !t.view.optedOut && SUPPORTED_TYPES.includes(t.view.type));
    while (waiting() && nowMs() < deadline) await sleep(100);
    await Promise.all(this.watches.map((w) => w.stop()));
    this.watches = [];
    // Probes in flight end within svcTimeout (their own bound): their Services are this job's.
    await Promise.all([...this.probes]);
    this.cleanupProblem = await this.probe?.cleanup();
  }

  async collect(): Promise<MeasurementResult> {
    const timestamp = collectTimestamp();
    const { uuid, jobName } = this.meta;
    const all = [...this.services.values()];
    const measured = all.filter((t) => !t.view.optedOut && SUPPORTED_TYPES.includes(t.view.type));
    const notMeasurable = this.setup && !this.setup.measurable ? this.setup.reason : undefined;
    const warnings: string[] = [];

    const perService = measured
      .filter((t) => t.readyMs !== undefined || (notMeasurable && t.endpointsReadyMs !== undefined))
      .map((t) => {
        const doc: Record<string, unknown> = {
          timestamp: isoTime(Number.isNaN(t.view.createdMs) ? t.addedMs : t.view.createdMs),
          ...(t.readyMs !== undefined ? { ready: Math.round(t.readyMs * NS_PER_MS) } : {}),
          ...(t.ingressMs !== undefined ? { ipAssigned: Math.round((t.ingressMs - t.addedMs) * NS_PER_MS) } : {}),
          metricName: METRIC,
          uuid,
          namespace: t.view.namespace,
          service: t.view.name,
          type: t.view.type,
          jobName,
        };
        if (t.endpointsReadyMs !== undefined) doc.endpointsReady = Math.round((t.endpointsReadyMs - t.addedMs) * NS_PER_MS);
        if (notMeasurable) doc.notMeasurable = `ready: ${notMeasurable}`;
        return doc;
      });

    const series: Record<(typeof SERVICE_CONDITIONS)[number], { values: number[]; clock: 'client-ms' | 'watch-ms' }> = {
      Ready: { values: measured.flatMap((t) => (t.readyMs !== undefined ? [t.readyMs] : [])), clock: 'client-ms' },
      IPAssigned: { values: measured.flatMap((t) => (t.ingressMs !== undefined ? [t.ingressMs - t.addedMs] : [])), clock: 'watch-ms' },
      EndpointsReady: { values: measured.flatMap((t) => (t.endpointsReadyMs !== undefined ? [t.endpointsReadyMs - t.addedMs] : [])), clock: 'watch-ms' },
    };
    const quantiles: QuantileSummary[] = [];
    const byName = new Map<string, QuantileSummary>();
    const quantileDocs: object[] = [];
    for (const name of SERVICE_CONDITIONS) {
      const summary = summarize(name, series[name].values, series[name].clock, 'interpolatedRank');
      if (!summary) continue;
      quantiles.push(summary);
      byName.set(name, summary);
      quantileDocs.push(quantileDocument(summary, { metricName: QUANTILES_METRIC, quantileName: name, timestamp, uuid, jobName }, NS_PER_MS));
    }
    if (notMeasurable) quantileDocs.push({ quantileName: 'Ready', uuid, timestamp, metricName: QUANTILES_METRIC, jobName, count: 0, notMeasurable });

    const thresholds = notMeasurable
      ? [
          ...notMeasurableThresholds(SERVICE_LATENCY, this.options.thresholds.filter((t) => t.conditionType === 'Ready'), notMeasurable),
          ...checkLatencyThresholds(SERVICE_LATENCY, this.options.thresholds.filter((t) => t.conditionType !== 'Ready'), byName),
        ]
      : checkLatencyThresholds(SERVICE_LATENCY, this.options.thresholds, byName);

    if (notMeasurable) warnings.push(`Ready (connectivity) not measurable: ${notMeasurable}; EndpointsReady is what the API shows`);
    const count = (pred: (t: Tracked) => boolean) => all.filter(pred).length;
    const optedOut = count((t) => t.view.optedOut);
    if (optedOut) warnings.push(`${optedOut} Service(s) not measured: annotated ${KUBE_BURNER_LABEL.serviceLatency}=false`);
    const unsupported = all.filter((t) => !t.view.optedOut && !SUPPORTED_TYPES.includes(t.view.type));
    if (unsupported.length) warnings.push(`${unsupported.length} Service(s) not measured: type ${[...new Set(unsupported.map((t) => t.view.type))].join(', ')} (serviceLatency tests ${SUPPORTED_TYPES.join(', ')})`);
    const noIngress = count((t) => measured.includes(t) && t.view.type === 'LoadBalancer' && t.ingressMs === undefined);
    if (noIngress) warnings.push(`${noIngress} LoadBalancer Service(s) got no ingress address before the measurement stopped`);
    const noEndpoints = count((t) => measured.includes(t) && t.endpointsReadyMs === undefined);
    if (noEndpoints) warnings.push(`${noEndpoints} Service(s) had no ready endpoint before the measurement stopped`);
    const failed = measured.filter((t) => t.failure !== undefined);
    if (failed.length) warnings.push(`${failed.length} Service(s) discarded (as kube-burner does): no connection within svcTimeout ${this.options.svcTimeoutMs}ms, e.g. ${failed[0]!.view.namespace}/${failed[0]!.view.name}: ${failed[0]!.failure}`);
    if (this.cleanupProblem) warnings.push(this.cleanupProblem);

    return {
      name: SERVICE_LATENCY,
      documents: [documentFile(METRIC, jobName, perService), documentFile(QUANTILES_METRIC, jobName, quantileDocs)].filter((f) => f.docs.length > 0),
      quantiles,
      thresholds,
      slis: [],
      ...(this.setup?.measurable ? { invalid: { count: failed.length, total: failed.length + series.Ready.values.length } } : {}),
      errors: [],
      warnings,
    };
  }
}

export const serviceLatencyPlugin: MeasurementPlugin<ServiceLatencyOptions> = {
  name: SERVICE_LATENCY,
  jobTypes: ['create', 'patch'],
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], SERVICE_LATENCY, ['name']);
    const svcTimeoutMs = options.duration('svcTimeout', 5000);
    if (svcTimeoutMs === 0) options.fail('svcTimeout', `"svcTimeout" of ${SERVICE_LATENCY} cannot be 0`, 'use a positive duration such as 5s (the default)');
    const thresholds = readLatencyThresholds(options, SERVICE_CONDITIONS);
    options.finish();
    return { svcTimeoutMs, thresholds };
  },
  create: (options) => new ServiceLatencyMeasurement(options),
  access: (): Access[] => [
    watchAccess('', 'services', "serviceLatency watches the run's Services"),
    watchAccess('discovery.k8s.io', 'endpointslices', "serviceLatency watches the Services' EndpointSlices"),
    // A WebSocket exec is a GET the API server also authorizes as create.
    { group: '', resource: 'pods/exec', verbs: ['get', 'create'], why: `serviceLatency connects from its checker pod (${SVC_CHECKER.namespace}, created by burn)` },
    ...probePodAccess('serviceLatency'),
  ],
};
