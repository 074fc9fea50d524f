/**
 * Measurements without a workload (`burn measure`): start them, wait for a duration or an abort
 * (Ctrl-C), stop them and collect, over one window.
 */
import { nowMs } from '../shared/clock.js';
import type { MetricsEndpoint } from '../config/types.js';
import { createMeasurement } from './registry.js';
import type { Measurement, MeasurementClient, MeasurementResult } from './types.js';

export interface StandaloneOptions {
  client: MeasurementClient;
  entries: Array<{ name: string; [option: string]: unknown }>;
  metricsEndpoints: MetricsEndpoint[];
  uuid: string;
  /** Which pods (and jobs) podLatency and friends watch; "" for all. */
  labelSelector: string;
  /** Stop after this long; without it, only `signal` stops. */
  durationMs?: number;
  signal?: AbortSignal;
}

function waitFor(durationMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = durationMs === undefined ? undefined : setTimeout(done, durationMs);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

export async function measureStandalone(options: StandaloneOptions): Promise<{ results: MeasurementResult[]; startMs: number; endMs: number }> {
  const startMs = nowMs();
  let endMs: number | undefined;
  const started: Measurement[] = [];
  const results: MeasurementResult[] = [];
  try {
    for (const entry of options.entries) {
      const measurement = createMeasurement(entry.name);
      await measurement.start({
        client: options.client,
        uuid: options.uuid,
        runId: options.uuid,
        jobName: 'measure',
        labelSelector: options.labelSelector,
        config: entry,
        metricsEndpoints: options.metricsEndpoints,
        window: () => ({ startMs, endMs }),
      });
      started.push(measurement);
    }
    await waitFor(options.durationMs, options.signal);
  } finally {
    endMs = nowMs();
    for (const m of started) {
      try {
        await m.stop();
        results.push(await m.collect());
      } catch (err) {
        results.push({ name: m.name, documents: [], quantiles: [], thresholds: [], slis: [], errors: [`${m.name}: ${(err as Error).message}`] });
      }
    }
  }
  return { results, startMs, endMs };
}
