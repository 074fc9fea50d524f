/**
 * What a reader of a run needs first, derived once from its run folder for the terminal summary,
 * report.html and junit.xml: the run's verdict in one word, the saturation state, every alert that
 * fired, and every measurement's quantiles grouped generically (one row per series name, one
 * column group per clock), so a new measurement shows up without report code naming it.
 */
import type { AlertOutcome, LatencyClock, QuantileSummary, SaturationReport } from '../measure/index.js';
import { failedVerdicts, inconclusiveVerdicts, type Verdict } from '../slo/index.js';
import type { RunFolder } from './run-folder.js';

export type RunWord = 'PASS' | 'FAIL' | 'INCONCLUSIVE';

/** A passed, graded verdict with less headroom than this share of its threshold is "near". */
export const NEAR_MARGIN = 0.2;

export interface FiredAlert extends AlertOutcome {
  job: string;
  measurement: string;
}

/** One series of a measurement in one job, its quantiles on each clock it was measured on. */
export interface QuantileRow {
  job: string;
  name: string;
  byClock: Map<LatencyClock, QuantileSummary>;
}

export interface MeasurementView {
  name: string;
  /** Clocks of the measurement's series, in first-seen order: the table's column groups. */
  clocks: LatencyClock[];
  rows: QuantileRow[];
  errors: string[];
  warnings: string[];
  invalid?: { count: number; total: number };
}

export interface RunView {
  word: RunWord;
  /** Why the word: the failed verdicts, the run's end reason, an error alert. */
  because: string[];
  saturation: SaturationReport[];
  alerts: FiredAlert[];
  failed: Verdict[];
  inconclusive: Verdict[];
  near: Verdict[];
  measurements: MeasurementView[];
}

export const CLOCK_NAMES: Record<LatencyClock, string> = {
  'server-s': 'server, 1 s',
  'watch-ms': 'watch, ms',
  'client-ms': 'client, ms',
  'server-histogram': 'server histogram',
};

function isErrorAlert(a: AlertOutcome): boolean {
  return a.severity === 'error' || a.severity === 'critical';
}

export function alertsByJob(folder: RunFolder): FiredAlert[] {
  return folder.meta.jobs.flatMap((job) => job.measurements.flatMap((m) => (m.alerts ?? []).map((a) => ({ ...a, job: job.name, measurement: m.name }))));
}

/** Every measurement of every job, its quantiles grouped by series name with one entry per clock. */
export function measurementViews(folder: RunFolder): MeasurementView[] {
  const views = new Map<string, MeasurementView>();
  for (const job of folder.meta.jobs) {
    for (const m of job.measurements) {
      const view = views.get(m.name) ?? { name: m.name, clocks: [], rows: [], errors: [], warnings: [] };
      views.set(m.name, view);
      view.errors.push(...m.errors.map((e) => `${job.name}: ${e}`));
      view.warnings.push(...(m.warnings ?? []).map((w) => `${job.name}: ${w}`));
      if (m.invalid) view.invalid = { count: (view.invalid?.count ?? 0) + m.invalid.count, total: (view.invalid?.total ?? 0) + m.invalid.total };
      for (const q of m.quantiles) {
        if (!view.clocks.includes(q.clock)) view.clocks.push(q.clock);
        let row = view.rows.find((r) => r.job === job.name && r.name === q.name);
        if (!row) view.rows.push((row = { job: job.name, name: q.name, byClock: new Map() }));
        row.byClock.set(q.clock, q);
      }
    }
  }
  return [...views.values()];
}

/** The worst P99 of a row over its clocks: rows are ranked by it when a table is cut short. */
export function worstP99(row: QuantileRow): number {
  return Math.max(...[...row.byClock.values()].map((q) => (Number.isFinite(q.p99) ? q.p99 : Infinity)));
}

function isNear(v: Verdict): boolean {
  return v.binding && v.state === 'pass' && !v.noSamples && v.threshold > 0 && Number.isFinite(v.margin) && v.margin < NEAR_MARGIN * v.threshold;
}

export function runView(folder: RunFolder): RunView {
  const failed = failedVerdicts(folder.verdicts);
  const inconclusive = inconclusiveVerdicts(folder.verdicts);
  const alerts = alertsByJob(folder);
  const { reason } = folder.meta;
  const because: string[] = [];
  if (reason !== 'completed') because.push(`the run ended: ${reason}`);
  if (failed.length) because.push(`${failed.length} SLO${failed.length === 1 ? '' : 's'} failed`);
  const errorAlerts = alerts.filter(isErrorAlert);
  if (errorAlerts.length) because.push(`${errorAlerts.length} alert${errorAlerts.length === 1 ? '' : 's'} of severity error or critical fired`);
  let word: RunWord = because.length ? 'FAIL' : 'PASS';
  if (word === 'PASS' && inconclusive.length) {
    word = 'INCONCLUSIVE';
    const unmeasurable = inconclusive.filter((v) => v.notMeasurable).length;
    const saturated = inconclusive.length - unmeasurable;
    if (saturated) because.push(`${saturated} SLO${saturated === 1 ? '' : 's'} failed on a saturated clock`);
    if (unmeasurable) because.push(`${unmeasurable} threshold${unmeasurable === 1 ? '' : 's'} on a quantity this cluster cannot show`);
  }
  return {
    word,
    because,
    saturation: folder.saturation,
    alerts,
    failed,
    inconclusive,
    near: folder.verdicts.filter(isNear),
    measurements: measurementViews(folder),
  };
}
