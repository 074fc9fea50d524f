import { GoTime } from './time.js';
import { isGoObject } from '../funcs/types.js';

/**
 * Go's view of JavaScript values. Templates see data as Go's `map[string]interface{}` from YAML/JSON:
 * a whole JS number is an `int`, a fractional one a `float64`; `GoFloat` carries a float64 whose value
 * happens to be whole (from `float64`, `fromJson`, a literal `1.0`) so ints and floats stay apart.
 */
export class GoFloat {
  constructor(readonly value: number) {}
  toString(): string {
    return formatFloatV(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

/**
 * An int64, as sprig's math returns. Go refuses it where a function wants an `int`
 * ("wrong type for value; expected int; got int64"), so templates need `int (add 1 2)` there, as in Go.
 */
export class GoInt64 {
  constructor(readonly value: number) {}
  toString(): string {
    return String(this.value);
  }
  toJSON(): number {
    return this.value;
  }
}

export type GoMap = Record<string, unknown>;

/**
 * Go's static type of a slice some functions return ([]string from splitList, []int from until, ...).
 * Every other JS array is a `[]interface {}`. Go keeps them apart: typeOf prints it, deepEqual compares
 * it, and a `[]int` parameter refuses a `[]interface {}`.
 */
const sliceTypes = new WeakMap<unknown[], string>();
/** Slices that are Go's typed nil ([]interface {}(nil)): they print as [] and encode to JSON as null. */
const nilSlices = new WeakSet<unknown[]>();

export function typedSlice<T>(list: T[], goType: '[]string' | '[]int' | '[][]interface {}'): T[] {
  sliceTypes.set(list, goType);
  return list;
}

export function nilSlice(): unknown[] {
  const list: unknown[] = [];
  nilSlices.add(list);
  return list;
}

export function isNilSlice(v: unknown): boolean {
  return Array.isArray(v) && nilSlices.has(v);
}

export function sliceType(list: unknown[]): string {
  return sliceTypes.get(list) ?? '[]interface {}';
}
export type Kind = 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'time' | 'func' | 'other';

export function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'nil';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (v instanceof GoFloat) return 'float';
      if (v instanceof GoInt64) return 'int';
      if (Array.isArray(v)) return 'slice';
      if (v instanceof GoTime) return 'time';
      if (isPlainMap(v)) return 'map';
      return 'other';
    default:
      return 'other';
  }
}

export function isPlainMap(v: unknown): v is GoMap {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isFloat(v: unknown): boolean {
  return v instanceof GoFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** The numeric value of an int or float. */
export function numberOf(v: unknown): number {
  if (v instanceof GoFloat || v instanceof GoInt64) return v.value;
  if (typeof v === 'bigint') return Number(v);
  return v as number;
}

/** Go's type name for messages and %T. */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return v instanceof GoInt64 ? 'int64' : 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'slice':
      return sliceType(v as unknown[]);
    case 'map':
      return 'map[string]interface {}';
    case 'time':
      return 'time.Time';
    case 'func':
      return 'func';
    default:
      return isGoObject(v) ? v.goType : ((v as object).constructor?.name ?? 'object');
  }
}

/** text/template's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return numberOf(v) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return Object.keys(v as GoMap).length > 0;
    default:
      return true;
  }
}

/** Keys in Go's iteration order for templates: sorted (numbers numerically when all keys are). */
export function sortedKeys(m: GoMap): string[] {
  const keys = Object.keys(m);
  return keys.sort(compareKeys);
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** fmt's %v (and Print) of a value. */
export function formatV(v: unknown): string {
  switch (kindOf(v)) {
    case 'nil':
      return '<nil>';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return String(numberOf(v));
    case 'float':
      return formatFloatV(numberOf(v));
    case 'string':
      return v as string;
    case 'slice':
      return `[${(v as unknown[]).map(formatV).join(' ')}]`;
    case 'map': {
      const m = v as GoMap;
      return `map[${sortedKeys(m)
        .map((k) => `${k}:${formatV(m[k])}`)
        .join(' ')}]`;
    }
    default:
      return String(v);
  }
}

/** strconv.FormatFloat(f, 'g', -1, 64), fmt's %v: shortest digits, exponent form below 1e-4 and from 1e6 (Go's rule). */
export function formatFloatV(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expStr] = f.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(f);
}

