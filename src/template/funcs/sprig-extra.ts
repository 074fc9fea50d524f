/** Frequently used sprig functions beyond issue 4's list: list shaping, hashing, type inspection and fail. */
import { createHash } from 'node:crypto';
import { typeName } from '../go/values.js';
import { asList, deepEqual, goKindName, isEmpty, strval } from './convert.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

export const extraFunctions: Record<string, TemplateFunction> = {
  sortAlpha: fn(['any'], (l: unknown) => (Array.isArray(l) ? l.map(strval).sort() : [strval(l)])),
  reverse: fn(['any'], (l: unknown) => [...asList(l, 'reverse')].reverse()),
  compact: fn(['any'], (l: unknown) => asList(l, 'compact').filter((v) => !isEmpty(v))),
  without: variadic(['any'], 'any', (l: unknown, ...omit: unknown[]) => asList(l, 'find without').filter((v) => !omit.some((o) => deepEqual(o, v)))),
  concat: variadic([], 'any', (...lists: unknown[]) => lists.flatMap((l) => asList(l, 'concat'))),
  sha1sum: fn(['string'], (s: string) => createHash('sha1').update(s, 'utf8').digest('hex')),
  nospace: fn(['string'], (s: string) => s.replace(/\s/gu, '')),
  typeOf: fn(['any'], typeName),
  kindOf: fn(['any'], goKindName),
  kindIs: fn(['string', 'any'], (kind: string, v: unknown) => goKindName(v) === kind),
  fail: fn(['string'], (message: string) => {
    throw new FunctionError(message);
  }),
};
