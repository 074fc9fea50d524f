/**
 * Noise of a baseline that is a series of runs (`burn diff --baseline-history`). One candidate run is
 * beyond the series' noise only when it lies outside every baseline run's value AND outside the
 * series' prediction interval for one more run of the same kind (Student's t: mean ± t·s·√(1+1/n)),
 * at a level shared among all the metrics judged this way (Bonferroni). So a candidate equal to any
 * run of the series is never beyond its noise, and a rerun of the same cluster is beyond it on some
 * metric with probability at most 1 - confidence (for normal run-to-run noise).
 */

/** Fewest baseline runs that show a series' noise; with fewer the pair methods apply. */
export const MIN_SERIES_RUNS = 3;

export interface SeriesNoise {
  /** Lowest and highest value of the baseline runs. */
  low: number;
  high: number;
  mean: number;
  /** Half-width of the prediction interval around the mean. */
  halfWidth: number;
  beyond: boolean;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; relative error below 1e-13). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const num of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-14) break;
  }
  return h;
}

/** I_x(a, b), the regularized incomplete beta function. */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T > t) for Student's t with `df` degrees of freedom, t >= 0. */
export function studentTail(t: number, df: number): number {
  return 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** The t with P(T > t) = p (0 < p < 0.5), by bisection. */
export function studentQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1;
  while (studentTail(hi, df) > p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (studentTail(mid, df) > p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Judges one candidate value against a baseline series at two-sided level `alpha`. */
export function seriesNoise(series: number[], candidate: number, alpha: number): SeriesNoise {
  const n = series.length;
  const low = Math.min(...series);
  const high = Math.max(...series);
  const mean = series.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(series.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const halfWidth = studentQuantile(alpha / 2, n - 1) * sd * Math.sqrt(1 + 1 / n);
  const outside = candidate < low || candidate > high;
  return { low, high, mean, halfWidth, beyond: outside && Math.abs(candidate - mean) > halfWidth };
}
