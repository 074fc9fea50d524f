/** Go's fmt.Sprintf, Sprint and Sprintln over template values: verbs, flags, width, precision and Go's error markers. */
import { formatFloatV, formatV, kindOf, numberOf, sortedKeys, typeName } from '../go/values.js';
import { formatCount, MAX_BUILT_LENGTH } from '../limits.js';
import { FunctionError } from './types.js';

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width?: number;
  prec?: number;
}

export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  // After an explicit argument index (%[2]d), Go stops reporting unused arguments.
  let reordered = false;
  let badIndex = false;
  /** An explicit `[n]` argument index at the cursor moves the argument cursor (1-based). */
  const argIndex = () => {
    const m = /^\[(\d+)\]/.exec(format.slice(i, i + 12));
    if (!m) return;
    i += m[0].length;
    reordered = true;
    const n = Number(m[1]);
    if (n < 1 || n > args.length) badIndex = true;
    else argi = n - 1;
  };
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct === -1) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false };
    badIndex = false;
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNumber = (): number | undefined | 'bad' => {
      argIndex();
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        if (kindOf(a) !== 'int') return 'bad';
        return numberOf(a);
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    const width = readNumber();
    if (width === 'bad') out += '%!(BADWIDTH)';
    else if (width !== undefined) {
      if (width < 0) {
        spec.minus = true;
        spec.width = -width;
      } else spec.width = width;
    }
    if (format[i] === '.') {
      i++;
      const prec = readNumber();
      if (prec === 'bad') out += '%!(BADPREC)';
      else spec.prec = prec ?? 0;
    }
    argIndex();
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (badIndex) {
      out += `%!${verb}(BADINDEX)`;
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argi++], verb, spec);
  }
  if (!reordered && argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatV(a)}`))
      .join(', ')})`;
  }
  return out;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(a);
  });
  return out;
}

export function sprintln(args: unknown[]): string {
  return `${args.map(formatV).join(' ')}\n`;
}

function badVerb(verb: string, a: unknown): string {
  if (a === null || a === undefined) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(a)}=${formatV(a)})`;
}

function formatArg(a: unknown, verb: string, spec: Spec): string {
  if (verb === 'T') return pad(typeName(a), spec, false);
  if (verb === 'v' && spec.sharp) return pad(goSyntax(a), spec, false);
  switch (kindOf(a)) {
    case 'nil':
      return verb === 'v' ? pad('<nil>', spec, false) : badVerb(verb, a);
    case 'bool':
      return verb === 'v' || verb === 't' ? pad(a ? 'true' : 'false', spec, false) : badVerb(verb, a);
    case 'int':
      return formatInt(numberOf(a), verb, spec) ?? badVerb(verb, a);
    case 'float':
      return formatFloat(numberOf(a), verb, spec) ?? badVerb(verb, a);
    case 'string':
      return formatString(a as string, verb, spec) ?? badVerb(verb, a);
    case 'slice':
      // fmt applies the verb to each element.
      return `[${(a as unknown[]).map((e) => formatArg(e, verb, spec)).join(' ')}]`;
    case 'map': {
      const m = a as Record<string, unknown>;
      return `map[${sortedKeys(m)
        .map((k) => `${formatArg(k, verb, spec)}:${formatArg(m[k], verb, spec)}`)
        .join(' ')}]`;
    }
    case 'time':
      return verb === 'v' || verb === 's' ? pad(String(a), spec, false) : badVerb(verb, a);
    default:
      return verb === 'v' || verb === 's' ? pad(String(a), spec, false) : badVerb(verb, a);
  }
}

function pad(s: string, spec: Spec, zeroAllowed: boolean): string {
  const w = spec.width ?? 0;
  if (w > MAX_BUILT_LENGTH) throw new FunctionError(`width ${formatCount(w)} is more than the ${formatCount(MAX_BUILT_LENGTH)} characters a template may build; see Limits in the README`);
  const len = [...s].length;
  if (len >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - len);
  if (spec.zero && zeroAllowed) {
    const sign = /^[+\- ]/.test(s) ? s[0]! : '';
    return sign + '0'.repeat(w - len) + s.slice(sign.length);
  }
  return ' '.repeat(w - len) + s;
}

function signed(n: number, body: string, spec: Spec): string {
  if (n < 0 || Object.is(n, -0)) return `-${body}`;
  if (spec.plus) return `+${body}`;
  if (spec.space) return ` ${body}`;
  return body;
}

function formatInt(n: number, verb: string, spec: Spec): string | undefined {
  const abs = Math.abs(n);
  let body: string;
  switch (verb) {
    case 'v':
    case 'd':
      body = String(abs);
      break;
    case 'b':
      body = abs.toString(2);
      break;
    case 'o':
      body = (spec.sharp ? '0' : '') + abs.toString(8);
      break;
    case 'O':
      body = `0o${abs.toString(8)}`;
      break;
    case 'x':
      body = (spec.sharp ? '0x' : '') + abs.toString(16);
      break;
    case 'X':
      body = (spec.sharp ? '0X' : '') + abs.toString(16).toUpperCase();
      break;
    case 'c':
      return pad(String.fromCodePoint(n), spec, false);
    case 'q':
      return pad(`'${escapeRune(String.fromCodePoint(n), "'")}'`, spec, false);
    case 'U':
      return pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec, false);
    default:
      return undefined;
  }
  if (spec.prec !== undefined) {
    body = spec.prec === 0 && n === 0 ? '' : body.padStart(spec.prec, '0');
    return pad(signed(n, body, spec), { ...spec, zero: false }, false);
  }
  return pad(signed(n, body, spec), spec, true);
}

function formatFloat(f: number, verb: string, spec: Spec): string | undefined {
  if (!Number.isFinite(f)) {
    const s = Number.isNaN(f) ? (spec.plus ? '+NaN' : spec.space ? ' NaN' : 'NaN') : f < 0 ? '-Inf' : spec.space && !spec.plus ? ' Inf' : '+Inf';
    return pad(s, { ...spec, zero: false }, false);
  }
  const abs = Math.abs(f);
  let body: string;
  switch (verb) {
    case 'v':
      body = spec.prec === undefined ? formatFloatV(abs) : formatG(abs, spec.prec, false);
      break;
    case 'g':
    case 'G':
      body = spec.prec === undefined ? formatFloatV(abs) : formatG(abs, spec.prec, spec.sharp);
      if (verb === 'G') body = body.toUpperCase();
      break;
    case 'f':
    case 'F':
      body = abs.toFixed(spec.prec ?? 6);
      if (spec.sharp && !body.includes('.')) body += '.';
      break;
    case 'e':
    case 'E':
      body = formatE(abs, spec.prec ?? 6);
      if (verb === 'E') body = body.toUpperCase();
      break;
    default:
      return undefined;
  }
  return pad(signed(f, body, spec), spec, true);
}

/** %e: d.ddde±dd with at least two exponent digits. */
function formatE(abs: number, prec: number): string {
  const [mant, exp] = abs.toExponential(prec).split('e') as [string, string];
  const n = Number(exp);
  return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
}

/** %.Ng: N significant digits, exponent form when exp < -4 || exp >= N; trailing zeros dropped unless #. */
function formatG(abs: number, prec: number, sharp: boolean): string {
  const p = prec === 0 ? 1 : prec;
  if (abs === 0) return '0';
  const exp = Number(abs.toExponential(p - 1).split('e')[1]);
  if (exp < -4 || exp >= p) {
    let [mant, e] = abs.toExponential(p - 1).split('e') as [string, string];
    if (!sharp && mant.includes('.')) mant = mant.replace(/\.?0+$/, '');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  let s = abs.toFixed(Math.max(0, p - 1 - exp));
  if (!sharp && s.includes('.')) s = s.replace(/\.?0+$/, '');
  return s;
}

function formatString(s: string, verb: string, spec: Spec): string | undefined {
  switch (verb) {
    case 'v':
    case 's':
      return pad(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, spec, true);
    case 'q':
      if (spec.sharp && !s.includes('`') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) return pad(`\`${s}\``, spec, false);
      return pad(quoteGo(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s), spec, false);
    case 'x':
    case 'X': {
      const hex = Buffer.from(s, 'utf8').toString('hex');
      const body = spec.sharp ? `0x${hex}` : hex;
      return pad(verb === 'X' ? body.toUpperCase() : body, spec, false);
    }
    default:
      return undefined;
  }
}

/** strconv.Quote. */
export function quoteGo(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch, '"');
  return `${out}"`;
}

function escapeRune(ch: string, quote: string): string {
  switch (ch) {
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
    case '\\':
      return '\\\\';
  }
  if (ch === quote) return `\\${ch}`;
  const code = ch.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (!/\p{L}|\p{M}|\p{N}|\p{P}|\p{S}|\x20/u.test(ch)) {
    return code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return ch;
}

/** %#v: Go-syntax representation, good enough for debugging templates. */
function goSyntax(a: unknown): string {
  switch (kindOf(a)) {
    case 'nil':
      return '<nil>';
    case 'string':
      return quoteGo(a as string);
    case 'slice':
      return `[]interface {}{${(a as unknown[]).map(goSyntax).join(', ')}}`;
    case 'map': {
      const m = a as Record<string, unknown>;
      return `map[string]interface {}{${sortedKeys(m)
        .map((k) => `${quoteGo(k)}:${goSyntax(m[k])}`)
        .join(', ')}}`;
    }
    case 'float':
      return formatFloatV(numberOf(a));
    default:
      return formatV(a);
  }
}
