/**
 * Bootstrap confidence interval of the difference of a quantile between two sides, each side a
 * set of runs (groups) of samples. A resample draws runs with replacement, then samples within
 * each drawn run with replacement, so both run-to-run and within-run noise widen the interval;
 * with one run per side it is the ordinary bootstrap. Quantiles by nearest rank.
 * Seeded, so the same inputs always give the same interval.
 */

import { nextRandomState as nextState, randomUnit as toUnit } from '../../shared/random.js';

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

/** A PRNG whose state the hot loop keeps in a local (a closure call per draw costs more than the draw). */
interface Rng {
  state: number;
}

/** The quantiles `qs` of one resample of the side: counts per sorted position, then one cumulative scan. */
function resampleQuantiles(side: PreparedSide, qs: number[], rng: Rng, counts: Uint32Array): number[] {
  counts.fill(0);
  const runs = side.positionsByRun;
  let state = rng.state;
  let total = 0;
  for (let r = 0; r < runs.length; r++) {
    state = nextState(state);
    const run = runs[Math.floor(toUnit(state) * runs.length)]!;
    const n = run.length;
    for (let i = 0; i < n; i++) {
      state = nextState(state);
      counts[run[Math.floor(toUnit(state) * n)]!]!++;
    }
    total += n;
  }
  rng.state = state;
  const order = qs.map((q, i) => ({ target: Math.min(total, Math.max(1, Math.ceil(total * q))), i })).sort((a, b) => a.target - b.target);
  const out = new Array<number>(qs.length).fill(NaN);
  let seen = 0;
  let next = 0;
  for (let pos = 0; pos < counts.length && next < order.length; pos++) {
    seen += counts[pos]!;
    while (next < order.length && seen >= order[next]!.target) out[order[next++]!.i] = side.sorted[pos]!;
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
  const rng: Rng = { state: options.seed >>> 0 };
  const baseCounts = new Uint32Array(base.sorted.length);
  const candCounts = new Uint32Array(cand.sorted.length);
  const diffs = qs.map(() => new Float64Array(options.resamples));
  for (let b = 0; b < options.resamples; b++) {
    const bq = resampleQuantiles(base, qs, rng, baseCounts);
    const cq = resampleQuantiles(cand, qs, rng, candCounts);
    for (let i = 0; i < qs.length; i++) diffs[i]![b] = cq[i]! - bq[i]!;
  }
  const alpha = (1 - options.confidence) / 2;
  return diffs.map((d) => {
    d.sort();
    const at = (p: number) => d[Math.min(d.length - 1, Math.max(0, Math.round(p * (d.length - 1))))]!;
    return { low: at(alpha), high: at(1 - alpha) };
  });
}
