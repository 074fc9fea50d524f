import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from '../../shared/sleep.js';
import type { KubeObject, ResourceInfo, SimProfile } from '../types.js';
import type { MemoryStore } from '../store.js';
import type { TruthRecorder } from '../context.js';
import { sampleLatency } from '../random.js';
import { StatusError, statusErrors } from '../status.js';
import { coreVersions, groupDocument, groupList, resourceList, versionDoc } from './discovery.js';
import { PriorityLevel } from './flow-control.js';
import type { ApiServerMetrics, RequestKind } from './metrics.js';
import { openApiDocument, openApiIndex, parseOpenApiPath } from './openapi.js';
import { isMutating, isTrue, parseApiPath, requestLabels, type ResourceRequest } from './request-info.js';
import { partialObjectMetadata, printerFor, tableOf, tableRow, type IncludeObject } from './table.js';
import { responseGone, writeChunk } from './streams.js';
import type { Reply, Verbs } from './verbs.js';
import type { WatchHub } from './watch.js';
import { canEncode, encodeList, encodeObject, PROTOBUF_MEDIA_TYPE, UnknownProtoTypeError } from '../protobuf/codec.js';
import { apiVersionOf } from './resources.js';
import { isUnencodable, notAcceptable, prefersProtobuf, requestBodyAsJson, shapeFromAccept, type ResponseShape } from './negotiation.js';

/**
 * One HTTP request through the simulated apiserver: authentication, priority and fairness (a seat
 * of the read-only or mutating level, or a wait in its queues) and injected faults (429 with Retry-After, 500, answers stalled after the work, CPU spent per request), the profile's service time, the verb, the response
 * (JSON, protobuf, Table or PartialObjectMetadata as the Accept header asks) and the request metrics.
 */

const MAX_BODY_BYTES = 3 * 1024 * 1024;
const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz', '/healthz/ping', '/livez/ping', '/readyz/ping']);
const STREAM_BATCH = 256;

export interface HandlerDeps {
  store: MemoryStore;
  profile: SimProfile;
  metrics: ApiServerMetrics;
  watches: WatchHub;
  verbs: Verbs;
  truth: TruthRecorder;
  token: string;
  random: () => number;
  now: () => number;
  serverAddress: () => string;
  /** Told of every request the server receives (method and path with query), before anything else: tests record them. */
  onRequest?: (method: string, url: string) => void;
  /** True while the profile's watch outage lasts (faults.watchOutageEveryMs): watches are answered 503. */
  watchesCutOff?: () => boolean;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private', ...headers });
  res.end(text);
}

function sendProtobuf(res: ServerResponse, status: number, body: Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': PROTOBUF_MEDIA_TYPE, 'Content-Length': body.length, 'Cache-Control': 'no-cache, private', ...headers });
  res.end(body);
}

/** A Status error, in protobuf when the client asked for protobuf first (as the apiserver does). */
function sendStatusError(res: ServerResponse, err: StatusError, accept?: string): void {
  const headers: Record<string, string> = {};
  if (err.details?.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.details.retryAfterSeconds);
  if (prefersProtobuf(accept)) return sendProtobuf(res, err.code, encodeObject(err.toStatus() as unknown as Record<string, unknown>), headers);
  sendJson(res, err.code, err.toStatus(), headers);
}

/** Streams a list in batches, so that a list of 150k pods never becomes one string. */
async function streamList(res: ServerResponse, prefix: string, items: KubeObject[], render: (obj: KubeObject) => unknown, suffix: string): Promise<void> {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  let chunk = prefix;
  for (let i = 0; i < items.length; i++) {
    if (responseGone(res)) return;
    chunk += (i ? ',' : '') + JSON.stringify(render(items[i]!));
    if (i % STREAM_BATCH === STREAM_BATCH - 1) {
      await writeChunk(res, chunk);
      chunk = '';
    }
  }
  res.end(chunk + suffix);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new StatusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY_BYTES}`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** CPU spent on a request at a time (profile fault cpuMsPerRequest) before the next event-loop turn. */
const CPU_SLICE_MS = 5;

/**
 * Spends `ms` of CPU on a request (profile fault cpuMsPerRequest): in slices, one per event-loop
 * turn, so that the requests in flight share the CPU as a busy server's do. The loop stays
 * responsive for a turn's worth of slices, but each answer waits on every other request's work:
 * past a qps the CPU cannot serve, the simulator builds a backlog far longer than its loop delay.
 */
async function spendCpu(ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= CPU_SLICE_MS) {
    const until = performance.now() + Math.min(CPU_SLICE_MS, left);
    while (performance.now() < until) {
      // spending CPU on purpose
    }
    if (left > CPU_SLICE_MS) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class ApiHandler {
  private readonly levels: Record<RequestKind, PriorityLevel>;

  constructor(private readonly deps: HandlerDeps) {
    const { profile, metrics } = deps;
    const level = (kind: RequestKind, seats: () => number) => new PriorityLevel(seats, () => profile.flowControl, metrics.flowControl(kind), () => performance.now());
    this.levels = {
      readOnly: level('readOnly', () => profile.maxInflight.readonly),
      mutating: level('mutating', () => profile.maxInflight.mutating),
    };
  }

  /** Rejects the requests still waiting for a seat (the server stops). */
  close(): void {
    this.levels.readOnly.close();
    this.levels.mutating.close();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.deps.onRequest?.(req.method ?? 'GET', req.url ?? '/');
    try {
      await this.route(req, res);
    } catch (err) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof StatusError) sendStatusError(res, err, req.headers.accept);
      else {
        process.stderr.write(`burn sim: internal error on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}\n`);
        sendStatusError(res, statusErrors.internal(err instanceof Error ? err.message : String(err)), req.headers.accept);
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sim.invalid');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const { deps } = this;
    if (HEALTH_PATHS.has(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
      return;
    }
    if (path === '/version') return sendJson(res, 200, versionDoc());
    if (req.headers.authorization !== `Bearer ${deps.token}`) throw statusErrors.unauthorized();
    if (path === '/metrics') {
      const text = await deps.metrics.text();
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    if (path === '/debug/sim/truth') return sendJson(res, 200, deps.truth.toJSON());
    if (path === '/debug/pprof' || path.startsWith('/debug/pprof/')) throw new StatusError(404, 'NotFound', 'the simulator is not a Go program and serves no /debug/pprof profiles');
    if (path === '/openapi/v3') return sendJson(res, 200, openApiIndex(deps.store.resources()));
    const openApiGv = parseOpenApiPath(path);
    if (openApiGv) {
      const doc = openApiDocument(deps.store.resources(), openApiGv.group, openApiGv.version);
      if (!doc) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      return sendJson(res, 200, doc);
    }

    const api = parseApiPath(req.method ?? 'GET', path, url.searchParams, deps.store);
    if (api.kind === 'other') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    if (api.kind === 'discovery') return this.discovery(res, api.group, api.version, api.path);
    if (api.resourceName === 'pods' && (api.subresource === 'exec' || api.subresource === 'attach' || api.subresource === 'portforward')) {
      throw statusErrors.badRequest(`pods/${api.subresource} of ${api.namespace}/${api.name}: the simulator runs no containers, so there is no process to reach`);
    }
    if (!api.info) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const request = api as ResourceRequest & { info: ResourceInfo };
    if (request.verb === 'watch') {
      if (this.deps.watchesCutOff?.()) throw statusErrors.unavailable('injected fault (profile faults.watchOutageMs): watches are cut off');
      return this.watch(req, res, request, url.searchParams);
    }
    await this.resourceRequest(req, res, request, url.searchParams);
  }

  private discovery(res: ServerResponse, group: string, version: string | undefined, path: string): void {
    const resources = this.deps.store.resources();
    let doc: unknown;
    if (path === '/api') doc = coreVersions(this.deps.serverAddress());
    else if (path === '/apis') doc = groupList(resources);
    else if (!version) doc = groupDocument(resources, group);
    else doc = resourceList(resources, group, version);
    if (!doc) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    sendJson(res, 200, doc);
  }

  private async resourceRequest(req: IncomingMessage, res: ServerResponse, request: ResourceRequest & { info: ResourceInfo }, query: URLSearchParams): Promise<void> {
    const { deps } = this;
    const started = performance.now();
    const labels = requestLabels(request);
    const level = this.levels[isMutating(request.verb) ? 'mutating' : 'readOnly'];
    let code = 500;
    let queuedSeconds = 0;
    /** What the profile made this request wait on purpose (service time, stall): not the simulator's own delay. */
    let injectedMs = 0;
    if (!level.tryDispatch()) {
      // Past the seats: wait in the flow's queue (flows are namespaces: the simulator has one user).
      const admission = await level.enqueue(request.namespace ?? '', (cancel) => res.once('close', cancel));
      if (typeof admission === 'string') {
        deps.metrics.observe(labels, 429, (performance.now() - started) / 1000);
        if (admission === 'cancelled') return;
        throw statusErrors.tooManyRequests(1);
      }
      queuedSeconds = admission;
    }
    try {
      const faults = deps.profile.faults;
      // Not injected latency: the simulator made slow, as on a machine too small for the load (its backlog is its own delay).
      if (faults.cpuMsPerRequest > 0) await spendCpu(faults.cpuMsPerRequest);
      if (faults.throttleRate > 0 && deps.random() < faults.throttleRate) throw statusErrors.tooManyRequests(faults.retryAfterSeconds);
      if (faults.errorRate > 0 && deps.random() < faults.errorRate) throw statusErrors.internal('injected fault (profile faults.errorRate)');
      const body = req.method === 'GET' || req.method === 'HEAD' ? '' : requestBodyAsJson(req.headers['content-type'], await readBody(req));
      const spec = deps.profile.serviceTime[request.verb];
      const delay = spec ? sampleLatency(spec, deps.random) : 0;
      if (delay >= 0.5) {
        injectedMs += delay;
        await sleep(delay);
      }
      const reply = deps.verbs.run({ req: request, query, body, contentType: req.headers['content-type'] });
      code = reply.status;
      if (faults.stallRate > 0 && deps.random() < faults.stallRate) {
        injectedMs += faults.stallMs;
        await sleep(faults.stallMs);
      }
      await this.send(res, request.info, reply, shapeFromAccept(req.headers.accept, query));
    } catch (err) {
      if (err instanceof StatusError) code = err.code;
      throw err;
    } finally {
      level.release();
      deps.metrics.observe(labels, code, (performance.now() - started) / 1000, query.has('dryRun'), queuedSeconds, injectedMs / 1000);
    }
  }

  private async send(res: ServerResponse, info: ResourceInfo, reply: Reply, shape: ResponseShape): Promise<void> {
    if (shape.kind === 'protobuf') {
      let body: Buffer | undefined;
      try {
        body = 'body' in reply ? encodeObject(reply.body as Record<string, unknown>) : encodeList(String(reply.list.head.apiVersion), String(reply.list.head.kind), reply.list.head.metadata as Record<string, unknown>, reply.list.items);
      } catch (err) {
        if (!isUnencodable(err)) throw err;
        if (!shape.jsonFallback) throw notAcceptable(err);
      }
      if (body) return sendProtobuf(res, reply.status, body);
      shape = { kind: 'object' };
    }
    const now = this.deps.now();
    if ('body' in reply) {
      const body = reply.body as KubeObject;
      const isObject = body && typeof body === 'object' && body.kind === info.kind;
      if (isObject && shape.kind === 'table') return sendJson(res, reply.status, tableOf(info, [body], shape.include, now, { resourceVersion: body.metadata.resourceVersion }));
      if (isObject && shape.kind === 'metadata') return sendJson(res, reply.status, partialObjectMetadata(body));
      return sendJson(res, reply.status, reply.body);
    }
    const { head, items } = reply.list;
    if (shape.kind === 'table') {
      const table = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: head.metadata, columnDefinitions: printerFor(info).columns };
      const prefix = JSON.stringify(table).slice(0, -1) + ',"rows":[';
      return streamList(res, prefix, items, (o) => tableRow(info, o, shape.include, now), ']}');
    }
    if (shape.kind === 'metadata') {
      const prefix = JSON.stringify({ kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: head.metadata }).slice(0, -1) + ',"items":[';
      return streamList(res, prefix, items, partialObjectMetadata, ']}');
    }
    const prefix = JSON.stringify(head).slice(0, -1) + ',"items":[';
    return streamList(res, prefix, items, (o) => o, ']}');
  }

  private watch(req: IncomingMessage, res: ServerResponse, request: ResourceRequest & { info: ResourceInfo }, query: URLSearchParams): void {
    const { deps } = this;
    const started = performance.now();
    let predicate = deps.verbs.predicate(request, query);
    if (request.name) {
      const name = request.name;
      const bySelector = predicate;
      predicate = (o) => o.metadata.name === name && (!bySelector || bySelector(o));
    }
    const rv = query.get('resourceVersion') ?? undefined;
    if (rv && !/^\d+$/.test(rv)) throw statusErrors.badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
    const timeoutParam = query.get('timeoutSeconds');
    let durationMs = timeoutParam && /^\d+$/.test(timeoutParam) && Number(timeoutParam) > 0 ? Number(timeoutParam) * 1000 : (30 + 30 * deps.random()) * 60_000;
    if (deps.profile.faults.watchCutMs > 0) durationMs = Math.min(durationMs, deps.profile.faults.watchCutMs * (0.5 + deps.random()));
    let shape = shapeFromAccept(req.headers.accept, query);
    if (shape.kind === 'protobuf' && !canEncode(apiVersionOf(request.info), request.info.kind)) {
      if (!shape.jsonFallback) throw notAcceptable(new UnknownProtoTypeError(apiVersionOf(request.info), request.info.kind));
      shape = { kind: 'object' };
    }
    const sendInitial = query.get('sendInitialEvents');
    const labels = requestLabels(request);
    deps.watches.start(
      {
        info: request.info,
        namespace: request.namespace,
        predicate,
        shape,
        resourceVersion: rv,
        sendInitialEvents: sendInitial === null ? undefined : isTrue(sendInitial),
        allowBookmarks: isTrue(query.get('allowWatchBookmarks')),
        durationMs,
        onEnd: () => deps.metrics.observe(labels, 200, (performance.now() - started) / 1000),
      },
      res,
    );
  }
}
