/** Functions kube-burner adds to sprig: combinatorics for spreading objects, subnet/IP helpers and ReadFile. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { FunctionError, fn, type FunctionContext, type TemplateFunction } from './types.js';

/** gonum's combin.Binomial: n choose k, panicking (here: an error) on n < k or negatives. */
export function binomial(n: number, k: number): number {
  if (n < 0) throw new FunctionError('combin: n < 0');
  if (k < 0) throw new FunctionError('combin: k < 0');
  if (n < k) throw new FunctionError('combin: n < k');
  let b = 1;
  const kk = Math.min(k, n - k);
  for (let i = 1; i <= kk; i++) b = (b * (n - kk + i)) / i;
  return Math.round(b);
}

/** gonum's combin.IndexToCombination: the idx-th k-subset of 0..n-1 in lexicographic order. */
export function indexToCombination(dst: number[] | null, idx: number, n: number, k: number): number[] {
  const total = binomial(n, k);
  if (idx < 0 || idx >= total) throw new FunctionError('combin: invalid index');
  if (dst && dst.length !== k) throw new FunctionError('combin: bad length dst');
  const out: number[] = [];
  let rest = idx;
  let next = 0;
  for (let i = 0; i < k; i++) {
    for (let c = next; c < n; c++) {
      const count = binomial(n - c - 1, k - i - 1);
      if (rest < count) {
        out.push(c);
        next = c + 1;
        break;
      }
      rest -= count;
    }
  }
  return out;
}

/** kube-burner's GetSubnet24: a distinct /24 per index, starting at 1.0.0.0/24. */
export function subnet24(index: number): string {
  const octet = (n: number) => ((n % 256) + 256) % 256;
  return `${octet((index >> 16) + 1)}.${octet(index >> 8)}.${octet(index)}.0/24`;
}

/** The index-th address of an IPv4 CIDR (0 is the network address). */
export function ipAddress(cidr: string, index: number): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || bits > 32) throw new FunctionError(`invalid CIDR address: ${cidr}`);
  const size = 2 ** (32 - bits);
  if (index < 0 || index >= size) throw new FunctionError(`index ${index} is outside ${cidr} (${size} addresses)`);
  const base = octets.reduce((acc, o) => acc * 256 + o, 0);
  const network = base - (base % size);
  const addr = network + index;
  return [24, 16, 8, 0].map((shift) => Math.floor(addr / 2 ** shift) % 256).join('.');
}

function readFileFunction(ctx: FunctionContext): (path: string) => string {
  return (path: string) => {
    const full = resolve(ctx.baseDir, path);
    const rel = relative(ctx.baseDir, full);
    const outside = rel === '..' || rel.startsWith('../') || rel.startsWith('..\\') || isAbsolute(rel);
    if (outside && !ctx.allowReadOutsideBaseDir) {
      throw new FunctionError(`${path} is outside the config folder ${ctx.baseDir}; move the file under it or allow reads outside it`);
    }
    try {
      return readFileSync(full, 'utf8');
    } catch (err) {
      throw new FunctionError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  };
}

export function kubeBurnerFunctions(ctx: FunctionContext): Record<string, TemplateFunction> {
  return {
    Binomial: fn(['int', 'int'], binomial),
    IndexToCombination: fn(['intList', 'int', 'int', 'int'], indexToCombination),
    GetSubnet24: fn(['int'], subnet24),
    GetIPAddress: fn(['string', 'int'], ipAddress),
    ReadFile: fn(['string'], readFileFunction(ctx)),
  };
}
