/**
 * The decimal arithmetic sprig's float functions (addf, subf, mulf, divf, add1f) run through
 * shopspring/decimal: each operand becomes the shortest decimal that reads back as its float64, the
 * operation is exact (division rounds half away from zero to 16 places), and the result is read back
 * as the nearest float64. So `addf 0.1 0.2` is 0.3, as in Go.
 */
import { FunctionError } from './types.js';

interface Decimal {
  coef: bigint;
  exp: number;
}

const DIVISION_PRECISION = 16;

function fromFloat(f: number): Decimal {
  if (!Number.isFinite(f)) throw new FunctionError(`Cannot create a Decimal from ${f}`);
  const [mant, e] = f.toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '').replace('-', '');
  const fracLen = (mant.split('.')[1] ?? '').length;
  return { coef: BigInt((f < 0 ? '-' : '') + digits), exp: Number(e) - fracLen };
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

function toFloat(d: Decimal): number {
  return Number(`${d.coef}e${d.exp}`);
}

export type DecimalOp = 'add' | 'sub' | 'mul' | 'div';

function apply(a: Decimal, b: Decimal, op: DecimalOp): Decimal {
  switch (op) {
    case 'add':
    case 'sub': {
      const [x, y, exp] = align(a, b);
      return { coef: op === 'add' ? x + y : x - y, exp };
    }
    case 'mul':
      return { coef: a.coef * b.coef, exp: a.exp + b.exp };
    case 'div': {
      if (b.coef === 0n) throw new FunctionError('decimal division by 0');
      // a / b rounded half away from zero to DIVISION_PRECISION places.
      const shift = DIVISION_PRECISION + 1 + a.exp - b.exp;
      const num = shift >= 0 ? a.coef * 10n ** BigInt(shift) : a.coef / 10n ** BigInt(-shift);
      const q = num / b.coef; // one extra digit, truncated toward zero
      let r = q / 10n;
      const last = q % 10n;
      const neg = (a.coef < 0n) !== (b.coef < 0n);
      const abs = last < 0n ? -last : last;
      if (abs >= 5n) r += neg ? -1n : 1n;
      return { coef: r, exp: -DIVISION_PRECISION };
    }
  }
}

/** execDecimalOp: folds `rest` into `first` with `op`, in decimal, and returns the float64. */
export function decimalFold(first: number, rest: number[], op: DecimalOp): number {
  let acc = fromFloat(first);
  for (const x of rest) acc = apply(acc, fromFloat(x), op);
  return toFloat(acc);
}
