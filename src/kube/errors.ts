import { UserError } from '../shared/errors.js';
import { rbacVerb } from './access.js';
import type { ApiVerb } from './types.js';

/** The parts of a metav1.Status body an error needs. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: unknown;
}

export interface KubeApiErrorInit {
  code: number;
  reason: string;
  message: string;
  verb: ApiVerb | string;
  resource: string;
  namespace?: string;
  name?: string;
  retries?: number;
  status?: KubeStatus;
  /** Replaces the generated "VERB resource failed: code reason: message" sentence. */
  summary?: string;
}

/**
 * A request the API server refused (or that never got an answer, code 0). A UserError: the
 * cause is in the cluster or in what was asked of it, never a bug in burn, so the CLI prints the
 * message without a stack trace.
 */
export class KubeApiError extends UserError {
  readonly code: number;
  readonly reason: string;
  readonly verb: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly objectName?: string;
  readonly retries: number;
  readonly status?: KubeStatus;

  constructor(init: KubeApiErrorInit, options: { hint?: string; cause?: unknown } = {}) {
    super(init.summary ?? describe(init), { hint: options.hint ?? hintFor(init), cause: options.cause });
    this.name = 'KubeApiError';
    this.code = init.code;
    this.reason = init.reason;
    this.verb = init.verb;
    this.resource = init.resource;
    this.namespace = init.namespace;
    this.objectName = init.name;
    this.retries = init.retries ?? 0;
    this.status = init.status;
  }
}

function where(init: KubeApiErrorInit): string {
  const object = init.name ? `${init.resource}/${init.name}` : init.resource;
  return init.namespace ? `${object} in namespace "${init.namespace}"` : object;
}

function describe(init: KubeApiErrorInit): string {
  if (init.code === 403) {
    const scope = init.namespace ? `in namespace "${init.namespace}"` : 'at cluster scope';
    const verb = rbacVerb(init.verb);
    return `RBAC denied: not allowed to ${verb} ${init.resource} ${scope}: ${init.message}`;
  }
  const retried = init.retries ? ` (after ${init.retries} retries)` : '';
  const code = init.code === 0 ? init.reason : `${init.code} ${init.reason}`;
  return `${init.verb} ${where(init)} failed${retried}: ${code}: ${init.message}`;
}

function hintFor(init: KubeApiErrorInit): string | undefined {
  if (init.code === 403) {
    return 'grant the kubeconfig user this verb on this resource (a Role/ClusterRole binding), or use --kube-context to pick a user that has it';
  }
  if (init.code === 401) return 'the credentials in the kubeconfig were rejected; refresh them (e.g. log in again) or pick another --kube-context';
  return undefined;
}

/**
 * A create whose outcome is unknown: the request may have reached the server (a timeout or reset
 * after it was sent, or a 5xx that may follow a committed write), and its object gets a name the
 * server generates, so sending it again could make a second object. It is not sent again: the
 * object exists or not, and if it does it carries the run's labels (gc and `burn destroy` find it).
 * Not a failure of the cluster: callers count and report it apart from errors.
 */
export class UncertainCreateError extends KubeApiError {
  constructor(init: Omit<KubeApiErrorInit, 'summary'>, what: string, cause?: unknown) {
    const where = init.namespace ? ` in namespace "${init.namespace}"` : '';
    const named = init.name ? ` (generateName "${init.name}")` : '';
    super(
      {
        ...init,
        summary: `create of ${init.resource}${named}${where} is uncertain: ${what}; the server may have created the object, so it was not sent again (a second create would make a second object)`,
      },
      { hint: 'if it exists it carries the run\'s labels, so gc and burn destroy remove it; raise requestTimeout if the API server is this slow', cause },
    );
    this.name = 'UncertainCreateError';
  }
}

export function isUncertainCreate(err: unknown): err is UncertainCreateError {
  return err instanceof UncertainCreateError;
}

/** KubeApiError reason when the client was closed under a request. */
export const CLIENT_CLOSED = 'ClientClosed';

/** The API server could not be reached at all (refused, DNS, TLS handshake, timeouts on connect). */
export class ClusterUnreachableError extends UserError {
  constructor(server: string, context: string, detail: string, cause?: unknown) {
    super(`cannot reach the Kubernetes API server ${server} (kubeconfig context "${context}"): ${detail}`, {
      hint: 'check that the cluster is running and reachable, or pick another one with --kubeconfig / --kube-context',
      cause,
    });
    this.name = 'ClusterUnreachableError';
  }
}

export function isKubeApiError(err: unknown): err is KubeApiError {
  return err instanceof KubeApiError;
}

export function isNotFound(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof KubeApiError && err.code === 409 && err.reason === 'AlreadyExists';
}

/** Reads a Status out of an error response body; falls back to the raw text. */
export function parseStatus(code: number, text: string): { reason: string; message: string; status?: KubeStatus } {
  if (text.length > 0 && text.charCodeAt(0) === 123 /* { */) {
    try {
      const status = JSON.parse(text) as KubeStatus;
      return { reason: status.reason || defaultReason(code), message: status.message || text, status };
    } catch {
      // not JSON after all
    }
  }
  return { reason: defaultReason(code), message: text.trim() || `HTTP ${code}` };
}

function defaultReason(code: number): string {
  switch (code) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 405:
      return 'MethodNotAllowed';
    case 409:
      return 'Conflict';
    case 410:
      return 'Expired';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'InternalError';
    case 503:
      return 'ServiceUnavailable';
    case 504:
      return 'Timeout';
    default:
      return code >= 500 ? 'InternalError' : 'Unknown';
  }
}
