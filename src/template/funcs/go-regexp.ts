/** Go (RE2) regular expressions run on JS RegExp: syntax differences translated, `$1`/`${name}` expansion as Go's Expand. */
import { FunctionError } from './types.js';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const compiled = new Map<string, RegExp>();

export function goRegExp(source: string, extraFlags = ''): RegExp {
  const key = `${extraFlags}/${source}`;
  const hit = compiled.get(key);
  if (hit) return new RegExp(hit);
  let flags = 'u' + extraFlags;
  let body = source;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    body = body.slice(lead[0].length);
    for (const f of lead[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)(\w+):\]/g, (all, neg: string, name: string) => (POSIX[name] && !neg ? POSIX[name]! : all));
  let re: RegExp;
  try {
    re = new RegExp(body, flags);
  } catch (err) {
    throw new FunctionError(`error parsing regexp: ${(err as Error).message}`);
  }
  compiled.set(key, re);
  return new RegExp(re);
}

/** regexp.Expand for one match; `args` are String.replace's callback arguments. */
export function goExpand(template: string, args: unknown[]): string {
  const named = typeof args[args.length - 1] === 'object' ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
  const groups = args.slice(0, args.length - (named ? 3 : 2)) as (string | undefined)[];
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '$') {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    const m = /^\{(\w+)\}|^(\w+)/.exec(template.slice(i + 1));
    if (!m) {
      out += '$';
      continue;
    }
    const name = m[1] ?? m[2]!;
    i += m[0].length;
    out += (/^\d+$/.test(name) ? groups[Number(name)] : named?.[name]) ?? '';
  }
  return out;
}
