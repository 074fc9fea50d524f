/** `burn diff`: compares two sides (a run folder or repeated runs each) metric by metric. */
import { ExitCode } from '../../shared/errors.js';
import { compareSides, type Comparison } from './compare.js';
import { runMetrics } from './metrics.js';
import { loadRules, type DiffRules } from './rules.js';
import { readSide } from './sides.js';

export { renderDiff, DIFF_FORMATS, type DiffFormat } from './render.js';
export { parseRules, DEFAULT_TOLERANCES, type DiffRules, type ToleranceRule } from './rules.js';
export type { MetricComparison, Comparison } from './compare.js';

export interface DiffOptions {
  /** A run folder, a comma-separated list of them, or a glob in the last segment ("reports/base-*"). */
  baseline: string;
  candidate: string;
  /** YAML rules file (tolerances, confidence, resamples, seed). */
  rulesFile?: string;
}

export interface DiffSide {
  spec: string;
  runs: Array<{ dir: string; uuid: string }>;
}

export interface DiffReport {
  baseline: DiffSide;
  candidate: DiffSide;
  rules: DiffRules;
  comparison: Comparison;
  summary: { regressions: number; improvements: number; unchanged: number };
  /** 4 when a metric regressed, else 0. */
  exitCode: number;
}

export async function diffRuns(options: DiffOptions): Promise<DiffReport> {
  const rules = await loadRules(options.rulesFile);
  const baseline = await readSide(options.baseline, 'BASELINE');
  const candidate = await readSide(options.candidate, 'CANDIDATE');
  const comparison = compareSides(baseline.map(runMetrics), candidate.map(runMetrics), rules);
  const count = (v: string) => comparison.metrics.filter((m) => m.verdict === v).length;
  const summary = { regressions: count('regression'), improvements: count('improvement'), unchanged: count('unchanged') };
  const side = (spec: string, folders: typeof baseline): DiffSide => ({ spec, runs: folders.map((f) => ({ dir: f.dir, uuid: f.meta.uuid })) });
  return {
    baseline: side(options.baseline, baseline),
    candidate: side(options.candidate, candidate),
    rules,
    comparison,
    summary,
    exitCode: summary.regressions > 0 ? ExitCode.Violation : ExitCode.Passed,
  };
}
