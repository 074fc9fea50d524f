/** Masterminds/semver v3 versions and constraint checks, as sprig's semver and semverCompare use them. */
import { FunctionError, fn, type GoObject, type TemplateFunction } from './types.js';

interface Version {
  major: number;
  minor: number;
  patch: number;
  pre: string;
  meta?: string;
}

interface Bound {
  op: string;
  v: Version;
  /** How many of major/minor/patch were written as numbers (the rest are wildcards or absent). */
  given: number;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

export function parseVersion(s: string): Version {
  const m = VERSION.exec(s.trim());
  if (!m) throw new Error('Invalid Semantic Version');
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), pre: m[4] ?? '', meta: m[5] ?? '' };
}

/** semver's *Version as templates see it: methods Major, Minor, Patch, Prerelease, Metadata, Original, Compare, ... */
export class SemverVersion implements GoObject {
  readonly goType = '*semver.Version';
  readonly goKind = 'ptr';
  constructor(
    readonly v: Version,
    readonly original: string,
  ) {}

  toString(): string {
    const { major, minor, patch, pre, meta } = this.v;
    return `${major}.${minor}.${patch}${pre ? `-${pre}` : ''}${meta ? `+${meta}` : ''}`;
  }

  methods(): Record<string, TemplateFunction> {
    const other = (o: unknown): Version => {
      if (!(o instanceof SemverVersion)) throw new FunctionError('wrong type for value; expected *semver.Version');
      return o.v;
    };
    return {
      Major: fn([], () => this.v.major),
      Minor: fn([], () => this.v.minor),
      Patch: fn([], () => this.v.patch),
      Prerelease: fn([], () => this.v.pre),
      Metadata: fn([], () => this.v.meta ?? ''),
      Original: fn([], () => this.original),
      String: fn([], () => this.toString()),
      Compare: fn(['any'], (o: unknown) => compareVersions(this.v, other(o))),
      LessThan: fn(['any'], (o: unknown) => compareVersions(this.v, other(o)) < 0),
      LessThanEqual: fn(['any'], (o: unknown) => compareVersions(this.v, other(o)) <= 0),
      GreaterThan: fn(['any'], (o: unknown) => compareVersions(this.v, other(o)) > 0),
      GreaterThanEqual: fn(['any'], (o: unknown) => compareVersions(this.v, other(o)) >= 0),
      Equal: fn(['any'], (o: unknown) => compareVersions(this.v, other(o)) === 0),
    };
  }
}

export function compareVersions(a: Version, b: Version): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  if (a.pre === b.pre) return 0;
  if (!a.pre) return 1;
  if (!b.pre) return -1;
  const pa = a.pre.split('.');
  const pb = b.pre.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx) return -1;
    if (ny) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

function parseBound(text: string): Bound {
  const m = /^(!=|>=|=>|<=|=<|~>|[=<>~^])?\s*v?([0-9xX*]+)(?:\.([0-9xX*]+))?(?:\.([0-9xX*]+))?(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/.exec(text.trim());
  if (!m) throw new Error(`improper constraint: ${text}`);
  const parts = [m[2], m[3], m[4]];
  let given = 0;
  for (const p of parts) {
    if (p === undefined || /^[xX*]$/.test(p)) break;
    given++;
  }
  const num = (i: number) => (i < given ? Number(parts[i]) : 0);
  const op = { '=>': '>=', '=<': '<=', '~>': '~' }[m[1] ?? ''] ?? m[1] ?? '=';
  return { op, v: { major: num(0), minor: num(1), patch: num(2), pre: m[5]?.slice(1) ?? '' }, given };
}

/** The next version after all those matching the bound's first `upto` numbers. */
function bump(v: Version, upto: number): Version {
  if (upto <= 1) return { major: v.major + 1, minor: 0, patch: 0, pre: '' };
  if (upto === 2) return { major: v.major, minor: v.minor + 1, patch: 0, pre: '' };
  return { major: v.major, minor: v.minor, patch: v.patch + 1, pre: '' };
}

function matches(v: Version, b: Bound): boolean {
  if (v.pre && !b.v.pre && b.op !== '!=') return false;
  const cmp = compareVersions(v, b.v);
  const inWildcardRange = () => (b.given === 0 ? true : cmp >= 0 && compareVersions(v, bump(b.v, b.given)) < 0);
  switch (b.op) {
    case '=':
      return b.given === 3 ? cmp === 0 : inWildcardRange();
    case '!=':
      return b.given === 3 ? cmp !== 0 : !inWildcardRange();
    case '>':
      return b.given === 3 ? cmp > 0 : compareVersions(v, bump(b.v, b.given)) >= 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return b.given === 3 ? cmp <= 0 : compareVersions(v, bump(b.v, b.given)) < 0;
    case '~':
      return cmp >= 0 && compareVersions(v, bump(b.v, b.given >= 2 ? 2 : 1)) < 0;
    case '^': {
      const upto = b.v.major > 0 || b.given === 1 ? 1 : b.v.minor > 0 || b.given === 2 ? 2 : 3;
      return cmp >= 0 && compareVersions(v, bump(b.v, upto)) < 0;
    }
    default:
      throw new Error(`improper constraint: ${b.op}`);
  }
}

/** semverCompare "CONSTRAINT" "VERSION": `||` alternatives of comma/space separated bounds, hyphen ranges. */
export function semverSatisfies(constraint: string, version: string): boolean {
  const v = parseVersion(version);
  return constraint.split('||').some((group) => {
    const normalized = group.trim().replace(/(\S+)\s+-\s+(\S+)/g, '>=$1 <=$2');
    const bounds = normalized
      .replace(/(!=|>=|=>|<=|=<|~>|[=<>~^])\s+/g, '$1')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(parseBound);
    if (bounds.length === 0) throw new Error(`improper constraint: ${constraint}`);
    return bounds.every((b) => matches(v, b));
  });
}

export const semverFunctions: Record<string, TemplateFunction> = {
  semver: fn(['string'], (s: string) => new SemverVersion(parseVersion(s), s)),
  semverCompare: fn(['string', 'string'], (constraint: string, version: string) => semverSatisfies(constraint, version)),
};
