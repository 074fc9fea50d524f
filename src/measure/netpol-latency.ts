/**
 * netpolLatency, as kube-burner's: how long after a NetworkPolicy is created the connections it
 * allows succeed. kube-burner's network-policy-proxy pod (namespace network-policy-proxy, image
 * quay.io/cloud-bulldozer/netpolproxy) hands the job's client pods (netpolvalidator containers of
 * an earlier job, port 9001) the connections its policies will allow before they exist; the clients
 * retry them and record when each first succeeds; at the end the proxy returns those timestamps.
 * kube-burner reaches the proxy's port 9002 through a port-forward; burn through the API server's
 * pods/proxy subresource, the same HTTP path as every other request.
 *
 * Per policy: the slowest (ready) and fastest (minReady) of its connections, in ms; quantiles
 * Ready and MinReady over the policies. A job whose namespaceLabels set
 * kube-burner.io/skip-networkpolicy-latency=true (the job that creates the pods) is not measured.
 * Where the proxy lands on a node without containers (kwok, the simulator) nothing connects and
 * no policy is enforced: the latencies are reported as not measurable, never as numbers.
 */
import { nowMs } from '../shared/clock.js';
import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';
import { sleep } from '../shared/sleep.js';
import { collectTimestamp, documentFile, isoTime, quantileDocument } from './documents.js';
import { PING_PORT, planConnections, policyLatencies, type ConnectionPlan, type ConnectionResult } from './netpol-connections.js';
import { WATCH_CATCH_UP_MS } from './object-latency.js';
import { OptionReader } from './options.js';
import type { MeasurementPlugin } from './plugin.js';
import { deployProbePod, probePodAccess, removeProbeNamespace, type ProbePodSpec } from './probe-pod.js';
import { summarize } from './quantiles.js';
import { checkLatencyThresholds, notMeasurableThresholds, readLatencyThresholds, type LatencyThreshold } from './thresholds.js';
import type { Measurement, MeasurementClient, MeasurementContext, MeasurementResult, MeasurementWatch, QuantileSummary } from './types.js';
import { watchAccess, type Access } from '../kube/index.js';

export const NETPOL_LATENCY = 'netpolLatency';
const METRIC = 'netpolLatencyMeasurement';
const QUANTILES_METRIC = 'netpolLatencyQuantilesMeasurement';
/** kube-burner's quantile names (its code writes MinReady; its docs say minReady). */
export const NETPOL_CONDITIONS = ['Ready', 'MinReady'] as const;

export const NETPOL_PROXY: ProbePodSpec = { namespace: 'network-policy-proxy', name: 'network-policy-proxy', image: 'quay.io/cloud-bulldozer/netpolproxy:latest' };
export const NETPOL_PROXY_PORT = 9002;

export interface NetpolLatencyOptions {
  thresholds: LatencyThreshold[];
}

/** How the measurement talks to the proxy, and how often it asks whether the proxy is done. */
export interface ProxySettings {
  pollMs: number;
  /** kube-burner gives the proxy 30 minutes to deliver the connections, and again to gather the results. */
  timeoutMs: number;
}

const DEFAULT_PROXY: ProxySettings = { pollMs: 5000, timeoutMs: 30 * 60_000 };

function proxyPath(endpoint: string): string {
  return `/api/v1/namespaces/${NETPOL_PROXY.namespace}/pods/${NETPOL_PROXY.name}:${NETPOL_PROXY_PORT}/proxy/${endpoint}`;
}

interface PolicyView {
  namespace: string;
  name: string;
  createdMs: number;
}

function projectPolicy(p: any): PolicyView {
  return { namespace: String(p?.metadata?.namespace ?? ''), name: String(p?.metadata?.name ?? ''), createdMs: Date.parse(p?.metadata?.creationTimestamp ?? '') };
}

export class NetpolLatencyMeasurement implements Measurement {
  readonly name = NETPOL_LATENCY;
  private meta = { uuid: '', jobName: '' };
  private skipped = false;
  private notMeasurable?: string;
  private deployed = false;
  private client?: MeasurementClient;
  private plan?: ConnectionPlan;
  private policies = new Map<string, PolicyView>();
  private watch?: MeasurementWatch<PolicyView>;
  private results: Record<string, ConnectionResult[]> = {};
  private problems: string[] = [];

  constructor(
    private readonly options: NetpolLatencyOptions,
    private readonly proxy: ProxySettings = DEFAULT_PROXY,
  ) {}

  async start(ctx: MeasurementContext): Promise<void> {
    this.meta = { uuid: ctx.uuid, jobName: ctx.jobName };
    this.client = ctx.client;
    this.policies = new Map();
    this.results = {};
    this.problems = [];
    this.plan = undefined;
    this.notMeasurable = undefined;
    this.skipped = ctx.namespaceLabels?.[KUBE_BURNER_LABEL.skipNetworkPolicyLatency] === 'true';
    if (this.skipped) return;
    try {
      await this.prepare(ctx);
    } catch (err) {
      await this.cleanup().catch(() => undefined);
      throw err;
    }
    const watch = ctx.client.watchResources({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      ...(ctx.labelSelector ? { labelSelector: ctx.labelSelector } : {}),
      project: projectPolicy,
      onEvent: (type, view) => {
        if (type === 'ADDED') this.remember(view);
      },
    });
    this.watch = watch;
    await watch.synced;
  }

  /** Deploys the proxy and hands it the connections, or finds why nothing can be measured here. */
  private async prepare(ctx: MeasurementContext): Promise<void> {
    this.deployed = true;
    const { noContainers } = await deployProbePod(ctx.client, NETPOL_PROXY);
    if (noContainers) {
      this.notMeasurable = `the proxy pod ${NETPOL_PROXY.namespace}/${NETPOL_PROXY.name} is scheduled where nothing runs (${noContainers}): no client pod can connect and no network policy is enforced`;
      return;
    }
    if (!ctx.client.request || !ctx.plannedObjects) {
      this.notMeasurable = 'burn measure has no job whose NetworkPolicies it could plan connections for';
      return;
    }
    const request = ctx.client.request.bind(ctx.client);
    this.plan = await planConnections(ctx.plannedObjects(), async (namespace, labelSelector) => {
      const list = await request<{ items?: any[] }>({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, query: { labelSelector: labelSelector || undefined } });
      return (list.items ?? []).map((p) => String(p?.status?.podIP ?? '')).filter(Boolean);
    });
    this.problems.push(...this.plan.problems);
    if (Object.keys(this.plan.connections).length === 0) return;
    await request({ method: 'POST', path: proxyPath('initiate'), body: this.plan.connections, responseType: 'text' });
    await this.waitFor('checkConnectionsStatus', 'deliver the connections to the client pods');
  }

  /** Asks the proxy every pollMs until it answers {"result": true}. */
  private async waitFor(endpoint: string, what: string): Promise<void> {
    const deadline = nowMs() + this.proxy.timeoutMs;
    for (;;) {
      await sleep(this.proxy.pollMs);
      const answer = await this.client!.request!<{ result?: boolean }>({ method: 'GET', path: proxyPath(endpoint) });
      if (answer?.result === true) return;
      if (nowMs() >= deadline) throw new Error(`the proxy pod did not ${what} within ${Math.round(this.proxy.timeoutMs / 60_000)} minutes`);
    }
  }

  private remember(view: PolicyView): void {
    if (!this.policies.has(view.name)) this.policies.set(view.name, view);
  }

  async stop(): Promise<void> {
    // A policy created just before the job ended can still be on its way down the watch; its creation time is the server's.
    const lagging = (await this.watch?.caughtUp?.(WATCH_CATCH_UP_MS).catch(() => [])) ?? [];
    for (const view of lagging) this.remember(view);
    await this.watch?.stop();
    this.watch = undefined;
    try {
      if (this.plan && Object.keys(this.plan.connections).length > 0) {
        const request = this.client!.request!.bind(this.client);
        await request({ method: 'GET', path: proxyPath('stop'), responseType: 'text' });
        await this.waitFor('checkStopStatus', 'gather the results of the client pods');
        this.results = (await request<Record<string, ConnectionResult[]>>({ method: 'GET', path: proxyPath('results') })) ?? {};
      }
    } finally {
      const problem = await this.cleanup();
      if (problem) this.problems.push(problem);
    }
  }

  private async cleanup(): Promise<string | undefined> {
    if (!this.deployed || !this.client) return undefined;
    this.deployed = false;
    return removeProbeNamespace(this.client, NETPOL_PROXY.namespace);
  }

  async collect(): Promise<MeasurementResult> {
    const { uuid, jobName } = this.meta;
    const base = { name: NETPOL_LATENCY, slis: [], errors: [] };
    if (this.skipped) {
      return {
        ...base,
        documents: [],
        quantiles: [],
        thresholds: checkLatencyThresholds(NETPOL_LATENCY, this.options.thresholds, new Map()),
        warnings: [`not measured on this job: its namespaceLabels set ${KUBE_BURNER_LABEL.skipNetworkPolicyLatency}=true (as kube-burner, the job that creates the pods)`],
      };
    }
    const timestamp = collectTimestamp();
    const warnings = [...this.problems];
    const policies = [...this.policies.values()];
    if (this.notMeasurable) {
      const reason = this.notMeasurable;
      warnings.unshift(`Ready and MinReady not measurable: ${reason}; ${policies.length} NetworkPolicy(s) created`);
      const perPolicy = policies.map((p) => ({ timestamp: isoTime(p.createdMs), metricName: METRIC, uuid, namespace: p.namespace, netpol: p.name, jobName, notMeasurable: reason }));
      const quantileDocs = NETPOL_CONDITIONS.map((quantileName) => ({ quantileName, uuid, timestamp, metricName: QUANTILES_METRIC, jobName, count: 0, notMeasurable: reason }));
      return {
        ...base,
        documents: [documentFile(METRIC, jobName, perPolicy), documentFile(QUANTILES_METRIC, jobName, quantileDocs)].filter((f) => f.docs.length > 0),
        quantiles: [],
        thresholds: notMeasurableThresholds(NETPOL_LATENCY, this.options.thresholds, reason),
        warnings,
      };
    }
    const created = new Map(policies.map((p) => [p.name, p.createdMs]));
    const { latencies, negative, unknownCreation } = policyLatencies(this.results, this.plan?.covers ?? new Map(), created);
    if (negative.length) warnings.push(`${negative.length} connection(s) succeeded before their NetworkPolicy was created (kept, as kube-burner), e.g. ${negative[0]}`);
    if (unknownCreation.length) warnings.push(`${unknownCreation.length} NetworkPolicy(s) with connection results but no creation seen by the watch: left out, e.g. ${unknownCreation[0]}`);
    const untested = policies.filter((p) => !latencies.has(p.name)).length;
    if (untested) warnings.push(`${untested} NetworkPolicy(s) with no successful connection reported (kube-burner tests ingress rules on TCP ${PING_PORT} from selected pods only)`);
    const perPolicy = [...latencies.entries()].map(([name, values]) => {
      const p = this.policies.get(name);
      return {
        timestamp: isoTime(p?.createdMs ?? NaN),
        minReady: Math.trunc(Math.min(...values)),
        ready: Math.trunc(Math.max(...values)),
        metricName: METRIC,
        uuid,
        namespace: p?.namespace ?? '',
        netpol: name,
        jobName,
      };
    });
    const quantiles: QuantileSummary[] = [];
    const byName = new Map<string, QuantileSummary>();
    const quantileDocs: object[] = [];
    for (const name of NETPOL_CONDITIONS) {
      const summary = summarize(name, perPolicy.map((d) => (name === 'Ready' ? d.ready : d.minReady)), 'server-s', 'interpolatedRank');
      if (!summary) continue;
      quantiles.push(summary);
      byName.set(name, summary);
      quantileDocs.push(quantileDocument(summary, { metricName: QUANTILES_METRIC, quantileName: name, timestamp, uuid, jobName }));
    }
    return {
      ...base,
      documents: [documentFile(METRIC, jobName, perPolicy), documentFile(QUANTILES_METRIC, jobName, quantileDocs)].filter((f) => f.docs.length > 0),
      quantiles,
      thresholds: checkLatencyThresholds(NETPOL_LATENCY, this.options.thresholds, byName),
      warnings,
    };
  }
}

export const netpolLatencyPlugin: MeasurementPlugin<NetpolLatencyOptions> = {
  name: NETPOL_LATENCY,
  jobTypes: ['create', 'patch', 'delete'],
  parseOptions(raw, at) {
    const options = new OptionReader(raw, at, [], NETPOL_LATENCY, ['name']);
    const thresholds = readLatencyThresholds(options, NETPOL_CONDITIONS);
    options.finish();
    return { thresholds };
  },
  create: (options) => new NetpolLatencyMeasurement(options),
  access: (): Access[] => [
    watchAccess('networking.k8s.io', 'networkpolicies', 'netpolLatency watches the run\'s NetworkPolicies'),
    { group: '', resource: 'pods', verbs: ['list'], why: 'netpolLatency lists the pods its connections go between' },
    { group: '', resource: 'pods/proxy', verbs: ['get', 'create'], why: `netpolLatency drives its proxy pod through the API server (${NETPOL_PROXY.namespace})` },
    ...probePodAccess('netpolLatency'),
  ],
};
