/**
 * burn's `traffic` job type (an extension of kube-burner's format): open-model HTTP load with
 * stages, as src/config/traffic.ts reads it from a job's `traffic:` mapping. Durations in ms.
 */
import type { SourcePos } from './diagnostics.js';

export interface TrafficTarget {
  /** Absolute http(s) URL (rendered with the config: env, --user-data, --set); "" when `service` names the target. */
  url: string;
  /** A Service found through the API at the job's start: its cluster DNS name in the cluster, its loopback port on the simulator. */
  service?: { name: string; namespace: string; port: number; path: string; scheme: 'http' | 'https' };
  method: string; // GET
  headers: Record<string, string>;
  body: string; // ""
  /** Share of the arrivals this target gets, relative to the other targets' weights. */
  weight: number; // 1
}

/** One stage: the rate moves linearly from the previous stage's target (or startRate) to `target` over `durationMs`. */
export interface TrafficStage {
  durationMs: number;
  /** Requests per second at the end of the stage. */
  target: number;
}

export type TrafficMetric = 'p50' | 'p90' | 'p99' | 'p99.9' | 'max' | 'errorRate' | 'droppedRate';

/** A threshold as written, e.g. "p99 < 10ms" or "errorRate < 1%": graded like an SLO. */
export interface TrafficThreshold {
  text: string;
  metric: TrafficMetric;
  /** The value the metric must stay below (ms for latencies, a ratio 0..1 for rates). */
  below: number;
  /** `<=` rather than `<`. */
  orEqual: boolean;
  pos: SourcePos;
}

export interface TrafficTls {
  insecureSkipVerify: boolean; // false
  /** Absolute path of a PEM file of CAs to trust besides the system's; "" for none. */
  ca: string;
  /** SNI and certificate name to check; "" for the URL's host. */
  serverName: string;
}

export interface TrafficAgents {
  /** pods: an Indexed Job of burn's image on the cluster; processes: local `burn traffic-agent` processes. */
  mode: 'pods' | 'processes'; // pods
  /** From the coordinator's start to the agents' shared first arrival: time to start them (default 5s for processes, 60s for pods). */
  startDelayMs: number;
  /** pods: burn's image; "" for burn:<version>-<short commit>. */
  image: string;
  /** pods: the namespace of the Job; "" for the job's namespace, or default. */
  namespace: string;
}

export interface TrafficSpec {
  targets: TrafficTarget[];
  /** Requests per second before the first stage (k6's startRate). */
  startRate: number; // 0
  stages: TrafficStage[];
  /** Arrivals that find this many requests in flight are dropped and counted, never queued. */
  maxInFlight: number; // 1000
  timeoutMs: number; // 10s
  /** Keep-alive connections per target origin (undici pool). */
  connections: number; // 64
  tls: TrafficTls;
  /** Load generators sharing the rate (agents, one per completion index of an Indexed Job). */
  parallelism: number; // 1
  /** How agents run when parallelism > 1. */
  agents: TrafficAgents;
  /** A request that starts this much later than its intended time means the sender could not keep up. */
  lateAfterMs: number; // 10ms
  thresholds: TrafficThreshold[];
}
