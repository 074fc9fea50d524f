/** sprig's path functions (Go's path and, on Linux, path/filepath: the same) and urlParse / urlJoin (Go's net/url). */
import { type GoMap } from '../go/values.js';
import { FunctionError, fn, type TemplateFunction } from './types.js';

/** path.Clean: the shortest equivalent path, lexically. */
export function goClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const joined = out.join('/');
  return rooted ? `/${joined}` : joined || '.';
}

function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function goDir(p: string): string {
  const i = p.lastIndexOf('/');
  return goClean(p.slice(0, i + 1));
}

function goExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

const pathFunctions = (prefix: string): Record<string, TemplateFunction> => {
  const name = (n: string) => (prefix ? prefix + n[0]!.toUpperCase() + n.slice(1) : n);
  return {
    [name('base')]: fn(['string'], goBase),
    [name('dir')]: fn(['string'], goDir),
    [name('clean')]: fn(['string'], goClean),
    [name('ext')]: fn(['string'], goExt),
    [name('isAbs')]: fn(['string'], (p: string) => p.startsWith('/')),
  };
};

// ---- net/url

type Mode = 'path' | 'host' | 'user' | 'query' | 'fragment';

/** net/url's shouldEscape. */
function shouldEscape(c: string, mode: Mode): boolean {
  if (/[A-Za-z0-9]/.test(c)) return false;
  if (mode === 'host' && /[!$&'()*+,;=:[\]<>"]/.test(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path':
        return c === '?';
      case 'user':
        return '@/?:'.includes(c);
      case 'query':
        return true;
      case 'fragment':
        return false;
      default:
        return false;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && !shouldEscape(c, mode) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function unescape(s: string): string {
  try {
    return decodeURIComponent(s.replace(/%(?![0-9a-fA-F]{2})/g, '%25'));
  } catch {
    return s;
  }
}

interface GoUrl {
  scheme: string;
  opaque: string;
  user?: { name: string; password?: string };
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

function userString(u: NonNullable<GoUrl['user']>): string {
  return escape(u.name, 'user') + (u.password !== undefined ? `:${escape(u.password, 'user')}` : '');
}

/** url.Parse for what templates give it: scheme, opaque, userinfo, host (with [ipv6]:port), path, query, fragment. */
function parseUrl(raw: string): GoUrl {
  const fail = (why: string) => new FunctionError(`unable to parse url: parse ${JSON.stringify(raw)}: ${why}`);
  if (/[\x00-\x1f\x7f]/.test(raw)) throw fail('net/url: invalid control character in URL');
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = unescape(rest.slice(hash + 1));
    rest = rest.slice(0, hash);
  }
  const u: GoUrl = { scheme: '', opaque: '', host: '', path: '', rawQuery: '', fragment };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (scheme) {
    u.scheme = scheme[1]!.toLowerCase();
    rest = rest.slice(scheme[0].length);
  } else if (/^[^/?]*:/.test(rest) && !rest.startsWith('/')) {
    if (rest.startsWith(':')) throw fail('missing protocol scheme');
    throw fail('first path segment in URL cannot contain colon');
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    u.rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (u.scheme && !rest.startsWith('/')) {
    u.opaque = rest;
    return u;
  }
  if ((u.scheme || !rest.startsWith('///')) && rest.startsWith('//')) {
    const end = rest.indexOf('/', 2);
    const authority = end >= 0 ? rest.slice(2, end) : rest.slice(2);
    rest = end >= 0 ? rest.slice(end) : '';
    const at = authority.lastIndexOf('@');
    let host = authority;
    if (at >= 0) {
      const info = authority.slice(0, at);
      host = authority.slice(at + 1);
      const colon = info.indexOf(':');
      u.user = colon >= 0 ? { name: unescape(info.slice(0, colon)), password: unescape(info.slice(colon + 1)) } : { name: unescape(info) };
    }
    if (host.startsWith('[') && !host.includes(']')) throw fail("missing ']' in host");
    const port = /:([^\]]*)$/.exec(host);
    if (port && !/^[0-9]*$/.test(port[1]!)) throw fail(`invalid port ${JSON.stringify(`:${port[1]}`)} after host`);
    u.host = unescape(host);
  }
  u.path = unescape(rest);
  return u;
}

function hostname(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon >= 0 ? host.slice(0, colon) : host;
}

/** url.URL.String(). */
function urlString(u: GoUrl): string {
  let out = '';
  if (u.scheme) out += `${u.scheme}:`;
  if (u.opaque) out += u.opaque;
  else {
    if (u.scheme || u.host || u.user) {
      if (u.host || u.path || u.user) out += '//';
      if (u.user) out += `${userString(u.user)}@`;
      if (u.host) out += escape(u.host, 'host');
    }
    const path = escape(u.path, 'path');
    if (path && !path.startsWith('/') && u.host) out += '/';
    if (!out && /^[^/]*:/.test(path)) out += './';
    out += path;
  }
  if (u.rawQuery) out += `?${u.rawQuery}`;
  if (u.fragment) out += `#${escape(u.fragment, 'fragment')}`;
  return out;
}

function urlParse(raw: string): GoMap {
  const u = parseUrl(raw);
  return {
    scheme: u.scheme,
    host: u.host,
    hostname: hostname(u.host),
    path: u.path,
    query: u.rawQuery,
    opaque: u.opaque,
    fragment: u.fragment,
    userinfo: u.user ? userString(u.user) : '',
  };
}

function stringKey(d: GoMap | null, key: string): string {
  if (d === null || !Object.hasOwn(d, key)) return '';
  const v = d[key];
  if (typeof v !== 'string') {
    const kind = v === null || v === undefined ? 'invalid' : typeof v === 'number' ? (Number.isInteger(v) ? 'int' : 'float64') : Array.isArray(v) ? 'slice' : typeof v === 'boolean' ? 'bool' : 'map';
    throw new FunctionError(`unable to parse ${key} key, must be of type string, but ${kind} found`);
  }
  return v;
}

function urlJoin(d: GoMap | null): string {
  const userinfo = stringKey(d, 'userinfo');
  let user: GoUrl['user'];
  if (userinfo !== '') user = parseUrl(`proto://${userinfo}@host`).user;
  return urlString({
    scheme: stringKey(d, 'scheme'),
    host: stringKey(d, 'host'),
    path: stringKey(d, 'path'),
    rawQuery: stringKey(d, 'query'),
    opaque: stringKey(d, 'opaque'),
    fragment: stringKey(d, 'fragment'),
    user,
  });
}

export const pathAndUrlFunctions: Record<string, TemplateFunction> = {
  ...pathFunctions(''),
  ...pathFunctions('os'),
  urlParse: fn(['string'], urlParse),
  urlJoin: fn(['map'], urlJoin),
};
