/**
 * `burn index` (kube-burner's `index`): the metrics profiles' queries over a time range, from each
 * endpoint that has metrics profiles, written through its indexer; the same queries and documents
 * as a run's `prometheus` measurement (one mechanism: src/measure/prometheus).
 */
import type { MetricsEndpoint } from '../config/index.js';
import { collectFromEndpoints, hasPrometheus, metricsProfileGatherer, openEndpoint, preflightEndpoint, type MeasurementResult } from '../measure/index.js';
import { UserError } from '../shared/errors.js';
import type { Logger } from '../shared/log.js';
import { resultBatches } from './route.js';
import { checkIndexers, configuredIndexers, sendToIndexers } from './send.js';

/** Prometheus answers at most 11,000 points per series of a range query. */
const MAX_POINTS = 11_000;

export interface IndexRangeOptions {
  uuid: string;
  endpoints: MetricsEndpoint[];
  /** How messages name endpoint i: the flags, or the --metrics-endpoint file's entry. */
  describe(i: number): string;
  startMs: number;
  endMs: number;
  jobName: string;
  /** --user-metadata: added to every document as `metadata`, as kube-burner does. */
  metadata: Record<string, unknown>;
  cwd: string;
  log: Logger;
}

export interface IndexRangeOutcome {
  documents: number;
  warnings: string[];
  errors: string[];
}

function withMetadata(result: MeasurementResult, metadata: Record<string, unknown>): MeasurementResult {
  if (Object.keys(metadata).length === 0) return result;
  return { ...result, documents: result.documents.map((f) => ({ ...f, docs: f.docs.map((d) => ({ ...d, metadata })) })) };
}

/** Checks everything (range, indexers, each Prometheus and every query) before it writes anything. */
export async function indexRange(options: IndexRangeOptions): Promise<IndexRangeOutcome> {
  const { startMs, endMs, log } = options;
  if (!(startMs < endMs)) throw new UserError(`--start ${new Date(startMs).toISOString()} is not before --end ${new Date(endMs).toISOString()}`, { hint: 'give --start and --end as unix seconds, start first' });
  const sources = options.endpoints.flatMap((settings, i) => (hasPrometheus(settings) && settings.metrics.length ? [{ settings, i }] : []));
  if (sources.length === 0) throw new UserError('nothing to index: no endpoint with both a Prometheus URL and a metrics profile', { hint: 'give -u/--prometheus-url and -m/--metrics-profile, or a --metrics-endpoint file whose entries have endpoint and metrics' });
  for (const { settings, i } of sources) {
    if (!settings.indexer) throw new UserError(`${options.describe(i)} lists metrics profiles but has no indexer`, { hint: 'add indexer: {type: local} to the entry' });
    const points = (endMs - startMs) / settings.stepMs;
    if (points > MAX_POINTS) {
      throw new UserError(`${options.describe(i)}: the range ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()} at step ${settings.stepMs / 1000}s is ${Math.ceil(points).toLocaleString('en-US')} points per series; Prometheus answers at most ${MAX_POINTS.toLocaleString('en-US')}`, {
        hint: `raise -s/--step to at least ${Math.ceil((endMs - startMs) / MAX_POINTS / 1000)}s, or shorten --start .. --end`,
      });
    }
  }
  const configured = configuredIndexers(options.endpoints);
  const ctx = { uuid: options.uuid, cwd: options.cwd };
  await checkIndexers(configured, ctx);

  const opened = [];
  try {
    for (const { settings, i } of sources) {
      const endpoint = await openEndpoint(settings, i);
      opened.push(endpoint);
      await preflightEndpoint(endpoint, [metricsProfileGatherer]).catch((err: unknown) => {
        if (err instanceof UserError) throw new UserError(`${options.describe(i)}: ${err.message}`, { hint: err.hint });
        throw err;
      });
    }
    const results: MeasurementResult[] = [];
    for (const endpoint of opened) {
      log.info(`collecting ${endpoint.queries.length} metric(s) from ${endpoint.client.endpoint}, ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()}`);
      const result = await collectFromEndpoints([endpoint], [metricsProfileGatherer], { uuid: options.uuid, jobName: options.jobName, window: { startMs, endMs } });
      results.push(withMetadata(result, options.metadata));
    }
    const warnings = results.flatMap((r) => [...(r.warnings ?? []), ...r.errors]);
    for (const w of warnings) log.warn(w);
    const batches = resultBatches(results);
    const errors = await sendToIndexers(configured, batches, ctx, log);
    return { documents: batches.reduce((n, b) => n + b.docs.length, 0), warnings, errors };
  } finally {
    await Promise.all(opened.map((e) => e.client.close()));
  }
}
