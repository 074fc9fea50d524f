/** sprig's reflection functions (typeOf, kindOf, deepEqual, ...) and fail. */
import { typeName } from '../go/values.js';
import { deepEqual, goKindName } from './convert.js';
import { FunctionError, fn, type TemplateFunction } from './types.js';

export const reflectFunctions: Record<string, TemplateFunction> = {
  typeOf: fn(['any'], typeName),
  typeIs: fn(['string', 'any'], (target: string, v: unknown) => target === typeName(v)),
  typeIsLike: fn(['string', 'any'], (target: string, v: unknown) => target === typeName(v) || `*${target}` === typeName(v)),
  kindOf: fn(['any'], goKindName),
  kindIs: fn(['string', 'any'], (kind: string, v: unknown) => goKindName(v) === kind),
  deepEqual: fn(['any', 'any'], deepEqual),
  fail: fn(['string'], (message: string) => {
    throw new FunctionError(message);
  }),
};
