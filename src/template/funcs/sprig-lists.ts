/**
 * sprig's list functions. Each list function fails on a value that is not a list; its `must` variant
 * fails with the same message (in Go the plain one panics and text/template reports the panic the same way).
 */
import { kindOf, nilSlice, sliceType, typedSlice } from '../go/values.js';
import { asList, deepEqual, isEmpty, strval, toInt64 } from './convert.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

function uniq(list: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of list) if (!out.some((o) => deepEqual(o, v))) out.push(v);
  return out;
}

/** sprig's strslice + sort.Strings: lists sort their string forms; anything else is a one-element list. */
function sortAlpha(l: unknown): string[] {
  const strings = Array.isArray(l) ? l.filter((v) => v !== null && v !== undefined).map(strval) : [strval(l)];
  return typedSlice(strings.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), '[]string');
}

function chunk(size: number, l: unknown): unknown[][] {
  const list = asList(l, 'chunk', (kind) => `Cannot chunk type ${kind}`);
  const count = Math.floor((list.length - 1) / size) + 1;
  if (!Number.isFinite(count) || count < 0) throw new FunctionError(`runtime error: makeslice: len out of range`);
  const out: unknown[][] = [];
  for (let i = 0; i < count; i++) out.push(list.slice(i * size, i * size + size));
  return typedSlice(out, '[][]interface {}');
}

function sliceBounds(indexes: unknown[], len: number): [number, number] {
  const start = indexes.length > 0 ? toInt64(indexes[0]) : 0;
  const end = indexes.length > 1 ? toInt64(indexes[1]) : len;
  if (start < 0 || end < start || end > len) {
    throw new FunctionError('reflect.Value.Slice: slice index out of range');
  }
  return [start, end];
}

/** sprig's slice (it replaces text/template's built-in): lists only, indexes through cast.ToInt. */
function slice(l: unknown, ...indexes: unknown[]): unknown {
  const list = asList(l, 'slice', (kind) => `list should be type of slice or array but ${kind}`);
  if (list.length === 0) return null;
  const [start, end] = sliceBounds(indexes, list.length);
  const out = list.slice(start, end);
  const type = sliceType(list);
  return type === '[]interface {}' ? out : typedSlice(out, type as '[]string');
}

/** A list function and its `must` twin (both fail the same way on a non-list). */
function pair(name: string, f: TemplateFunction): Record<string, TemplateFunction> {
  return { [name]: f, [`must${name[0]!.toUpperCase()}${name.slice(1)}`]: f };
}

export const listFunctions: Record<string, TemplateFunction> = {
  list: variadic([], 'any', (...v: unknown[]) => v),
  tuple: variadic([], 'any', (...v: unknown[]) => v),
  ...pair('push', fn(['any', 'any'], (l: unknown, v: unknown) => [...asList(l, 'push'), v])),
  ...pair('append', fn(['any', 'any'], (l: unknown, v: unknown) => [...asList(l, 'push'), v])),
  ...pair('prepend', fn(['any', 'any'], (l: unknown, v: unknown) => [v, ...asList(l, 'prepend')])),
  ...pair('first', fn(['any'], (l: unknown) => {
    const list = asList(l, 'find first');
    return list.length ? list[0] : null;
  })),
  ...pair('last', fn(['any'], (l: unknown) => {
    const list = asList(l, 'find last');
    return list.length ? list[list.length - 1] : null;
  })),
  ...pair('rest', fn(['any'], (l: unknown) => {
    const list = asList(l, 'find rest');
    return list.length ? list.slice(1) : nilSlice();
  })),
  ...pair('initial', fn(['any'], (l: unknown) => {
    const list = asList(l, 'find initial');
    return list.length ? list.slice(0, -1) : nilSlice();
  })),
  ...pair('reverse', fn(['any'], (l: unknown) => [...asList(l, 'find reverse')].reverse())),
  ...pair('uniq', fn(['any'], (l: unknown) => uniq(asList(l, 'find uniq')))),
  ...pair('compact', fn(['any'], (l: unknown) => asList(l, 'compact').filter((v) => !isEmpty(v)))),
  ...pair('without', variadic(['any'], 'any', (l: unknown, ...omit: unknown[]) => asList(l, 'find without').filter((v) => !omit.some((o) => deepEqual(o, v))))),
  ...pair('has', fn(['any', 'any'], (needle: unknown, haystack: unknown) => {
    if (haystack === null || haystack === undefined) return false;
    return asList(haystack, 'find has').some((v) => deepEqual(needle, v));
  })),
  ...pair('slice', variadic(['any'], 'any', slice)),
  ...pair('chunk', fn(['int', 'any'], chunk)),
  concat: variadic([], 'any', (...lists: unknown[]) => {
    const out = lists.flatMap((l) => asList(l, 'concat', (kind) => `Cannot concat type ${kind} as list`));
    return out.length === 0 ? nilSlice() : out;
  }),
  sortAlpha: fn(['any'], (l: unknown) => (kindOf(l) === 'slice' ? sortAlpha(l) : typedSlice([strval(l)], '[]string'))),
};
