/**
 * Compares the metrics of two sides (each one or more runs): values, change, and a verdict that
 * takes the metric's tolerance and, where samples or repeated runs allow, run-to-run noise.
 */
import { bootstrapQuantileDifference, type Interval } from './bootstrap.js';
import { mannWhitneyP } from './rank-test.js';
import type { Direction, MetricUnit, RunMetric } from './metrics.js';
import { toleranceFor, type DiffRules, type ToleranceRule } from './rules.js';
import { MIN_SERIES_RUNS, seriesNoise } from './series-noise.js';

/**
 * regression/improvement: beyond tolerance and beyond noise; unchanged: within either;
 * 'not enough data': beyond tolerance, but too few samples (or one run per side without samples)
 * to tell the change from noise, never a regression; 'not judged': a figure of burn's own pace
 * (achieved qps), shown, never a regression of the cluster.
 */
export type Verdict = 'regression' | 'improvement' | 'unchanged' | 'not enough data' | 'not judged';

/**
 * How the noise was judged: bootstrap interval over per-pod samples, over repeated runs' figures,
 * a rank test on the samples (a quantile whose tail holds too few samples to bootstrap), or not at all.
 */
export type NoiseMethod = 'bootstrap-samples' | 'bootstrap-runs' | 'mann-whitney' | 'series' | 'none';

/** A bootstrap interval of a quantile needs this many samples beyond it on each side (the P99 of 20 pods is their maximum). */
export const MIN_TAIL_SAMPLES = 5;

/** Fewer samples than this on a side: no test can tell a change from noise ("not enough data"). */
export const MIN_SAMPLES = 5;

export interface Noise {
  method: NoiseMethod;
  confidence: number;
  /** Bootstrap interval of candidate - baseline. */
  interval?: Interval;
  /** Mann-Whitney two-sided p-value, and the level it had to beat (Bonferroni over the diff's rank tests). */
  pValue?: number;
  alpha?: number;
  /** Against a baseline series: its range and the half-width of its prediction interval around its mean. */
  series?: { low: number; high: number; mean: number; halfWidth: number };
  /**
   * Against a baseline series, a figure with samples is also judged on them, as a pair of sides
   * (runs, then samples within each): a change beyond the series' noise counts only when it is
   * beyond the samples' noise too.
   */
  samples?: Omit<Noise, 'series' | 'samples' | 'confidence'>;
}

export interface MetricComparison {
  id: string;
  label: string;
  unit: MetricUnit;
  direction: Direction;
  baseline: number;
  candidate: number;
  /** candidate - baseline, in the metric's unit. */
  change: number;
  /** Change in % of the baseline (of the threshold for SLO margins). */
  changePercent: number;
  verdict: Verdict;
  /** Why the verdict: tolerance, noise interval, SLO flip. */
  reason: string;
  tolerance: ToleranceRule;
  noise: Noise;
}

export interface Comparison {
  metrics: MetricComparison[];
  onlyInBaseline: string[];
  onlyInCandidate: string[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Metrics by id, each id with its figure in every run of the side that has it. */
function byId(runs: RunMetric[][]): Map<string, RunMetric[]> {
  const out = new Map<string, RunMetric[]>();
  for (const metrics of runs) for (const m of metrics) out.set(m.id, [...(out.get(m.id) ?? []), m]);
  return out;
}

/**
 * Bootstrap intervals of every quantile metric, one resampling per set of samples: the P50, P95
 * and P99 of a condition share their resamples (a resampling of 10,000 pods costs ~0.6 s).
 */
class SampleIntervals {
  private readonly arrayIds = new WeakMap<number[], number>();
  private nextArrayId = 0;
  private readonly requests = new Map<string, { base: number[][]; cand: number[][]; qs: Set<number> }>();
  private readonly results = new Map<string, Map<number, Interval>>();

  constructor(private readonly rules: DiffRules) {}

  private keyOf(base: number[][], cand: number[][]): string {
    const id = (a: number[]) => {
      let n = this.arrayIds.get(a);
      if (n === undefined) this.arrayIds.set(a, (n = this.nextArrayId++));
      return n;
    };
    return `${base.map(id).join(',')}|${cand.map(id).join(',')}`;
  }

  request(base: number[][], cand: number[][], q: number): void {
    const key = this.keyOf(base, cand);
    const entry = this.requests.get(key) ?? { base, cand, qs: new Set<number>() };
    entry.qs.add(q);
    this.requests.set(key, entry);
  }

  interval(base: number[][], cand: number[][], q: number): Interval {
    const key = this.keyOf(base, cand);
    let byQ = this.results.get(key);
    if (!byQ) {
      const entry = this.requests.get(key) ?? { base, cand, qs: new Set([q]) };
      const qs = [...entry.qs, q];
      const intervals = bootstrapQuantileDifference(base, cand, qs, { resamples: this.rules.resamples, seed: this.rules.seed, confidence: this.rules.confidence });
      byQ = new Map(qs.map((x, i) => [x, intervals[i]!]));
      this.results.set(key, byQ);
    }
    return byQ.get(q)!;
  }
}

function tailIsThin(ms: RunMetric[], q: number): boolean {
  const n = ms.reduce((sum, m) => sum + m.samples!.values.length, 0);
  return n * Math.min(q, 1 - q) < MIN_TAIL_SAMPLES;
}

type NoisePlan = { kind: 'bootstrap-samples'; base: number[][]; cand: number[][]; q: number } | { kind: 'bootstrap-runs' } | { kind: 'mann-whitney' } | { kind: 'series' } | { kind: 'none' };

function sampleCount(ms: RunMetric[]): number {
  return ms.reduce((sum, m) => sum + (m.samples?.values.length ?? 0), 0);
}

/** Which noise judgement the sides allow as a pair of sides (one or more runs each). */
function planPair(base: RunMetric[], cand: RunMetric[]): NoisePlan {
  const withSamples = (ms: RunMetric[]) => ms.every((m) => m.samples && m.samples.values.length > 0) && sampleCount(ms) >= MIN_SAMPLES;
  const sampled = withSamples(base) && withSamples(cand);
  const q = base[0]!.samples?.q ?? 0.5;
  if (sampled && !tailIsThin(base, q) && !tailIsThin(cand, q)) return { kind: 'bootstrap-samples', base: base.map((m) => m.samples!.values), cand: cand.map((m) => m.samples!.values), q };
  if (base.length >= 2 && cand.length >= 2) return { kind: 'bootstrap-runs' };
  return sampled ? { kind: 'mann-whitney' } : { kind: 'none' };
}

function hasSampleArrays(ms: RunMetric[]): boolean {
  return ms.every((m) => m.samples !== undefined);
}

interface Plans {
  noise: NoisePlan;
  /** Series only: the pair judgement of the figure's samples, which must agree with the series'. */
  samples?: NoisePlan;
}

/**
 * Which noise judgements the sides allow. A baseline series (--baseline-history) is judged as a
 * series; a figure that is a quantile of its run's samples is judged on them as well, because a
 * series of a few runs can look far quieter than one run's quantile is (eight P99s of 2 calls, each
 * in the 50 ms bucket, have no spread at all; the next run's one slower call is 2 buckets off).
 */
function planNoise(base: RunMetric[], cand: RunMetric[], series: boolean): Plans {
  if (!(series && base.length >= MIN_SERIES_RUNS && cand.length === 1)) return { noise: planPair(base, cand) };
  return { noise: { kind: 'series' }, ...(hasSampleArrays(base) && hasSampleArrays(cand) ? { samples: planPair(base, cand) } : {}) };
}

/**
 * The p-value a Mann-Whitney test must beat: 1 - confidence shared among all the diff's rank tests
 * (Bonferroni), so that two runs of the same cluster, compared on a few dozen metrics, do not turn
 * up a "significant" change by chance alone.
 */
function rankTestAlpha(rules: DiffRules, rankTests: number): number {
  return (1 - rules.confidence) / Math.max(1, rankTests);
}

interface Levels {
  rules: DiffRules;
  intervals: SampleIntervals;
  /** Of the rank tests and of the series tests (each shared among the diff's tests of its kind). */
  alpha: number;
  seriesAlpha: number;
}

/** Judges one noise plan; `beyond` says whether the change is larger than the noise. */
function judgePlan(plan: NoisePlan, base: RunMetric[], cand: RunMetric[], levels: Levels): Noise & { beyond: boolean } {
  const { rules, intervals, alpha, seriesAlpha } = levels;
  const confidence = rules.confidence;
  const excludesZero = (i: Interval) => i.low > 0 || i.high < 0;
  switch (plan.kind) {
    case 'bootstrap-samples': {
      const interval = intervals.interval(plan.base, plan.cand, plan.q);
      return { method: plan.kind, confidence, interval, beyond: excludesZero(interval) };
    }
    case 'bootstrap-runs': {
      const [interval] = bootstrapQuantileDifference(base.map((m) => [m.value]), cand.map((m) => [m.value]), [0.5], { resamples: rules.resamples, seed: rules.seed, confidence });
      return { method: plan.kind, confidence, interval, beyond: excludesZero(interval!) };
    }
    case 'series': {
      const { beyond, ...range } = seriesNoise(base.map((m) => m.value), cand[0]!.value, seriesAlpha);
      return { method: plan.kind, confidence, alpha: seriesAlpha, series: range, beyond };
    }
    case 'mann-whitney': {
      const pValue = mannWhitneyP(base.flatMap((m) => m.samples!.values), cand.flatMap((m) => m.samples!.values));
      return { method: plan.kind, confidence, pValue, alpha, beyond: pValue < alpha };
    }
    default:
      return { method: 'none', confidence, beyond: true };
  }
}

/** The fewest samples any run's figure is a quantile of (Infinity when no run says). */
function fewestPerRun(ms: RunMetric[]): number {
  return Math.min(...ms.map((m) => m.samples?.values.length ?? m.count ?? Number.POSITIVE_INFINITY));
}

/**
 * The noise judgement of the sides. A series' judgement is confirmed on the figure's samples where
 * the runs keep them; where they keep only their count, a figure of fewer than MIN_SAMPLES samples
 * (an SLO margin over 2 calls) is not enough data, whatever the series did.
 */
function judgeNoise(plans: Plans, base: RunMetric[], cand: RunMetric[], levels: Levels): Noise & { beyond: boolean; tooFewSamples: boolean } {
  const judged = judgePlan(plans.noise, base, cand, levels);
  if (plans.noise.kind === 'series' && !plans.samples) return { ...judged, tooFewSamples: Math.min(fewestPerRun(base), fewestPerRun(cand)) < MIN_SAMPLES };
  if (!plans.samples || !judged.beyond) return { ...judged, tooFewSamples: false };
  const { beyond, confidence: _confidence, ...samples } = judgePlan(plans.samples, base, cand, levels);
  return { ...judged, samples, beyond, tooFewSamples: plans.samples.kind === 'none' };
}

/** 0.05 -> "0.05", 0.0025 -> "0.0025". */
export function formatAlpha(alpha: number): string {
  return String(Number(alpha.toPrecision(2)));
}

function formatTolerance(t: ToleranceRule, unit: MetricUnit): string {
  return t.absolute > 0 ? `${t.percent}% and ${t.absolute} ${unit}` : `${t.percent}%`;
}

/** Why a change beyond tolerance cannot be judged. */
function notEnoughData(base: RunMetric[], cand: RunMetric[], series: boolean): string {
  if (series) {
    const fewest = Math.min(fewestPerRun(base), fewestPerRun(cand));
    return `beyond tolerance and the baseline series' range, but a run's figure here is a quantile of ${fewest} sample${fewest === 1 ? '' : 's'} (fewer than ${MIN_SAMPLES}): it cannot tell a change from noise`;
  }
  const fewest = Math.min(sampleCount(base), sampleCount(cand));
  if (base[0]!.samples || cand[0]!.samples) return `beyond tolerance, but ${fewest} sample${fewest === 1 ? '' : 's'} on a side (fewer than ${MIN_SAMPLES}) cannot tell it from noise`;
  return 'beyond tolerance, but one run per side and no samples cannot tell it from noise: repeat the runs';
}

function withinNoise(noise: Noise, rules: DiffRules): string {
  if (noise.series && noise.samples) return `beyond the baseline series' range, but ${withinNoise({ ...noise.samples, confidence: rules.confidence }, rules)} on the runs' samples`;
  if (noise.series) return `within the baseline series' noise (inside its range or its prediction interval, level ${formatAlpha(noise.alpha!)})`;
  if (noise.interval) return `within noise (the ${Math.round(rules.confidence * 100)}% interval of the change includes 0)`;
  return `within noise (Mann-Whitney p = ${noise.pValue!.toFixed(3)} >= ${formatAlpha(noise.alpha!)})`;
}

function compareOne(id: string, base: RunMetric[], cand: RunMetric[], plans: Plans, levels: Levels): MetricComparison | undefined {
  const { rules } = levels;
  const tolerance = toleranceFor(id, rules);
  if (tolerance.ignore) return undefined;
  const first = base[0]!;
  const baseline = median(base.map((m) => m.value));
  const candidate = median(cand.map((m) => m.value));
  const change = candidate - baseline;
  const scale = first.threshold ?? Math.abs(baseline);
  const changePercent = scale > 0 ? (100 * change) / scale : change === 0 ? 0 : Math.sign(change) * Infinity;
  const worse = first.direction === 'lower-is-better' ? change > 0 : change < 0;
  const beyondTolerance = Math.abs(changePercent) > tolerance.percent && Math.abs(change) > tolerance.absolute;
  const { beyond: beyondNoise, tooFewSamples, ...noise } = judgeNoise(plans, base, cand, levels);
  const nowFails = first.threshold !== undefined && base.every((m) => m.passed) && cand.some((m) => m.passed === false);
  let verdict: Verdict = 'unchanged';
  let reason: string;
  if (first.notJudged) {
    verdict = 'not judged';
    reason = first.notJudged;
  } else if (nowFails) {
    verdict = 'regression';
    reason = 'passed in the baseline, fails in the candidate';
  } else if (!beyondTolerance) {
    reason = `within tolerance (${formatTolerance(tolerance, first.unit)})`;
  } else if (noise.method === 'none' || (tooFewSamples && beyondNoise)) {
    verdict = 'not enough data';
    reason = notEnoughData(base, cand, noise.method === 'series');
  } else if (!beyondNoise) {
    reason = withinNoise(noise, rules);
  } else {
    verdict = worse ? 'regression' : 'improvement';
    reason = `beyond tolerance (${formatTolerance(tolerance, first.unit)}) and noise`;
  }
  return {
    id,
    label: first.label,
    unit: first.unit,
    direction: first.direction,
    baseline,
    candidate,
    change,
    changePercent,
    verdict,
    reason,
    tolerance,
    noise,
  };
}

/**
 * Compares every metric both sides have; each side is a list of runs' metrics. With `series` (the
 * baseline is a history query) a candidate run is judged against the baseline runs' spread.
 */
export function compareSides(baseline: RunMetric[][], candidate: RunMetric[][], rules: DiffRules, series = false): Comparison {
  const base = byId(baseline);
  const cand = byId(candidate);
  const pairs = [...base].filter(([id]) => cand.has(id) && !toleranceFor(id, rules).ignore).map(([id, b]) => ({ id, b, c: cand.get(id)! }));
  const intervals = new SampleIntervals(rules);
  let rankTests = 0;
  let seriesTests = 0;
  const planned = pairs.map((pair) => {
    const plans = planNoise(pair.b, pair.c, series);
    for (const plan of [plans.noise, plans.samples]) {
      if (plan?.kind === 'bootstrap-samples') intervals.request(plan.base, plan.cand, plan.q);
      if (plan?.kind === 'mann-whitney') rankTests++;
      if (plan?.kind === 'series') seriesTests++;
    }
    return { ...pair, plans };
  });
  // As the rank tests: the diff's series tests share 1 - confidence (Bonferroni).
  const levels: Levels = { rules, intervals, alpha: rankTestAlpha(rules, rankTests), seriesAlpha: rankTestAlpha(rules, seriesTests) };
  const metrics: MetricComparison[] = [];
  for (const { id, b, c, plans } of planned) {
    const compared = compareOne(id, b, c, plans, levels);
    if (compared) metrics.push(compared);
  }
  const ignored = (id: string) => toleranceFor(id, rules).ignore === true;
  return {
    metrics,
    onlyInBaseline: [...base.keys()].filter((id) => !cand.has(id) && !ignored(id)),
    onlyInCandidate: [...cand.keys()].filter((id) => !base.has(id) && !ignored(id)),
  };
}
