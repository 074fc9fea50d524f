import type { Job } from '../config/index.js';

/** Job keys kube-burner leaves out of its jobSummary's jobConfig (`json:"-"` in its Job type). */
const NOT_IN_JOB_CONFIG = new Set(['pos', 'index', 'objects', 'watchers', 'preLoadNodeLabels', 'namespaceLabels', 'namespaceAnnotations']);
/** Keys kube-burner writes even when zero or false. */
const ALWAYS_WRITTEN = new Set(['gc', 'churnConfig']);

function isEmpty(value: unknown): boolean {
  if (value === 0 || value === false || value === '' || value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

/** kube-burner's JSON of a value: durations (burn's `...Ms` keys) in nanoseconds under kube-burner's key, zero values left out. */
function asKubeBurnerJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asKubeBurnerJson);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const duration = key.endsWith('Ms') && typeof inner === 'number';
    const converted = duration ? inner * 1e6 : asKubeBurnerJson(inner);
    if (!isEmpty(converted)) out[duration ? key.slice(0, -2) : key] = converted;
  }
  return out;
}

/**
 * jobSummary's jobConfig as kube-burner v2.7.3 writes it: the job as configured, durations in
 * nanoseconds, zero values left out (gc and churnConfig always there; churnConfig `{}` without
 * churn), no objects or namespace labels. Keys only burn has (e.g. its own options) stay.
 */
export function jobConfigOf(job: Job): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(job)) {
    if (NOT_IN_JOB_CONFIG.has(key)) continue;
    if (key === 'churnConfig') {
      const { enabled, ...churn } = job.churnConfig;
      config.churnConfig = enabled ? asKubeBurnerJson(churn) : {};
      continue;
    }
    if (key === 'hooks') {
      config.hooks = job.hooks.map(({ pos: _p, index: _i, ...hook }) => asKubeBurnerJson(hook));
      if (job.hooks.length === 0) delete config.hooks;
      continue;
    }
    const json = key.endsWith('Ms') && typeof value === 'number' ? value * 1e6 : asKubeBurnerJson(value);
    if (!isEmpty(json) || ALWAYS_WRITTEN.has(key)) config[key.endsWith('Ms') ? key.slice(0, -2) : key] = json;
  }
  return config;
}
