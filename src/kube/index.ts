import { KubeClient, type ClientSettings } from './client.js';
import { loadClusterTarget } from './kubeconfig.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { httpProtocol, type HttpProtocol } from './transport.js';

export interface ConnectOptions {
  /** --kubeconfig */
  kubeconfig?: string;
  /** --kube-context */
  context?: string;
  /** --skip-tls-verify */
  skipTlsVerify?: boolean;
  /** Token bucket of the returned client; <= 0 means 5 / 10 (kube-burner). Use withLimits() per job. */
  qps?: number;
  burst?: number;
  /** Requests in flight per client view; default 100; a view with a finite qps grows it to qps x latency. */
  maxConcurrency?: number;
  /** HTTP/2 (default) or HTTP/1.1; default from BURN_HTTP_PROTOCOL ('h2' or 'http1'). */
  protocol?: HttpProtocol;
  /** Per attempt: time to response headers, and longest silence while reading a body. Default 60 s (kube-burner requestTimeout). */
  requestTimeoutMs?: number;
  /** Retries on 429, 5xx, resets and timeouts; default 5 with 200 ms jittered exponential backoff up to 10 s. */
  retry?: Partial<RetryPolicy>;
  /** Environment to read KUBECONFIG / in-cluster variables from (tests). */
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_MAX_CONCURRENCY = 100;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/**
 * Resolves the kubeconfig (flag, KUBECONFIG, ~/.kube/config, in-cluster) and context, and returns
 * a client for that cluster. Nothing is sent yet; call serverVersion() to check reachability.
 */
export async function connectCluster(options: ConnectOptions = {}): Promise<KubeClient> {
  const target = await loadClusterTarget({
    kubeconfig: options.kubeconfig,
    context: options.context,
    skipTlsVerify: options.skipTlsVerify,
    env: options.env,
  });
  const settings: ClientSettings = {
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    maxConcurrency: options.maxConcurrency ?? DEFAULT_MAX_CONCURRENCY,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    protocol: options.protocol ?? httpProtocol(options.env ?? process.env),
  };
  return new KubeClient(target, { qps: options.qps ?? 0, burst: options.burst ?? 0 }, settings);
}

export { KubeClient, FIELD_MANAGER } from './client.js';
export { prepareCreate, type PreparedCreate } from './prepared-create.js';
export type {
  CallOptions,
  CreateOptions,
  DeleteOptions,
  KubeObject,
  Limits,
  ListOptions,
  ListPage,
  PatchType,
  BodySink,
  RawRequest,
} from './client.js';
export { DISCOVERY_ACCESS, type ApiResource } from './discovery.js';
export { allows, guessResource, isUrlAccess, kindAccess, rbacVerb, requestNeed, watchAccess, type Access, type KindRef, type RbacVerb, type RequestNeed, type ResourceAccess, type UrlAccess } from './access.js';
export { ExecError, type ExecRequest, type ExecResult } from './exec.js';
export { CLIENT_CLOSED, ClusterUnreachableError, KubeApiError, UncertainCreateError, isAlreadyExists, isKubeApiError, isNotFound, isUncertainCreate } from './errors.js';
export { loadClusterTarget, type ClusterTarget, type KubeconfigOptions } from './kubeconfig.js';
export { ConcurrencySlots, DEFAULT_BURST, DEFAULT_QPS, TokenBucket } from './limiter.js';
export { apiScope, apiVerb, parseResourcePath, queryString, resourcePath, splitApiVersion } from './paths.js';
export type { ApiScope, ApiVerb, RequestListener, RequestRecord } from './types.js';
export type { WatchEventType, WatchHandle, WatchOptions, WatchOutage } from './watch.js';
