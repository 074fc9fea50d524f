/** `burn diff`: compares two sides (a run folder or repeated runs each) metric by metric. */
import { ExitCode } from '../../shared/errors.js';
import { compareSides, type Comparison } from './compare.js';
import { runMetrics } from './metrics.js';
import { loadRules, type DiffRules } from './rules.js';
import { readSide } from './sides.js';
import type { RunFolder } from '../run-folder.js';
import { baselineFromHistory, type BaselineQuery } from '../history/baseline.js';

export { renderDiff, DIFF_FORMATS, type DiffFormat } from './render.js';
export { parseRules, DEFAULT_TOLERANCES, type DiffRules, type ToleranceRule } from './rules.js';
export type { MetricComparison, Comparison } from './compare.js';

export interface DiffOptions {
  /** A run folder, a comma-separated list of them, or a glob in the last segment ("reports/base-*"); unused with baselineHistory. */
  baseline: string;
  /** The baseline is a history query: the newest runs of a store that match the candidate (--baseline-history). */
  baselineHistory?: BaselineQuery;
  candidate: string;
  /** YAML rules file (tolerances, confidence, resamples, seed). */
  rulesFile?: string;
}

/** What a run ran on, from its run record: the diff header names it, and warns when the sides differ. */
export interface RunFacts {
  dir: string;
  uuid: string;
  burnVersion: string;
  target: string;
  k8sVersion: string;
  nodes: number;
  simProfile?: string;
  configFile: string;
  /** sha256 of the config file's bytes; empty when the run folder does not say. */
  configDigest: string;
}

export interface DiffSide {
  spec: string;
  runs: RunFacts[];
}

export interface DiffReport {
  baseline: DiffSide;
  candidate: DiffSide;
  rules: DiffRules;
  comparison: Comparison;
  summary: { regressions: number; improvements: number; unchanged: number; notEnoughData: number; notJudged: number };
  /** The sides ran different configs, versions or clusters: a change may come from that. */
  warnings: string[];
  /** 4 when a metric regressed, else 0. */
  exitCode: number;
}

function runFacts(folder: RunFolder): RunFacts {
  const { meta } = folder;
  const c = meta.cluster;
  return {
    dir: folder.dir,
    uuid: meta.uuid,
    burnVersion: meta.burnVersion,
    target: c.target,
    k8sVersion: c.k8sVersion,
    nodes: c.totalNodes,
    ...(c.simProfile ? { simProfile: c.simProfile } : {}),
    configFile: meta.configFile,
    configDigest: meta.configDigest,
  };
}

const FACTS: Array<{ name: string; of: (r: RunFacts) => string }> = [
  { name: 'configs', of: (r) => (r.configDigest ? `${r.configFile} sha256:${r.configDigest.slice(0, 12)}` : r.configFile) },
  { name: 'burn versions', of: (r) => r.burnVersion },
  { name: 'targets', of: (r) => r.target },
  { name: 'Kubernetes versions', of: (r) => r.k8sVersion },
  { name: 'node counts', of: (r) => String(r.nodes) },
  { name: 'simulator profiles', of: (r) => r.simProfile ?? '-' },
];

/** One warning per fact the runs do not share ("the runs ran different configs: ..."). */
function sideWarnings(base: DiffSide, cand: DiffSide): string[] {
  const runs = [...base.runs, ...cand.runs];
  return FACTS.flatMap(({ name, of }) => {
    const values = [...new Set(runs.map(of))];
    return values.length > 1 ? [`the runs ran different ${name} (${values.join(' vs ')}): a change may come from that, not from the cluster`] : [];
  });
}

export async function diffRuns(options: DiffOptions): Promise<DiffReport> {
  const rules = await loadRules(options.rulesFile);
  const candidate = await readSide(options.candidate, 'CANDIDATE');
  const history = options.baselineHistory ? await baselineFromHistory(options.baselineHistory, candidate) : undefined;
  const baseline = history ? history.folders : await readSide(options.baseline, 'BASELINE');
  const comparison = compareSides(baseline.map(runMetrics), candidate.map(runMetrics), rules, history !== undefined);
  const count = (v: string) => comparison.metrics.filter((m) => m.verdict === v).length;
  const summary = { regressions: count('regression'), improvements: count('improvement'), unchanged: count('unchanged'), notEnoughData: count('not enough data'), notJudged: count('not judged') };
  const spec = history ? `${options.baselineHistory!.store.name}: the newest ${baseline.length} run(s) before the candidate with ${Object.entries(history.match).map(([k, v]) => `${k}=${v}`).join(', ')}` : options.baseline;
  const base = { spec, runs: baseline.map(runFacts) };
  const cand = { spec: options.candidate, runs: candidate.map(runFacts) };
  return {
    baseline: base,
    candidate: cand,
    rules,
    comparison,
    summary,
    warnings: sideWarnings(base, cand),
    exitCode: summary.regressions > 0 ? ExitCode.Violation : ExitCode.Passed,
  };
}
