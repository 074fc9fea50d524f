/** sprig's defaults, conversions, randomness, environment, dates, regular expressions and semver. */
import { randomInt, randomUUID } from 'node:crypto';
import { GoFloat } from '../go/values.js';
import { atoi, int64, isEmpty, toFloat64, toInt64 } from './convert.js';
import { semverSatisfies } from './semver.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';
import { formatGoDate } from './go-time.js';
import { goRegExp, goExpand } from './go-regexp.js';

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NUMERIC = '0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function randomFrom(charset: string, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += charset[randomInt(charset.length)];
  return out;
}

export const miscFunctions: Record<string, TemplateFunction> = {
  default: variadic(['any'], 'any', (d: unknown, ...given: unknown[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0])),
  empty: fn(['any'], isEmpty),
  coalesce: variadic([], 'any', (...v: unknown[]) => v.find((x) => !isEmpty(x)) ?? null),
  ternary: fn(['any', 'any', 'bool'], (vt: unknown, vf: unknown, cond: boolean) => (cond ? vt : vf)),
  int: fn(['any'], toInt64),
  int64: fn(['any'], (v: unknown) => int64(toInt64(v))),
  float64: fn(['any'], (v: unknown) => new GoFloat(toFloat64(v))),
  atoi: fn(['string'], (s: string) => atoi(s) ?? 0),
  randAlphaNum: fn(['int'], (n: number) => randomFrom(ALPHA + NUMERIC, n)),
  randAlpha: fn(['int'], (n: number) => randomFrom(ALPHA, n)),
  randNumeric: fn(['int'], (n: number) => randomFrom(NUMERIC, n)),
  randAscii: fn(['int'], (n: number) => randomFrom(ASCII, n)),
  randInt: fn(['int', 'int'], (min: number, max: number) => {
    if (max <= min) throw new FunctionError('invalid argument to Intn');
    return min + randomInt(max - min);
  }),
  uuidv4: fn([], () => randomUUID()),
  env: fn(['string'], (name: string) => process.env[name] ?? ''),
  now: fn([], () => new Date()),
  date: fn(['string', 'any'], (layout: string, d: unknown) => formatGoDate(layout, toDate(d))),
  regexMatch: fn(['string', 'string'], (re: string, s: string) => goRegExp(re).test(s)),
  regexReplaceAll: fn(['string', 'string', 'string'], (re: string, s: string, repl: string) =>
    s.replace(goRegExp(re, 'g'), (...m: unknown[]) => goExpand(repl, m)),
  ),
  semverCompare: fn(['string', 'string'], (constraint: string, version: string) => semverSatisfies(constraint, version)),
};

function toDate(d: unknown): Date {
  if (d instanceof Date) return d;
  if (typeof d === 'number' && Number.isInteger(d)) return new Date(d * 1000);
  return new Date();
}

