/**
 * sprig's regular expression functions. The plain ones panic in Go on a bad expression (regexMatch
 * returns false instead); the `must` ones return Go's compile error. Both fail here with Go's message.
 */
import { typedSlice } from '../go/values.js';
import { goMatches, goRegExp, goReplaceAll, goSplit, mustCompile, quoteMeta, RegexpError } from './go-regexp.js';
import { fn, type TemplateFunction } from './types.js';

const findAll = (compile: (s: string) => RegExp) => (re: string, s: string, n: number) => typedSlice(goMatches(compile(re), s, n).map((m) => m[0]), '[]string');
const find = (compile: (s: string) => RegExp) => (re: string, s: string) => goMatches(compile(re), s, 1)[0]?.[0] ?? '';
const replace = (compile: (s: string) => RegExp, literal: boolean) => (re: string, s: string, repl: string) => goReplaceAll(compile(re), s, repl, literal);
const split = (compile: (s: string) => RegExp) => (re: string, s: string, n: number) => typedSlice(goSplit(compile(re), re, s, n), '[]string');

export const regexFunctions: Record<string, TemplateFunction> = {
  regexMatch: fn(['string', 'string'], (re: string, s: string) => {
    try {
      return goMatches(goRegExp(re), s, 1).length > 0;
    } catch (err) {
      if (err instanceof RegexpError) return false;
      throw err;
    }
  }),
  mustRegexMatch: fn(['string', 'string'], (re: string, s: string) => goMatches(goRegExp(re), s, 1).length > 0),
  regexFindAll: fn(['string', 'string', 'int'], findAll(mustCompile)),
  mustRegexFindAll: fn(['string', 'string', 'int'], findAll(goRegExp)),
  regexFind: fn(['string', 'string'], find(mustCompile)),
  mustRegexFind: fn(['string', 'string'], find(goRegExp)),
  regexReplaceAll: fn(['string', 'string', 'string'], replace(mustCompile, false)),
  mustRegexReplaceAll: fn(['string', 'string', 'string'], replace(goRegExp, false)),
  regexReplaceAllLiteral: fn(['string', 'string', 'string'], replace(mustCompile, true)),
  mustRegexReplaceAllLiteral: fn(['string', 'string', 'string'], replace(goRegExp, true)),
  regexSplit: fn(['string', 'string', 'int'], split(mustCompile)),
  mustRegexSplit: fn(['string', 'string', 'int'], split(goRegExp)),
  regexQuoteMeta: fn(['string'], quoteMeta),
};
