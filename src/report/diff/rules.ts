/**
 * Tolerances of `burn diff`: how large a change must be, per metric, before it is called a
 * regression or an improvement. Built-in defaults, overridable by a YAML rules file:
 *
 *   tolerances:               # first rule whose `match` fits the metric id wins, then the defaults
 *     - match: "podLatency/*\/Ready/P99"   # `*` matches any characters, `/` included
 *       percent: 5            # change in % of the baseline (of the threshold for sloMargin/*)
 *       absolute: 50          # and at least this much, in the metric's unit (ms, s, pods/s, qps)
 *     - match: "apiLatency/*"
 *       ignore: true          # left out of the comparison
 *   confidence: 0.95          # bootstrap interval
 *   resamples: 1000
 *   seed: 1
 */
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument, isMap, isSeq, type Document } from 'yaml';
import { UserError } from '../../shared/errors.js';

export interface ToleranceRule {
  match: string;
  percent: number;
  absolute: number;
  ignore?: boolean;
}

export interface DiffRules {
  tolerances: ToleranceRule[];
  confidence: number;
  resamples: number;
  seed: number;
}

/**
 * Pod latencies: 10% and at least 100 ms (their noise is also judged from the per-pod samples).
 * Client-side API P99s come without samples and are often the slowest of a few dozen calls:
 * 30% and at least 100 ms, a tenth of the 1 s SLO; the API server's own SLI likewise (its buckets are coarse). Scheduling throughput: 10% and 5 pods/s
 * (1 s buckets of a small run hold a handful of pods). Achieved qps moves with waits and
 * retries: 25%. Elapsed time: 10% and 2 s. SLO margins: 10% of the threshold.
 */
export const DEFAULT_TOLERANCES: ToleranceRule[] = [
  { match: 'podStartup/*', percent: 10, absolute: 100 },
  { match: 'podLatency/*', percent: 10, absolute: 100 },
  { match: 'apiLatency/*', percent: 30, absolute: 100 },
  { match: 'apiServer/*', percent: 30, absolute: 100 },
  { match: 'schedulingThroughput/*', percent: 10, absolute: 5 },
  { match: 'achievedQps/*', percent: 25, absolute: 0.5 },
  { match: 'elapsedTime/*', percent: 10, absolute: 2 },
  { match: 'sloMargin/*', percent: 10, absolute: 0 },
];

export const DEFAULT_RULES: DiffRules = { tolerances: [], confidence: 0.95, resamples: 1000, seed: 1 };

const FALLBACK: ToleranceRule = { match: '*', percent: 10, absolute: 0 };

/** A glob whose `*` matches any characters, `/` included, as a whole-string RegExp. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** The rule for a metric: the user's first match, else the built-in default. */
export function toleranceFor(metricId: string, rules: DiffRules): ToleranceRule {
  return [...rules.tolerances, ...DEFAULT_TOLERANCES].find((r) => globToRegExp(r.match).test(metricId)) ?? FALLBACK;
}

class RulesReader {
  private readonly lines = new LineCounter();
  readonly doc: Document;

  constructor(
    private readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines });
    const error = this.doc.errors[0];
    if (error) throw new UserError(`${file}:${error.linePos?.[0]?.line ?? 1}: ${error.message.split('\n')[0]}`, { hint: 'the rules file must be YAML' });
  }

  fail(path: Array<string | number>, message: string): never {
    // A missing key has no node: point at the nearest enclosing one.
    let line = 1;
    for (let depth = path.length; depth >= 0; depth--) {
      const node = (depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true)) as { range?: [number, number, number] } | null | undefined;
      if (node?.range) {
        line = this.lines.linePos(node.range[0]).line;
        break;
      }
    }
    throw new UserError(`${this.file}:${line}: ${path.join('.')}: ${message}`, { hint: 'see "Reports and diff" in the README for the rules file format' });
  }

  number(path: Array<string | number>, value: unknown, check: (n: number) => boolean, expected: string): number {
    if (typeof value !== 'number' || !check(value)) this.fail(path, `must be ${expected}, not ${JSON.stringify(value)}`);
    return value;
  }
}

const TOP_KEYS = new Set(['tolerances', 'confidence', 'resamples', 'seed']);
const RULE_KEYS = new Set(['match', 'percent', 'absolute', 'ignore']);

export function parseRules(file: string, text: string): DiffRules {
  const reader = new RulesReader(file, text);
  const raw: unknown = reader.doc.toJS();
  if (raw === null || raw === undefined) return DEFAULT_RULES;
  if (!isMap(reader.doc.contents)) reader.fail([], 'the rules file must be a mapping with a `tolerances` list');
  const top = raw as Record<string, unknown>;
  for (const key of Object.keys(top)) if (!TOP_KEYS.has(key)) reader.fail([key], `unknown key; expected one of ${[...TOP_KEYS].join(', ')}`);
  const tolerances: ToleranceRule[] = [];
  if (top.tolerances !== undefined) {
    if (!isSeq(reader.doc.get('tolerances', true))) reader.fail(['tolerances'], 'must be a list of {match, percent, absolute, ignore}');
    (top.tolerances as unknown[]).forEach((entry, i) => {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) reader.fail(['tolerances', i], 'must be a mapping with match and percent');
      const rule = entry as Record<string, unknown>;
      for (const key of Object.keys(rule)) if (!RULE_KEYS.has(key)) reader.fail(['tolerances', i, key], `unknown key; expected one of ${[...RULE_KEYS].join(', ')}`);
      if (typeof rule.match !== 'string' || rule.match === '') reader.fail(['tolerances', i, 'match'], 'must be a metric id pattern such as "podLatency/*/Ready/P99"');
      if (rule.ignore !== undefined && typeof rule.ignore !== 'boolean') reader.fail(['tolerances', i, 'ignore'], 'must be true or false');
      const ignore = rule.ignore === true;
      const percent = rule.percent === undefined && ignore ? 0 : reader.number(['tolerances', i, 'percent'], rule.percent, (n) => n >= 0, 'a percentage >= 0');
      const absolute = rule.absolute === undefined ? 0 : reader.number(['tolerances', i, 'absolute'], rule.absolute, (n) => n >= 0, 'a number >= 0 in the metric unit');
      tolerances.push({ match: rule.match as string, percent, absolute, ...(ignore ? { ignore } : {}) });
    });
  }
  return {
    tolerances,
    confidence: top.confidence === undefined ? DEFAULT_RULES.confidence : reader.number(['confidence'], top.confidence, (n) => n > 0 && n < 1, 'a fraction between 0 and 1, e.g. 0.95'),
    resamples: top.resamples === undefined ? DEFAULT_RULES.resamples : reader.number(['resamples'], top.resamples, (n) => Number.isInteger(n) && n >= 100 && n <= 100_000, 'a whole number from 100 to 100000'),
    seed: top.seed === undefined ? DEFAULT_RULES.seed : reader.number(['seed'], top.seed, Number.isInteger, 'a whole number'),
  };
}

export async function loadRules(file: string | undefined): Promise<DiffRules> {
  if (file === undefined) return DEFAULT_RULES;
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new UserError(`--rules ${file}: cannot read it (${err.code ?? err.message})`, { hint: 'give the path of a YAML rules file' });
  });
  return parseRules(file, text);
}
