/** sprig's string functions (argument order as sprig: the subject string comes last, for pipelines). */
import { createHash, randomInt } from 'node:crypto';
import { typedSlice, type GoMap } from '../go/values.js';
import { abbreviate, initials, isGoSpace, pascalCase, swapCase, untitle, wordsToLower, wrapText } from './word-case.js';
import { strval } from './convert.js';
import { quoteGo } from './printf.js';
import { formatCount, MAX_BUILT_LENGTH } from '../limits.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

function indent(spaces: number, s: string): string {
  if (spaces < 0) throw new FunctionError('strings: negative Repeat count');
  const pad = ' '.repeat(spaces);
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

/** strings.TrimSpace. */
function trimSpace(s: string): string {
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && isGoSpace(chars[a]!)) a++;
  while (b > a && isGoSpace(chars[b - 1]!)) b--;
  return chars.slice(a, b).join('');
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

/** Byte-indexed slicing as Go does on strings, with Go's panic messages. */
function byteSlice(s: string, start: number, end?: number): string {
  const bytes = Buffer.from(s, 'utf8');
  const stop = end ?? bytes.length;
  if (stop > bytes.length || stop < 0) throw new FunctionError(`runtime error: slice bounds out of range [:${stop}] with length ${bytes.length}`);
  if (start < 0 || start > stop) throw new FunctionError(`runtime error: slice bounds out of range [${start}:${stop}]`);
  return bytes.subarray(start, stop).toString('utf8');
}

/** strings.SplitN. */
function splitN(s: string, sep: string, n: number): string[] {
  if (n === 0) return [];
  if (n < 0) return goSplit(s, sep);
  const parts = goSplit(s, sep);
  if (parts.length <= n) return parts;
  if (sep === '') return [...parts.slice(0, n - 1), parts.slice(n - 1).join('')];
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function indexed(parts: string[]): GoMap {
  const out: GoMap = {};
  parts.forEach((part, i) => {
    out[`_${i}`] = part;
  });
  return out;
}

/** hash/adler32. */
function adler32(s: string): number {
  let a = 1;
  let b = 0;
  for (const byte of Buffer.from(s, 'utf8')) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

/** xstrings.Shuffle: the characters in a random order. */
function shuffle(s: string): string {
  const chars = [...s];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

const hash = (algorithm: string) => (s: string) => createHash(algorithm).update(s, 'utf8').digest('hex');

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
  trim: fn(['string'], (s: string) => trimSpace(s)),
  trimAll: fn(['string', 'string'], (cutset: string, s: string) => trimCutset(s, cutset)),
  trimall: fn(['string', 'string'], (cutset: string, s: string) => trimCutset(s, cutset)),
  trimPrefix: fn(['string', 'string'], (prefix: string, s: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
  trimSuffix: fn(['string', 'string'], (suffix: string, s: string) => (suffix && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s)),
  replace: fn(['string', 'string', 'string'], (old: string, repl: string, s: string) => s.replaceAll(old, repl)),
  contains: fn(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
  hasPrefix: fn(['string', 'string'], (prefix: string, s: string) => s.startsWith(prefix)),
  hasSuffix: fn(['string', 'string'], (suffix: string, s: string) => s.endsWith(suffix)),
  split: fn(['string', 'string'], (sep: string, s: string) => indexed(goSplit(s, sep))),
  splitn: fn(['string', 'int', 'string'], (sep: string, n: number, s: string) => indexed(splitN(s, sep, n))),
  splitList: fn(['string', 'string'], (sep: string, s: string) => typedSlice(goSplit(s, sep), '[]string')),
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
  toStrings: fn(['any'], (v: unknown) => typedSlice(strslice(v), '[]string')),
  abbrev: fn(['int', 'string'], (width: number, s: string) => (width < 4 ? s : abbreviate(s, 0, width))),
  abbrevboth: fn(['int', 'int', 'string'], (left: number, right: number, s: string) => (right < 4 || (left > 0 && right < 7) ? s : abbreviate(s, left, right))),
  untitle: fn(['string'], untitle),
  initials: fn(['string'], initials),
  swapcase: fn(['string'], swapCase),
  shuffle: fn(['string'], shuffle),
  snakecase: fn(['string'], (s: string) => wordsToLower(s, '_')),
  kebabcase: fn(['string'], (s: string) => wordsToLower(s, '-')),
  camelcase: fn(['string'], pascalCase),
  wrap: fn(['int', 'string'], (width: number, s: string) => wrapText(s, width, '', false)),
  wrapWith: fn(['int', 'string', 'string'], (width: number, sep: string, s: string) => wrapText(s, width, sep, true)),
  plural: fn(['string', 'string', 'int'], (one: string, many: string, count: number) => (count === 1 ? one : many)),
  nospace: fn(['string'], (s: string) => [...s].filter((c) => !isGoSpace(c)).join('')),
  sha1sum: fn(['string'], hash('sha1')),
  sha256sum: fn(['string'], hash('sha256')),
  sha512sum: fn(['string'], hash('sha512')),
  adler32sum: fn(['string'], (s: string) => String(adler32(s))),
};
