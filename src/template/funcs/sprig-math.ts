/**
 * sprig's math. Integer functions take every operand through cast.ToInt64 ("3" and 3.9 count as 3) and
 * return int64, wrapping on overflow as Go does; float functions go through cast.ToFloat64 and return
 * float64 (addf, subf, mulf, divf in decimal arithmetic, as sprig does).
 */
import { GoFloat, typedSlice } from '../go/values.js';
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';
import { int64, toFloat64, toInt64 } from './convert.js';
import { decimalFold, type DecimalOp } from './decimal.js';
import { formatCount, MAX_BUILT_LENGTH } from '../limits.js';
import { formatV } from '../go/values.js';

function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = typedSlice([], '[]int');
  if (step === 0) return out;
  const length = Math.ceil((stop - start) / step);
  if (length > MAX_BUILT_LENGTH) throw new FunctionError(`a list of ${formatCount(length)} numbers is more than the ${formatCount(MAX_BUILT_LENGTH)} a template may build; see Limits in the README`);
  if (stop < start) {
    if (step >= 0) return out;
    for (let i = start; i > stop; i += step) out.push(i);
    return out;
  }
  if (step <= 0) return out;
  for (let i = start; i < stop; i += step) out.push(i);
  return out;
}

function seq(...params: number[]): string {
  let list: number[];
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      const inc = end < 1 ? -1 : 1;
      list = untilStep(1, end + inc, inc);
      break;
    }
    case 2: {
      const [start, end] = params as [number, number];
      const step = end < start ? -1 : 1;
      list = untilStep(start, end + step, step);
      break;
    }
    case 3: {
      const [start, step, end] = params as [number, number, number];
      let inc = 1;
      if (end < start) {
        inc = -1;
        if (step > 0) return '';
      }
      list = untilStep(start, end + inc, step);
      break;
    }
    default:
      return '';
  }
  return list.join(' ');
}

/** An int64 result, wrapped to 64 bits as Go's arithmetic does. */
function wrap(n: bigint): ReturnType<typeof int64> {
  return int64(Number(BigInt.asIntN(64, n)));
}

const big = (v: unknown) => BigInt(toInt64(v));

function integerDivide(a: unknown, b: unknown, op: 'div' | 'mod'): ReturnType<typeof int64> {
  const d = big(b);
  if (d === 0n) throw new FunctionError('runtime error: integer divide by zero');
  return wrap(op === 'div' ? big(a) / d : big(a) % d);
}

const float = (f: number) => new GoFloat(f);

function decimalOp(op: DecimalOp): (a: unknown, ...rest: unknown[]) => GoFloat {
  return (a, ...rest) => float(decimalFold(toFloat64(a), rest.map(toFloat64), op));
}

/** sprig's round: half-way values (or the given threshold) round away from zero's floor, in float64. */
function round(a: unknown, places: number, ...roundOn: number[]): GoFloat {
  const threshold = roundOn.length > 0 ? roundOn[0]! : 0.5;
  const pow = Math.pow(10, places);
  const digit = pow * toFloat64(a);
  const frac = digit - Math.trunc(digit);
  return float((frac >= threshold ? Math.ceil(digit) : Math.floor(digit)) / pow);
}

/** strconv.ParseInt(fmt.Sprint(v), 8, 64), 0 when it does not parse. */
function toDecimal(v: unknown): ReturnType<typeof int64> {
  const s = formatV(v);
  const m = /^([+-]?)([0-7]+)$/.exec(s.replace(/_/g, 'x'));
  if (!m) return int64(0);
  const n = BigInt(`0o${m[2]}`) * (m[1] === '-' ? -1n : 1n);
  return n > 9_223_372_036_854_775_807n || n < -9_223_372_036_854_775_808n ? int64(0) : int64(Number(n));
}

export const mathFunctions: Record<string, TemplateFunction> = {
  add1: fn(['any'], (a: unknown) => wrap(big(a) + 1n)),
  add: variadic([], 'any', (...a: unknown[]) => wrap(a.reduce<bigint>((sum, v) => sum + big(v), 0n))),
  sub: fn(['any', 'any'], (a: unknown, b: unknown) => wrap(big(a) - big(b))),
  mul: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => wrap(rest.reduce<bigint>((p, v) => BigInt.asIntN(64, p * big(v)), big(a)))),
  div: fn(['any', 'any'], (a: unknown, b: unknown) => integerDivide(a, b, 'div')),
  mod: fn(['any', 'any'], (a: unknown, b: unknown) => integerDivide(a, b, 'mod')),
  max: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => int64(rest.reduce<number>((m, v) => Math.max(m, toInt64(v)), toInt64(a)))),
  biggest: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => int64(rest.reduce<number>((m, v) => Math.max(m, toInt64(v)), toInt64(a)))),
  min: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => int64(rest.reduce<number>((m, v) => Math.min(m, toInt64(v)), toInt64(a)))),
  add1f: fn(['any'], (a: unknown) => float(decimalFold(toFloat64(a), [1], 'add'))),
  addf: variadic([], 'any', (...a: unknown[]) => float(decimalFold(0, a.map(toFloat64), 'add'))),
  subf: variadic(['any'], 'any', decimalOp('sub')),
  mulf: variadic(['any'], 'any', decimalOp('mul')),
  divf: variadic(['any'], 'any', decimalOp('div')),
  maxf: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => float(rest.reduce<number>((m, v) => Math.max(m, toFloat64(v)), toFloat64(a)))),
  minf: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => float(rest.reduce<number>((m, v) => Math.min(m, toFloat64(v)), toFloat64(a)))),
  ceil: fn(['any'], (a: unknown) => float(Math.ceil(toFloat64(a)))),
  floor: fn(['any'], (a: unknown) => float(Math.floor(toFloat64(a)))),
  round: variadic(['any', 'int'], 'float', round),
  toDecimal: fn(['any'], toDecimal),
  until: fn(['int'], (n: number) => untilStep(0, n, n < 0 ? -1 : 1)),
  untilStep: fn(['int', 'int', 'int'], untilStep),
  seq: variadic([], 'int', seq),
};
