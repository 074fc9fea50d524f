/**
 * What the request path records about every request it sends. The measurements (src/measure)
 * read these; nothing else defines them.
 */

/** API verbs as the apiserver labels them in apiserver_request_* metrics. */
export type ApiVerb = 'GET' | 'LIST' | 'WATCH' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'DELETECOLLECTION';

/** As the apiserver labels `scope`: resource when the request names an object or creates one; else namespace or cluster. */
export type ApiScope = 'resource' | 'namespace' | 'cluster';

/**
 * Who sent a request: 'workload' for the job's own calls (its token bucket), 'burn' for
 * housekeeping (discovery, watch set-up, gc, verification, cluster facts: the unlimited view).
 * Measurements, SLO grading, charts and diffs use only workload calls.
 */
export type RequestOrigin = 'workload' | 'burn';

export interface RequestRecord {
  verb: ApiVerb;
  origin: RequestOrigin;
  group: string; // "" for core
  version: string;
  resource: string; // plural, e.g. "pods"
  subresource: string; // "" when none
  scope: ApiScope;
  namespace?: string;
  /** Final HTTP status code; 0 when no response came (connection error, timeout). */
  code: number;
  /** Start of the first attempt, ms since the epoch (monotonic clock anchored to wall time once). */
  startMs: number;
  /** From the start of the first attempt to the end of the last, ms. Includes retries' backoff. */
  latencyMs: number;
  /** Latency of the last attempt alone, ms: what the server's histogram sees for that request. */
  attemptLatencyMs: number;
  retries: number;
}

export type RequestListener = (record: RequestRecord) => void;
