/**
 * A small OpenSearch / Elasticsearch HTTP client over undici, for the indexers and the history
 * store: the servers of `esServers` tried in order, basic auth from the URL, retries with backoff
 * on what a busy or restarting server answers (connection errors, 429, 502-504), `_bulk` in
 * chunks with per-item retries, and paged searches.
 */
import { Agent, request, type Dispatcher } from 'undici';
import { redactedServer } from '../config/index.js';
import { sleep } from '../shared/sleep.js';

export interface SearchClientOptions {
  servers: string[];
  insecureSkipVerify: boolean;
  /** Tries per request (and per bulk item) before giving up; 6 by default (about 15 s of backoff). */
  attempts?: number;
  /** The first backoff; doubled after each try. */
  backoffMs?: number;
}

interface Server {
  origin: string;
  shown: string;
  authorization?: string;
}

/** What a bulk request did with each document. */
export interface BulkOutcome {
  /** By the server's result: created, updated, ... */
  results: Record<string, number>;
  /** Documents refused for good (their first few reasons). */
  failed: number;
  reasons: string[];
}

export interface BulkItem {
  id: string;
  doc: unknown;
}

/** A failure after every retry, naming the server(s) and what they said. */
export class SearchServerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SearchServerError';
  }
}

const RETRIED_STATUS = new Set([429, 502, 503, 504]);
/** go-commons flushes a bulk request at 5 MB. */
const BULK_BYTES = 5_000_000;

function serverOf(url: string): Server {
  const parsed = new URL(url);
  const authorization = parsed.username || parsed.password ? `Basic ${Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64')}` : undefined;
  parsed.username = '';
  parsed.password = '';
  const origin = parsed.toString().replace(/\/+$/, '');
  return { origin, shown: redactedServer(url), ...(authorization ? { authorization } : {}) };
}

export class SearchClient {
  private readonly servers: Server[];
  private readonly dispatcher: Agent;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(options: SearchClientOptions) {
    this.servers = options.servers.map(serverOf);
    this.dispatcher = new Agent({ connect: { rejectUnauthorized: !options.insecureSkipVerify, timeout: 10_000 }, headersTimeout: 120_000, bodyTimeout: 120_000 });
    this.attempts = options.attempts ?? 6;
    this.backoffMs = options.backoffMs ?? 500;
  }

  /** For messages: the servers, credentials replaced. */
  get description(): string {
    return this.servers.map((s) => s.shown).join(', ');
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  /**
   * One request, to the first server that answers; retried with backoff on connection errors and
   * 429/502/503/504. Resolves to the status and parsed body of any other answer (404 included).
   */
  async call(method: Dispatcher.HttpMethod, path: string, body?: unknown, contentType = 'application/json'): Promise<{ status: number; body: any }> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    let last = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      for (const server of this.servers) {
        try {
          const response = await request(`${server.origin}${path}`, {
            method,
            dispatcher: this.dispatcher,
            headers: { accept: 'application/json', ...(payload !== undefined ? { 'content-type': contentType } : {}), ...(server.authorization ? { authorization: server.authorization } : {}) },
            body: payload,
          });
          const text = await response.body.text();
          if (RETRIED_STATUS.has(response.statusCode)) {
            last = `${server.shown} answered ${response.statusCode} ${text.slice(0, 200)}`;
            continue;
          }
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            parsed = text;
          }
          return { status: response.statusCode, body: parsed };
        } catch (err) {
          last = `${server.shown}: ${err instanceof Error ? (err as NodeJS.ErrnoException).code ?? err.message : String(err)}`;
        }
      }
      if (attempt < this.attempts) await sleep(this.backoffMs * 2 ** (attempt - 1));
    }
    throw new SearchServerError(`${method} ${path} failed after ${this.attempts} tries (${last})`);
  }

  /** Like `call`, but any answer other than 2xx is an error naming what the server said. */
  async ok(method: Dispatcher.HttpMethod, path: string, body?: unknown, contentType?: string): Promise<any> {
    const answer = await this.call(method, path, body, contentType);
    if (answer.status < 200 || answer.status >= 300) throw new SearchServerError(`${method} ${path}: ${answer.status} ${reasonOf(answer.body)}`, answer.status);
    return answer.body;
  }

  /** Creates `index` (with `definition`: settings, mappings) unless it exists. */
  async ensureIndex(index: string, definition?: object): Promise<void> {
    const exists = await this.call('HEAD', `/${encodeURIComponent(index)}`);
    if (exists.status === 200) return;
    const created = await this.call('PUT', `/${encodeURIComponent(index)}`, definition ?? {});
    // Another writer may have created it since the HEAD.
    if (created.status >= 300 && !/resource_already_exists/.test(JSON.stringify(created.body))) {
      throw new SearchServerError(`creating index ${index}: ${created.status} ${reasonOf(created.body)}`, created.status);
    }
  }

  /**
   * Adds the dynamic templates (`[{name: {...}}]`) that `index` lacks, after its own: a mapping update
   * replaces the whole list, so the index's own templates are read first and kept, and win where both match.
   * Returns the names added.
   */
  async addDynamicTemplates(index: string, templates: ReadonlyArray<Record<string, object>>): Promise<string[]> {
    const mappings = (await this.ok('GET', `/${encodeURIComponent(index)}/_mapping`)) as Record<string, { mappings?: { dynamic_templates?: Array<Record<string, object>> } }>;
    const added = new Set<string>();
    // An alias answers with each index behind it.
    for (const [concrete, { mappings: m }] of Object.entries(mappings ?? {})) {
      const own = m?.dynamic_templates ?? [];
      const names = new Set(own.flatMap((t) => Object.keys(t)));
      const missing = templates.filter((t) => !Object.keys(t).some((name) => names.has(name)));
      if (missing.length === 0) continue;
      await this.ok('PUT', `/${encodeURIComponent(concrete)}/_mapping`, { dynamic_templates: [...own, ...missing] });
      for (const t of missing) for (const name of Object.keys(t)) added.add(name);
    }
    return [...added];
  }

  /**
   * Indexes `items` into `index` under their ids (an existing id is replaced, never duplicated), in
   * requests of at most 5 MB; items the server refuses with 429 are sent again with backoff.
   */
  async bulk(index: string, items: BulkItem[]): Promise<BulkOutcome> {
    const outcome: BulkOutcome = { results: {}, failed: 0, reasons: [] };
    const lines = items.map((item) => ({ id: item.id, text: `${JSON.stringify({ index: { _index: index, _id: item.id } })}\n${JSON.stringify(item.doc)}\n` }));
    let pending = lines;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const retry: typeof lines = [];
      for (const chunk of chunks(pending)) {
        const answer = await this.ok('POST', '/_bulk', chunk.map((l) => l.text).join(''), 'application/x-ndjson');
        const results: any[] = Array.isArray(answer?.items) ? answer.items : [];
        chunk.forEach((line, i) => {
          const item = results[i]?.index ?? {};
          const status = Number(item.status);
          if (status >= 200 && status < 300) outcome.results[item.result ?? 'indexed'] = (outcome.results[item.result ?? 'indexed'] ?? 0) + 1;
          else if (RETRIED_STATUS.has(status) && attempt < this.attempts) retry.push(line);
          else {
            outcome.failed++;
            if (outcome.reasons.length < 3) outcome.reasons.push(`${line.id}: ${status || 'no answer'} ${reasonOf(item)}`);
          }
        });
      }
      pending = retry;
      if (pending.length) await sleep(this.backoffMs * 2 ** (attempt - 1));
    }
    return outcome;
  }

  /** Makes what was indexed visible to searches and counts now. */
  async refresh(index: string): Promise<void> {
    await this.ok('POST', `/${encodeURIComponent(index)}/_refresh`);
  }

  /** Every document of `index` matching `query` (a scroll: any number of them). A missing index has none. */
  async searchAll(index: string, query: object): Promise<Array<{ _id: string; _source: any }>> {
    const first = await this.call('POST', `/${encodeURIComponent(index)}/_search?scroll=1m`, { query, size: 1000 });
    if (first.status === 404) return [];
    if (first.status >= 300) throw new SearchServerError(`searching ${index}: ${first.status} ${reasonOf(first.body)}`, first.status);
    const hits: Array<{ _id: string; _source: any }> = [];
    let answer = first.body;
    try {
      for (;;) {
        const page: any[] = answer?.hits?.hits ?? [];
        hits.push(...page.map((h) => ({ _id: String(h._id), _source: h._source })));
        if (page.length === 0 || !answer?._scroll_id) return hits;
        answer = await this.ok('POST', '/_search/scroll', { scroll: '1m', scroll_id: answer._scroll_id });
      }
    } finally {
      if (answer?._scroll_id) await this.call('DELETE', '/_search/scroll', { scroll_id: answer._scroll_id }).catch(() => undefined);
    }
  }
}

function* chunks<T extends { text: string }>(lines: T[]): Generator<T[]> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const line of lines) {
    if (chunk.length && bytes + line.text.length > BULK_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(line);
    bytes += line.text.length;
  }
  if (chunk.length) yield chunk;
}

/** The server's reason, from its error body (OpenSearch and Elasticsearch answer alike). */
function reasonOf(body: any): string {
  const error = body?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') return `${error.type ?? 'error'}: ${error.reason ?? JSON.stringify(error).slice(0, 300)}`;
  return typeof body === 'string' ? body.slice(0, 300) : JSON.stringify(body ?? '').slice(0, 300);
}
