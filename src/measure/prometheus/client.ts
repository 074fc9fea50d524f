/**
 * A small client for Prometheus' HTTP API (instant and range queries) over undici, with a bearer
 * token or basic auth and optional TLS verification, as kube-burner's metricsEndpoints configure it.
 */
import type { Agent, Dispatcher } from 'undici';
import { UserError } from '../../shared/errors.js';

export interface PrometheusConnection {
  endpoint: string;
  token?: string;
  username?: string;
  password?: string;
  skipTLSVerify?: boolean;
  /** Per query; default 60 s. */
  timeoutMs?: number;
}

export type Labels = Record<string, string>;
export interface InstantSample { metric: Labels; timeMs: number; value: number }
export interface RangeSeries { metric: Labels; samples: Array<{ timeMs: number; value: number }> }

interface ApiResponse {
  status: 'success' | 'error';
  errorType?: string;
  error?: string;
  data?: { resultType: 'vector' | 'matrix' | 'scalar' | 'string'; result: any };
}

/** Prometheus answered, but refused the query (bad PromQL, timeout...). */
export class PrometheusQueryError extends Error {
  constructor(readonly query: string, message: string) {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

/** Prometheus sends "NaN", "+Inf" as strings: Number() reads all of them. */
function sampleValue(raw: [number, string]): { timeMs: number; value: number } {
  return { timeMs: Math.round(raw[0] * 1000), value: Number(raw[1]) };
}

export class PrometheusClient {
  private readonly base: string;
  /** Made on the first query: undici is loaded only by commands that query Prometheus (not `burn validate`). */
  private dispatcher?: Promise<{ agent: Agent; request: typeof import('undici').request }>;
  private readonly headers: Record<string, string>;

  constructor(private readonly connection: PrometheusConnection) {
    let url: URL;
    try {
      url = new URL(connection.endpoint);
    } catch {
      throw new UserError(`metrics endpoint "${connection.endpoint}" is not a URL`, { hint: 'write it like http://prometheus.example:9090' });
    }
    // Credentials written into the URL become basic auth, and never appear in messages.
    const urlUser = decodeURIComponent(url.username);
    const urlPassword = decodeURIComponent(url.password);
    url.username = '';
    url.password = '';
    this.base = url.toString().replace(/\/+$/, '');
    this.headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (connection.token) this.headers.authorization = `Bearer ${connection.token}`;
    else if (connection.username || urlUser) {
      const [user, password] = connection.username ? [connection.username, connection.password ?? ''] : [urlUser, urlPassword];
      this.headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    }
  }

  get endpoint(): string {
    return this.base;
  }

  /** Instant query at `timeMs`. A scalar result comes back as one sample without labels. */
  async query(expr: string, timeMs: number): Promise<InstantSample[]> {
    const data = await this.post('/api/v1/query', expr, { query: expr, time: (timeMs / 1000).toFixed(3) });
    if (data.resultType === 'scalar') return [{ metric: {}, ...sampleValue(data.result) }];
    if (data.resultType !== 'vector') throw new PrometheusQueryError(expr, `expected a vector, got a ${data.resultType}`);
    return (data.result as Array<{ metric: Labels; value: [number, string] }>).map((r) => ({ metric: r.metric, ...sampleValue(r.value) }));
  }

  /**
   * Checks that Prometheus accepts `expr` without making it do work: evaluated at the Unix epoch,
   * where no block holds data, so only parsing and planning cost anything. (Prometheus 2.42, the
   * Debian version, has no /api/v1/parse_query.) Throws PrometheusQueryError when it is refused.
   */
  async checkQuery(expr: string): Promise<void> {
    await this.post('/api/v1/query', expr, { query: expr, time: '0' });
  }

  /** Range query over [startMs, endMs] at `stepMs` resolution. */
  async queryRange(expr: string, startMs: number, endMs: number, stepMs: number): Promise<RangeSeries[]> {
    const data = await this.post('/api/v1/query_range', expr, {
      query: expr,
      start: (startMs / 1000).toFixed(3),
      end: (endMs / 1000).toFixed(3),
      step: `${Math.max(0.001, stepMs / 1000)}s`,
    });
    return (data.result as Array<{ metric: Labels; values: Array<[number, string]> }>).map((r) => ({ metric: r.metric, samples: r.values.map(sampleValue) }));
  }

  async close(): Promise<void> {
    if (this.dispatcher) await (await this.dispatcher).agent.close();
  }

  private async post(path: string, expr: string, form: Record<string, string>): Promise<NonNullable<ApiResponse['data']>> {
    let response: Dispatcher.ResponseData;
    try {
      const { agent, request } = await (this.dispatcher ??= import('undici').then((undici) => ({
        agent: new undici.Agent({ connect: { rejectUnauthorized: !this.connection.skipTLSVerify }, keepAliveTimeout: 10_000 }),
        request: undici.request,
      })));
      response = await request(`${this.base}${path}`, {
        method: 'POST',
        headers: this.headers,
        body: new URLSearchParams(form).toString(),
        dispatcher: agent,
        headersTimeout: this.connection.timeoutMs ?? 60_000,
        bodyTimeout: this.connection.timeoutMs ?? 60_000,
      });
    } catch (err) {
      throw new UserError(`cannot reach Prometheus at ${this.base}: ${(err as Error).message}`, {
        hint: 'check the metrics endpoint URL, that Prometheus is up, and skipTLSVerify for self-signed certificates',
        cause: err,
      });
    }
    const text = await response.body.text();
    if (response.statusCode === 401 || response.statusCode === 403) {
      throw new UserError(`Prometheus at ${this.base} refused the credentials (HTTP ${response.statusCode})`, { hint: 'set token, or username and password, on the metrics endpoint' });
    }
    let body: ApiResponse;
    try {
      body = JSON.parse(text) as ApiResponse;
    } catch {
      throw new PrometheusQueryError(expr, `HTTP ${response.statusCode} from ${this.base}${path}: ${text.slice(0, 200)}`);
    }
    if (body.status !== 'success' || !body.data) {
      throw new PrometheusQueryError(expr, `${body.errorType ?? `HTTP ${response.statusCode}`}: ${body.error ?? 'no data'}`);
    }
    return body.data;
  }
}
