/**
 * Turns measurement results into verdicts: the SIG SLOs, graded only on the cluster's own SLIs
 * (the API server's histogram from Prometheus or burn's /metrics scrape; pod startup from the
 * watch or the kubelet), ClusterLoader2's customThresholds/allowedSlowCalls (carried by the API
 * SLIs) and the measurements' own thresholds (kube-burner's podLatency thresholds).
 *
 * Client-side API latency is burn's own clock: shown as a diagnostic, graded only against a
 * threshold the user set on it. A failure that rests on a clock that was saturated, and is no
 * larger than what that clock can have added, is inconclusive: the machine may explain it. A
 * clock can add its worst loop delay; a saturated simulator also what it measured it added itself
 * to that kind of figure (its backlog: answers to requests, pods' startup), whichever is larger.
 * An API server on a loopback address shares burn's machine, so burn's saturation speaks for its
 * figures too.
 */
import { ExitCode } from '../shared/errors.js';
import { formatMs } from '../shared/format-ms.js';
import { apiKeyString } from '../measure/index.js';
import type { ApiCallSli, MeasurementResult, PodStartupSli, SaturationReport, SelfDelayKind, SliSource, ThresholdResult } from '../measure/index.js';
import { POD_STARTUP_SLO, POD_STARTUP_SLO_MS, apiSloName, apiThresholdMs } from './catalogue.js';
import { describeSelfDelay, ownerWords, runSaturation, type ClockOwner } from './saturation.js';

export type VerdictState = 'pass' | 'fail' | 'inconclusive';

export interface Verdict {
  slo: string;
  /** Where the figure comes from: server, prometheus, client, watch, or the measurement's name for thresholds. */
  source: string;
  key: string;
  value: number;
  threshold: number;
  /** threshold - value: positive is headroom, negative is by how much it failed. */
  margin: number;
  unit: 'ms' | 'count' | '%';
  state: VerdictState;
  /** state === 'pass'. */
  passed: boolean;
  /** False for a figure shown beside the graded one (a second source, or a client-side diagnostic): it never decides the exit code. */
  binding: boolean;
  samples: number;
  /** Fewer than 100 samples: the value is their maximum, shown as "max". */
  p99IsMax?: boolean;
  /** Nothing to compare: passed, and said. */
  noSamples?: boolean;
  /** The quantity cannot be measured on this cluster (e.g. connectivity on kwok nodes): inconclusive, and said why in the message. */
  notMeasurable?: true;
  /** Pods waited for that never became ready: counted beyond the threshold. */
  neverReady?: number;
  /** Whose clocks the figure rests on (a saturated one can make a failure inconclusive). */
  restsOn: ClockOwner[];
  message: string;
}

/** Graded sources, best first: Prometheus sees every API server; burn's scrape may see one. */
const API_GRADED_SOURCES: SliSource[] = ['prometheus', 'server'];
const POD_STARTUP_SOURCE_RANK: SliSource[] = ['watch', 'prometheus'];

/** Who produced the figures: burn's clock, and the simulator when the cluster is one (it reports its own saturation). */
interface Clocks {
  simulated: boolean;
  /** The API server listens on this machine (loopback): its figures share burn's CPU, so burn's saturation speaks for them too. */
  sharedHost: boolean;
  saturation: SaturationReport[];
}

/** What the grading knows of the cluster beyond the measurements. */
export interface GradeContext {
  /** The API server's URL; a loopback address means the cluster shares burn's machine. */
  server?: string;
}

function clusterClock(clocks: Clocks): ClockOwner[] {
  if (clocks.simulated) return ['simulator'];
  return clocks.sharedHost ? ['burn'] : [];
}

/** burn's clock when burn timed the figure itself, plus the cluster's. */
function restingOn(timedByBurn: boolean, clocks: Clocks): ClockOwner[] {
  return [...new Set<ClockOwner>([...(timedByBurn ? ['burn' as const] : []), ...clusterClock(clocks)])];
}

/** 127.0.0.0/8, ::1 or localhost: a control plane started on the machine burn runs on. */
export function isLoopbackServer(server: string | undefined): boolean {
  if (!server) return false;
  let host: string;
  try {
    host = new URL(server).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return false;
  }
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** "p99 850ms" or, over fewer than 100 samples, "max 850ms". */
function figure(value: number, p99IsMax: boolean | undefined): string {
  return `${p99IsMax ? 'max' : 'p99'} ${formatMs(value)}`;
}

function fewNote(p99IsMax: boolean | undefined): string {
  return p99IsMax ? '; fewer than 100 samples: P99 is their maximum' : '';
}

/** A verdict before its state; `delayKind` says which of the simulator's own delays can explain it (none: only loop delays). */
type Draft = Omit<Verdict, 'state' | 'passed' | 'message'> & { failed: boolean; message: string; delayKind?: SelfDelayKind };

/** The most a saturated clock can have added to a figure of this kind, and the words that say so. */
function excuse(s: SaturationReport, kind: SelfDelayKind | undefined, clocks: Clocks): { ms: number; words: string } {
  const self = kind ? s.selfDelay?.[kind] : undefined;
  if (s.source === 'simulator' && self && self.p99Ms > s.loopDelayP99Ms) {
    return { ms: self.p99Ms, words: `the simulator was saturated and added up to ${describeSelfDelay(kind!, self)}` };
  }
  const machine = s.source === 'burn' && clocks.sharedHost ? ', whose machine the API server shares,' : '';
  return { ms: s.loopDelayP99Ms, words: `${ownerWords(s.source)}${machine} was saturated (loop delay up to ${formatMs(s.loopDelayP99Ms)})` };
}

/**
 * The state of a drafted verdict: a failure whose excess over the threshold fits within what the
 * saturated clocks it rests on can have added (excuse) is inconclusive; else it stands.
 */
function settle(draft: Draft, clocks: Clocks): Verdict {
  const { failed, delayKind, ...rest } = draft;
  if (!failed) return { ...rest, state: 'pass', passed: true };
  const excuses = clocks.saturation.filter((s) => s.saturated && draft.restsOn.includes(s.source)).map((s) => excuse(s, delayKind, clocks));
  const allowanceMs = excuses.reduce((sum, e) => sum + e.ms, 0);
  const excess = -draft.margin;
  if (excuses.length > 0 && draft.unit === 'ms' && Number.isFinite(excess) && excess <= allowanceMs) {
    return { ...rest, state: 'inconclusive', passed: false, message: `${draft.message}; inconclusive: ${excuses.map((e) => e.words).join(', and ')}` };
  }
  return { ...rest, state: 'fail', passed: false };
}

function apiVerdict(sli: ApiCallSli, binding: boolean, clocks: Clocks): Verdict {
  const key = apiKeyString(sli);
  const userThreshold = sli.thresholdMs !== undefined;
  const client = sli.source === 'client';
  // A client figure is graded only against a threshold the user set on it, never the SIG SLO.
  const slo = client && userThreshold ? 'API call latency threshold (client)' : apiSloName(sli.verb, sli.scope);
  const threshold = apiThresholdMs(sli);
  const restsOn = restingOn(client, clocks);
  const from = `${sli.count} calls (${sli.source}${sli.resolutionMs ? `, buckets of ${formatMs(sli.resolutionMs)}` : ''}${sli.coverage ? `, ${sli.coverage}` : ''})`;
  if (sli.count === 0) {
    return settle({ slo, source: sli.source, key, value: 0, threshold, margin: threshold, unit: 'ms', binding, samples: 0, noSamples: true, restsOn, failed: false, message: `${slo} ${key}: no samples (${sli.source})` }, clocks);
  }
  const underThreshold = sli.p99 <= threshold;
  const allowed = sli.allowedSlowCalls ?? 0;
  const failed = !(underThreshold || (allowed > 0 && sli.slowCount <= allowed));
  let message = `${slo} ${key}: ${figure(sli.p99, sli.p99IsMax)} ${underThreshold ? '<=' : '>'} ${formatMs(threshold)} over ${from}${fewNote(sli.p99IsMax)}`;
  if (!underThreshold && !failed) message += `, passed: ${sli.slowCount} slow calls <= allowedSlowCalls ${allowed}`;
  else if (failed) message += `, ${formatMs(sli.p99 - threshold)} over the threshold, ${sli.slowCount} slow calls`;
  return settle(
    { slo, source: sli.source, key, value: sli.p99, threshold, margin: threshold - sli.p99, unit: 'ms', binding: binding || (client && userThreshold), samples: sli.count, ...(sli.p99IsMax ? { p99IsMax: true } : {}), restsOn, delayKind: 'request', failed, message },
    clocks,
  );
}

/** "12 pods timed only to within the outage, 3 not seen starting". */
function blindWords(blind: NonNullable<PodStartupSli['blind']>): string {
  return [blind.pods ? `${blind.pods} pod(s) timed only to within it` : '', blind.unknown ? `${blind.unknown} pod(s) not seen starting` : ''].filter(Boolean).join(', ');
}

/**
 * While burn's watch was cut off from the API server, pods were timed only to within the outage, or
 * not seen starting at all. If their shortest and longest possible spans put the p99 on different
 * sides of the threshold, the verdict cannot be known: inconclusive, whatever the figure as seen says.
 */
function blindWatch(verdict: Verdict, sli: PodStartupSli): Verdict {
  const blind = sli.blind;
  if (!blind || blind.pods + blind.unknown === 0) return verdict;
  const eitherSide = sli.count === 0 || blind.p99IfFast <= POD_STARTUP_SLO_MS !== blind.p99IfSlow <= POD_STARTUP_SLO_MS;
  if (!eitherSide) return verdict;
  const words = `burn's pods watch was cut off from the API server for ${formatMs(blind.ms)} (${blindWords(blind)}), and at their shortest or longest the p99 is ${formatMs(blind.p99IfFast)} or ${Number.isFinite(blind.p99IfSlow) ? formatMs(blind.p99IfSlow) : 'beyond any threshold'}, either side of ${formatMs(POD_STARTUP_SLO_MS)}`;
  return { ...verdict, state: 'inconclusive', passed: false, message: `${verdict.message}; inconclusive: ${words}` };
}

function podStartupVerdict(sli: PodStartupSli, binding: boolean, clocks: Clocks): Verdict {
  return blindWatch(podStartupGrade(sli, binding, clocks), sli);
}

function podStartupGrade(sli: PodStartupSli, binding: boolean, clocks: Clocks): Verdict {
  const clock = sli.source === 'watch' ? 'creation -> containers started, observed via watch, image pulls excluded' : 'kubelet_pod_start_sli_duration_seconds';
  const restsOn = restingOn(sli.source === 'watch', clocks);
  const base = { slo: POD_STARTUP_SLO, source: sli.source, key: 'pods', threshold: POD_STARTUP_SLO_MS, unit: 'ms' as const, binding, samples: sli.count, restsOn, delayKind: 'pod' as const };
  if (sli.count === 0) return settle({ ...base, value: 0, margin: POD_STARTUP_SLO_MS, noSamples: true, failed: false, message: `${POD_STARTUP_SLO}: no samples (${clock})` }, clocks);
  const neverReady = sli.neverReady ?? 0;
  const failed = !(sli.p99 <= POD_STARTUP_SLO_MS);
  const blind = sli.blind && sli.blind.pods + sli.blind.unknown > 0 ? `; the watch was cut off for ${formatMs(sli.blind.ms)}: ${blindWords(sli.blind)}` : '';
  const left = `${sli.excluded ? `; ${sli.excluded} left out` : ''}${neverReady ? `; ${neverReady} never became ready, counted beyond the threshold` : ''}${blind}`;
  const value = Number.isFinite(sli.p99) ? figure(sli.p99, sli.p99IsMax) : `p99 beyond any threshold (${neverReady} of ${sli.count} pods never became ready)`;
  const over = !failed ? '' : Number.isFinite(sli.p99) ? `, ${formatMs(sli.p99 - POD_STARTUP_SLO_MS)} over` : '';
  return settle(
    {
      ...base,
      value: sli.p99,
      margin: POD_STARTUP_SLO_MS - sli.p99,
      ...(sli.p99IsMax ? { p99IsMax: true } : {}),
      ...(neverReady ? { neverReady } : {}),
      failed,
      message: `${POD_STARTUP_SLO}: ${value} ${failed ? '>' : '<='} ${formatMs(POD_STARTUP_SLO_MS)} over ${sli.count} pods (${clock}${left}${fewNote(sli.p99IsMax)})${over}`,
    },
    clocks,
  );
}

/** Combines SLIs of the same key from several results (jobs): count-weighted is wrong for quantiles, so the worst p99 wins. */
function worstByKey<T extends { p99: number; count: number }>(items: T[], keyOf: (t: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const key = keyOf(item);
    const seen = out.get(key);
    if (!seen || item.p99 > seen.p99 || (seen.count === 0 && item.count > 0)) out.set(key, item);
  }
  return out;
}

function clocksOf(results: MeasurementResult[], context: GradeContext): Clocks {
  const saturation = runSaturation(results);
  const simulated = saturation.some((s) => s.source === 'simulator');
  return { simulated, sharedHost: !simulated && isLoopbackServer(context.server), saturation };
}

function apiVerdicts(slis: ApiCallSli[], clocks: Clocks): Verdict[] {
  const api = worstByKey(slis, (s) => `${s.source}|${apiKeyString(s)}`);
  const byKey = new Map<string, ApiCallSli[]>();
  for (const sli of api.values()) byKey.set(apiKeyString(sli), [...(byKey.get(apiKeyString(sli)) ?? []), sli]);
  const verdicts: Verdict[] = [];
  for (const key of [...byKey.keys()].sort()) {
    const all = byKey.get(key)!;
    const graded = API_GRADED_SOURCES.map((source) => all.find((s) => s.source === source)).find((s) => s !== undefined);
    for (const sli of [...all].sort((a, b) => rank(a.source) - rank(b.source))) verdicts.push(apiVerdict(sli, sli === graded, clocks));
  }
  return verdicts;
}

function rank(source: SliSource): number {
  const at = API_GRADED_SOURCES.indexOf(source);
  return at < 0 ? API_GRADED_SOURCES.length : at;
}

export function gradeSlis(results: MeasurementResult[], context: GradeContext = {}): Verdict[] {
  const clocks = clocksOf(results, context);
  const slis = results.flatMap((r) => r.slis);
  const verdicts = apiVerdicts(slis.filter((s): s is ApiCallSli => s.sli === 'apiCall'), clocks);
  verdicts.push(...podStartupVerdicts(slis.filter((s): s is PodStartupSli => s.sli === 'podStartup'), clocks));
  return verdicts;
}

const STATE_SEVERITY: Record<VerdictState, number> = { pass: 0, inconclusive: 1, fail: 2 };

/**
 * Per source, the worst of the jobs' pod startup verdicts: a failure before an unknown (a job whose
 * watch was cut off), an unknown before a pass, then the larger p99. The best source is binding.
 */
function podStartupVerdicts(slis: PodStartupSli[], clocks: Clocks): Verdict[] {
  const sources = [...new Set(slis.map((s) => s.source))].sort((a, b) => POD_STARTUP_SOURCE_RANK.indexOf(a) - POD_STARTUP_SOURCE_RANK.indexOf(b));
  return sources.map((source, i) =>
    slis
      .filter((s) => s.source === source)
      .map((sli) => podStartupVerdict(sli, i === 0, clocks))
      .reduce((worst, v) => {
        const [a, b] = [STATE_SEVERITY[v.state], STATE_SEVERITY[worst.state]];
        return a > b || (a === b && v.value > worst.value) ? v : worst;
      }),
  );
}

/** A threshold rests on burn's clock when every quantile of its measurement named in its key was timed on burn's side. */
function thresholdClocks(r: MeasurementResult, t: ThresholdResult, clocks: Clocks): ClockOwner[] {
  const words = new Set(t.key.split(' '));
  const named = r.quantiles.filter((q) => words.has(q.name));
  const onBurn = named.length > 0 && named.every((q) => q.clock === 'watch-ms' || q.clock === 'client-ms');
  return onBurn ? ['burn', ...clusterClock(clocks)] : clusterClock(clocks);
}

/** Measurements whose thresholds are on figures the simulator measures its own delay for (pod latencies: its pods' startup). */
const MEASUREMENT_DELAY_KINDS: Partial<Record<string, SelfDelayKind>> = { podLatency: 'pod' };

/** The measurements' own thresholds and failures (e.g. more than 10% invalid pod latencies). */
export function gradeMeasurements(results: MeasurementResult[], context: GradeContext = {}): Verdict[] {
  const clocks = clocksOf(results, context);
  const verdicts: Verdict[] = [];
  for (const r of results) {
    for (const t of r.thresholds) {
      const unit: Verdict['unit'] = t.unit === 'ratio' ? '%' : t.unit;
      const delayKind = MEASUREMENT_DELAY_KINDS[r.name];
      const base = { slo: `${r.name} threshold`, source: r.name, key: t.key, threshold: t.threshold, unit, binding: true, restsOn: thresholdClocks(r, t, clocks), message: t.message };
      if (t.notMeasurable !== undefined) {
        verdicts.push({ ...base, value: NaN, margin: NaN, samples: 0, notMeasurable: true, state: 'inconclusive', passed: false });
        continue;
      }
      if (t.noSamples) {
        verdicts.push(settle({ ...base, value: NaN, margin: NaN, samples: 0, noSamples: true, delayKind, failed: false }, clocks));
        continue;
      }
      const samples = r.quantiles.find((q) => t.key.split(' ').includes(q.name))?.count ?? r.invalid?.total ?? 0;
      verdicts.push(settle({ ...base, value: t.value, margin: t.threshold - t.value, samples, delayKind, failed: !t.passed }, clocks));
    }
    for (const error of r.errors) {
      verdicts.push(settle({ slo: `${r.name} valid`, source: r.name, key: r.name, value: NaN, threshold: NaN, margin: NaN, unit: 'count', binding: true, samples: r.invalid?.total ?? 0, restsOn: [], failed: true, message: error }, clocks));
    }
  }
  return verdicts;
}

/** Every verdict of a run: SLOs first, then thresholds and measurement failures. */
export function grade(results: MeasurementResult[], context: GradeContext = {}): Verdict[] {
  return [...gradeSlis(results, context), ...gradeMeasurements(results, context)];
}

export function failedVerdicts(verdicts: Verdict[]): Verdict[] {
  return verdicts.filter((v) => v.binding && v.state === 'fail');
}

export function inconclusiveVerdicts(verdicts: Verdict[]): Verdict[] {
  return verdicts.filter((v) => v.binding && v.state === 'inconclusive');
}

/** The run's verdict in one word. */
export function overallState(verdicts: Verdict[]): VerdictState {
  if (failedVerdicts(verdicts).length > 0) return 'fail';
  return inconclusiveVerdicts(verdicts).length > 0 ? 'inconclusive' : 'pass';
}

/**
 * The exit code the grading asks for: 4 when a binding verdict failed, else 3 when an alert of
 * severity error or critical fired, else 5 when a failure is inconclusive (burn or the simulator
 * was saturated), else 0.
 */
export function gradingExitCode(verdicts: Verdict[], results: MeasurementResult[]): number {
  if (failedVerdicts(verdicts).length > 0) return ExitCode.Violation;
  const alerted = results.some((r) => r.alerts?.some((a) => a.severity === 'error' || a.severity === 'critical'));
  if (alerted) return ExitCode.AlertError;
  return inconclusiveVerdicts(verdicts).length > 0 ? ExitCode.Inconclusive : ExitCode.Passed;
}
