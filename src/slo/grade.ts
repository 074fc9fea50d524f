/**
 * Turns measurement results into verdicts: the SIG SLOs (from the best source, others shown
 * beside it), ClusterLoader2's customThresholds/allowedSlowCalls (carried by the API SLIs) and
 * the measurements' own thresholds (kube-burner's podLatency thresholds).
 */
import { ExitCode } from '../shared/errors.js';
import { apiKeyString } from '../measure/api-sli.js';
import type { ApiCallSli, MeasurementResult, PodStartupSli, SliSource } from '../measure/types.js';
import { POD_STARTUP_SLO, POD_STARTUP_SLO_MS, apiSloName, apiThresholdMs } from './catalogue.js';

export interface Verdict {
  slo: string;
  /** Where the figure comes from: prometheus (server side), client, watch, or the measurement's name for thresholds. */
  source: string;
  key: string;
  value: number;
  threshold: number;
  /** threshold - value: positive is headroom, negative is by how much it failed. */
  margin: number;
  unit: 'ms' | 'count' | '%';
  passed: boolean;
  /** False for a figure shown beside the one graded (a second source): it cannot fail the run. */
  binding: boolean;
  samples: number;
  message: string;
}

/** Best source first. */
const API_SOURCE_RANK: SliSource[] = ['prometheus', 'server', 'client'];
const POD_STARTUP_SOURCE_RANK: SliSource[] = ['watch', 'prometheus'];

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`;
}

function apiVerdict(sli: ApiCallSli, binding: boolean): Verdict {
  const threshold = apiThresholdMs(sli);
  const key = apiKeyString(sli);
  const slo = apiSloName(sli.verb, sli.scope);
  const underThreshold = sli.p99 <= threshold;
  const allowed = sli.allowedSlowCalls ?? 0;
  const passed = underThreshold || (allowed > 0 && sli.slowCount <= allowed);
  let message = `${slo} ${key}: p99 ${fmtMs(sli.p99)} ${underThreshold ? '<=' : '>'} ${fmtMs(threshold)} over ${sli.count} calls (${sli.source})`;
  if (!underThreshold && passed) message += `, passed: ${sli.slowCount} slow calls <= allowedSlowCalls ${allowed}`;
  else if (!passed) message += `, ${fmtMs(sli.p99 - threshold)} over the threshold, ${sli.slowCount} slow calls`;
  return { slo, source: sli.source, key, value: sli.p99, threshold, margin: threshold - sli.p99, unit: 'ms', passed, binding, samples: sli.count, message };
}

function podStartupVerdict(sli: PodStartupSli, binding: boolean): Verdict {
  const passed = sli.p99 <= POD_STARTUP_SLO_MS;
  const clock = sli.source === 'watch' ? 'creation -> containers started, observed via watch, image pulls excluded' : 'kubelet_pod_start_sli_duration_seconds';
  return {
    slo: POD_STARTUP_SLO,
    source: sli.source,
    key: 'pods',
    value: sli.p99,
    threshold: POD_STARTUP_SLO_MS,
    margin: POD_STARTUP_SLO_MS - sli.p99,
    unit: 'ms',
    passed,
    binding,
    samples: sli.count,
    message: `${POD_STARTUP_SLO}: p99 ${fmtMs(sli.p99)} ${passed ? '<=' : '>'} ${fmtMs(POD_STARTUP_SLO_MS)} over ${sli.count} pods (${clock}${sli.excluded ? `; ${sli.excluded} left out` : ''})${passed ? '' : `, ${fmtMs(sli.p99 - POD_STARTUP_SLO_MS)} over`}`,
  };
}

/** Combines SLIs of the same key from several results (jobs): count-weighted is wrong for quantiles, so the worst p99 wins. */
function worstByKey<T extends { p99: number; count: number }>(items: T[], keyOf: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    const seen = out.get(key);
    if (!seen || item.p99 > seen.p99) out.set(key, item);
  }
  return out;
}

function bySourceRank<T extends { source: SliSource }>(items: T[], rank: SliSource[]): T[] {
  return [...items].sort((a, b) => rank.indexOf(a.source) - rank.indexOf(b.source));
}

export function gradeSlis(results: MeasurementResult[]): Verdict[] {
  const slis = results.flatMap((r) => r.slis);
  const api = worstByKey(slis.filter((s): s is ApiCallSli => s.sli === 'apiCall'), (s) => `${s.source}|${apiKeyString(s)}`);
  const apiByKey = new Map<string, ApiCallSli[]>();
  for (const sli of api.values()) {
    const key = apiKeyString(sli);
    apiByKey.set(key, [...(apiByKey.get(key) ?? []), sli]);
  }
  const verdicts: Verdict[] = [];
  for (const key of [...apiByKey.keys()].sort()) {
    bySourceRank(apiByKey.get(key)!, API_SOURCE_RANK).forEach((sli, i) => verdicts.push(apiVerdict(sli, i === 0)));
  }
  const startup = worstByKey(slis.filter((s): s is PodStartupSli => s.sli === 'podStartup'), (s) => s.source);
  bySourceRank([...startup.values()], POD_STARTUP_SOURCE_RANK).forEach((sli, i) => verdicts.push(podStartupVerdict(sli, i === 0)));
  return verdicts;
}

/** The measurements' own thresholds and failures (e.g. more than 10% invalid pod latencies). */
export function gradeMeasurements(results: MeasurementResult[]): Verdict[] {
  const verdicts: Verdict[] = [];
  for (const r of results) {
    for (const t of r.thresholds) {
      verdicts.push({
        slo: `${r.name} threshold`,
        source: r.name,
        key: t.key,
        value: t.value,
        threshold: t.threshold,
        margin: t.threshold - t.value,
        unit: t.unit === 'ratio' ? '%' : t.unit,
        passed: t.passed,
        binding: true,
        samples: r.invalid?.total ?? 0,
        message: t.message,
      });
    }
    for (const error of r.errors) {
      verdicts.push({ slo: `${r.name} valid`, source: r.name, key: r.name, value: NaN, threshold: NaN, margin: NaN, unit: 'count', passed: false, binding: true, samples: r.invalid?.total ?? 0, message: error });
    }
  }
  return verdicts;
}

/** Every verdict of a run: SLOs first, then thresholds and measurement failures. */
export function grade(results: MeasurementResult[]): Verdict[] {
  return [...gradeSlis(results), ...gradeMeasurements(results)];
}

export function failedVerdicts(verdicts: Verdict[]): Verdict[] {
  return verdicts.filter((v) => v.binding && !v.passed);
}

/**
 * The exit code the grading asks for: 4 when a binding verdict failed, else 3 when an alert of
 * severity error or critical fired, else 0.
 */
export function gradingExitCode(verdicts: Verdict[], results: MeasurementResult[]): number {
  if (failedVerdicts(verdicts).length > 0) return ExitCode.Violation;
  const alerted = results.some((r) => r.alerts?.some((a) => a.severity === 'error' || a.severity === 'critical'));
  return alerted ? ExitCode.AlertError : ExitCode.Passed;
}
