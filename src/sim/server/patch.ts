import { parse as parseYaml } from 'yaml';
import { StatusError, statusErrors } from '../status.js';

/**
 * The four patch types the apiserver accepts: JSON merge patch (RFC 7386), JSON patch (RFC 6902),
 * strategic merge patch (lists of named things merged by their key, with the directives kubectl
 * sends), and server-side apply, which the simulator treats as a strategic merge.
 */

type Json = any;

export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const mime = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (mime) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/json-patch+json':
      return 'json';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      return undefined;
  }
}

function isObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointerTokens(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw invalidPatch(`invalid JSON pointer "${path}"`);
  return path.slice(1).split('/').map(unescapePointer);
}

function invalidPatch(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

function parentOf(doc: Json, tokens: string[], path: string): Json {
  let cur = doc;
  for (const token of tokens.slice(0, -1)) {
    cur = Array.isArray(cur) ? cur[Number(token)] : isObject(cur) ? cur[token] : undefined;
    if (cur === undefined) throw invalidPatch(`jsonpatch: the path "${path}" does not exist`);
  }
  return cur;
}

function getAt(doc: Json, path: string): Json {
  let cur = doc;
  for (const token of pointerTokens(path)) {
    cur = Array.isArray(cur) ? cur[Number(token)] : isObject(cur) ? cur[token] : undefined;
    if (cur === undefined) throw invalidPatch(`jsonpatch: the path "${path}" does not exist`);
  }
  return cur;
}

function arrayIndex(arr: Json[], token: string, path: string, forInsert: boolean): number {
  if (token === '-' && forInsert) return arr.length;
  if (!/^\d+$/.test(token)) throw invalidPatch(`jsonpatch: invalid array index "${token}" in "${path}"`);
  const i = Number(token);
  if (i > arr.length || (!forInsert && i === arr.length)) throw invalidPatch(`jsonpatch: array index ${i} out of bounds in "${path}"`);
  return i;
}

function removeAt(doc: Json, path: string): Json {
  const tokens = pointerTokens(path);
  if (tokens.length === 0) throw invalidPatch('jsonpatch: cannot remove the whole document');
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent.splice(arrayIndex(parent, last, path, false), 1)[0];
  if (!isObject(parent) || !(last in parent)) throw invalidPatch(`jsonpatch: the path "${path}" does not exist`);
  const value = parent[last];
  delete parent[last];
  return value;
}

function addAt(doc: Json, path: string, value: Json, replace: boolean): Json {
  const tokens = pointerTokens(path);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, path);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const i = arrayIndex(parent, last, path, !replace);
    parent.splice(i, replace ? 1 : 0, value);
  } else if (isObject(parent)) {
    if (replace && !(last in parent)) throw invalidPatch(`jsonpatch: the path "${path}" does not exist`);
    parent[last] = value;
  } else {
    throw invalidPatch(`jsonpatch: the path "${path}" does not exist`);
  }
  return doc;
}

export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw statusErrors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = structuredClone(target);
  for (const op of ops) {
    if (!isObject(op) || typeof op.path !== 'string') throw invalidPatch('jsonpatch: every operation needs "op" and "path"');
    switch (op.op) {
      case 'add':
        doc = addAt(doc, op.path, structuredClone(op.value), false);
        break;
      case 'replace':
        doc = addAt(doc, op.path, structuredClone(op.value), true);
        break;
      case 'remove':
        removeAt(doc, op.path);
        break;
      case 'move': {
        const value = removeAt(doc, op.from);
        doc = addAt(doc, op.path, value, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, op.path, structuredClone(getAt(doc, op.from)), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, op.path)) !== JSON.stringify(op.value)) throw invalidPatch(`jsonpatch: testing value ${op.path} failed`);
        break;
      default:
        throw invalidPatch(`jsonpatch: unexpected kind of operation "${String(op.op)}"`);
    }
  }
  return doc;
}

/** The merge key of lists that strategic merge patch merges item by item (from the Go types' patchMergeKey). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  conditions: 'type',
  ownerReferences: 'uid',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
};

/** Primitive lists merged as sets (patchStrategy merge). */
const SET_LISTS = new Set(['finalizers']);

function mergeKeyFor(key: string, items: Json[]): string | undefined {
  if (key === 'ports') {
    const sample = items.find(isObject);
    return sample && 'containerPort' in sample ? 'containerPort' : 'port';
  }
  return MERGE_KEYS[key];
}

function strategicList(key: string, original: Json, patch: Json[]): Json[] {
  const current: Json[] = Array.isArray(original) ? original : [];
  if (SET_LISTS.has(key)) return [...new Set([...current, ...patch])];
  const mergeKey = mergeKeyFor(key, [...patch, ...current]);
  if (!mergeKey) return patch.filter((item) => !(isObject(item) && item.$patch));
  if (patch.some((item) => isObject(item) && item.$patch === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item.$patch === 'replace'));
  }
  const out = current.map((item) => item);
  for (const item of patch) {
    if (!isObject(item)) continue;
    const index = out.findIndex((o) => isObject(o) && o[mergeKey] === item[mergeKey]);
    if (item.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) out[index] = strategicMerge(out[index], item);
    else out.push(strategicMerge(undefined, item));
  }
  return out;
}

export function strategicMerge(original: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Record<string, Json> = isObject(original) ? { ...original } : {};
  const retainKeys: string[] | undefined = Array.isArray(patch.$retainKeys) ? patch.$retainKeys : undefined;
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch' || key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const list = key.slice('$deleteFromPrimitiveList/'.length);
      if (Array.isArray(out[list]) && Array.isArray(value)) out[list] = out[list].filter((v: Json) => !value.includes(v));
      continue;
    }
    if (value === null) delete out[key];
    else if (Array.isArray(value)) out[key] = strategicList(key, out[key], value);
    else if (isObject(value)) {
      const merged = strategicMerge(out[key], value);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
    } else out[key] = value;
  }
  if (retainKeys) for (const key of Object.keys(out)) if (!retainKeys.includes(key) && !(key in patch)) delete out[key];
  return out;
}

/** Parses the request body of a patch. */
export function parsePatchBody(type: PatchType, body: string): Json {
  try {
    return type === 'apply' ? parseYaml(body) : JSON.parse(body);
  } catch (err) {
    throw statusErrors.badRequest(`error decoding patch: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

export function applyPatch(type: PatchType, original: Json, patch: Json): Json {
  switch (type) {
    case 'merge':
      if (!isObject(patch)) throw statusErrors.badRequest('merge patch must be a JSON object');
      return mergePatch(original, patch);
    case 'json':
      return jsonPatch(original, patch);
    case 'strategic':
    case 'apply':
      if (!isObject(patch)) throw statusErrors.badRequest('patch must be an object');
      return strategicMerge(original, patch);
  }
}
