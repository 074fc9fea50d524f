/** Functions kube-burner adds to sprig: combinatorics for spreading objects, subnet/address helpers and ReadFile. */
import { readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { typedSlice } from '../go/values.js';
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

/**
 * kube-burner's GetIPAddress: iteration i takes the next `perIteration` addresses of a space-separated
 * pool, joined by spaces (templates split them with `splitList " "`). Past the end of the pool Go panics
 * with an index out of range; that is the error here too.
 */
export function ipAddresses(pool: string, iteration: number, perIteration: number): string {
  const addresses = pool.split(' ');
  const picked: string[] = [];
  for (let k = 0; k < perIteration; k++) {
    const i = iteration * perIteration + k;
    if (i < 0 || i >= addresses.length) throw new FunctionError(`runtime error: index out of range [${i}] with length ${addresses.length}`);
    picked.push(addresses[i]!);
  }
  return picked.join(' ');
}

/** The real path (symbolic links resolved) of `path`, or `path` itself when it does not exist. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return !(rel === '..' || rel.startsWith('../') || rel.startsWith('..\\') || isAbsolute(rel));
}

function readFileFunction(ctx: FunctionContext): (path: string) => string {
  return (path: string) => {
    const full = resolve(ctx.baseDir, path);
    // compared as real paths (a symbolic link inside the folder may point outside it), and the real path is what is read
    const real = realPath(full);
    if (!ctx.allowReadOutsideBaseDir && !isInside(realPath(ctx.baseDir), real)) {
      const via = isInside(ctx.baseDir, full) ? ` (through a symbolic link, to ${real})` : '';
      throw new FunctionError(`${path} is outside the config folder ${ctx.baseDir}${via}; move the file under it or allow reads outside it`);
    }
    try {
      return readFileSync(real, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(code ?? err);
      throw new FunctionError(`failed to open file: open ${path}: ${why}`);
    }
  };
}

export function kubeBurnerFunctions(ctx: FunctionContext): Record<string, TemplateFunction> {
  return {
    Binomial: fn(['int', 'int'], binomial),
    IndexToCombination: fn(['intList', 'int', 'int', 'int'], (dst: number[] | null, idx: number, n: number, k: number) => typedSlice(indexToCombination(dst, idx, n, k), '[]int')),
    GetSubnet24: fn(['int'], subnet24),
    GetIPAddress: fn(['string', 'int', 'int'], ipAddresses),
    ReadFile: fn(['string'], readFileFunction(ctx)),
  };
}
