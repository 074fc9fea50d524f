import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LoopDelayWindows } from '../../shared/loop-delay.js';
import type { MemoryStore } from '../store.js';
import type { FlowControlObserver, RejectReason } from './flow-control.js';

/**
 * The simulator's /metrics: the apiserver's request metrics (one registry per running simulator)
 * and the cluster components' metrics (one registry per process, imported by src/sim/cluster),
 * with the real Kubernetes names, labels and buckets.
 */

const REQUEST_DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
/** kube-apiserver's buckets for the APF queue wait. */
const FLOWCONTROL_WAIT_BUCKETS = [0, 0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30];
const REQUEST_SLI_BUCKETS = [0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
const POD_START_SLI_BUCKETS = [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700, 3600];

export const clusterRegistry = new Registry();

export const kubeletPodStartSliDuration = new Histogram({
  name: 'kubelet_pod_start_sli_duration_seconds',
  help: 'Duration in seconds to start a pod, excluding time to pull images and run init containers, measured from pod creation timestamp to when all its containers are reported as started and observed via watch',
  buckets: POD_START_SLI_BUCKETS,
  registers: [clusterRegistry],
});

export const schedulerScheduleAttempts = new Counter({
  name: 'scheduler_schedule_attempts_total',
  help: "Number of attempts to schedule pods, by the result. 'unschedulable' means a pod could not be scheduled, while 'error' means an internal scheduler problem.",
  labelNames: ['result', 'profile'] as const,
  registers: [clusterRegistry],
});

/**
 * The simulator watching its own event loop, for burn's saturation report: each 1 s window's p99
 * loop delay, and the process' CPU time. Process-wide, like the cluster metrics; sampled from the
 * first simulator started in the process (an unref'd timer: it never keeps the process alive).
 */
const EVENT_LOOP_WINDOW_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

const eventLoopWindowP99 = new Histogram({
  name: 'simulator_eventloop_delay_window_p99_seconds',
  help: "p99 event-loop delay of each 1 s window of the simulator's process (a window above 0.05 s is saturated).",
  buckets: EVENT_LOOP_WINDOW_BUCKETS,
  registers: [clusterRegistry],
});

new Counter({
  name: 'simulator_process_cpu_seconds_total',
  help: "User and system CPU time of the simulator's process, seconds.",
  registers: [clusterRegistry],
  collect() {
    const cpu = process.cpuUsage();
    this.reset();
    this.inc((cpu.user + cpu.system) / 1e6);
  },
});

/**
 * The delay the simulator added by itself, beyond what its profile asked for: a request's time
 * less its queue wait and the service time and stall injected; a pod's startup less the
 * latencies drawn for it (how late its timers fired). A starved simulator builds a backlog that
 * can add far more than one loop delay; burn's grading excuses a failure only that much.
 * Buckets from milliseconds to minutes (a backlog can reach minutes), every bound of the request
 * SLI's and the pod startup SLI's among them: a P99 interpolated in the same buckets as the figure
 * it may excuse is comparable to it.
 */
const SELF_DELAY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.5, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480, 600, 900, 1200,
];

const podStartSelfDelay = new Histogram({
  name: 'simulator_pod_startup_self_delay_seconds',
  help: "Per started pod, how much later than its profile's latencies its startup steps ran (creation to containers started, as kubelet_pod_start_sli_duration_seconds counts it): the simulator's own backlog.",
  buckets: SELF_DELAY_BUCKETS,
  registers: [clusterRegistry],
});

let loopWindows: LoopDelayWindows | undefined;

function watchEventLoop(): void {
  loopWindows ??= new LoopDelayWindows((p99Ms, windows) => {
    for (let i = 0; i < windows; i++) eventLoopWindowP99.observe(p99Ms / 1000);
  });
  loopWindows.start();
}

/** What src/sim/cluster reports (structurally its ClusterMetrics interface). */
export const clusterMetrics = {
  scheduleAttempt(result: 'scheduled' | 'unschedulable' | 'error'): void {
    schedulerScheduleAttempts.inc({ result, profile: 'default-scheduler' });
  },
  podStartSli(seconds: number, selfDelaySeconds: number): void {
    kubeletPodStartSliDuration.observe(seconds);
    podStartSelfDelay.observe(selfDelaySeconds);
  },
};

/** The apiserver's verb label: GET, LIST, WATCH, POST, PUT, PATCH, DELETE, DELETECOLLECTION. */
export type ApiVerb = 'GET' | 'LIST' | 'WATCH' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'DELETECOLLECTION' | 'CONNECT';

export interface RequestLabels {
  verb: ApiVerb;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: 'resource' | 'namespace' | 'cluster' | '';
}

/** The simulator's priority levels: one per request kind, each the only level of its flow schema. */
export type RequestKind = 'readOnly' | 'mutating';

export class ApiServerMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<string>;
  private readonly sliDuration: Histogram<string>;
  private readonly total: Counter<string>;
  private readonly inflight: Gauge<string>;
  private readonly inQueue: Gauge<string>;
  private readonly executingRequests: Gauge<string>;
  private readonly rejectedRequests: Counter<string>;
  private readonly waitDuration: Histogram<string>;
  private readonly dispatched: Counter<string>;
  private readonly selfDelay: Histogram<string>;

  constructor(store: MemoryStore) {
    watchEventLoop();
    const registers = [this.registry];
    this.selfDelay = new Histogram({
      name: 'simulator_request_self_delay_seconds',
      help: 'Time the simulator took to answer a request beyond its APF queue wait and the latency its profile injected (service time, stalls): its own backlog and CPU.',
      buckets: SELF_DELAY_BUCKETS,
      registers,
    });
    this.duration = new Histogram({
      name: 'apiserver_request_duration_seconds',
      help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      buckets: REQUEST_DURATION_BUCKETS,
      registers,
    });
    this.sliDuration = new Histogram({
      name: 'apiserver_request_sli_duration_seconds',
      help: 'Response latency distribution (not counting webhook duration and priority & fairness queue wait times) in seconds for each verb, group, version, resource, subresource, scope and component.',
      labelNames: ['verb', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      buckets: REQUEST_SLI_BUCKETS,
      registers,
    });
    this.total = new Counter({
      name: 'apiserver_request_total',
      help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
      registers,
    });
    this.inflight = new Gauge({
      name: 'apiserver_current_inflight_requests',
      help: 'Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers,
    });
    this.inflight.set({ request_kind: 'readOnly' }, 0);
    this.inflight.set({ request_kind: 'mutating' }, 0);
    const levelLabels = ['flow_schema', 'priority_level'];
    this.inQueue = new Gauge({
      name: 'apiserver_flowcontrol_current_inqueue_requests',
      help: 'Number of requests currently pending in queues of the API Priority and Fairness subsystem',
      labelNames: levelLabels,
      registers,
    });
    this.executingRequests = new Gauge({
      name: 'apiserver_flowcontrol_current_executing_requests',
      help: 'Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage in the API Priority and Fairness subsystem',
      labelNames: levelLabels,
      registers,
    });
    this.rejectedRequests = new Counter({
      name: 'apiserver_flowcontrol_rejected_requests_total',
      help: 'Number of requests rejected by API Priority and Fairness subsystem',
      labelNames: [...levelLabels, 'reason'],
      registers,
    });
    this.waitDuration = new Histogram({
      name: 'apiserver_flowcontrol_request_wait_duration_seconds',
      help: 'Length of time a request spent waiting in its queue',
      labelNames: ['execute', ...levelLabels],
      buckets: FLOWCONTROL_WAIT_BUCKETS,
      registers,
    });
    this.dispatched = new Counter({
      name: 'apiserver_flowcontrol_dispatched_requests_total',
      help: 'Number of requests executed by API Priority and Fairness subsystem',
      labelNames: levelLabels,
      registers,
    });
    for (const kind of ['readOnly', 'mutating'] as const) {
      const level = { flow_schema: kind, priority_level: kind };
      this.inQueue.set(level, 0);
      this.executingRequests.set(level, 0);
    }
    new Gauge({
      name: 'apiserver_storage_objects',
      help: 'Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
      labelNames: ['resource'],
      registers,
      collect() {
        for (const info of store.resources()) {
          this.set({ resource: info.group ? `${info.resource}.${info.group}` : info.resource }, store.count(info.key));
        }
      },
    });
  }

  /**
   * One finished request, `seconds` from its arrival, `queuedSeconds` of which it waited in a
   * priority level's queue. The simulator has no webhooks, so the SLI duration (which leaves out
   * the queue wait, as kube-apiserver's does) is the duration less the wait. `injectedSeconds`
   * (service time and stall the profile asked for) is given for a request that was executed: the
   * rest of its SLI duration is the simulator's own delay.
   */
  observe(labels: RequestLabels, code: number, seconds: number, dryRun = false, queuedSeconds = 0, injectedSeconds?: number): void {
    const base = { ...labels, component: 'apiserver' };
    const dry_run = dryRun ? 'All' : '';
    const sliSeconds = Math.max(0, seconds - queuedSeconds);
    this.total.inc({ ...base, dry_run, code: String(code) });
    this.duration.observe({ ...base, dry_run }, seconds);
    this.sliDuration.observe(base, sliSeconds);
    if (injectedSeconds !== undefined) this.selfDelay.observe(Math.max(0, sliSeconds - injectedSeconds));
  }

  /** What one priority level reports, into the apiserver_flowcontrol_* families and apiserver_current_inflight_requests. */
  flowControl(kind: RequestKind): FlowControlObserver {
    const level = { flow_schema: kind, priority_level: kind };
    const inflight = this.inflight.labels({ request_kind: kind });
    const executing = this.executingRequests.labels(level);
    const inQueue = this.inQueue.labels(level);
    const dispatched = this.dispatched.labels(level);
    const waitedExecuted = this.waitDuration.labels({ ...level, execute: 'true' });
    const waitedRejected = this.waitDuration.labels({ ...level, execute: 'false' });
    const rejected = new Map<RejectReason, Counter.Internal>();
    return {
      executing(count) {
        executing.set(count);
        inflight.set(count);
      },
      inQueue(count) {
        inQueue.set(count);
      },
      waited(seconds, executed) {
        if (executed) {
          dispatched.inc();
          waitedExecuted.observe(seconds);
        } else waitedRejected.observe(seconds);
      },
      rejected: (reason) => {
        let counter = rejected.get(reason);
        if (!counter) rejected.set(reason, (counter = this.rejectedRequests.labels({ ...level, reason })));
        counter.inc();
      },
    };
  }

  async text(): Promise<string> {
    return (await this.registry.metrics()) + (await clusterRegistry.metrics());
  }
}
