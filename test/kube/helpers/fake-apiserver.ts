import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { TestPki } from './certs.js';

/** A plain JSON object as the fake server stores it. */
export type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

interface ResourceDef {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  clientCertCN?: string;
}

interface Watcher {
  def: ResourceDef;
  namespace?: string;
  labels?: Record<string, string>;
  res: ServerResponse;
}

/** Handles the request itself when it returns true: for faults (429, 500, resets, stalls). */
export type Interceptor = (req: SeenRequest, res: ServerResponse) => boolean;

/**
 * A small Kubernetes API server over HTTPS on 127.0.0.1 for the request-path tests: discovery,
 * CRUD, list with limit/continue, watch with history, bookmarks and 410, auth by bearer token or
 * client certificate, and interceptors for faults.
 */
export class FakeApiServer {
  readonly requests: SeenRequest[] = [];
  interceptors: Interceptor[] = [];
  /** Accepted bearer tokens; empty set and no client cert requirement = anonymous allowed. */
  tokens = new Set<string>();
  acceptClientCert = false;
  /** Watches from a resourceVersion older than this get 410 Gone. */
  compactedRv = 0;
  /** Continue tokens issued before this rv are expired (410). */
  continueExpiredBefore = 0;
  private rv = 1;
  private generated = 0;
  private readonly defs: ResourceDef[] = [
    { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
    { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
    { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  ];
  private readonly objects = new Map<string, Obj>(); // resource|ns|name
  private readonly history: Array<{ rv: number; type: string; def: ResourceDef; obj: Obj }> = [];
  private readonly watchers = new Set<Watcher>();
  /** While set, watch events wait here instead of going out (a watch running behind the store). */
  private held?: Array<() => void>;
  private readonly sockets = new Set<Socket>();
  /** TLS connections accepted so far. */
  connectionsAccepted = 0;
  private server: https.Server;

  constructor(pki: TestPki) {
    this.server = https.createServer(
      { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: false, keepAliveTimeout: 60_000 },
      (req, res) => this.handle(req, res),
    );
    this.server.on('secureConnection', (socket) => {
      this.connectionsAccepted++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Serves a new kind from now on (a CRD created mid-run). */
  addResource(def: ResourceDef): void {
    this.defs.push(def);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  get openWatches(): number {
    return this.watchers.size;
  }

  /** Sends a BOOKMARK at the current resourceVersion to every watcher. */
  bookmark(): void {
    for (const w of this.watchers) {
      w.res.write(JSON.stringify({ type: 'BOOKMARK', object: { kind: w.def.kind, apiVersion: apiVersionOf(w.def), metadata: { resourceVersion: String(this.rv) } } }) + '\n');
    }
  }

  /** Cuts every open watch stream (as a load balancer or apiserver restart would). */
  dropWatches(): void {
    for (const w of this.watchers) w.res.socket?.destroy();
    this.watchers.clear();
  }

  /** Holds watch events back until releaseWatchEvents(); lists still answer from the store. */
  holdWatchEvents(): void {
    this.held ??= [];
  }

  releaseWatchEvents(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const send of held) send();
  }

  /** Writes an object straight into the store (and to watchers), as another client would. */
  put(obj: Obj, type: 'ADDED' | 'MODIFIED' = 'ADDED'): Obj {
    const def = this.defs.find((d) => d.kind === obj.kind && apiVersionOf(d) === obj.apiVersion)!;
    return this.commit(def, type, obj);
  }

  remove(kind: string, name: string, namespace?: string): void {
    const def = this.defs.find((d) => d.kind === kind)!;
    const key = `${def.resource}|${namespace ?? ''}|${name}`;
    const obj = this.objects.get(key);
    if (obj) this.commit(def, 'DELETED', obj);
  }

  private commit(def: ResourceDef, type: string, obj: Obj): Obj {
    const rv = ++this.rv;
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
    const key = `${def.resource}|${stored.metadata.namespace ?? ''}|${stored.metadata.name}`;
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, stored);
    this.history.push({ rv, type, def, obj: stored });
    for (const w of this.watchers) {
      if (w.def !== def || !matches(w, stored)) continue;
      const send = () => w.res.write(JSON.stringify({ type, object: stored }) + '\n');
      if (this.held) this.held.push(send);
      else send();
    }
    return stored;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const peer = (req.socket as TLSSocket).getPeerCertificate?.();
      const seen: SeenRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        clientCertCN: peer && (req.socket as TLSSocket).authorized ? (peer.subject?.CN as string | undefined) : undefined,
      };
      this.requests.push(seen);
      for (const interceptor of this.interceptors) if (interceptor(seen, res)) return;
      if (!this.authorized(seen)) return status(res, 401, 'Unauthorized', 'Unauthorized');
      try {
        this.route(seen, res);
      } catch (err) {
        status(res, 500, 'InternalError', String(err));
      }
    });
  }

  private authorized(req: SeenRequest): boolean {
    if (this.tokens.size === 0 && !this.acceptClientCert) return true;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ') && this.tokens.has(auth.slice(7))) return true;
    return this.acceptClientCert && req.clientCertCN !== undefined;
  }

  private route(req: SeenRequest, res: ServerResponse): void {
    const url = new URL(req.url, 'https://x');
    const parts = url.pathname.split('/').filter(Boolean);
    if (url.pathname === '/version') return json(res, 200, { major: '1', minor: '33', gitVersion: 'v1.33.0-fake' });
    if (url.pathname === '/api') return json(res, 200, { kind: 'APIVersions', versions: ['v1'] });
    if (url.pathname === '/apis') {
      const groups = [...new Set(this.defs.filter((d) => d.group).map((d) => apiVersionOf(d)))].map((gv) => ({
        name: gv.split('/')[0],
        versions: [{ groupVersion: gv, version: gv.split('/')[1] }],
      }));
      return json(res, 200, { kind: 'APIGroupList', groups });
    }
    let group = '';
    let version: string;
    let rest: string[];
    if (parts[0] === 'api') {
      version = parts[1];
      rest = parts.slice(2);
    } else if (parts[0] === 'apis') {
      group = parts[1];
      version = parts[2];
      rest = parts.slice(3);
    } else {
      return status(res, 404, 'NotFound', `no route ${url.pathname}`);
    }
    const gvDefs = this.defs.filter((d) => d.group === group && d.version === version);
    if (rest.length === 0) {
      if (gvDefs.length === 0) return status(res, 404, 'NotFound', 'the server could not find the requested resource');
      return json(res, 200, {
        kind: 'APIResourceList',
        groupVersion: group ? `${group}/${version}` : version,
        resources: gvDefs.flatMap((d) => [
          { name: d.resource, kind: d.kind, namespaced: d.namespaced, verbs: ['create', 'get', 'list', 'watch', 'delete'] },
          { name: `${d.resource}/status`, kind: d.kind, namespaced: d.namespaced, verbs: ['get'] },
        ]),
      });
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length > 2) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const def = gvDefs.find((d) => d.resource === rest[0]);
    if (!def) return status(res, 404, 'NotFound', `resource ${rest[0]} not found`);
    const name = rest[1];
    const key = `${def.resource}|${namespace ?? ''}|${name}`;
    const body = req.body ? (JSON.parse(req.body) as Obj) : undefined;
    switch (req.method) {
      case 'POST': {
        const obj = { ...body!, metadata: { ...body!.metadata, namespace } };
        const generateName = (obj.metadata as Record<string, unknown>).generateName;
        if (!obj.metadata.name && typeof generateName === 'string') obj.metadata.name = `${generateName}${++this.generated}`;
        if (this.objects.has(`${def.resource}|${namespace ?? ''}|${obj.metadata.name}`)) {
          return status(res, 409, 'AlreadyExists', `${def.resource} "${obj.metadata.name}" already exists`);
        }
        return json(res, 201, this.commit(def, 'ADDED', obj));
      }
      case 'GET':
        if (name) {
          const obj = this.objects.get(key);
          return obj ? json(res, 200, obj) : status(res, 404, 'NotFound', `${def.resource} "${name}" not found`);
        }
        if (url.searchParams.get('watch') === '1' || url.searchParams.get('watch') === 'true') return this.watch(def, namespace, url, res);
        return this.list(def, namespace, url, res);
      case 'PUT':
        if (!this.objects.has(key)) return status(res, 404, 'NotFound', `${def.resource} "${name}" not found`);
        return json(res, 200, this.commit(def, 'MODIFIED', { ...body!, metadata: { ...body!.metadata, namespace } }));
      case 'PATCH': {
        const current = this.objects.get(key);
        if (!current) return status(res, 404, 'NotFound', `${def.resource} "${name}" not found`);
        const patch = body as unknown as Record<string, unknown>;
        return json(res, 200, this.commit(def, 'MODIFIED', { ...current, ...patch, metadata: current.metadata } as Obj));
      }
      case 'DELETE': {
        if (name) {
          const obj = this.objects.get(key);
          if (!obj) return status(res, 404, 'NotFound', `${def.resource} "${name}" not found`);
          this.commit(def, 'DELETED', obj);
          return json(res, 200, obj);
        }
        const selector = parseSelector(url.searchParams.get('labelSelector'));
        for (const obj of this.itemsOf(def, namespace, selector)) this.commit(def, 'DELETED', obj);
        return json(res, 200, { kind: 'Status', status: 'Success' });
      }
      default:
        return status(res, 405, 'MethodNotAllowed', req.method);
    }
  }

  private itemsOf(def: ResourceDef, namespace: string | undefined, selector: Record<string, string> | undefined): Obj[] {
    const out: Obj[] = [];
    for (const [key, obj] of this.objects) {
      if (!key.startsWith(`${def.resource}|`)) continue;
      if (namespace && obj.metadata.namespace !== namespace) continue;
      if (!labelsMatch(obj, selector)) continue;
      out.push(obj);
    }
    return out.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  }

  private list(def: ResourceDef, namespace: string | undefined, url: URL, res: ServerResponse): void {
    const all = this.itemsOf(def, namespace, parseSelector(url.searchParams.get('labelSelector')));
    const limit = Number(url.searchParams.get('limit') ?? 0);
    let offset = 0;
    let listRv = this.rv;
    const token = url.searchParams.get('continue');
    if (token) {
      const [o, rv] = token.split(':').map(Number);
      if (rv < this.continueExpiredBefore) return status(res, 410, 'Expired', 'The provided continue parameter is too old');
      offset = o;
      listRv = rv;
    }
    const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const next = limit > 0 && offset + limit < all.length ? `${offset + limit}:${listRv}` : undefined;
    json(res, 200, {
      kind: `${def.kind}List`,
      apiVersion: apiVersionOf(def),
      metadata: { resourceVersion: String(listRv), continue: next },
      items: items.map(({ apiVersion: _a, kind: _k, ...rest }) => rest),
    });
  }

  private watch(def: ResourceDef, namespace: string | undefined, url: URL, res: ServerResponse): void {
    const from = Number(url.searchParams.get('resourceVersion') || this.rv);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    // kube-apiserver sends a watch's headers at once, before any event
    res.flushHeaders();
    if (from < this.compactedRv) {
      res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', status: 'Failure', code: 410, reason: 'Expired', message: `too old resource version: ${from}` } }) + '\n');
      return;
    }
    const watcher: Watcher = { def, namespace, labels: parseSelector(url.searchParams.get('labelSelector')), res };
    for (const h of this.history) {
      if (h.rv > from && h.def === def && matches(watcher, h.obj)) res.write(JSON.stringify({ type: h.type, object: h.obj }) + '\n');
    }
    this.watchers.add(watcher);
    res.on('close', () => this.watchers.delete(watcher));
  }
}

function apiVersionOf(def: ResourceDef): string {
  return def.group ? `${def.group}/${def.version}` : def.version;
}

function parseSelector(s: string | null): Record<string, string> | undefined {
  if (!s) return undefined;
  return Object.fromEntries(s.split(',').map((kv) => kv.split('=') as [string, string]));
}

function labelsMatch(obj: Obj, selector: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => obj.metadata.labels?.[k] === v);
}

function matches(w: Watcher, obj: Obj): boolean {
  return (!w.namespace || obj.metadata.namespace === w.namespace) && labelsMatch(obj, w.labels);
}

export function json(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function status(res: ServerResponse, code: number, reason: string, message: string, headers: Record<string, string> = {}): void {
  json(res, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message }, headers);
}
