/** sprig's encodings: JSON as Go's encoding/json writes it (sorted keys, HTML-safe escapes), YAML as Helm's toYaml, base64, sha256. */
import { createHash } from 'node:crypto';
import { stringify as yamlStringify } from 'yaml';
import { GoFloat, GoInt64, isNilSlice, isPlainMap, kindOf, numberOf, sortedKeys, typeName, type GoMap } from '../go/values.js';
import { GoTime } from '../go/time.js';
import { FunctionError, fn, isGoObject, type TemplateFunction } from './types.js';

class UnsupportedValue extends Error {}

/** encoding/json.Marshal (and MarshalIndent with two spaces when `indent` is set). */
export function goJson(v: unknown, indent = '', level = 0): string {
  const nl = indent ? `\n${indent.repeat(level + 1)}` : '';
  const close = indent ? `\n${indent.repeat(level)}` : '';
  const colon = indent ? ': ' : ':';
  switch (kindOf(v)) {
    case 'nil':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return String(numberOf(v));
    case 'float': {
      const f = numberOf(v);
      if (!Number.isFinite(f)) throw new UnsupportedValue(`json: unsupported value: ${f}`);
      return JSON.stringify(f);
    }
    case 'string':
      return jsonString(v as string);
    case 'time':
      return jsonString((v as GoTime).toJSON());
    case 'slice': {
      const list = v as unknown[];
      if (isNilSlice(list)) return 'null';
      if (list.length === 0) return '[]';
      return `[${list.map((e) => nl + goJson(e, indent, level + 1)).join(',')}${close}]`;
    }
    case 'map': {
      const m = v as GoMap;
      const keys = sortedKeys(m);
      if (keys.length === 0) return '{}';
      return `{${keys.map((k) => `${nl}${jsonString(k)}${colon}${goJson(m[k], indent, level + 1)}`).join(',')}${close}}`;
    }
    default:
      if (isGoObject(v)) return jsonString(v.toString());
      throw new UnsupportedValue(`json: unsupported type: ${typeName(v)}`);
  }
}

function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\b':
        out += '\\b';
        break;
      case '\f':
        out += '\\f';
        break;
      case '<':
      case '>':
      case '&':
      case '\u2028':
      case '\u2029':
        out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
        break;
      default:
        out += ch.charCodeAt(0) < 0x20 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}` : ch;
    }
  }
  return `${out}"`;
}

/** json.Unmarshal into interface{}: every number is a float64. */
function fromJsonValue(v: unknown): unknown {
  if (typeof v === 'number') return new GoFloat(v);
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (isPlainMap(v)) {
    const out: GoMap = {};
    for (const [k, e] of Object.entries(v)) out[k] = fromJsonValue(e);
    return out;
  }
  return v;
}

/** Plain JS data for the YAML writer (Go numbers unwrapped, dates as RFC 3339). */
function plain(v: unknown): unknown {
  if (v instanceof GoFloat || v instanceof GoInt64) return v.value;
  if (v instanceof GoTime) return v.toJSON();
  if (Array.isArray(v)) return v.map(plain);
  if (isPlainMap(v)) {
    const out: GoMap = {};
    for (const k of sortedKeys(v)) out[k] = plain(v[k]);
    return out;
  }
  return v === undefined ? null : v;
}

/** Helm's toYaml: go-yaml layout (sorted keys, sequences flush with their key), without the final newline. */
export function goYaml(v: unknown): string {
  const text = yamlStringify(plain(v), { indentSeq: false, lineWidth: 0, sortMapEntries: true, aliasDuplicateObjects: false });
  return text.replace(/\n$/, '');
}

function b64dec(s: string): string {
  const bad = /[^A-Za-z0-9+/=]/.exec(s);
  if (bad) return `illegal base64 data at input byte ${bad.index}`;
  const pad = s.indexOf('=');
  if (s.length % 4 !== 0 || (pad !== -1 && !/^=+$/.test(s.slice(pad))) || s.length - pad > 2 && pad !== -1) {
    return `illegal base64 data at input byte ${pad !== -1 ? pad : s.length - (s.length % 4)}`;
  }
  return Buffer.from(s, 'base64').toString('utf8');
}

function swallow(f: () => string): string {
  try {
    return f();
  } catch (err) {
    if (err instanceof UnsupportedValue) return '';
    throw err;
  }
}

/** encoding/base32 (standard alphabet, padded). */
function base32Encode(s: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i += 5) {
    const chunk = bytes.subarray(i, i + 5);
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? alphabet[Number((bits >> BigInt(35 - k * 5)) & 31n)] : '=';
  }
  return out;
}

function base32Decode(s: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const out: number[] = [];
  if (s.length % 8 !== 0) return `illegal base32 data at input byte ${s.length - (s.length % 8) === s.length ? s.length : firstBad(s) ?? Math.floor(s.length / 8) * 8}`;
  for (let i = 0; i < s.length; i += 8) {
    const block = s.slice(i, i + 8);
    const pad = block.indexOf('=');
    const body = pad === -1 ? block : block.slice(0, pad);
    if (pad !== -1 && (!/^=+$/.test(block.slice(pad)) || i + 8 < s.length || ![2, 4, 5, 7].includes(body.length))) return `illegal base32 data at input byte ${i + Math.max(pad, 0)}`;
    let bits = 0n;
    for (let k = 0; k < 8; k++) {
      const c = k < body.length ? alphabet.indexOf(body[k]!) : 0;
      if (c < 0) return `illegal base32 data at input byte ${i + k}`;
      bits = (bits << 5n) | BigInt(c);
    }
    const bytes = Math.floor((body.length * 5) / 8);
    for (let k = 0; k < bytes; k++) out.push(Number((bits >> BigInt(32 - k * 8)) & 255n));
  }
  return Buffer.from(out).toString('utf8');
}

function firstBad(s: string): number | undefined {
  const i = [...s].findIndex((c) => !/[A-Z2-7=]/.test(c));
  return i < 0 ? undefined : i;
}

function mustJson(f: () => string): string {
  try {
    return f();
  } catch (err) {
    if (err instanceof UnsupportedValue) throw new FunctionError(err.message);
    throw err;
  }
}

function parseJson(s: string): unknown {
  try {
    return fromJsonValue(JSON.parse(s));
  } catch (err) {
    throw new FunctionError(`invalid JSON: ${(err as Error).message}`);
  }
}

const rawJson = (v: unknown) => goJson(v).replace(/\\u003c/g, '<').replace(/\\u003e/g, '>').replace(/\\u0026/g, '&');

export const dataFunctions: Record<string, TemplateFunction> = {
  toJson: fn(['any'], (v: unknown) => swallow(() => goJson(v))),
  mustToJson: fn(['any'], (v: unknown) => mustJson(() => goJson(v))),
  toPrettyJson: fn(['any'], (v: unknown) => swallow(() => goJson(v, '  '))),
  mustToPrettyJson: fn(['any'], (v: unknown) => mustJson(() => goJson(v, '  '))),
  toRawJson: fn(['any'], (v: unknown) => mustJson(() => rawJson(v))),
  mustToRawJson: fn(['any'], (v: unknown) => mustJson(() => rawJson(v))),
  fromJson: fn(['string'], (s: string) => {
    try {
      return parseJson(s);
    } catch {
      return null;
    }
  }),
  mustFromJson: fn(['string'], parseJson),
  toYaml: fn(['any'], goYaml),
  b64enc: fn(['string'], (s: string) => Buffer.from(s, 'utf8').toString('base64')),
  b64dec: fn(['string'], b64dec),
  b32enc: fn(['string'], base32Encode),
  b32dec: fn(['string'], base32Decode),
};
