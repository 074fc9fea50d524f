/** text/template's predefined functions. */
import { formatV, isTrue, kindOf, numberOf, typeName, type GoMap, type Kind } from '../go/values.js';
import { sprint, sprintf, sprintln } from './printf.js';
import { deepEqual } from './convert.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

export const builtinFunctions: Record<string, TemplateFunction> = {
  and: { params: [], variadic: 'any', fn: () => undefined, shortCircuit: 'and' },
  or: { params: [], variadic: 'any', fn: () => undefined, shortCircuit: 'or' },
  not: fn(['any'], (v: unknown) => !isTrue(v)),
  len: fn(['any'], goLen),
  index: variadic(['any'], 'any', goIndex),
  print: variadic([], 'any', (...a: unknown[]) => sprint(a)),
  printf: variadic(['string'], 'any', (f: string, ...a: unknown[]) => sprintf(f, a)),
  println: variadic([], 'any', (...a: unknown[]) => sprintln(a)),
  eq: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => {
    if (rest.length === 0) throw new FunctionError('missing argument for comparison');
    return rest.some((b) => equal(a, b));
  }),
  ne: fn(['any', 'any'], (a: unknown, b: unknown) => !equal(a, b)),
  lt: fn(['any', 'any'], (a: unknown, b: unknown) => lessThan(a, b)),
  le: fn(['any', 'any'], (a: unknown, b: unknown) => lessThan(a, b) || equal(a, b)),
  gt: fn(['any', 'any'], (a: unknown, b: unknown) => !(lessThan(a, b) || equal(a, b))),
  ge: fn(['any', 'any'], (a: unknown, b: unknown) => !lessThan(a, b)),
  html: variadic([], 'any', (...a: unknown[]) => htmlEscape(evalArgs(a))),
  js: variadic([], 'any', (...a: unknown[]) => jsEscape(evalArgs(a))),
  urlquery: variadic([], 'any', (...a: unknown[]) => queryEscape(evalArgs(a))),
};

function goLen(v: unknown): number {
  switch (kindOf(v)) {
    case 'string':
      return Buffer.byteLength(v as string, 'utf8');
    case 'slice':
      return (v as unknown[]).length;
    case 'map':
      return Object.keys(v as GoMap).length;
    case 'nil':
      throw new FunctionError('len of nil pointer');
    default:
      throw new FunctionError(`len of type ${typeName(v)}`);
  }
}

function indexArg(index: unknown, len: number, cap = len): number {
  if (kindOf(index) !== 'int') throw new FunctionError(`cannot index slice/array with type ${typeName(index)}`);
  const x = numberOf(index);
  if (x < 0 || x > cap) throw new FunctionError(`index out of range: ${x}`);
  return x;
}

function goIndex(item: unknown, ...indexes: unknown[]): unknown {
  let v = item;
  for (const index of indexes) {
    switch (kindOf(v)) {
      case 'slice': {
        const list = v as unknown[];
        const x = indexArg(index, list.length);
        if (x === list.length) throw new FunctionError(`index out of range: ${x}`);
        v = list[x];
        break;
      }
      case 'string': {
        const bytes = Buffer.from(v as string, 'utf8');
        const x = indexArg(index, bytes.length);
        if (x === bytes.length) throw new FunctionError(`index out of range: ${x}`);
        v = bytes[x];
        break;
      }
      case 'map':
        if (typeof index !== 'string') throw new FunctionError(`value has type ${typeName(index)}; should be string`);
        v = Object.hasOwn(v as GoMap, index) ? (v as GoMap)[index] : null;
        break;
      case 'nil':
        throw new FunctionError('index of untyped nil');
      default:
        throw new FunctionError(`can't index item of type ${typeName(v)}`);
    }
  }
  return v ?? null;
}

type BasicKind = 'bool' | 'int' | 'float' | 'string';
const BASIC = new Set<Kind>(['bool', 'int', 'float', 'string']);

function basic(k: Kind): k is BasicKind {
  return BASIC.has(k);
}

function equal(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) {
    if (ka !== 'nil' && kb !== 'nil') throw new FunctionError(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
    return false;
  }
  if (basic(ka)) return ka === 'int' || ka === 'float' ? numberOf(a) === numberOf(b) : a === b;
  if (ka === 'nil') return true;
  if (ka === 'slice' || ka === 'map') throw new FunctionError(`non-comparable type ${formatV(a)}: ${typeName(a)}`);
  if (ka === 'time') return deepEqual(a, b);
  return a === b;
}

function lessThan(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (!basic(ka) || !basic(kb)) throw new FunctionError('invalid type for comparison');
  if (ka !== kb) throw new FunctionError(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
  if (ka === 'bool') throw new FunctionError('invalid type for comparison');
  if (ka === 'string') return (a as string) < (b as string);
  return numberOf(a) < numberOf(b);
}

/** text/template's evalArgs: a single string as is, otherwise fmt.Sprint of all. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
}

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if ('<>&='.includes(ch)) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else if (code < 0x20) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

