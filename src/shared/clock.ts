import { performance } from 'node:perf_hooks';

/**
 * One monotonic clock for the whole process, anchored to wall time once: latencies never jump
 * when the system clock is adjusted, and every figure stays comparable to server timestamps.
 */
const anchorWallMs = Date.now();
const anchorPerfMs = performance.now();

/** Milliseconds since the epoch, sub-millisecond precision, monotonic. */
export function nowMs(): number {
  return anchorWallMs + (performance.now() - anchorPerfMs);
}
