/**
 * Go (RE2) regular expressions on JS RegExp: Go's syntax translated ((?P<name>, \A, \z, [[:digit:]]),
 * what RE2 refuses refused with Go's message (lookaround, backreferences), and Go's matching rules for
 * "all" operations (an empty match right after a match is skipped), and Go's $1 / ${name} expansion.
 */
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

/** A regexp that does not compile, with Go's message ("error parsing regexp: ..."). */
export class RegexpError extends FunctionError {}

/** The RE2 parse error Go gives for the constructs JS reports, or for what RE2 does not have. */
function goSyntaxError(source: string): string | undefined {
  const perl = /\(\?(<[=!]|[=!]|<(?![A-Za-z_]))/.exec(source);
  if (perl) return `invalid or unsupported Perl syntax: \`${perl[0]}\``;
  const backref = /(?<!\\)(?:\\\\)*\\([1-9])/.exec(source);
  if (backref) return `invalid escape sequence: \`\\${backref[1]}\``;
  return undefined;
}

function jsErrorToGo(source: string, err: Error): string {
  const m = err.message;
  if (/Unterminated group/.test(m)) return `missing closing ): \`${source}\``;
  if (/Unmatched '\)'/.test(m)) return `unexpected ): \`${source}\``;
  if (/Unterminated character class|missing \/|Missing \/|Lone quantifier brackets/.test(m) && source.includes('[')) return `missing closing ]: \`${source.slice(source.lastIndexOf('['))}\``;
  if (/Nothing to repeat/.test(m)) {
    const op = /(?:^|[(|])([*+?]|\{\d+(?:,\d*)?\})/.exec(source);
    return `missing argument to repetition operator: \`${op?.[1] ?? source}\``;
  }
  return `${m.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '')}: \`${source}\``;
}

const compiled = new Map<string, RegExp>();

/** A global (for exec loops) RegExp for a Go regexp; throws RegexpError with Go's message. */
export function goRegExp(source: string): RegExp {
  const hit = compiled.get(source);
  if (hit) return new RegExp(hit);
  const refused = goSyntaxError(source);
  if (refused) throw new RegexpError(`error parsing regexp: ${refused}`);
  let flags = 'gu';
  let body = source;
  const lead = /^\(\?([imsU]+)\)/.exec(body);
  if (lead) {
    body = body.slice(lead[0].length);
    for (const f of lead[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  body = body
    .replace(/\(\?P</g, '(?<')
    .replace(/\\([pP])([A-Za-z])/g, '\\$1{$2}')
    .replace(/\\A/g, '^')
    .replace(/\\z/g, '$(?![\\s\\S])')
    .replace(/\[:(\^?)(\w+):\]/g, (all, neg: string, name: string) => (POSIX[name] && !neg ? POSIX[name]! : all));
  let re: RegExp;
  try {
    re = new RegExp(body, flags);
  } catch (err) {
    throw new RegexpError(`error parsing regexp: ${jsErrorToGo(source, err as Error)}`);
  }
  compiled.set(source, re);
  return new RegExp(re);
}

/** regexp.MustCompile's panic text, for the sprig functions that do not return the error. */
export function mustCompile(source: string): RegExp {
  try {
    return goRegExp(source);
  } catch (err) {
    if (err instanceof RegexpError) throw new FunctionError(`regexp: Compile(\`${source}\`): ${err.message}`);
    throw err;
  }
}

/** Go's FindAll: at most n matches (all when n < 0), skipping an empty match that abuts the previous match. */
export function goMatches(re: RegExp, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  if (n === 0) return out;
  re.lastIndex = 0;
  let prevEnd = -1;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const end = m.index + m[0].length;
    if (m[0].length === 0) {
      // Step over the empty match (a whole code point, as the u flag reads the string).
      re.lastIndex = m.index + (s.codePointAt(m.index)! > 0xffff ? 2 : 1);
      if (m.index === prevEnd) continue;
    }
    out.push(m);
    prevEnd = end;
    if (n > 0 && out.length >= n) break;
    if (m.index >= s.length && m[0].length === 0) break;
  }
  return out;
}

/** regexp.Expand of `template` for one match. */
export function goExpand(template: string, m: RegExpExecArray): string {
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
    const ref = /^\{(\w+)\}|^(\w+)/.exec(template.slice(i + 1));
    if (!ref) {
      out += '$';
      continue;
    }
    const name = ref[1] ?? ref[2]!;
    i += ref[0].length;
    out += (/^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name]) ?? '';
  }
  return out;
}

/** ReplaceAllString (expanding $ references) or ReplaceAllLiteralString. */
export function goReplaceAll(re: RegExp, s: string, repl: string, literal: boolean): string {
  let out = '';
  let last = 0;
  for (const m of goMatches(re, s, -1)) {
    out += s.slice(last, m.index) + (literal ? repl : goExpand(repl, m));
    last = m.index + m[0].length;
  }
  return out + s.slice(last);
}

/** regexp.Split. */
export function goSplit(re: RegExp, source: string, s: string, n: number): string[] {
  if (n === 0) return [];
  if (source.length > 0 && s.length === 0) return [''];
  const parts: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of goMatches(re, s, n)) {
    if (n > 0 && parts.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) parts.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) parts.push(s.slice(beg));
  return parts;
}

/** regexp.QuoteMeta. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
