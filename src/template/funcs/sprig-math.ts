/** sprig's integer math: every operand goes through cast.ToInt64, so "3" and 3.9 count as 3. */
import { FunctionError, fn, variadic, type TemplateFunction } from './types.js';
import { int64, toInt64 } from './convert.js';
import { formatCount, MAX_BUILT_LENGTH } from '../limits.js';

function untilStep(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
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

function integerDivide(a: unknown, b: unknown, op: 'div' | 'mod'): number {
  const d = toInt64(b);
  if (d === 0) throw new FunctionError('runtime error: integer divide by zero');
  const n = toInt64(a);
  return op === 'div' ? Math.trunc(n / d) : n % d;
}

export const mathFunctions: Record<string, TemplateFunction> = {
  add1: fn(['any'], (a: unknown) => int64(toInt64(a) + 1)),
  add: variadic([], 'any', (...a: unknown[]) => int64(a.reduce<number>((sum, v) => sum + toInt64(v), 0))),
  sub: fn(['any', 'any'], (a: unknown, b: unknown) => int64(toInt64(a) - toInt64(b))),
  mul: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => int64(rest.reduce<number>((p, v) => p * toInt64(v), toInt64(a)))),
  div: fn(['any', 'any'], (a: unknown, b: unknown) => int64(integerDivide(a, b, 'div'))),
  mod: fn(['any', 'any'], (a: unknown, b: unknown) => int64(integerDivide(a, b, 'mod'))),
  max: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => int64(rest.reduce<number>((m, v) => Math.max(m, toInt64(v)), toInt64(a)))),
  min: variadic(['any'], 'any', (a: unknown, ...rest: unknown[]) => int64(rest.reduce<number>((m, v) => Math.min(m, toInt64(v)), toInt64(a)))),
  until: fn(['int'], (n: number) => untilStep(0, n, n < 0 ? -1 : 1)),
  untilStep: fn(['int', 'int', 'int'], untilStep),
  seq: variadic([], 'int', seq),
};
