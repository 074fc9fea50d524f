/**
 * kube-burner's mapping of documents to Prometheus samples (its tsdb indexer, go-commons v2.3.2):
 * a document with a numeric `value` (a metric profile's) is one sample named by the batch's metricName,
 * labelled with its `labels` (string values), `uuid` and `jobName` (as `job_name`); any other document
 * (a measurement's) is one sample per numeric top-level field, labelled `field=<name>` and with every
 * non-empty string field. `timestamp` (RFC 3339) is the sample's time; `timestamp`, `metricName` and
 * `metadata` are never fields or labels. Documents without a timestamp or a number give no sample.
 */
import type { BlockSample } from './tsdb-block.js';

const NOT_FIELDS = new Set(['timestamp', 'metricName', 'metadata']);

/** RFC 3339 with any fraction of a second, to whole milliseconds (truncated, as Go's UnixMilli). */
export function rfc3339ToMs(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(text);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
  if (Number.isNaN(seconds)) return undefined;
  return seconds + Number(((m[2] ?? '') + '000').slice(0, 3));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The samples of one document (none when it has no timestamp, no metric name or no number). */
export function documentSamples(doc: unknown, batchMetricName: string): BlockSample[] {
  if (!isRecord(doc)) return [];
  const timestampMs = rfc3339ToMs(doc.timestamp);
  if (timestampMs === undefined) return [];
  const name = batchMetricName || (typeof doc.metricName === 'string' ? doc.metricName : '');
  if (!name) return [];
  if (typeof doc.value === 'number') {
    const labels: Record<string, string> = { __name__: name };
    if (isRecord(doc.labels)) for (const [k, v] of Object.entries(doc.labels)) if (typeof v === 'string') labels[k] = v;
    if (typeof doc.uuid === 'string' && doc.uuid) labels.uuid = doc.uuid;
    if (typeof doc.jobName === 'string' && doc.jobName) labels.job_name = doc.jobName;
    return [{ labels, timestampMs, value: doc.value }];
  }
  const strings: Record<string, string> = {};
  const numbers: Array<[string, number]> = [];
  for (const [k, v] of Object.entries(doc)) {
    if (NOT_FIELDS.has(k)) continue;
    if (typeof v === 'string' && v !== '') strings[k] = v;
    else if (typeof v === 'number') numbers.push([k, v]);
  }
  return numbers.map(([field, value]) => ({ labels: { __name__: name, field, ...strings }, timestampMs, value }));
}
