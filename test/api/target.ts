import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { parse as parseYaml } from 'yaml';
import { builtinProfiles, startSim, type RunningSim } from '../../src/sim/index.js';

/**
 * The API server the client-facing suite talks to, over HTTP only: the cluster of the kubeconfig
 * in BURN_TEST_KUBECONFIG (a real apiserver, token or client-certificate auth), or else a
 * simulator started on a free loopback port. The suite must pass against both.
 */

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as is (for malformed bodies and YAML). */
  rawBody?: string;
  contentType?: string;
  accept?: string;
  /** null: no Authorization header; a string: that bearer token. */
  token?: string | null;
}

export interface WatchEvent {
  type: string;
  object: any;
}

export interface WatchStream {
  status: number;
  /** The next event, or undefined when the stream ended or `timeoutMs` passed first. */
  next(timeoutMs?: number): Promise<WatchEvent | undefined>;
  /** Events until one matches, failing after timeoutMs. */
  until(match: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export interface ApiTarget {
  kind: 'sim' | 'kubeconfig';
  url: string;
  sim?: RunningSim;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  watch(path: string, options?: RequestOptions): Promise<WatchStream>;
  /** Creates a namespace with a unique name; deleted by close(). */
  namespace(prefix?: string): Promise<string>;
  /** Polls GET path until check(json) is true. */
  eventually(path: string, check: (json: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

interface Connection {
  url: string;
  token?: string;
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

function fromKubeconfig(file: string): Connection {
  const config = parseYaml(readFileSync(file, 'utf8'));
  const ctxName = config['current-context'];
  const ctx = config.contexts?.find((c: any) => c.name === ctxName)?.context;
  const cluster = config.clusters?.find((c: any) => c.name === ctx?.cluster)?.cluster;
  const user = config.users?.find((u: any) => u.name === ctx?.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${file}: no cluster server for context ${ctxName}`);
  const data = (inline: string | undefined, path: string | undefined) => (inline ? Buffer.from(inline, 'base64').toString('utf8') : path ? readFileSync(path, 'utf8') : undefined);
  return {
    url: String(cluster.server).replace(/\/$/, ''),
    ca: data(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token: user.token ?? (user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : undefined),
    cert: data(user['client-certificate-data'], user['client-certificate']),
    key: data(user['client-key-data'], user['client-key']),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function openTarget(): Promise<ApiTarget> {
  const kubeconfig = process.env.BURN_TEST_KUBECONFIG;
  let sim: RunningSim | undefined;
  let conn: Connection;
  if (kubeconfig) conn = fromKubeconfig(kubeconfig);
  else {
    // A watch window of 300 events per resource (the default profile keeps 20,000) lets the watch
    // suite move the window with a few hundred writes, as the apiserver's cache moves after 75 s.
    const base = builtinProfiles.default!;
    sim = await startSim({ nodes: 3, seed: 7, profile: { ...base, faults: { ...base.faults, watchWindow: 300 } } });
    conn = { url: sim.url, token: sim.token, ca: sim.caPem };
  }
  const agent = new Agent({ connect: { ca: conn.ca, cert: conn.cert, key: conn.key, rejectUnauthorized: !conn.insecure }, connections: 32 });
  const namespaces: string[] = [];

  function headers(options: RequestOptions): Record<string, string> {
    const h: Record<string, string> = { accept: options.accept ?? 'application/json' };
    const token = options.token === undefined ? conn.token : options.token;
    if (token) h.authorization = `Bearer ${token}`;
    if (options.rawBody !== undefined || options.body !== undefined) h['content-type'] = options.contentType ?? 'application/json';
    return h;
  }

  async function send(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    const res = await request(conn.url + path, { method: method as 'GET', headers: headers(options), body, dispatcher: agent });
    const text = await res.body.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.statusCode, headers: res.headers, text, json };
  }

  async function watch(path: string, options: RequestOptions = {}): Promise<WatchStream> {
    const controller = new AbortController();
    const res = await request(conn.url + path, { method: 'GET', headers: headers(options), dispatcher: agent, signal: controller.signal });
    const queue: WatchEvent[] = [];
    const waiters: Array<() => void> = [];
    let done = false;
    let buffer = '';
    const wake = () => waiters.splice(0).forEach((w) => w());
    const ended = (async () => {
      try {
        for await (const chunk of res.body) {
          buffer += chunk.toString();
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl).trim();
            buffer = buffer.slice(nl + 1);
            if (line) queue.push(JSON.parse(line));
          }
          wake();
        }
        if (buffer.trim()) queue.push(JSON.parse(buffer));
      } catch {
        // aborted by close()
      } finally {
        done = true;
        wake();
      }
    })();
    const next = async (timeoutMs = 10_000): Promise<WatchEvent | undefined> => {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0 && !done) {
        const left = deadline - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return queue.shift();
    };
    return {
      status: res.statusCode,
      next,
      async until(match, timeoutMs = 30_000) {
        const deadline = Date.now() + timeoutMs;
        const seen: string[] = [];
        for (;;) {
          const left = deadline - Date.now();
          const event = left > 0 ? await next(left) : undefined;
          if (!event) throw new Error(`no matching watch event on ${path} within ${timeoutMs} ms; saw ${seen.join(', ') || 'nothing'}`);
          seen.push(`${event.type} ${event.object?.metadata?.name ?? ''}`);
          if (match(event)) return event;
        }
      },
      ended,
      close: () => controller.abort(),
    };
  }

  return {
    kind: sim ? 'sim' : 'kubeconfig',
    url: conn.url,
    sim,
    request: send,
    watch,
    async namespace(prefix = 'api-test') {
      const name = `${prefix}-${randomBytes(4).toString('hex')}`;
      const res = await send('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'burn.dev/test': 'api' } } } });
      if (res.status !== 201) throw new Error(`creating namespace ${name}: ${res.status} ${res.text}`);
      namespaces.push(name);
      return name;
    },
    async eventually(path, check, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: ApiResponse | undefined;
      while (Date.now() < deadline) {
        last = await send('GET', path);
        if (last.status === 200 && check(last.json)) return last.json;
        await sleep(200);
      }
      throw new Error(`GET ${path} did not reach the expected state in ${timeoutMs} ms; last: ${last?.status} ${last?.text.slice(0, 500)}`);
    },
    async close() {
      try {
        for (const ns of namespaces) await send('DELETE', `/api/v1/namespaces/${ns}`);
      } finally {
        await agent.close();
        await sim?.stop();
      }
    },
  };
}

/** A pod that runs on the simulator's nodes and on kwok nodes (which carry a NoSchedule taint). */
export function testPod(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: {
      containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }],
      tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
    },
  };
}

export function configMap(name: string, labels: Record<string, string> = {}, data: Record<string, string> = { key: 'value' }): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}
