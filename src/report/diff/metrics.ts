/**
 * The figures of one run folder that `burn diff` compares, each under a stable id
 * (`podLatency/<job>/<condition>/P99`, `apiLatency/<job>/<key>/P99`, `sloMargin/<slo>/<key>/<source>`...),
 * with per-pod samples where the folder has them.
 */
import { apiKeyString, type ApiCallSli } from '../../measure/index.js';
import { POD_CONDITIONS, conditionValues, podDocuments, type SampleClock } from '../pod-samples.js';
import { apiKeyLabel } from '../format.js';
import { docsOf, isObject, num, str, type JsonObject, type RunFolder } from '../run-folder.js';

export type MetricUnit = 'ms' | 's' | 'pods/s' | 'qps';
export type Direction = 'lower-is-better' | 'higher-is-better';

export interface RunMetric {
  id: string;
  label: string;
  unit: MetricUnit;
  direction: Direction;
  value: number;
  /** Per-pod samples this figure is a quantile of (q in (0, 1]): the bootstrap resamples them. */
  samples?: { values: number[]; q: number };
  /** How many samples the figure is a quantile of, where they are not kept (SLO margins). */
  count?: number;
  /** SLO margins: the threshold (a change is in % of it) and whether the verdict passed. */
  threshold?: number;
  passed?: boolean;
  /** Shown but never a regression or improvement, for this reason (burn's own pace). */
  notJudged?: string;
}

const QUANTILE_FIELDS = [
  { field: 'P50', q: 0.5 },
  { field: 'P95', q: 0.95 },
  { field: 'P99', q: 0.99 },
] as const;

const CLOCK_LABEL: Record<SampleClock, string> = { 'watch-ms': 'watch', 'server-s': 'server 1 s' };

function podLatencyMetrics(folder: RunFolder): RunMetric[] {
  const watchDocs = docsOf(folder, 'podLatencyWatchQuantilesMeasurement');
  const clock: SampleClock = watchDocs.length > 0 ? 'watch-ms' : 'server-s';
  const quantileDocs = clock === 'watch-ms' ? watchDocs : docsOf(folder, 'podLatencyQuantilesMeasurement');
  const out: RunMetric[] = [];
  for (const doc of quantileDocs) {
    const job = str(doc.jobName);
    const condition = POD_CONDITIONS.find((c) => c.name === doc.quantileName);
    if (!condition) continue;
    const values = conditionValues(podDocuments(folder, job), condition.field, clock);
    for (const { field, q } of QUANTILE_FIELDS) {
      out.push({
        id: `podLatency/${job}/${condition.name}/${field}`,
        label: `pod ${condition.name} ${field} (${job}, ${CLOCK_LABEL[clock]})`,
        unit: 'ms',
        direction: 'lower-is-better',
        value: num(doc[field]),
        ...(values.length > 0 ? { samples: { values, q } } : {}),
      });
    }
  }
  return out;
}

/** The SIG pod startup SLI (creation -> containers started, watch clock); samples: containersStarted on the watch. */
function podStartupMetrics(folder: RunFolder): RunMetric[] {
  const out: RunMetric[] = [];
  for (const doc of docsOf(folder, 'podStartupLatencyMeasurement')) {
    const job = str(doc.jobName);
    // The SLI leaves out pods whose image was pulled; per-pod documents may say so (imagePulled).
    // The samples are the SLI's only when they count as many pods as the SLI.
    const pods = podDocuments(folder, job).filter((d) => d.imagePulled !== true);
    const started = conditionValues(pods, 'containersStartedLatency', 'watch-ms');
    const values = started.length === num(doc.count) ? started : [];
    for (const { field, q } of QUANTILE_FIELDS) {
      out.push({
        id: `podStartup/${job}/${field}`,
        label: `pod startup ${field} (${job}, SLI)`,
        unit: 'ms',
        direction: 'lower-is-better',
        value: num(doc[field]),
        ...(values.length > 0 ? { samples: { values, q } } : {}),
      });
    }
  }
  return out;
}

/** Most values a histogram is expanded to: past it, counts are scaled down (a bootstrap of 20,000 samples takes about a second). */
const MAX_HISTOGRAM_SAMPLES = 20_000;

/**
 * A per-bucket histogram ({boundsMs, counts}) as samples: each count becomes its bucket's upper
 * bound (the overflow bucket its lower one). Both sides of a diff share the bounds, so the
 * quantisation is the same on both.
 */
export function histogramSamples(raw: unknown): number[] {
  if (!isObject(raw) || !Array.isArray(raw.boundsMs) || !Array.isArray(raw.counts)) return [];
  const bounds = raw.boundsMs.map((b) => num(b));
  const counts = raw.counts.map((c) => num(c, 0));
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (bounds.length === 0 || !bounds.every(Number.isFinite)) return [];
  const scale = total > MAX_HISTOGRAM_SAMPLES ? MAX_HISTOGRAM_SAMPLES / total : 1;
  const out: number[] = [];
  counts.forEach((count, i) => {
    const value = bounds[Math.min(i, bounds.length - 1)]!;
    const n = count > 0 ? Math.max(1, Math.round(count * scale)) : 0;
    for (let k = 0; k < n; k++) out.push(value);
  });
  return out;
}

function apiLatencyMetrics(folder: RunFolder): RunMetric[] {
  // WATCH and the other calls the SLI leaves out have no meaningful latency (they stay open);
  // burn's own calls (origin burn) are kept apart by apiLatency and never compared.
  return docsOf(folder, 'apiLatencyMeasurement')
    .filter((d) => num(d.count, 0) > 0 && d.countsTowardSli !== false && d.origin !== 'burn')
    .map((d: JsonObject) => {
      const values = histogramSamples(d.histogram);
      return {
        id: `apiLatency/${str(d.jobName)}/${apiKeyLabel(d)}/P99`,
        label: `API ${apiKeyLabel(d)} P99 (${str(d.jobName)}, client)`,
        unit: 'ms' as const,
        direction: 'lower-is-better' as const,
        value: num(d.P99),
        ...(values.length > 0 ? { samples: { values, q: 0.99 } } : {}),
      };
    });
}

/**
 * The API server's own SLI per key (burn's /metrics scrape or Prometheus), from the run record:
 * P99 over the histogram's buckets, tested on the histogram itself.
 */
function apiServerMetrics(folder: RunFolder): RunMetric[] {
  return folder.meta.jobs.flatMap((job) =>
    job.measurements.flatMap((m) =>
      m.slis
        .filter((sli): sli is ApiCallSli => sli.sli === 'apiCall' && sli.source !== 'client' && sli.count > 0)
        .map((sli) => {
          const values = histogramSamples(sli.histogram);
          const key = apiKeyString(sli);
          return {
            id: `apiServer/${job.name}/${key}/${sli.source}/P99`,
            label: `API ${key} P99 (${job.name}, ${sli.source})`,
            unit: 'ms' as const,
            direction: 'lower-is-better' as const,
            value: sli.p99,
            ...(values.length > 0 ? { samples: { values, q: 0.99 } } : {}),
          };
        }),
    ),
  );
}

function throughputMetrics(folder: RunFolder): RunMetric[] {
  const out: RunMetric[] = [];
  for (const doc of docsOf(folder, 'schedulingThroughputMeasurement')) {
    const job = str(doc.jobName);
    for (const field of ['perc50', 'max'] as const) {
      out.push({ id: `schedulingThroughput/${job}/${field}`, label: `scheduling throughput ${field} (${job})`, unit: 'pods/s', direction: 'higher-is-better', value: num(doc[field]) });
    }
  }
  return out;
}

function jobMetrics(folder: RunFolder): RunMetric[] {
  return folder.jobs.flatMap((j): RunMetric[] => [
    {
      id: `achievedQps/${j.jobName}`,
      label: `achieved qps (${j.jobName})`,
      unit: 'qps',
      direction: 'higher-is-better',
      value: j.achievedQps,
      notJudged: "burn's own sending pace (configured qps, burst, waits), not the cluster's: never a regression",
    },
    { id: `elapsedTime/${j.jobName}`, label: `elapsed time (${j.jobName})`, unit: 's', direction: 'lower-is-better', value: j.elapsedTime },
  ]);
}

/**
 * Headroom of each graded SLO verdict (threshold - value); verdicts in % or counts are left out (no
 * common scale), and so are diagnostics and second sources (they never decide a run) and
 * inconclusive verdicts (their figure rests on a saturated clock).
 */
function sloMarginMetrics(folder: RunFolder): RunMetric[] {
  return folder.verdicts
    .filter((v) => v.binding && v.state !== 'inconclusive' && !v.noSamples && v.unit === 'ms' && Number.isFinite(v.margin) && v.threshold > 0)
    .map((v) => ({
      id: `sloMargin/${v.slo}/${v.key}/${v.source}`,
      // The key names verb and scope already; the SLO's own scope suffix would repeat it.
      label: `SLO margin: ${v.slo.replace(/ \((resource|namespace|cluster)\)$/, '')} ${v.key} (${v.source})`,
      unit: 'ms' as const,
      direction: 'higher-is-better' as const,
      value: v.margin,
      ...(v.samples !== undefined ? { count: v.samples } : {}),
      threshold: v.threshold,
      passed: v.passed,
    }));
}

/** Every comparable figure of a run folder, in a stable order. */
export function runMetrics(folder: RunFolder): RunMetric[] {
  return [...podStartupMetrics(folder), ...podLatencyMetrics(folder), ...apiLatencyMetrics(folder), ...apiServerMetrics(folder), ...throughputMetrics(folder), ...jobMetrics(folder), ...sloMarginMetrics(folder)].filter((m) =>
    Number.isFinite(m.value),
  );
}
