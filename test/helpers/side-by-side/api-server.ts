// What the API server itself saw while one tool ran: its CPU (from /proc of kube-apiserver), its own
// request counters (apiserver_request_total, sampled every second in this process, no child processes,
// so the measured tool's CPU figure is not disturbed) and, on a control plane started with
// `up --audit-creates`, its audit record of each create (when it received the request, to the microsecond).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { request } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { parseRequestCounts } from './cluster-record.js';

const CLOCK_TICKS_PER_SECOND = 100;
const SAMPLE_MS = 1000;

/** The kube-apiserver pid that scripts/controlplane/up recorded beside the kubeconfig, if it is ours and running. */
export function apiServerPid(kubeconfig: string): number | undefined {
  const dir = dirname(resolve(kubeconfig));
  const pidFile = join(dir, 'pids', 'kube-apiserver.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}/stat`) ? pid : undefined;
}

/** The audit log of creates that `scripts/controlplane/up --audit-creates` keeps beside the kubeconfig, if there is one. */
export function auditLogOf(kubeconfig: string): string | undefined {
  const file = join(dirname(resolve(kubeconfig)), 'audit', 'creates.log');
  return existsSync(file) ? file : undefined;
}

/** One create as the API server's audit log records it (stage ResponseComplete). */
export interface AuditedCreate {
  resource: string;
  namespace: string;
  name: string;
  code: number;
  /** requestReceivedTimestamp, ms since epoch (the log has microseconds). */
  receivedMs: number;
}

/** The creates of audit log lines (JSON, one event a line); other events and partial lines are skipped. */
export function parseAuditedCreates(text: string): AuditedCreate[] {
  const creates: AuditedCreate[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let event: { stage?: string; verb?: string; objectRef?: { resource?: string; subresource?: string; namespace?: string; name?: string }; responseStatus?: { code?: number }; requestReceivedTimestamp?: string };
    try {
      event = JSON.parse(line);
    } catch {
      continue; // the line the API server was writing when the file was read
    }
    if (event.stage !== 'ResponseComplete' || event.verb !== 'create' || !event.objectRef?.resource || event.objectRef.subresource) continue;
    const receivedMs = Date.parse(event.requestReceivedTimestamp ?? '');
    if (Number.isNaN(receivedMs)) continue;
    creates.push({ resource: event.objectRef.resource, namespace: event.objectRef.namespace ?? '', name: event.objectRef.name ?? '', code: event.responseStatus?.code ?? 0, receivedMs });
  }
  return creates;
}

/** utime + stime of a process, in seconds: fields 14 and 15 of /proc/<pid>/stat. */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

interface MetricsEndpoint {
  url: URL;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
  insecure: boolean;
}

type Named<T> = { name: string } & T;
interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Named<{ context: { cluster: string; user: string } }>[];
  clusters?: Named<{ cluster: { server: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean } }>[];
  users?: Named<{ user: { token?: string; 'client-certificate'?: string; 'client-certificate-data'?: string; 'client-key'?: string; 'client-key-data'?: string } }>[];
}

function pem(base: string, file: string | undefined, data: string | undefined): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  return file ? readFileSync(resolve(base, file)) : undefined;
}

/** The current context's server and credentials (token or client certificate: what a benchmark cluster uses). */
function metricsEndpoint(kubeconfig: string): MetricsEndpoint {
  const config = loadYaml(readFileSync(kubeconfig, 'utf8')) as KubeconfigFile;
  const contexts = config.contexts ?? [];
  const context = contexts.find((c) => c.name === config['current-context']) ?? contexts[0];
  const cluster = config.clusters?.find((c) => c.name === context?.context.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.context.user)?.user ?? {};
  if (!cluster) throw new Error(`${kubeconfig}: no cluster for the current context`);
  const base = dirname(resolve(kubeconfig));
  return {
    url: new URL('/metrics', cluster.server),
    ca: pem(base, cluster['certificate-authority'], cluster['certificate-authority-data']),
    cert: pem(base, user['client-certificate'], user['client-certificate-data']),
    key: pem(base, user['client-key'], user['client-key-data']),
    token: user.token,
    insecure: cluster['insecure-skip-tls-verify'] === true,
  };
}

function fetchMetrics(endpoint: MetricsEndpoint): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const req = request(endpoint.url, {
      ca: endpoint.ca, cert: endpoint.cert, key: endpoint.key, rejectUnauthorized: !endpoint.insecure,
      headers: endpoint.token ? { authorization: `Bearer ${endpoint.token}` } : {},
      timeout: 30_000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode === 200 ? resolvePromise(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`GET /metrics: HTTP ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('GET /metrics timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** apiserver_request_total at one moment. */
interface Sample {
  atMs: number;
  counts: Map<string, number>;
}

/** What the API server did during one tool's run. */
export interface ApiServerView {
  /** kube-apiserver's CPU seconds over the run; undefined when its pid is unknown (a cluster not started by `up`). */
  cpuSeconds: number | undefined;
  /** Create requests (POST) the API server counted for the given resources during the run. */
  creates: number;
  /** From the last sample before the first of those creates to the sample that saw the last one (1 s resolution). */
  createSeconds: number;
  /** creates / createSeconds: objects per second as the API server received them. */
  createsPerSecond: number;
  /**
   * From the first to the last successful create of those resources as the API server's audit log
   * received them (ms), when the control plane keeps one (`up --audit-creates`).
   */
  auditedSendSpan?: { seconds: number; objects: number };
}

/**
 * Follows the API server while a tool runs: `start` before the tool, `stop` after it; `view` then
 * turns the samples into figures for the resources the tool created.
 */
export class ApiServerObserver {
  private readonly endpoint: MetricsEndpoint;
  private readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private failure: Error | undefined;
  private cpuStart: number | undefined;
  private cpuSeconds: number | undefined;
  private auditStart = 0;
  /** The audit log file's inode at start: another one means it was rotated. */
  private auditInode = 0;
  private audited: AuditedCreate[] | undefined;

  constructor(kubeconfig: string, private readonly pid = apiServerPid(kubeconfig), private readonly auditLog = auditLogOf(kubeconfig)) {
    this.endpoint = metricsEndpoint(kubeconfig);
  }

  /** The audit log's lines written since start(); undefined when the log was rotated meanwhile (the creates are not all in it). */
  private async auditSinceStart(): Promise<AuditedCreate[] | undefined> {
    const handle = await open(this.auditLog!, 'r');
    try {
      const { size, ino } = await handle.stat();
      if (ino !== this.auditInode || size < this.auditStart) {
        process.stderr.write(`side-by-side: the audit log ${this.auditLog} was rotated during the run: its send span comes from creationTimestamps\n`);
        return undefined;
      }
      const buffer = Buffer.alloc(Math.max(0, size - this.auditStart));
      await handle.read(buffer, 0, buffer.length, this.auditStart);
      return parseAuditedCreates(buffer.toString('utf8'));
    } finally {
      await handle.close();
    }
  }

  private sample(): Promise<void> {
    if (this.inFlight) return this.inFlight; // a slow API server: never two scrapes at once
    this.inFlight = fetchMetrics(this.endpoint)
      .then((text) => void this.samples.push({ atMs: Date.now(), counts: parseRequestCounts(text) }))
      .catch((error: Error) => void (this.failure ??= error))
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async start(): Promise<void> {
    await this.sample();
    if (this.failure) throw this.failure;
    this.cpuStart = this.pid === undefined ? undefined : processCpuSeconds(this.pid);
    if (this.auditLog) ({ size: this.auditStart, ino: this.auditInode } = statSync(this.auditLog));
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.cpuStart !== undefined) this.cpuSeconds = processCpuSeconds(this.pid!) - this.cpuStart;
    await this.inFlight;
    await this.sample();
    if (this.failure) throw new Error(`sampling the API server's /metrics failed: ${this.failure.message}`);
    // blocking audit mode: every create's event is written before its answer, so the tool's are all in
    if (this.auditLog) this.audited = await this.auditSinceStart();
  }

  /** Figures for POSTs of these resources (plural names, e.g. "pods", "configmaps"). */
  view(resources: Iterable<string>): ApiServerView {
    resources = [...resources];
    const keys = [...resources].map((r) => `POST ${r}`);
    const total = (s: Sample) => keys.reduce((sum, key) => sum + (s.counts.get(key) ?? 0), 0);
    const totals = this.samples.map(total);
    const first = totals[0] ?? 0;
    const last = totals.at(-1) ?? 0;
    const startIndex = totals.findIndex((t) => t > first) - 1;
    const endIndex = totals.indexOf(last);
    const createSeconds = startIndex >= 0 ? (this.samples[endIndex]!.atMs - this.samples[startIndex]!.atMs) / 1000 : 0;
    const creates = last - first;
    const wanted = new Set(resources);
    const sent = this.audited?.filter((c) => wanted.has(c.resource) && c.code >= 200 && c.code < 300).map((c) => c.receivedMs);
    const auditedSendSpan = sent && { seconds: sent.length > 0 ? (Math.max(...sent) - Math.min(...sent)) / 1000 : 0, objects: sent.length };
    return { cpuSeconds: this.cpuSeconds, creates, createSeconds, createsPerSecond: createSeconds > 0 ? creates / createSeconds : 0, ...(auditedSendSpan ? { auditedSendSpan } : {}) };
  }
}

/** A kind's resource name as the API server counts it: Deployment -> deployments, NetworkPolicy -> networkpolicies. */
export function resourceOfKind(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  if (lower.endsWith('s')) return `${lower}es`;
  return `${lower}s`;
}
