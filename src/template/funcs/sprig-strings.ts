/** sprig's string functions (argument order as sprig: the subject string comes last, for pipelines). */
import type { GoMap } from '../go/values.js';
import { strval } from './convert.js';
import { quoteGo } from './printf.js';
import { formatCount, MAX_BUILT_LENGTH } from '../limits.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

function indent(spaces: number, s: string): string {
  const pad = ' '.repeat(Math.max(0, spaces));
  return pad + s.replaceAll('\n', `\n${pad}`);
}

/** strings.Title: upper-cases the first letter of each word; words are split by non-letters/digits/underscore. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  if (/[A-Za-z0-9_]/.test(ch)) return false;
  if (ch.codePointAt(0)! < 0x80) return true;
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false;
  return /\s/u.test(ch);
}

/** strings.Trim with a cutset. */
function trimCutset(s: string, cutset: string): string {
  const set = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && set.has(chars[a]!)) a++;
  while (b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
}

/** Go's strings.Split: an empty separator splits into characters. */
function goSplit(s: string, sep: string): string[] {
  return sep === '' ? [...s] : s.split(sep);
}

/** sprig's strslice: lists become strings element by element, nil elements dropped; anything else is one string. */
function strslice(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v.filter((e) => e !== null && e !== undefined).map(strval);
  return [strval(v)];
}

/** Byte-indexed slicing as Go does on strings. */
function byteSlice(s: string, start: number, end?: number): string {
  const bytes = Buffer.from(s, 'utf8');
  if (start < 0 || start > bytes.length || (end !== undefined && (end < start || end > bytes.length))) {
    throw new FunctionError(`runtime error: slice bounds out of range [${start}:${end ?? bytes.length}] with length ${bytes.length}`);
  }
  return bytes.subarray(start, end).toString('utf8');
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

export const stringFunctions: Record<string, TemplateFunction> = {
  indent: fn(['int', 'string'], indent),
  nindent: fn(['int', 'string'], (n: number, s: string) => `\n${indent(n, s)}`),
  quote: variadic([], 'any', (...v: unknown[]) =>
    v
      .filter((x) => x !== null && x !== undefined)
      .map((x) => quoteGo(strval(x)))
      .join(' '),
  ),
  squote: variadic([], 'any', (...v: unknown[]) =>
    v
      .filter((x) => x !== null && x !== undefined)
      .map((x) => `'${strval(x)}'`)
      .join(' '),
  ),
  upper: fn(['string'], (s: string) => s.toUpperCase()),
  lower: fn(['string'], (s: string) => s.toLowerCase()),
  title: fn(['string'], title),
  trim: fn(['string'], (s: string) => s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '')),
  trimAll: fn(['string', 'string'], (cutset: string, s: string) => trimCutset(s, cutset)),
  trimPrefix: fn(['string', 'string'], (prefix: string, s: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
  trimSuffix: fn(['string', 'string'], (suffix: string, s: string) => (suffix && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s)),
  replace: fn(['string', 'string', 'string'], (old: string, repl: string, s: string) => s.replaceAll(old, repl)),
  contains: fn(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fn(['string', 'string'], (prefix: string, s: string) => s.startsWith(prefix)),
  hasSuffix: fn(['string', 'string'], (suffix: string, s: string) => s.endsWith(suffix)),
  split: fn(['string', 'string'], (sep: string, s: string) => {
    const out: GoMap = {};
    goSplit(s, sep).forEach((part, i) => {
      out[`_${i}`] = part;
    });
    return out;
  }),
  splitList: fn(['string', 'string'], (sep: string, s: string) => goSplit(s, sep)),
  join: fn(['string', 'any'], (sep: string, v: unknown) => strslice(v).join(sep)),
  repeat: fn(['int', 'string'], (count: number, s: string) => {
    if (count < 0) throw new FunctionError('strings: negative Repeat count');
    if (count * s.length > MAX_BUILT_LENGTH) throw new FunctionError(`${formatCount(count * s.length)} characters is more than the ${formatCount(MAX_BUILT_LENGTH)} repeat may build; see Limits in the README`);
    return s.repeat(count);
  }),
  substr: fn(['int', 'int', 'string'], (start: number, end: number, s: string) => {
    if (start < 0) return byteSlice(s, 0, end);
    if (end < 0 || end > byteLength(s)) return byteSlice(s, start);
    return byteSlice(s, start, end);
  }),
  trunc: fn(['int', 'string'], (c: number, s: string) => {
    const len = byteLength(s);
    if (c < 0 && len + c > 0) return byteSlice(s, len + c);
    if (c >= 0 && len > c) return byteSlice(s, 0, c);
    return s;
  }),
  cat: variadic([], 'any', (...v: unknown[]) =>
    v
      .filter((x) => x !== null && x !== undefined)
      .map(strval)
      .join(' '),
  ),
  toString: fn(['any'], strval),
  toStrings: fn(['any'], strslice),
};
