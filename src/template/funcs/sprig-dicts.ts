/**
 * sprig's dict functions. Dict keys are listed sorted where Go's order is random (keys, values), so output
 * is reproducible; merge and mergeOverwrite follow mergo (maps merge deeply; merge fills keys whose value is
 * missing or empty, mergeOverwrite takes every source value, empty ones too).
 */
import { isPlainMap, sortedKeys, typeName, typedSlice, type GoMap } from '../go/values.js';
import { isEmpty, strval } from './convert.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

function dict(...pairs: unknown[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < pairs.length; i += 2) out[strval(pairs[i])] = i + 1 < pairs.length ? pairs[i + 1] : '';
  return out;
}

/** mergo.Merge (overwrite false) and mergo.MergeWithOverwrite of map[string]interface{} values. */
function mergeInto(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const [k, v] of Object.entries(src)) {
    const cur = dst[k];
    if (isPlainMap(cur) && isPlainMap(v)) mergeInto(cur, v, overwrite);
    else if (overwrite || isEmpty(cur)) dst[k] = v;
  }
}

function merger(overwrite: boolean): TemplateFunction {
  return variadic(['map'], 'map', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => {
    if (dst === null) {
      if (srcs.some((s) => s !== null && Object.keys(s).length > 0)) throw new FunctionError('assignment to entry in nil map');
      return null;
    }
    for (const s of srcs) if (s) mergeInto(dst, s, overwrite);
    return dst;
  });
}

/** copystructure.Copy of template data: maps and lists copied deeply, everything else shared. */
function deepCopy(v: unknown): unknown {
  if (v === null || v === undefined) throw new FunctionError('reflect: call of reflect.Value.Type on zero Value');
  return copy(v);
}

function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (isPlainMap(v)) {
    const out: GoMap = {};
    for (const [k, e] of Object.entries(v)) out[k] = copy(e);
    return out;
  }
  return v;
}

function dig(...args: unknown[]): unknown {
  if (args.length < 3) throw new FunctionError('dig needs at least three arguments');
  const last = args[args.length - 1];
  if (!isPlainMap(last)) throw new FunctionError(`interface conversion: interface {} is ${typeNameForConversion(last)}, not map[string]interface {}`);
  const fallback = args[args.length - 2];
  const keys = args.slice(0, -2).map((k) => {
    if (typeof k !== 'string') throw new FunctionError(`interface conversion: interface {} is ${typeNameForConversion(k)}, not string`);
    return k;
  });
  let current: GoMap = last;
  for (let i = 0; i < keys.length; i++) {
    if (!Object.hasOwn(current, keys[i]!)) return fallback;
    const step = current[keys[i]!];
    if (i === keys.length - 1) return step;
    if (!isPlainMap(step)) throw new FunctionError(`interface conversion: interface {} is ${typeNameForConversion(step)}, not map[string]interface {}`);
    current = step;
  }
  return fallback;
}

function typeNameForConversion(v: unknown): string {
  return v === null || v === undefined ? 'nil' : typeName(v);
}

export const dictFunctions: Record<string, TemplateFunction> = {
  dict: variadic([], 'any', dict),
  get: fn(['map', 'string'], (d: GoMap | null, key: string) => (d && Object.hasOwn(d, key) ? d[key] : '')),
  set: fn(['map', 'string', 'any'], (d: GoMap | null, key: string, value: unknown) => {
    if (d === null) throw new FunctionError('assignment to entry in nil map');
    d[key] = value;
    return d;
  }),
  unset: fn(['map', 'string'], (d: GoMap | null, key: string) => {
    if (d) delete d[key];
    return d;
  }),
  hasKey: fn(['map', 'string'], (d: GoMap | null, key: string) => d !== null && Object.hasOwn(d, key)),
  keys: variadic([], 'map', (...dicts: (GoMap | null)[]) => typedSlice(dicts.flatMap((d) => (d ? sortedKeys(d) : [])), '[]string')),
  values: fn(['map'], (d: GoMap | null) => (d ? sortedKeys(d).map((k) => d[k]) : [])),
  pluck: variadic(['string'], 'map', (name: string, ...dicts: (GoMap | null)[]) =>
    dicts.filter((d): d is GoMap => d !== null && Object.hasOwn(d, name)).map((d) => d[name]),
  ),
  pick: variadic(['map'], 'string', (d: GoMap | null, ...keys: string[]) => {
    const out: GoMap = {};
    for (const k of keys) if (d && Object.hasOwn(d, k)) out[k] = d[k];
    return out;
  }),
  omit: variadic(['map'], 'string', (d: GoMap | null, ...keys: string[]) => {
    const out: GoMap = {};
    for (const [k, v] of Object.entries(d ?? {})) if (!keys.includes(k)) out[k] = v;
    return out;
  }),
  merge: merger(false),
  mustMerge: merger(false),
  mergeOverwrite: merger(true),
  mustMergeOverwrite: merger(true),
  deepCopy: fn(['any'], deepCopy),
  mustDeepCopy: fn(['any'], deepCopy),
  dig: variadic([], 'any', dig),
};
