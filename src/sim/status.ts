/**
 * Kubernetes `Status` errors as the API server returns them (metav1.Status with code and reason).
 * The store and the HTTP layer throw `StatusError`; the server turns it into the JSON body.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details?: StatusDetails;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): StatusObject {
    return failureStatus(this.code, this.reason, this.message, this.details);
  }
}

export function failureStatus(code: number, reason: string, message: string, details?: StatusDetails): StatusObject {
  const status: StatusObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return status;
}

export function successStatus(details?: StatusDetails): StatusObject {
  const status: StatusObject = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 200 };
  if (details) status.details = details;
  return status;
}

/** How the apiserver names a resource in messages: `pods`, `deployments.apps`. */
export function qualifiedResource(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const statusErrors = {
  notFound(group: string, resource: string, name: string): StatusError {
    return new StatusError(404, 'NotFound', `${qualifiedResource(group, resource)} "${name}" not found`, { name, group: group || undefined, kind: resource });
  },
  alreadyExists(group: string, resource: string, name: string): StatusError {
    return new StatusError(409, 'AlreadyExists', `${qualifiedResource(group, resource)} "${name}" already exists`, { name, group: group || undefined, kind: resource });
  },
  conflict(group: string, resource: string, name: string, why: string): StatusError {
    return new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(group, resource)} "${name}": ${why}`, {
      name,
      group: group || undefined,
      kind: resource,
    });
  },
  invalid(group: string, kind: string, name: string, causes: StatusCause[]): StatusError {
    // One error reads as itself; several as the apiserver's aggregate: "[a, b]".
    const messages = [...new Set(causes.map((c) => `${c.field}: ${c.message}`))];
    const list = messages.length === 1 ? messages[0] : `[${messages.join(', ')}]`;
    return new StatusError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${list}`, { name, group: group || undefined, kind, causes });
  },
  badRequest(message: string): StatusError {
    return new StatusError(400, 'BadRequest', message);
  },
  forbidden(group: string, resource: string, name: string, why: string): StatusError {
    return new StatusError(403, 'Forbidden', `${qualifiedResource(group, resource)} "${name}" is forbidden: ${why}`, { name, group: group || undefined, kind: resource });
  },
  gone(message: string): StatusError {
    return new StatusError(410, 'Gone', message);
  },
  expired(message: string): StatusError {
    return new StatusError(410, 'Expired', message);
  },
  tooManyRequests(retryAfterSeconds: number, message = 'Too many requests, please try again later.'): StatusError {
    return new StatusError(429, 'TooManyRequests', message, { retryAfterSeconds });
  },
  unavailable(message: string): StatusError {
    return new StatusError(503, 'ServiceUnavailable', message);
  },
  internal(message: string): StatusError {
    return new StatusError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
  },
  methodNotAllowed(message: string): StatusError {
    return new StatusError(405, 'MethodNotAllowed', message);
  },
  unsupportedMediaType(contentType: string): StatusError {
    return new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType})`);
  },
  unauthorized(): StatusError {
    return new StatusError(401, 'Unauthorized', 'Unauthorized');
  },
};
