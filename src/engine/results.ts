import { join } from 'node:path';
import type { Config } from '../config/types.js';
import type { MeasurementResult } from '../measure/types.js';
import { writeJsonAtomic } from '../report/atomic.js';
import { sloDocument, writeSloDocument } from '../report/slo-table.js';
import { grade, gradingExitCode, type Verdict } from '../slo/index.js';
import { version } from '../shared/version.js';
import type { ClusterFacts } from './summary.js';

/** Everything a run produced: the run folder is written from it, and `burn report` reads it back. */
export interface RunRecord {
  uuid: string;
  runId: string;
  configFile: string;
  startMs: number;
  endMs: number;
  reason: string;
  errors: string[];
  /** Why pods never became ready, when a wait timed out. */
  explanations: string[];
  cluster: ClusterFacts;
  summaries: Record<string, unknown>[];
  results: MeasurementResult[];
  /** What the run left on the cluster, in words. */
  created: string;
  verdicts?: Verdict[];
}

/** What burn itself cost: so a user can see burn was not the bottleneck of its own benchmark. */
function processCost(): { cpuUserMs: number; cpuSystemMs: number; maxRssMb: number } {
  const usage = process.resourceUsage();
  return { cpuUserMs: Math.round(usage.userCPUTime / 1000), cpuSystemMs: Math.round(usage.systemCPUTime / 1000), maxRssMb: Math.round(usage.maxRSS / 1024) };
}

/** Measurement documents of every job, merged by file name (kube-burner writes one file per metric). */
function documentsByFile(results: MeasurementResult[]): Map<string, object[]> {
  const files = new Map<string, object[]>();
  for (const result of results) {
    for (const { fileName, docs } of result.documents) files.set(fileName, [...(files.get(fileName) ?? []), ...docs]);
  }
  return files;
}

/**
 * Writes the run folder: kube-burner's documents (jobSummary.json and each measurement's), slo.json
 * and run.json (burn's metadata: versions, target, reason, exit code). Every file atomically.
 */
export async function writeRunFolder(dir: string, record: RunRecord, config?: Pick<Config, 'global' | 'jobs' | 'metricsEndpoints'>): Promise<{ exitCode: number; verdicts: Verdict[] }> {
  const verdicts = grade(record.results);
  const gradingCode = gradingExitCode(verdicts, record.results);
  await writeJsonAtomic(join(dir, 'jobSummary.json'), record.summaries);
  for (const [fileName, docs] of documentsByFile(record.results)) await writeJsonAtomic(join(dir, fileName), docs);
  await writeSloDocument(dir, sloDocument(verdicts, record.results, { uuid: record.uuid, reason: record.reason === 'completed' ? undefined : record.reason }));
  await writeJsonAtomic(join(dir, 'run.json'), {
    uuid: record.uuid,
    runId: record.runId,
    burnVersion: version,
    configFile: record.configFile,
    config: config ? { global: config.global, jobs: config.jobs.map((j) => j.name), metricsEndpoints: config.metricsEndpoints.map((m) => m.endpoint) } : {},
    start: new Date(record.startMs).toISOString(),
    end: new Date(record.endMs).toISOString(),
    reason: record.reason,
    errors: record.errors,
    explanations: record.explanations,
    cluster: record.cluster,
    created: record.created,
    gradingExitCode: gradingCode,
    burnProcess: processCost(),
    measurements: record.results.map((r) => ({ name: r.name, quantiles: r.quantiles, errors: r.errors, warnings: r.warnings ?? [], invalid: r.invalid })),
    // Every alert that fired, whatever its severity (error and critical also set the exit code).
    alerts: record.results.flatMap((r) => r.alerts ?? []),
  });
  return { exitCode: gradingCode, verdicts };
}
