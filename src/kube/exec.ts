/**
 * Runs a command in a pod's container through the API server's pods/exec subresource, as
 * `kubectl exec` does: a WebSocket upgrade speaking the Kubernetes channel protocol
 * (v5.channel.k8s.io, else v4.channel.k8s.io). Every binary message starts with its channel:
 * 1 stdout, 2 stderr, 3 the final metav1.Status (Success, or Failure with the exit code).
 * The socket carries the same credentials and TLS as every other request of the client.
 */
import type { Credential } from './credentials.js';
import type { TlsMaterial } from './kubeconfig.js';
import { queryString } from './paths.js';

export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  /** Written to the command's stdin, which is then closed (closing needs v5.channel.k8s.io, Kubernetes 1.30+). */
  stdin?: Buffer;
  /** The whole exec, from opening the socket to the final status. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** 0 on success; the command's exit code when it failed. */
  exitCode: number;
  stdout: string;
  /** stdout as written, for output that is not text (pprof profiles). */
  stdoutBytes: Buffer;
  stderr: string;
}

/** The exec could not run, or ended without a status (timeout, upgrade refused, socket closed). */
export class ExecError extends Error {
  constructor(message: string, readonly timedOut = false) {
    super(message);
    this.name = 'ExecError';
  }
}

export const EXEC_SUBPROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const CHANNEL_STDOUT = 1;
const CHANNEL_STDERR = 2;
const CHANNEL_STATUS = 3;

/** Where and how to connect: the client's origin, TLS and current credential. */
export interface ExecConnection {
  origin: string;
  basePath: string;
  tls: TlsMaterial;
  credential: Credential;
}

export function execPath(req: Pick<ExecRequest, 'namespace' | 'pod' | 'container' | 'command' | 'stdin'>): string {
  const query = [
    ...req.command.map((c) => `command=${encodeURIComponent(c)}`),
    queryString({ container: req.container, stdout: true, stderr: true, stdin: req.stdin !== undefined, tty: false }),
  ].join('&');
  return `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/exec?${query}`;
}

/** The exit code a Failure status carries (reason NonZeroExitCode, cause ExitCode); undefined when it carries none. */
export function exitCodeOf(status: { status?: string; reason?: string; message?: string; details?: { causes?: Array<{ reason?: string; message?: string }> } }): number | undefined {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message !== undefined ? Number(cause.message) : NaN;
  return Number.isInteger(code) ? code : undefined;
}

export async function execInPod(conn: ExecConnection, req: ExecRequest): Promise<ExecResult> {
  // undici's WebSocket with its whole index: only runs that exec into a pod (pprof, netpol probes) load it.
  const { Agent, WebSocket } = await import('undici');
  const url = new URL(conn.basePath + execPath(req), conn.origin);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  const dispatcher = new Agent({
    connect: {
      ca: conn.tls.ca,
      cert: conn.credential.cert ?? conn.tls.cert,
      key: conn.credential.key ?? conn.tls.key,
      rejectUnauthorized: conn.tls.rejectUnauthorized,
      servername: conn.tls.servername,
    },
  });
  const headers: Record<string, string> = { 'user-agent': 'burn/0.1 (kubeburn)', ...conn.credential.extraHeaders };
  if (conn.credential.authorization) headers.authorization = conn.credential.authorization;
  const where = `pod ${req.namespace}/${req.pod}`;
  try {
    return await new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let status: ReturnType<typeof JSON.parse> | undefined;
      let settled = false;
      const ws = new WebSocket(url, { protocols: EXEC_SUBPROTOCOLS, dispatcher, headers });
      ws.binaryType = 'arraybuffer';
      const finish = (outcome: { result?: ExecResult; error?: ExecError }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
        if (outcome.error) reject(outcome.error);
        else resolve(outcome.result!);
      };
      const onAbort = () => finish({ error: new ExecError(`exec in ${where} was cancelled`) });
      const timer = setTimeout(() => finish({ error: new ExecError(`exec in ${where} did not end within ${req.timeoutMs}ms`, true) }), req.timeoutMs);
      req.signal?.addEventListener('abort', onAbort, { once: true });
      if (req.signal?.aborted) onAbort();
      if (req.stdin) {
        const stdin = req.stdin;
        ws.addEventListener('open', () => {
          ws.send(Buffer.concat([Buffer.from([0]), stdin]));
          if (ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([255, 0]));
        });
      }
      ws.addEventListener('message', (event) => {
        const data = Buffer.from(event.data as ArrayBuffer);
        if (data.length === 0) return;
        const payload = data.subarray(1);
        if (data[0] === CHANNEL_STDOUT) stdout.push(payload);
        else if (data[0] === CHANNEL_STDERR) stderr.push(payload);
        else if (data[0] === CHANNEL_STATUS && payload.length > 0) {
          try {
            status = JSON.parse(payload.toString('utf8'));
          } catch {
            status = { status: 'Failure', message: payload.toString('utf8') };
          }
        }
      });
      ws.addEventListener('close', () => {
        const stdoutBytes = Buffer.concat(stdout);
        const out = { stdout: stdoutBytes.toString('utf8'), stdoutBytes, stderr: Buffer.concat(stderr).toString('utf8') };
        if (!status) return finish({ error: new ExecError(`exec in ${where} ended without a status (the API server refused the upgrade or closed the stream)`) });
        const exitCode = exitCodeOf(status);
        if (exitCode === undefined) return finish({ error: new ExecError(`exec in ${where} failed: ${status.message ?? status.reason ?? 'no reason given'}`) });
        finish({ result: { exitCode, ...out } });
      });
      ws.addEventListener('error', (event) => {
        const cause = (event as { error?: unknown }).error;
        finish({ error: new ExecError(`exec in ${where} could not open its stream: ${cause instanceof Error ? cause.message : 'WebSocket upgrade failed'}`) });
      });
    });
  } finally {
    // The exec is over (or abandoned): its connection goes now, never lingers on an unanswered close.
    void dispatcher.destroy().catch(() => undefined);
  }
}
