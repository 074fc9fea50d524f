/**
 * Bootstrap confidence interval of the difference of a quantile between two sides, each side a
 * set of runs (groups) of samples. A resample draws runs with replacement, then samples within
 * each drawn run with replacement, so both run-to-run and within-run noise widen the interval;
 * with one run per side it is the ordinary bootstrap. Quantiles by nearest rank.
 * Seeded, so the same inputs always give the same interval.
 */

/** mulberry32: small, fast, seeded PRNG; returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One side, sorted once: values ascending and, per run, the positions of its samples among them. */
interface PreparedSide {
  sorted: Float64Array;
  positionsByRun: Uint32Array[];
}

function prepare(groups: number[][]): PreparedSide {
  const entries: Array<{ value: number; run: number }> = [];
  groups.forEach((g, run) => g.forEach((value) => entries.push({ value, run })));
  entries.sort((a, b) => a.value - b.value);
  const sorted = Float64Array.from(entries, (e) => e.value);
  const lists: number[][] = groups.map(() => []);
  entries.forEach((e, position) => lists[e.run]!.push(position));
  return { sorted, positionsByRun: lists.filter((l) => l.length > 0).map((l) => Uint32Array.from(l)) };
}

/** The quantiles `qs` of one resample of the side: counts per sorted position, then one cumulative scan. */
function resampleQuantiles(side: PreparedSide, qs: number[], random: () => number, counts: Uint32Array): number[] {
  counts.fill(0);
  const runs = side.positionsByRun;
  let total = 0;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[Math.floor(random() * runs.length)]!;
    for (let i = 0; i < run.length; i++) counts[run[Math.floor(random() * run.length)]!]!++;
    total += run.length;
  }
  const targets = qs.map((q) => Math.min(total, Math.max(1, Math.ceil(total * q))));
  const out = new Array<number>(qs.length).fill(NaN);
  let seen = 0;
  let next = 0;
  const order = targets.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t);
  for (let pos = 0; pos < counts.length && next < order.length; pos++) {
    seen += counts[pos]!;
    while (next < order.length && seen >= order[next]!.t) out[order[next++]!.i] = side.sorted[pos]!;
  }
  return out;
}

export interface Interval {
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples: number;
  seed: number;
  /** e.g. 0.95 */
  confidence: number;
}

/**
 * Percentile intervals of (candidate quantile - baseline quantile) for each q in `qs`.
 * Each side needs at least one run with at least one sample.
 */
export function bootstrapQuantileDifference(baseline: number[][], candidate: number[][], qs: number[], options: BootstrapOptions): Interval[] {
  const base = prepare(baseline);
  const cand = prepare(candidate);
  const random = seededRandom(options.seed);
  const baseCounts = new Uint32Array(base.sorted.length);
  const candCounts = new Uint32Array(cand.sorted.length);
  const diffs = qs.map(() => new Float64Array(options.resamples));
  for (let b = 0; b < options.resamples; b++) {
    const bq = resampleQuantiles(base, qs, random, baseCounts);
    const cq = resampleQuantiles(cand, qs, random, candCounts);
    for (let i = 0; i < qs.length; i++) diffs[i]![b] = cq[i]! - bq[i]!;
  }
  const alpha = (1 - options.confidence) / 2;
  return diffs.map((d) => {
    d.sort();
    const at = (p: number) => d[Math.min(d.length - 1, Math.max(0, Math.round(p * (d.length - 1))))]!;
    return { low: at(alpha), high: at(1 - alpha) };
  });
}
