/**
 * Change-points of a series by E-divisive means (Matteson and James, 2014), the method Hunter and
 * Apache Otava apply to nightly benchmark series:
 *
 * 1. For a segment, every split point tau and every end kappa (X = values before tau, Y = values
 *    from tau to kappa, each at least `minSegment` long) is scored by the divergence of X and Y:
 *    Q = |X||Y|/(|X|+|Y|) * (2*mean|x-y| - mean|x-x'| - mean|y-y'|), distances |a-b| (exponent 1).
 *    The best (tau, kappa) maximises Q; tau is the candidate. Ending Y at kappa lets a bump (a change
 *    that was later undone) stand out instead of being averaged away by what came after it.
 * 2. Significance by a permutation test: the segment's values are shuffled `permutations` times and
 *    the best Q of each shuffle computed; p = (shuffles scoring >= the real Q, + 1) / (shuffles + 1).
 * 3. A split is kept when p <= alpha, the two sides' means differ by more than the metric's
 *    tolerance (the minimum magnitude: a significant 1% shift is not worth a night's alarm), and
 *    `confirm` agrees (burn history asks the runs' per-pod samples, see ./index.ts).
 * 4. Repeated on the segments that result, strongest split first, until no segment splits.
 *
 * A persistent shift is found where it began (the split maximising Q lands on the step); a single
 * outlier run is not a change-point, because one value cannot make a segment of `minSegment`.
 * Shuffles come from a seeded generator, so the same series always gives the same answer.
 */
import { seededRandom } from '../../shared/random.js';

export interface ChangePointOptions {
  /** Largest permutation p-value that counts as significant. */
  alpha: number;
  permutations: number;
  /** Fewest values on each side of a split. */
  minSegment: number;
  /** Whether the shift from `before` to `after` (segment means) is large enough to report. */
  largeEnough: (before: number, after: number) => boolean;
  /** Asked only of a significant split of values[start..end) at `at`: whether to keep it. */
  confirm?: (start: number, at: number, end: number) => boolean;
  seed: number;
}

export interface ChangePoint {
  /** Index of the first value after the change. */
  index: number;
  /** Means of the segments on either side (as finally split). */
  before: number;
  after: number;
  pValue: number;
}

export const DEFAULT_CHANGE_POINT_OPTIONS: Omit<ChangePointOptions, 'largeEnough'> = {
  alpha: 0.01,
  permutations: 999,
  minSegment: 3,
  seed: 1,
};

interface Split {
  /** The change-point: values before it are X. */
  tau: number;
  /** Y is values[tau..kappa): the divergence is measured against what follows the change for a while, not to the end. */
  kappa: number;
  q: number;
}

/**
 * The best split of `values` by Q over every tau and kappa, in O(n^2): with S, the 2-D prefix sums
 * of the distance matrix, the sums of distances across X and Y and within each are O(1) per pair.
 */
export function bestSplit(values: ArrayLike<number>, minSegment: number): Split | undefined {
  const n = values.length;
  if (n < 2 * minSegment) return undefined;
  const w = n + 1;
  // prefix[a*w+b] = sum of |x_i - x_j| over i < a, j < b
  const prefix = new Float64Array(w * w);
  for (let i = 0; i < n; i++) {
    let row = 0;
    const xi = values[i]!;
    for (let j = 0; j < n; j++) {
      row += Math.abs(xi - values[j]!);
      prefix[(i + 1) * w + (j + 1)] = prefix[i * w + (j + 1)]! + row;
    }
  }
  const S = (a: number, b: number) => prefix[a * w + b]!;
  let best: Split | undefined;
  for (let tau = minSegment; tau <= n - minSegment; tau++) {
    const withinX = S(tau, tau) / 2;
    const meanX = tau > 1 ? withinX / ((tau * (tau - 1)) / 2) : 0;
    for (let kappa = tau + minSegment; kappa <= n; kappa++) {
      const m = kappa - tau;
      const across = S(tau, kappa) - S(tau, tau);
      const withinY = (S(kappa, kappa) - S(tau, kappa) - S(kappa, tau) + S(tau, tau)) / 2;
      const meanY = m > 1 ? withinY / ((m * (m - 1)) / 2) : 0;
      const q = ((tau * m) / (tau + m)) * ((2 * across) / (tau * m) - meanX - meanY);
      if (!best || q > best.q) best = { tau, kappa, q };
    }
  }
  return best;
}

function mean(values: ArrayLike<number>, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += values[i]!;
  return sum / (to - from);
}

function permutationP(segment: number[], observedQ: number, options: ChangePointOptions, random: () => number): number {
  const shuffled = Float64Array.from(segment);
  let atLeast = 0;
  for (let p = 0; p < options.permutations; p++) {
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = shuffled[i]!;
      shuffled[i] = shuffled[j]!;
      shuffled[j] = t;
    }
    const split = bestSplit(shuffled, options.minSegment);
    // A relative epsilon: ties (equal values shuffled into an equal arrangement) count as reaching Q.
    if (split && split.q >= observedQ * (1 - 1e-12)) atLeast++;
    // Past this many, p can no longer reach alpha: the answer is "not significant" whatever follows.
    if (atLeast + 1 > options.alpha * (options.permutations + 1)) return (atLeast + 1) / (p + 2);
  }
  return (atLeast + 1) / (options.permutations + 1);
}

/** The change-points of a series (NaN values are not allowed: leave the run out of the series). */
export function changePoints(series: readonly number[], options: ChangePointOptions): ChangePoint[] {
  const random = seededRandom(options.seed);
  const cuts: number[] = [0, series.length];
  const pValues = new Map<number, number>();
  const rejected = new Set<string>();
  for (;;) {
    const candidates: Array<{ start: number; end: number; split: Split }> = [];
    for (let s = 0; s + 1 < cuts.length; s++) {
      const start = cuts[s]!;
      const end = cuts[s + 1]!;
      if (rejected.has(`${start}:${end}`)) continue;
      const split = bestSplit(series.slice(start, end), options.minSegment);
      if (split && split.q > 0) candidates.push({ start, end, split });
    }
    candidates.sort((a, b) => b.split.q - a.split.q);
    let accepted = false;
    for (const { start, end, split } of candidates) {
      const segment = series.slice(start, end);
      const at = start + split.tau;
      const before = mean(series, start, at);
      const after = mean(series, at, end);
      const p = options.largeEnough(before, after) ? permutationP(segment, split.q, options, random) : 1;
      if (p <= options.alpha && (options.confirm?.(start, at, end) ?? true)) {
        cuts.splice(cuts.indexOf(end), 0, at);
        pValues.set(at, p);
        accepted = true;
        break;
      }
      rejected.add(`${start}:${end}`);
    }
    if (!accepted) break;
  }
  // Report each change with the means of the final segments around it.
  const out: ChangePoint[] = [];
  for (let c = 1; c + 1 < cuts.length; c++) {
    const index = cuts[c]!;
    out.push({ index, before: mean(series, cuts[c - 1]!, index), after: mean(series, index, cuts[c + 1]!), pValue: pValues.get(index)! });
  }
  return out;
}
