/** The conversions sprig relies on: spf13/cast's ToInt64/ToFloat64, sprig's strval and empty, reflect.DeepEqual. */
import { GoInt64, formatV, kindOf, numberOf, sliceType, type GoMap } from '../go/values.js';
import type { GoTime } from '../go/time.js';
import { FunctionError, isGoObject } from './types.js';

/** cast.ToInt64: numbers truncate, strings parse with Go's base prefixes ("0x1f"), anything unparsable is 0. */
export function toInt64(v: unknown): number {
  switch (kindOf(v)) {
    case 'int':
      return numberOf(v);
    case 'float':
      return Math.trunc(numberOf(v));
    case 'bool':
      return v ? 1 : 0;
    case 'string':
      return parseGoInt(trimZeroDecimal(v as string)) ?? 0;
    default:
      return 0;
  }
}

/** cast.ToFloat64. */
export function toFloat64(v: unknown): number {
  switch (kindOf(v)) {
    case 'int':
    case 'float':
      return numberOf(v);
    case 'bool':
      return v ? 1 : 0;
    case 'string':
      return parseGoFloat(v as string) ?? 0;
    default:
      return 0;
  }
}

/** strconv.ParseFloat(s, 64) for decimal forms, infinities and NaN; undefined when Go would refuse it. */
export function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
  if (!special) return undefined;
  if (special[2]!.toLowerCase() === 'nan') return special[1] ? undefined : NaN;
  return special[1] === '-' ? -Infinity : Infinity;
}

function trimZeroDecimal(s: string): string {
  const m = /^([+-]?\d+)\.0*$/.exec(s);
  return m ? m[1]! : s;
}

/** strconv.ParseInt(s, 0, 64). */
export function parseGoInt(s: string): number | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$/.exec(s);
  if (!m) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2]!.replace(/_/g, '');
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return Number.isNaN(n) ? undefined : sign * n;
}

/** strconv.Atoi: decimal only. */
export function atoi(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/** sprig's strval: strings as they are, everything else as fmt's %v. */
export function strval(v: unknown): string {
  return typeof v === 'string' ? v : formatV(v);
}

/** sprig's empty: nil, zero numbers, false, and empty strings, lists and maps. */
export function isEmpty(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'nil':
      return true;
    case 'bool':
      return !v;
    case 'int':
    case 'float':
      return numberOf(v) === 0;
    case 'string':
      return (v as string).length === 0;
    case 'slice':
      return (v as unknown[]).length === 0;
    case 'map':
      return Object.keys(v as GoMap).length === 0;
    default:
      return false;
  }
}

/** reflect.DeepEqual over template values: an int never equals a float64. */
export function deepEqual(a: unknown, b: unknown): boolean {
  const ka = kindOf(a);
  if (ka !== kindOf(b)) return false;
  switch (ka) {
    case 'nil':
      return true;
    case 'int':
    case 'float':
      return numberOf(a) === numberOf(b);
    case 'slice': {
      const x = a as unknown[];
      const y = b as unknown[];
      if (sliceType(x) !== sliceType(y)) return false;
      return x.length === y.length && x.every((e, i) => deepEqual(e, y[i]));
    }
    case 'map': {
      const x = a as GoMap;
      const y = b as GoMap;
      const kx = Object.keys(x);
      return kx.length === Object.keys(y).length && kx.every((k) => Object.hasOwn(y, k) && deepEqual(x[k], y[k]));
    }
    case 'time': {
      const x = a as GoTime;
      const y = b as GoTime;
      return x.sec === y.sec && x.nsec === y.nsec && x.loc === y.loc;
    }
    default:
      return a === b;
  }
}

/** A list argument (sprig accepts any slice); `message` words sprig's error for anything else. */
export function asList(v: unknown, what: string, message = (kind: string) => `Cannot ${what} on type ${kind}`): unknown[] {
  if (Array.isArray(v)) return v;
  // sprig asks reflect.TypeOf(nil).Kind(): a nil pointer dereference in Go.
  if (v === null || v === undefined) throw new FunctionError('runtime error: invalid memory address or nil pointer dereference');
  throw new FunctionError(message(goKindName(v)));
}

/** reflect.Kind names, as sprig's kindOf and its panics report them. */
export function goKindName(v: unknown): string {
  switch (kindOf(v)) {
    case 'nil':
      return 'invalid';
    case 'int':
      return v instanceof GoInt64 ? 'int64' : 'int';
    case 'float':
      return 'float64';
    case 'time':
      return 'struct';
    case 'other':
      return isGoObject(v) ? v.goKind : 'invalid';
    default:
      return kindOf(v);
  }
}

/** sprig's int64 results. */
export function int64(n: number): GoInt64 {
  return new GoInt64(n);
}
