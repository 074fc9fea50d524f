import { randomBytes } from 'node:crypto';
import type { DeleteOptions, KubeObject, ResourceInfo } from '../types.js';
import type { MemoryStore } from '../store.js';
import { StatusError, statusErrors, successStatus } from '../status.js';
import { applyPatch, parsePatchBody, patchTypeOf } from './patch.js';
import { combine, parseFieldSelector, parseLabelSelector, type Predicate } from './selectors.js';
import { apiVersionOf } from './resources.js';
import type { ResourceRequest } from './request-info.js';

/**
 * The resource verbs with the apiserver's semantics on top of the store: create, get, list
 * (selectors, limit/continue), update, patch, delete, deletecollection, and the status, scale and
 * finalize subresources. Each returns what the handler writes: a status code and a JSON body, or
 * a list to stream.
 */

export type Reply =
  | { status: number; body: unknown }
  | { status: number; list: { head: Record<string, unknown>; items: KubeObject[]; info: ResourceInfo } };

export interface VerbInput {
  req: ResourceRequest & { info: ResourceInfo };
  query: URLSearchParams;
  body: string;
  contentType?: string;
}

const CONTINUE_TTL_MS = 5 * 60_000;
const MAX_SNAPSHOTS = 128;

interface ListSnapshot {
  items: KubeObject[];
  rv: number;
  expires: number;
}

/** Consistent pagination: the first page takes a snapshot (objects are immutable), later pages read it. */
export class ListSnapshots {
  private readonly snapshots = new Map<string, ListSnapshot>();

  save(items: KubeObject[], rv: number, now: number): string {
    for (const [id, s] of this.snapshots) if (s.expires < now) this.snapshots.delete(id);
    while (this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    const id = randomBytes(9).toString('base64url');
    this.snapshots.set(id, { items, rv, expires: now + CONTINUE_TTL_MS });
    return id;
  }

  load(id: string, now: number): ListSnapshot | undefined {
    const s = this.snapshots.get(id);
    if (!s || s.expires < now) return undefined;
    return s;
  }

  release(id: string): void {
    this.snapshots.delete(id);
  }
}

interface ContinueToken {
  id: string;
  rv: number;
  offset: number;
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', ...token })).toString('base64url');
}

function decodeContinue(raw: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (t.v === 'meta.k8s.io/v1' && typeof t.id === 'string' && Number.isInteger(t.rv) && Number.isInteger(t.offset)) return t;
  } catch {
    // fall through
  }
  throw statusErrors.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

const EXPIRED_CONTINUE =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

function parseJsonObject(body: string): KubeObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw statusErrors.badRequest(`the object provided is unrecognized: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw statusErrors.badRequest('the object provided is not a JSON object');
  const obj = parsed as KubeObject;
  if (obj.metadata !== undefined && (typeof obj.metadata !== 'object' || obj.metadata === null || Array.isArray(obj.metadata))) {
    throw statusErrors.badRequest('json: cannot unmarshal metadata into Go struct field of type v1.ObjectMeta');
  }
  obj.metadata ??= {};
  return obj;
}

function checkKind(obj: KubeObject, expectedApiVersion: string, expectedKind: string): void {
  if (obj.apiVersion !== undefined && obj.apiVersion !== expectedApiVersion) {
    throw statusErrors.badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectedApiVersion})`);
  }
  if (obj.kind !== undefined && obj.kind !== expectedKind) {
    throw statusErrors.badRequest(`the kind in the data (${obj.kind}) does not match the expected kind (${expectedKind})`);
  }
}

function byNamespaceThenName(a: KubeObject, b: KubeObject): number {
  const na = a.metadata.namespace ?? '';
  const nb = b.metadata.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  const ma = a.metadata.name ?? '';
  const mb = b.metadata.name ?? '';
  return ma < mb ? -1 : ma > mb ? 1 : 0;
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^-?\d+$/.test(raw)) throw statusErrors.badRequest(`${name}: Invalid value: "${raw}": must be an integer`);
  return Number(raw);
}

export class Verbs {
  readonly snapshots = new ListSnapshots();

  constructor(
    private readonly store: MemoryStore,
    private readonly now: () => number,
  ) {}

  run(input: VerbInput): Reply {
    const dryRun = input.query.getAll('dryRun');
    if (dryRun.length === 0) return this.runVerb(input);
    if (dryRun.some((v) => v !== 'All')) {
      throw statusErrors.invalid('', 'DryRun', '', [{ reason: 'FieldValueNotSupported', message: `Unsupported value: "${dryRun.find((v) => v !== 'All')}": supported values: "All"`, field: 'dryRun' }]);
    }
    return this.store.dryRunOf(() => this.runVerb(input));
  }

  private runVerb(input: VerbInput): Reply {
    const { req } = input;
    const sub = req.subresource;
    if (sub && !req.info.subresources.includes(sub)) throw statusErrors.notFound(req.info.group, `${req.info.resource}/${sub}`, req.name ?? '');
    if (sub && !['get', 'update', 'patch'].includes(req.verb)) throw statusErrors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    if (!req.info.verbs.includes(req.verb) && req.verb !== 'watch') throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    if (req.info.namespaced && req.namespace === undefined && req.name !== undefined) throw statusErrors.notFound(req.info.group, req.info.resource, req.name);
    if (req.info.namespaced && req.namespace === undefined && (req.verb === 'create' || req.verb === 'deletecollection')) {
      throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
    }
    switch (req.verb) {
      case 'get':
        return { status: 200, body: sub === 'scale' ? this.scaleOf(req.info, this.mustGet(input)) : this.mustGet(input) };
      case 'list':
        return this.list(input);
      case 'create':
        return this.create(input);
      case 'update':
        return this.update(input);
      case 'patch':
        return this.patch(input);
      case 'delete':
        return this.delete(input);
      case 'deletecollection':
        return this.deleteCollection(input);
      case 'watch':
        throw statusErrors.badRequest('watch is served by the watch hub');
    }
  }

  /** The selectors of a list or watch request. */
  predicate(req: ResourceRequest & { info: ResourceInfo }, query: URLSearchParams): Predicate | undefined {
    return combine(parseLabelSelector(query.get('labelSelector')), parseFieldSelector(query.get('fieldSelector'), req.info));
  }

  private mustGet({ req }: VerbInput): KubeObject {
    const obj = this.store.get(req.info.key, req.namespace, req.name!);
    if (!obj) throw statusErrors.notFound(req.info.group, req.info.resource, req.name!);
    return obj;
  }

  private list(input: VerbInput): Reply {
    const { req, query } = input;
    const info = req.info;
    const limit = intParam(query, 'limit') ?? 0;
    const cont = query.get('continue');
    const now = this.now();
    let items: KubeObject[];
    let rv: number;
    let offset = 0;
    let snapshotId: string | undefined;
    if (cont) {
      const token = decodeContinue(cont);
      const snapshot = this.snapshots.load(token.id, now);
      if (!snapshot) throw statusErrors.expired(EXPIRED_CONTINUE);
      items = snapshot.items;
      rv = snapshot.rv;
      offset = token.offset;
      snapshotId = token.id;
    } else {
      const predicate = this.predicate(req, query);
      items = this.store.list(info.key, info.namespaced ? req.namespace : undefined);
      if (predicate) items = items.filter(predicate);
      items.sort(byNamespaceThenName);
      rv = this.store.revision();
    }
    const head: Record<string, unknown> = { kind: info.listKind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(rv) } };
    if (limit > 0 && offset + limit < items.length) {
      snapshotId ??= this.snapshots.save(items, rv, now);
      const meta = head.metadata as Record<string, unknown>;
      meta.continue = encodeContinue({ id: snapshotId, rv, offset: offset + limit });
      meta.remainingItemCount = items.length - offset - limit;
      return { status: 200, list: { head, items: items.slice(offset, offset + limit), info } };
    }
    if (snapshotId) this.snapshots.release(snapshotId);
    return { status: 200, list: { head, items: offset ? items.slice(offset) : items, info } };
  }

  private create(input: VerbInput): Reply {
    const { req, body } = input;
    const info = req.info;
    const obj = parseJsonObject(body);
    checkKind(obj, apiVersionOf(info), info.kind);
    this.placeInNamespace(obj, req);
    return { status: 201, body: this.store.create(info.key, obj, true) };
  }

  private placeInNamespace(obj: KubeObject, req: ResourceRequest & { info: ResourceInfo }): void {
    if (!req.info.namespaced) return;
    if (obj.metadata.namespace && obj.metadata.namespace !== req.namespace) {
      throw statusErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = req.namespace;
  }

  private update(input: VerbInput): Reply {
    const { req, body } = input;
    const info = req.info;
    const existing = this.mustGet(input);
    if (req.subresource === 'scale') {
      const scale = parseJsonObject(body);
      checkKind(scale, 'autoscaling/v1', 'Scale');
      return { status: 200, body: this.writeScale(info, existing, scale) };
    }
    const obj = parseJsonObject(body);
    checkKind(obj, apiVersionOf(info), info.kind);
    if (obj.metadata.name !== undefined && obj.metadata.name !== req.name) {
      throw statusErrors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${req.name})`);
    }
    obj.metadata.name = req.name;
    this.placeInNamespace(obj, req);
    return { status: 200, body: this.store.update(info.key, this.restrictToSubresource(info, existing, obj, req.subresource)) };
  }

  /**
   * What a write through the main resource or a subresource may change: the main resource keeps
   * the stored status, /status changes only status, /finalize only spec.finalizers.
   */
  private restrictToSubresource(info: ResourceInfo, existing: KubeObject, next: KubeObject, subresource: string | undefined): KubeObject {
    const rv = next.metadata.resourceVersion;
    if (subresource === 'status') {
      const written = { ...existing, status: next.status, metadata: { ...existing.metadata, resourceVersion: rv } };
      admitStatus(info, written);
      return written;
    }
    if (subresource === 'finalize') {
      return { ...existing, spec: { ...existing.spec, finalizers: next.spec?.finalizers ?? [] }, metadata: { ...existing.metadata, resourceVersion: rv } };
    }
    if (info.subresources.includes('status')) return { ...next, status: existing.status };
    return next;
  }

  private patch(input: VerbInput): Reply {
    const { req, query, body, contentType } = input;
    const info = req.info;
    const type = patchTypeOf(contentType);
    if (!type) throw statusErrors.unsupportedMediaType(contentType ?? '');
    if (type === 'apply' && !query.get('fieldManager')) {
      throw new StatusError(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch', {
        causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }],
      });
    }
    const patch = parsePatchBody(type, body);
    const existing = this.store.get(info.key, req.namespace, req.name!);
    if (!existing) {
      if (type === 'apply' && !req.subresource) return this.createFromApply(input, patch);
      throw statusErrors.notFound(info.group, info.resource, req.name!);
    }
    if (req.subresource === 'scale') {
      const scale = applyPatch(type, this.scaleOf(info, existing), patch) as KubeObject;
      return { status: 200, body: this.writeScale(info, existing, scale) };
    }
    const patched = applyPatch(type, structuredClone(existing), patch) as KubeObject;
    if (typeof patched !== 'object' || patched === null || typeof patched.metadata !== 'object' || patched.metadata === null) {
      throw statusErrors.badRequest('the patch produced an object without metadata');
    }
    if (patched.metadata.name !== existing.metadata.name || (info.namespaced && patched.metadata.namespace !== existing.metadata.namespace)) {
      throw statusErrors.invalid(info.group, info.kind, req.name!, [{ reason: 'FieldValueInvalid', message: 'Invalid value: field is immutable', field: 'metadata.name' }]);
    }
    checkKind(patched, apiVersionOf(info), info.kind);
    return { status: 200, body: this.store.update(info.key, this.restrictToSubresource(info, existing, patched, req.subresource)) };
  }

  private createFromApply(input: VerbInput, patch: unknown): Reply {
    const { req } = input;
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw statusErrors.badRequest('apply patch must be an object');
    const obj = structuredClone(patch) as KubeObject;
    obj.metadata ??= {};
    checkKind(obj, apiVersionOf(req.info), req.info.kind);
    if (obj.apiVersion === undefined || obj.kind === undefined) throw statusErrors.badRequest('apiVersion and kind must be set in an apply patch');
    if (obj.metadata.name !== req.name) throw statusErrors.badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${req.name})`);
    this.placeInNamespace(obj, req);
    return { status: 201, body: this.store.create(req.info.key, obj, true) };
  }

  private scaleOf(info: ResourceInfo, obj: KubeObject): KubeObject {
    const selector = obj.spec?.selector;
    const selectorText = selector?.matchLabels || selector?.matchExpressions
      ? [
          ...Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
          ...(selector.matchExpressions ?? []).map((e: any) =>
            e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${String(e.operator).toLowerCase()} (${(e.values ?? []).join(',')})`,
          ),
        ].join(',')
      : '';
    const status: Record<string, unknown> = { replicas: obj.status?.replicas ?? 0 };
    if (selectorText) status.selector = selectorText;
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
      // ScaleSpec.replicas is omitempty: the apiserver writes `spec: {}` for 0.
      spec: obj.spec?.replicas ? { replicas: obj.spec.replicas } : {},
      status,
    };
  }

  private writeScale(info: ResourceInfo, existing: KubeObject, scale: KubeObject): KubeObject {
    const replicas = scale.spec?.replicas ?? 0;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw statusErrors.invalid('autoscaling', 'Scale', existing.metadata.name!, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
    }
    const rv = scale.metadata?.resourceVersion;
    const next = { ...existing, spec: { ...existing.spec, replicas }, metadata: { ...existing.metadata, resourceVersion: rv || existing.metadata.resourceVersion } };
    return this.scaleOf(info, this.store.update(info.key, next));
  }

  private deleteOptions(input: VerbInput): DeleteOptions {
    const { query, body } = input;
    const options: DeleteOptions = {};
    if (body.trim()) {
      const parsed = parseJsonObject(body) as Record<string, any>;
      if (parsed.propagationPolicy !== undefined) options.propagationPolicy = parsed.propagationPolicy;
      if (parsed.orphanDependents !== undefined && options.propagationPolicy === undefined) options.propagationPolicy = parsed.orphanDependents ? 'Orphan' : 'Background';
      if (parsed.gracePeriodSeconds !== undefined && parsed.gracePeriodSeconds !== null) options.gracePeriodSeconds = Number(parsed.gracePeriodSeconds);
      if (parsed.preconditions) options.preconditions = parsed.preconditions;
    }
    const policy = query.get('propagationPolicy');
    if (policy) options.propagationPolicy = policy as DeleteOptions['propagationPolicy'];
    const orphan = query.get('orphanDependents');
    if (orphan && !policy) options.propagationPolicy = orphan === 'true' ? 'Orphan' : 'Background';
    const grace = intParam(query, 'gracePeriodSeconds');
    if (grace !== undefined) options.gracePeriodSeconds = grace;
    if (options.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(options.propagationPolicy)) {
      throw statusErrors.invalid('', 'DeleteOptions', '', [
        { reason: 'FieldValueNotSupported', message: `Unsupported value: "${options.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`, field: 'propagationPolicy' },
      ]);
    }
    return options;
  }

  private delete(input: VerbInput): Reply {
    const { req } = input;
    const info = req.info;
    const options = this.deleteOptions(input);
    if (info.key === 'namespaces' && ['default', 'kube-system', 'kube-public'].includes(req.name!)) {
      throw statusErrors.forbidden('', 'namespaces', req.name!, 'this namespace may not be deleted');
    }
    const result = this.store.delete(info.key, req.namespace, req.name!, options);
    if (!result) throw statusErrors.notFound(info.group, info.resource, req.name!);
    const stillThere = this.store.get(info.key, req.namespace, req.name!) !== undefined;
    // Pods answer with the deleted object; other resources with a Success status once really gone.
    if (stillThere || info.key === 'pods') return { status: 200, body: result };
    return { status: 200, body: successStatus({ name: req.name, group: info.group, kind: info.resource, uid: result.metadata.uid }) };
  }

  private deleteCollection(input: VerbInput): Reply {
    const { req, query } = input;
    const info = req.info;
    const options = this.deleteOptions(input);
    const predicate = this.predicate(req, query);
    let items = this.store.list(info.key, info.namespaced ? req.namespace : undefined);
    if (predicate) items = items.filter(predicate);
    items.sort(byNamespaceThenName);
    const deleted: KubeObject[] = [];
    for (const obj of items) {
      const result = this.store.delete(info.key, obj.metadata.namespace, obj.metadata.name!, options);
      if (result) deleted.push(result);
    }
    const head = { kind: info.listKind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: String(this.store.revision()) } };
    return { status: 200, list: { head, items: deleted, info } };
  }
}

/** The apiserver's validation and defaulting of status writes that clients meet in practice. */
function admitStatus(info: ResourceInfo, obj: KubeObject): void {
  if (info.key !== 'services') return;
  const ingress: Array<Record<string, unknown>> | undefined = obj.status?.loadBalancer?.ingress;
  if (!ingress?.length) return;
  if (obj.spec?.type !== 'LoadBalancer') {
    throw statusErrors.invalid('', 'Service', obj.metadata.name!, [
      { reason: 'FieldValueForbidden', message: "Forbidden: may only be used when `spec.type` is 'LoadBalancer'", field: 'status.loadBalancer.ingress' },
    ]);
  }
  obj.status = { ...obj.status, loadBalancer: { ...obj.status.loadBalancer, ingress: ingress.map((entry) => (entry.ip && !entry.ipMode ? { ...entry, ipMode: 'VIP' } : entry)) } };
}
