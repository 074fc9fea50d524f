/**
 * `burn history`: the runs of a store (a folder of run folders), filtered by what they ran on, as
 * one series per metric, with each series' noise and its change-points (E-divisive means). A run
 * whose newest segment is worse than the one before it is what a nightly job should hear about.
 */
import { basename } from 'node:path';
import { ExitCode, UserError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/suggest.js';
import { compareSides } from '../diff/compare.js';
import { runMetrics, type Direction, type MetricUnit, type RunMetric } from '../diff/metrics.js';
import { globToRegExp, loadRules, toleranceFor, type DiffRules } from '../diff/rules.js';
import type { RunFolder } from '../run-folder.js';
import type { RunStore } from './store.js';
import { changePoints, DEFAULT_CHANGE_POINT_OPTIONS, type ChangePoint } from './change-points.js';

export { folderStore, type RunStore, type StoreRuns } from './store.js';
export { renderHistory, HISTORY_FORMATS, type HistoryFormat } from './render.js';
export { changePoints, bestSplit, DEFAULT_CHANGE_POINT_OPTIONS, type ChangePoint, type ChangePointOptions } from './change-points.js';

export interface HistoryOptions {
  /** Where the runs are: a folder of run folders (reports/ by default, `folderStore`), or OpenSearch. */
  store: RunStore;
  /** Facts the runs must have: config, config-digest, target, k8s-version, nodes, sim-profile, burn-version, or a --user-metadata key. */
  match: Record<string, string>;
  /** Only metrics whose id matches this glob (`*` spans `/`). */
  metric?: string;
  /** Only the newest N matching runs. */
  last?: number;
  rulesFile?: string;
  alpha?: number;
  permutations?: number;
  minSegment?: number;
}

/** What a run ran on, as `--match` keys name it. */
export type RunFacts = Record<string, string>;

export interface HistoryRun {
  dir: string;
  uuid: string;
  start: string;
  facts: RunFacts;
}

export interface SeriesChangePoint extends ChangePoint {
  /** The run where the change began. */
  uuid: string;
  dir: string;
  /** after - before in % of before. */
  changePercent: number;
  worse: boolean;
  /** Facts that differ between the runs on either side (a change may come from them). */
  factsChanged: string[];
}

export interface MetricHistory {
  id: string;
  label: string;
  unit: MetricUnit;
  direction: Direction;
  /** One point per run that has the metric, oldest first; `run` indexes HistoryReport.runs. */
  points: Array<{ run: number; value: number }>;
  /** Run-to-run noise of the newest segment: median and median absolute deviation in % of it. */
  noise: { median: number; madPercent: number };
  changePoints: SeriesChangePoint[];
  /** Shown, never a regression of the cluster (burn's own pace), with the reason. */
  notJudged?: string;
  /** The newest run lies after a change-point for the worse. */
  newestWorse: boolean;
}

export interface HistoryReport {
  store: string;
  match: Record<string, string>;
  /** Which of `match` were not given and were taken from the newest run. */
  defaultedMatch: string[];
  runs: HistoryRun[];
  /** Folders of the store that were not used, and why. */
  skipped: Array<{ dir: string; reason: string }>;
  settings: { alpha: number; permutations: number; minSegment: number };
  metrics: MetricHistory[];
  exitCode: number;
}

/** `--match` keys of the run record's own facts; any other key is a --user-metadata key. */
const FACT_KEYS = ['config', 'config-digest', 'target', 'k8s-version', 'nodes', 'sim-profile', 'burn-version'] as const;

/** A series mixes runs of one config on one kind of target unless the user says otherwise. */
const DEFAULT_MATCH_KEYS = ['config-digest', 'target'] as const;

export function factsOf(folder: RunFolder): RunFacts {
  const { meta } = folder;
  const facts: RunFacts = {
    config: basename(meta.configFile),
    'config-digest': meta.configDigest,
    target: meta.cluster.target,
    'k8s-version': meta.cluster.k8sVersion,
    nodes: String(meta.cluster.totalNodes),
    'sim-profile': meta.cluster.simProfile ?? '',
    'burn-version': meta.burnVersion,
  };
  for (const [key, value] of Object.entries(meta.metadata)) {
    if (!(key in facts) && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) facts[key] = String(value);
  }
  return facts;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function noiseOf(values: number[]): MetricHistory['noise'] {
  if (values.length === 0) return { median: NaN, madPercent: NaN };
  const m = median(values);
  const mad = median(values.map((v) => Math.abs(v - m)));
  return { median: m, madPercent: m === 0 ? 0 : (100 * mad) / Math.abs(m) };
}

function seriesOf(runs: HistoryRun[], metricsByRun: RunMetric[][], rules: DiffRules, options: Required<Pick<HistoryOptions, 'alpha' | 'permutations' | 'minSegment'>>, only: ((id: string) => boolean) | undefined): MetricHistory[] {
  const byId = new Map<string, { metric: RunMetric; points: Array<{ run: number; value: number }>; figures: RunMetric[] }>();
  metricsByRun.forEach((metrics, run) => {
    for (const metric of metrics) {
      if (only && !only(metric.id)) continue;
      if (!Number.isFinite(metric.value)) continue;
      const entry = byId.get(metric.id) ?? { metric, points: [], figures: [] };
      entry.metric = metric; // the newest run's label and unit win
      entry.points.push({ run, value: metric.value });
      entry.figures.push(metric);
      byId.set(metric.id, entry);
    }
  });
  const out: MetricHistory[] = [];
  for (const [id, { metric, points, figures }] of [...byId].sort(([a], [b]) => a.localeCompare(b))) {
    const tolerance = toleranceFor(id, rules);
    if (tolerance.ignore) continue;
    const values = points.map((p) => p.value);
    const largeEnough = (before: number, after: number) => {
      const change = Math.abs(after - before);
      return change > tolerance.absolute && change > (tolerance.percent / 100) * Math.abs(before);
    };
    // A run's figure is one quantile of its pods: with few pods it moves from night to night on its
    // own, and a few nights can line up by chance. So a split is kept only when `burn diff` of the
    // runs before it against the runs after it also calls the change beyond noise (its bootstrap
    // draws runs, then pods within them).
    const confirm = (start: number, at: number, end: number) => {
      const side = (from: number, to: number) => figures.slice(from, to).map((figure) => [figure]);
      const verdict = compareSides(side(start, at), side(at, end), rules).metrics[0]?.verdict;
      return verdict === 'regression' || verdict === 'improvement';
    };
    const found = changePoints(values, { ...DEFAULT_CHANGE_POINT_OPTIONS, ...options, largeEnough, ...(metric.notJudged === undefined ? { confirm } : {}) });
    const changes: SeriesChangePoint[] = found.map((cp) => {
      const run = runs[points[cp.index]!.run]!;
      const previous = runs[points[cp.index - 1]!.run]!;
      const worse = metric.direction === 'lower-is-better' ? cp.after > cp.before : cp.after < cp.before;
      const factsChanged = Object.keys(run.facts).filter((k) => run.facts[k] !== previous.facts[k]).map((k) => `${k}: ${previous.facts[k] ?? '-'} -> ${run.facts[k]}`);
      return { ...cp, uuid: run.uuid, dir: run.dir, changePercent: cp.before === 0 ? 0 : (100 * (cp.after - cp.before)) / Math.abs(cp.before), worse, factsChanged };
    });
    const last = changes.at(-1);
    const newestSegment = values.slice(last?.index ?? 0);
    const judged = metric.notJudged === undefined;
    out.push({
      id,
      label: metric.label,
      unit: metric.unit,
      direction: metric.direction,
      points,
      noise: noiseOf(newestSegment),
      changePoints: changes,
      ...(judged ? {} : { notJudged: metric.notJudged }),
      newestWorse: judged && last !== undefined && last.worse && points.at(-1)!.run === runs.length - 1,
    });
  }
  return out;
}

/**
 * A `--match` key that no run of the store has would silently match nothing (a typo such as
 * `relase`): refused, naming the keys the runs have. Without runs there is nothing to check against.
 */
export function refuseUnknownKeys(keys: string[], folders: RunFolder[], store: string): void {
  if (folders.length === 0) return;
  const known = new Set<string>(FACT_KEYS);
  for (const folder of folders) for (const key of Object.keys(factsOf(folder))) known.add(key);
  for (const key of keys) {
    if (known.has(key)) continue;
    const suggestion = didYouMean(key, known);
    const userKeys = [...known].filter((k) => !(FACT_KEYS as readonly string[]).includes(k));
    throw new UserError(`--match ${key}: no run of ${store} has the metadata key "${key}"${suggestion ? ` (${suggestion})` : ''}`, {
      hint: `the runs' keys: ${FACT_KEYS.join(', ')}${userKeys.length ? `, and from --user-metadata: ${userKeys.sort().join(', ')}` : ' (no --user-metadata keys)'}`,
    });
  }
}

/**
 * The runs with every fact of `match`, oldest first. The default keys (config digest, target) not in
 * `match` are taken from `reference` (a diff's candidate), else from the newest run that matches.
 */
export function selectRuns(
  folders: RunFolder[],
  given: Record<string, string>,
  where: { reference?: RunFacts } = {},
): { chosen: Array<{ folder: RunFolder; facts: RunFacts }>; match: Record<string, string>; defaultedMatch: string[]; skipped: HistoryReport['skipped'] } {
  const all = folders.map((folder) => ({ folder, facts: factsOf(folder) })).sort((a, b) => a.folder.meta.start.localeCompare(b.folder.meta.start));
  const match = { ...given };
  const matches = (facts: RunFacts) => Object.entries(match).every(([k, v]) => facts[k] === v);
  const newest = where.reference ?? all.filter(({ facts }) => matches(facts)).at(-1)?.facts;
  const defaultedMatch: string[] = [];
  if (newest) {
    for (const key of DEFAULT_MATCH_KEYS) {
      if (!(key in match)) {
        match[key] = newest[key]!;
        defaultedMatch.push(key);
      }
    }
  }
  const chosen = all.filter(({ facts }) => matches(facts));
  const skipped: HistoryReport['skipped'] = [];
  for (const { folder, facts } of all) {
    if (!chosen.some((c) => c.folder === folder)) {
      const differs = Object.entries(match).filter(([k, v]) => facts[k] !== v).map(([k, v]) => `${k} is ${facts[k] ?? '(unset)'}, not ${v}`);
      skipped.push({ dir: folder.dir, reason: `does not match: ${differs.join('; ')}` });
    }
  }
  return { chosen, match, defaultedMatch, skipped };
}

export async function historyOf(options: HistoryOptions): Promise<HistoryReport> {
  const rules = await loadRules(options.rulesFile);
  const settings = {
    alpha: options.alpha ?? DEFAULT_CHANGE_POINT_OPTIONS.alpha,
    permutations: options.permutations ?? DEFAULT_CHANGE_POINT_OPTIONS.permutations,
    minSegment: options.minSegment ?? DEFAULT_CHANGE_POINT_OPTIONS.minSegment,
  };
  const { folders, skipped } = await options.store.runs();
  refuseUnknownKeys(Object.keys(options.match), folders, options.store.name);
  const selected = selectRuns(folders, options.match);
  const { match, defaultedMatch } = selected;
  let chosen = selected.chosen;
  skipped.push(...selected.skipped);
  if (options.last !== undefined) chosen = chosen.slice(-options.last);
  const runs: HistoryRun[] = chosen.map(({ folder, facts }) => ({ dir: folder.dir, uuid: folder.meta.uuid, start: folder.meta.start, facts }));
  const pattern = options.metric === undefined ? undefined : globToRegExp(options.metric);
  const only = pattern && ((id: string) => pattern.test(id));
  const metrics = seriesOf(runs, chosen.map(({ folder }) => runMetrics(folder)), rules, settings, only);
  return {
    store: options.store.name,
    match,
    defaultedMatch,
    runs,
    skipped,
    settings,
    metrics,
    exitCode: metrics.some((m) => m.newestWorse) ? ExitCode.Violation : ExitCode.Passed,
  };
}

export { FACT_KEYS as HISTORY_FACT_KEYS };
