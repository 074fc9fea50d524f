/**
 * Kubernetes objects between their JSON form (what the simulator stores) and the protobuf form
 * client-go's typed clients send and accept (`application/vnd.kubernetes.protobuf`):
 *
 * - an object is the 4 bytes `k8s\0` followed by a runtime.Unknown message (typeMeta = 1 with
 *   apiVersion = 1 and kind = 2, raw = 2 holding the object's own message, contentEncoding = 3,
 *   contentType = 4); the message itself carries no apiVersion/kind;
 * - a list is the `<Kind>List` message (metadata = 1, items = 2) in the same envelope;
 * - a watch stream (`;stream=watch`) is a sequence of frames, each a 4-byte big-endian length and
 *   a bare meta/v1 WatchEvent message (type = 1, object = 2 as a RawExtension whose raw = 1 is the
 *   object in its envelope);
 * - Time is a message of whole seconds (seconds = 1; the apiserver drops the nanos), MicroTime
 *   seconds = 1 and nanos = 2 truncated to microseconds, Quantity a message of its string (1),
 *   IntOrString type = 1 (0 int, 1 string), intVal = 2, strVal = 3, FieldsV1 and RawExtension raw = 1
 *   holding JSON bytes.
 *
 * Decoding is exact or refused: an unknown type or a field number outside burn's schema
 * (src/sim/protobuf/schema.ts) throws, never yielding a partial object. Encoding a JSON property
 * the schema does not know throws too (the caller then answers in JSON, which client-go also
 * accepts), unless the caller asks for a lenient encoding and is told what was left out.
 */
import { isScalar, isSpecial, messageSpec, topLevelMessage, type FieldSpec, type MessageSpec } from './schema.js';
import { ProtoDecodeError, ProtoReader, ProtoWriter, WIRE, type WireField } from './wire.js';

export { ProtoDecodeError } from './wire.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
export const PROTOBUF_WATCH_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf;stream=watch';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Json = Record<string, unknown>;

/** The object (or a part of it) has properties burn's schema cannot represent in protobuf. */
export class ProtoEncodeError extends Error {
  constructor(readonly paths: string[]) {
    super(`no protobuf field for ${paths.join(', ')}`);
    this.name = 'ProtoEncodeError';
  }
}

/** A field number burn's schema does not know: decoding it would lose it. */
export class UnknownProtoFieldError extends ProtoDecodeError {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownProtoFieldError';
  }
}

/** The envelope names a type burn's schema does not know. */
export class UnknownProtoTypeError extends Error {
  constructor(
    readonly apiVersion: string,
    readonly kind: string,
  ) {
    super(`burn sim has no protobuf schema for ${apiVersion ? `${apiVersion} ` : ''}${kind || '(no kind)'}`);
    this.name = 'UnknownProtoTypeError';
  }
}

interface EncodeState {
  /** Collects what could not be encoded; the first one throws unless lenient. */
  skipped: string[];
  lenient: boolean;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function secondsOf(text: string, path: string): { seconds: number; nanos: number } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  const ms = m ? Date.parse(`${m[1]}${m[3]}`) : NaN;
  if (!m || Number.isNaN(ms)) throw new ProtoEncodeError([`${path} (not an RFC 3339 time: "${text}")`]);
  const micros = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return { seconds: Math.floor(ms / 1000), nanos: micros * 1000 };
}

function timestamp(seconds: number, nanos: number): Buffer {
  const w = new ProtoWriter();
  if (seconds !== 0) w.uint(1, seconds);
  if (nanos !== 0) w.uint(2, nanos);
  return w.finish();
}

function specialBytes(type: string, value: unknown, path: string): Buffer {
  switch (type) {
    case 'Time':
      if (typeof value !== 'string') break;
      return timestamp(secondsOf(value, path).seconds, 0);
    case 'MicroTime': {
      if (typeof value !== 'string') break;
      const { seconds, nanos } = secondsOf(value, path);
      return timestamp(seconds, nanos);
    }
    case 'Quantity':
      if (typeof value === 'string') return new ProtoWriter().string(1, value).finish();
      if (typeof value === 'number') return new ProtoWriter().string(1, String(value)).finish();
      break;
    case 'IntOrString':
      if (typeof value === 'number') return new ProtoWriter().uint(1, 0).uint(2, value).finish();
      if (typeof value === 'string') return new ProtoWriter().uint(1, 1).string(3, value).finish();
      break;
    case 'FieldsV1':
    case 'RawExtension':
      if (value !== null && typeof value === 'object') return new ProtoWriter().bytes(1, Buffer.from(JSON.stringify(value), 'utf8')).finish();
      break;
  }
  throw new ProtoEncodeError([`${path} (${JSON.stringify(value)} is not a ${type})`]);
}

function writeValue(w: ProtoWriter, field: FieldSpec, number: number, value: unknown, path: string, state: EncodeState): void {
  const type = field.type;
  if (isScalar(type)) {
    switch (type) {
      case 's':
        if (typeof value !== 'string') break;
        w.string(number, value);
        return;
      case 'bytes':
        if (typeof value !== 'string') break;
        w.bytes(number, Buffer.from(value, 'base64'));
        return;
      case 'bool':
        if (typeof value !== 'boolean') break;
        w.uint(number, value ? 1 : 0);
        return;
      case 'i32':
      case 'i64':
        if (typeof value !== 'number' || !Number.isInteger(value)) break;
        w.uint(number, value);
        return;
    }
    throw new ProtoEncodeError([`${path} (${JSON.stringify(value)} is not a ${type === 's' ? 'string' : type})`]);
  }
  if (isSpecial(type)) {
    w.bytes(number, specialBytes(type, value, path));
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ProtoEncodeError([`${path} (not an object)`]);
  w.bytes(number, encodeMessage(messageSpec(type), value as Json, path, state));
}

/** The JSON properties a message accounts for, its inline structs' included. */
function knownProperties(spec: MessageSpec, into = new Set<string>()): Set<string> {
  for (const f of spec.fields) {
    if (f.json === undefined) knownProperties(messageSpec(f.type), into);
    else into.add(f.json);
  }
  return into;
}

const knownCache = new Map<string, Set<string>>();

function encodeMessage(spec: MessageSpec, json: Json, path: string, state: EncodeState, topLevel = false, inline = false): Buffer {
  let known = knownCache.get(spec.name);
  if (!known) knownCache.set(spec.name, (known = knownProperties(spec)));
  // An inline struct's properties are checked with its parent's.
  for (const key of inline ? [] : Object.keys(json)) {
    if (known.has(key) || json[key] === undefined) continue;
    if (topLevel && (key === 'apiVersion' || key === 'kind')) continue;
    // JSON null is an absent optional field for the apiserver too.
    if (json[key] === null) continue;
    const where = path ? `${path}.${key}` : key;
    if (!state.lenient) throw new ProtoEncodeError([where]);
    state.skipped.push(where);
  }
  const w = new ProtoWriter();
  for (const field of spec.fields) {
    if (field.json === undefined) {
      w.bytes(field.number, encodeMessage(messageSpec(field.type), json, path, state, topLevel, true));
      continue;
    }
    const value = json[field.json];
    if (value === undefined || value === null) continue;
    const where = path ? `${path}.${field.json}` : field.json;
    try {
      if (field.map) {
        if (typeof value !== 'object' || Array.isArray(value)) throw new ProtoEncodeError([`${where} (not a map)`]);
        for (const [k, v] of Object.entries(value as Json)) {
          if (v === null || v === undefined) continue;
          const entry = new ProtoWriter().string(1, k);
          writeValue(entry, field, 2, v, `${where}[${k}]`, state);
          w.bytes(field.number, entry.finish());
        }
      } else if (field.repeated) {
        if (!Array.isArray(value)) throw new ProtoEncodeError([`${where} (not a list)`]);
        value.forEach((item, i) => writeValue(w, field, field.number, item, `${where}[${i}]`, state));
      } else {
        writeValue(w, field, field.number, value, where, state);
      }
    } catch (err) {
      if (!(err instanceof ProtoEncodeError) || !state.lenient) throw err;
      state.skipped.push(...err.paths);
    }
  }
  return w.finish();
}

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = new ProtoWriter().string(1, apiVersion).string(2, kind).finish();
  const unknown = new ProtoWriter().bytes(1, typeMeta).bytes(2, raw).string(3, '').string(4, '').finish();
  return Buffer.concat([MAGIC, unknown]);
}

export interface EncodeOptions {
  /** Encode what the schema knows and report the rest in `skipped` instead of throwing. */
  lenient?: boolean;
  skipped?: string[];
}

function stateOf(options: EncodeOptions): EncodeState {
  return { lenient: options.lenient === true, skipped: options.skipped ?? [] };
}

/** Whether burn's schema knows this top-level type. */
export function canEncode(apiVersion: string, kind: string): boolean {
  return topLevelMessage(apiVersion, kind) !== undefined;
}

/** One object (a built-in kind, a Status) in its protobuf envelope. */
export function encodeObject(obj: Json, options: EncodeOptions = {}): Buffer {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const spec = topLevelMessage(apiVersion, kind);
  if (!spec) throw new UnknownProtoTypeError(apiVersion, kind);
  return envelope(apiVersion, kind, encodeMessage(spec, obj, '', stateOf(options), true));
}

/** A list (`<Kind>List`) of objects of one kind: the list's metadata and its items, enveloped. */
export function encodeList(apiVersion: string, listKind: string, metadata: Json, items: Json[], options: EncodeOptions = {}): Buffer {
  const spec = topLevelMessage(apiVersion, listKind);
  if (!spec || !listKind.endsWith('List')) throw new UnknownProtoTypeError(apiVersion, listKind);
  const state = stateOf(options);
  const itemSpec = messageSpec(listKind.slice(0, -4));
  const w = new ProtoWriter().bytes(1, encodeMessage(messageSpec('ListMeta'), metadata, 'metadata', state));
  items.forEach((item, i) => w.bytes(2, encodeMessage(itemSpec, item, `items[${i}]`, state, true)));
  return envelope(apiVersion, listKind, w.finish());
}

/** One frame of a protobuf watch stream: length, then a WatchEvent holding the enveloped object. */
export function encodeWatchFrame(type: string, obj: Json, options: EncodeOptions = {}): Buffer {
  const raw = new ProtoWriter().bytes(1, encodeObject(obj, options)).finish();
  const event = new ProtoWriter().string(1, type).bytes(2, raw).finish();
  const length = Buffer.alloc(4);
  length.writeUInt32BE(event.length, 0);
  return Buffer.concat([length, event]);
}

// ---------------------------------------------------------------------------------------------
// Decoding

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function readTimestamp(data: Buffer, where: string): { seconds: number; nanos: number } {
  const r = new ProtoReader(data);
  let seconds = 0;
  let nanos = 0;
  while (!r.done()) {
    const f = r.next();
    if (f.field === 1 && f.wireType === WIRE.varint) seconds = f.int!;
    else if (f.field === 2 && f.wireType === WIRE.varint) nanos = f.int!;
    else throw new ProtoDecodeError(`${where}: field ${f.field} is not part of a timestamp`);
  }
  return { seconds, nanos };
}

function fieldsOf(data: Buffer): WireField[] {
  const r = new ProtoReader(data);
  const out: WireField[] = [];
  while (!r.done()) out.push(r.next());
  return out;
}

function needBytes(f: WireField, where: string): Buffer {
  if (f.wireType !== WIRE.bytes) throw new ProtoDecodeError(`${where}: expected a length-delimited field, got wire type ${f.wireType}`);
  return f.data!;
}

/** The special types; undefined for a zero Time (JSON null, left out as the apiserver does). */
function decodeSpecial(type: string, data: Buffer, where: string): unknown {
  switch (type) {
    case 'Time': {
      if (data.length === 0) return undefined;
      return isoSeconds(readTimestamp(data, where).seconds);
    }
    case 'MicroTime': {
      if (data.length === 0) return undefined;
      const { seconds, nanos } = readTimestamp(data, where);
      return `${isoSeconds(seconds).slice(0, -1)}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z`;
    }
    case 'Quantity': {
      let text = '';
      for (const f of fieldsOf(data)) {
        if (f.field !== 1) throw new ProtoDecodeError(`${where}: field ${f.field} is not part of a Quantity`);
        text = needBytes(f, where).toString('utf8');
      }
      return text;
    }
    case 'IntOrString': {
      let kind = 0;
      let intVal = 0;
      let strVal = '';
      for (const f of fieldsOf(data)) {
        if (f.field === 1 && f.wireType === WIRE.varint) kind = f.int!;
        else if (f.field === 2 && f.wireType === WIRE.varint) intVal = f.int!;
        else if (f.field === 3) strVal = needBytes(f, where).toString('utf8');
        else throw new ProtoDecodeError(`${where}: field ${f.field} is not part of an IntOrString`);
      }
      return kind === 1 ? strVal : intVal;
    }
    case 'FieldsV1':
    case 'RawExtension': {
      let raw: Buffer | undefined;
      for (const f of fieldsOf(data)) {
        if (f.field !== 1) throw new ProtoDecodeError(`${where}: field ${f.field} is not part of a ${type}`);
        raw = needBytes(f, where);
      }
      if (!raw || raw.length === 0) return undefined;
      if (raw.subarray(0, 4).equals(MAGIC)) return decodeObject(raw);
      try {
        return JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ProtoDecodeError(`${where}: the embedded ${type} is neither JSON nor a protobuf object`);
      }
    }
  }
  throw new ProtoDecodeError(`${where}: unknown special type ${type}`);
}

function decodeScalar(type: string, f: WireField, where: string): unknown {
  if (type === 's') return needBytes(f, where).toString('utf8');
  if (type === 'bytes') return needBytes(f, where).toString('base64');
  if (f.wireType !== WIRE.varint) throw new ProtoDecodeError(`${where}: expected a varint, got wire type ${f.wireType}`);
  if (type === 'bool') return f.int !== 0;
  return type === 'i32' ? f.int! | 0 : f.int!;
}

function decodeValue(field: FieldSpec, f: WireField, where: string): unknown {
  if (isScalar(field.type)) return decodeScalar(field.type, f, where);
  const data = needBytes(f, where);
  if (isSpecial(field.type)) return decodeSpecial(field.type, data, where);
  return decodeMessage(messageSpec(field.type), data, where);
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function decodeMessage(spec: MessageSpec, data: Buffer, path: string): Json {
  const out: Json = {};
  const r = new ProtoReader(data);
  while (!r.done()) {
    const f = r.next();
    const field = spec.byNumber.get(f.field);
    if (!field) throw new UnknownProtoFieldError(`${path || spec.name}: field number ${f.field} of ${spec.name} is not in burn sim's protobuf schema`);
    if (field.json === undefined) {
      Object.assign(out, decodeMessage(messageSpec(field.type), needBytes(f, path), path));
      continue;
    }
    const where = path ? `${path}.${field.json}` : field.json;
    if (field.map) {
      let key = '';
      let value: unknown = field.type === 's' || field.type === 'bytes' ? '' : isSpecial(field.type) ? undefined : {};
      for (const e of fieldsOf(needBytes(f, where))) {
        if (e.field === 1) key = needBytes(e, where).toString('utf8');
        else if (e.field === 2) value = decodeValue(field, e, `${where}[${key}]`);
        else throw new ProtoDecodeError(`${where}: map entry field ${e.field}`);
      }
      const map = (out[field.json] ??= {}) as Json;
      map[key] = value ?? '';
    } else if (field.repeated) {
      const list = (out[field.json] ??= []) as unknown[];
      if (f.wireType === WIRE.bytes && (field.type === 'i32' || field.type === 'i64' || field.type === 'bool')) {
        // A packed run of varints.
        const packed = new ProtoReader(f.data!);
        while (!packed.done()) {
          const v = packed.varint();
          list.push(field.type === 'bool' ? v !== 0 : field.type === 'i32' ? v | 0 : v);
        }
      } else {
        list.push(decodeValue(field, f, `${where}[${list.length}]`));
      }
    } else {
      const value = decodeValue(field, f, where);
      if (value === undefined || (isZero(value) && !field.pointer)) delete out[field.json];
      else out[field.json] = value;
    }
  }
  return out;
}

export interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
}

/** Reads the `k8s\0` + runtime.Unknown envelope. */
export function decodeEnvelope(data: Buffer): Envelope {
  if (data.length < 4 || !data.subarray(0, 4).equals(MAGIC)) throw new ProtoDecodeError('the body does not start with the protobuf magic number k8s\\0');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  let contentEncoding = '';
  for (const f of fieldsOf(data.subarray(4))) {
    if (f.field === 1) {
      for (const t of fieldsOf(needBytes(f, 'typeMeta'))) {
        if (t.field === 1) apiVersion = needBytes(t, 'typeMeta.apiVersion').toString('utf8');
        else if (t.field === 2) kind = needBytes(t, 'typeMeta.kind').toString('utf8');
      }
    } else if (f.field === 2) raw = needBytes(f, 'raw');
    else if (f.field === 3) contentEncoding = needBytes(f, 'contentEncoding').toString('utf8');
    else if (f.field !== 4) throw new UnknownProtoFieldError(`envelope: field number ${f.field} of runtime.Unknown`);
  }
  if (contentEncoding) throw new ProtoDecodeError(`envelope: content encoding "${contentEncoding}" is not supported`);
  return { apiVersion, kind, raw };
}

/** An enveloped object (or list) back to its JSON form, apiVersion and kind included. */
export function decodeObject(data: Buffer): Json {
  const { apiVersion, kind, raw } = decodeEnvelope(data);
  const spec = topLevelMessage(apiVersion, kind);
  if (!spec) throw new UnknownProtoTypeError(apiVersion, kind);
  const body = decodeMessage(spec, raw, '');
  if (kind.endsWith('List') && Array.isArray(body.items)) body.items = body.items.map((item) => ({ apiVersion, kind: kind.slice(0, -4), ...(item as Json) }));
  if (kind.endsWith('List')) body.items ??= [];
  return { apiVersion, kind, ...body };
}

/** The events of a protobuf watch stream (complete frames only; `rest` is what is left over). */
export function decodeWatchFrames(data: Buffer): { events: Array<{ type: string; object: Json }>; rest: Buffer } {
  const events: Array<{ type: string; object: Json }> = [];
  let pos = 0;
  while (pos + 4 <= data.length) {
    const len = data.readUInt32BE(pos);
    if (pos + 4 + len > data.length) break;
    const frame = data.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
    let type = '';
    let object: Json | undefined;
    for (const f of fieldsOf(frame)) {
      if (f.field === 1) type = needBytes(f, 'WatchEvent.type').toString('utf8');
      else if (f.field === 2) object = decodeSpecial('RawExtension', needBytes(f, 'WatchEvent.object'), 'WatchEvent.object') as Json;
      else throw new ProtoDecodeError(`WatchEvent: field number ${f.field}`);
    }
    if (!object) throw new ProtoDecodeError('WatchEvent without an object');
    events.push({ type, object });
  }
  return { events, rest: data.subarray(pos) };
}
