/** sprig's list and dict functions. Dict keys are listed sorted (Go's order is random; sorted is reproducible). */
import { isPlainMap, sortedKeys, type GoMap } from '../go/values.js';
import { asList, deepEqual, strval } from './convert.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) if (!out.some((o) => deepEqual(o, v))) out.push(v);
  return out;
}

function dict(...pairs: unknown[]): GoMap {
  const out: GoMap = {};
  for (let i = 0; i < pairs.length; i += 2) out[strval(pairs[i])] = i + 1 < pairs.length ? pairs[i + 1] : '';
  return out;
}

/** mergo.Merge without overwrite: fills keys missing from dst, recursing into nested maps. */
function mergeInto(dst: GoMap, src: GoMap): void {
  for (const [k, v] of Object.entries(src)) {
    const cur = dst[k];
    if (isPlainMap(cur) && isPlainMap(v)) mergeInto(cur, v);
    else if (!Object.hasOwn(dst, k) || cur === null || cur === undefined) dst[k] = v;
  }
}

function requireMap(v: unknown, name: string): GoMap {
  if (!isPlainMap(v)) throw new FunctionError(`assignment to entry in nil map (${name})`);
  return v;
}

export const listFunctions: Record<string, TemplateFunction> = {
  list: variadic([], 'any', (...v: unknown[]) => v),
  append: fn(['any', 'any'], (l: unknown, v: unknown) => [...asList(l, 'push'), v]),
  push: fn(['any', 'any'], (l: unknown, v: unknown) => [...asList(l, 'push'), v]),
  prepend: fn(['any', 'any'], (l: unknown, v: unknown) => [v, ...asList(l, 'prepend')]),
  first: fn(['any'], (l: unknown) => (asList(l, 'find first').length ? (l as unknown[])[0] : null)),
  last: fn(['any'], (l: unknown) => {
    const list = asList(l, 'find last');
    return list.length ? list[list.length - 1] : null;
  }),
  rest: fn(['any'], (l: unknown) => {
    const list = asList(l, 'find rest');
    return list.length ? list.slice(1) : null;
  }),
  initial: fn(['any'], (l: unknown) => {
    const list = asList(l, 'find initial');
    return list.length ? list.slice(0, -1) : null;
  }),
  uniq: fn(['any'], (l: unknown) => uniq(asList(l, 'find uniq'))),
  has: fn(['any', 'any'], (needle: unknown, haystack: unknown) => {
    if (haystack === null || haystack === undefined) return false;
    return asList(haystack, 'find has').some((v) => deepEqual(v, needle));
  }),
  dict: variadic([], 'any', dict),
  get: fn(['map', 'string'], (d: GoMap | null, key: string) => (d && Object.hasOwn(d, key) ? d[key] : '')),
  set: fn(['map', 'string', 'any'], (d: GoMap | null, key: string, value: unknown) => {
    requireMap(d, 'set')[key] = value;
    return d;
  }),
  unset: fn(['map', 'string'], (d: GoMap | null, key: string) => {
    if (d) delete d[key];
    return d;
  }),
  hasKey: fn(['map', 'string'], (d: GoMap | null, key: string) => d !== null && Object.hasOwn(d, key)),
  keys: variadic([], 'map', (...dicts: (GoMap | null)[]) => dicts.flatMap((d) => (d ? sortedKeys(d) : []))),
  values: fn(['map'], (d: GoMap | null) => (d ? sortedKeys(d).map((k) => d[k]) : [])),
  pluck: variadic(['string'], 'map', (name: string, ...dicts: (GoMap | null)[]) =>
    dicts.filter((d): d is GoMap => d !== null && Object.hasOwn(d, name)).map((d) => d[name]),
  ),
  merge: variadic(['map'], 'map', (dst: GoMap | null, ...srcs: (GoMap | null)[]) => {
    const target = requireMap(dst, 'merge');
    for (const s of srcs) if (s) mergeInto(target, s);
    return target;
  }),
};
