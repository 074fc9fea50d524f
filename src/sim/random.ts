import type { LatencySpec } from './types.js';

export { seededRandom } from '../shared/random.js';

/** z such that P(Z <= z) = 0.99 for a standard normal. */
const Z99 = 2.3263478740408408;

/**
 * Draws from the log-normal distribution whose median is p50 and 99th percentile is p99.
 * A spec with p50 <= 0 is "no delay".
 */
export function sampleLatency(spec: LatencySpec, random: () => number): number {
  if (!(spec.p50 > 0)) return 0;
  const sigma = spec.p99 > spec.p50 ? Math.log(spec.p99 / spec.p50) / Z99 : 0;
  // Box-Muller; 1 - u keeps the logarithm finite.
  const u = 1 - random();
  const v = random();
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return spec.p50 * Math.exp(sigma * z);
}
