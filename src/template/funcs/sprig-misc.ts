/** sprig's defaults, conversions, randomness, environment and semver. */
import { execFileSync } from 'node:child_process';
import { randomInt, randomUUID } from 'node:crypto';
import { GoFloat } from '../go/values.js';
import { atoi, int64, isEmpty, toFloat64, toInt64 } from './convert.js';
import { semverFunctions } from './semver.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const NUMERIC = '0123456789';
const ASCII = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

function randomFrom(charset: string, count: number): string {
  if (count < 0) throw new FunctionError(`Requested random string length ${count} is less than 0.`);
  let out = '';
  for (let i = 0; i < count; i++) out += charset[randomInt(charset.length)];
  return out;
}

/** os.ExpandEnv: $NAME and ${NAME} replaced by the variable (empty when unset). */
function expandEnv(s: string): string {
  return s.replace(/\$(\{([^}]*)\}|([A-Za-z0-9_]+)|([*#$@!?\-0-9]))?/g, (all, _b, braced?: string, plain?: string, special?: string) => {
    const name = braced ?? plain ?? special;
    if (name === undefined) return all;
    return process.env[name] ?? '';
  });
}

/** net.LookupHost through the system resolver (getent), then one address at random, as sprig picks. */
function getHostByName(name: string): string {
  let addresses: string[] = [];
  try {
    const out = execFileSync('getent', ['ahosts', name], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    addresses = [...new Set(out.split('\n').map((l) => l.split(/\s+/)[0]!).filter(Boolean))];
  } catch {
    addresses = [];
  }
  if (addresses.length === 0) throw new FunctionError('invalid argument to Intn');
  return addresses[randomInt(addresses.length)]!;
}

export const miscFunctions: Record<string, TemplateFunction> = {
  hello: fn([], () => 'Hello!'),
  default: variadic(['any'], 'any', (d: unknown, ...given: unknown[]) => (given.length === 0 || isEmpty(given[0]) ? d : given[0])),
  empty: fn(['any'], isEmpty),
  coalesce: variadic([], 'any', (...v: unknown[]) => v.find((x) => !isEmpty(x)) ?? null),
  all: variadic([], 'any', (...v: unknown[]) => v.every((x) => !isEmpty(x))),
  any: variadic([], 'any', (...v: unknown[]) => v.some((x) => !isEmpty(x))),
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
  expandenv: fn(['string'], expandEnv),
  getHostByName: fn(['string'], getHostByName),
  ...semverFunctions,
};
