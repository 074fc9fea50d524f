/**
 * The run's final figures, from its run folder (what burn report and burn diff read too): each
 * graded SLI with its threshold and verdict, the run's verdict and exit code, each job's totals
 * and what burn itself cost.
 */
import type { Registry } from 'prom-client';
import type { RunFolder } from '../report/index.js';
import { ExitCode } from '../shared/errors.js';
import { runInfoLabels } from './labels.js';
import type { PromClient } from './live.js';

/** The run's verdict by exit code, as burn's README names them. */
export const VERDICTS: Record<number, string> = {
  [ExitCode.Passed]: 'pass',
  [ExitCode.Error]: 'error',
  [ExitCode.Timeout]: 'timeout',
  [ExitCode.AlertError]: 'alert',
  [ExitCode.Violation]: 'fail',
  [ExitCode.Inconclusive]: 'inconclusive',
};

export function verdictOf(exitCode: number): string {
  return VERDICTS[exitCode] ?? 'error';
}

const SLI_LABELS = ['slo', 'source', 'key', 'unit', 'binding'] as const;

/** Adds the run's final figures to `registries` (the served one and the pushed one). */
export function addFinalMetrics(prom: PromClient, registries: Registry[], folder: RunFolder | undefined, exitCode: number): void {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) => new prom.Gauge<L>({ name, help, labelNames, registers: registries });
  gauge('burn_run_exit_code', "The run's exit code (0 pass, 1 error, 2 timeout, 3 alert, 4 SLO violation, 5 inconclusive)").set(exitCode);
  const verdict = gauge('burn_run_verdict', "1 for the run's verdict: pass, fail, inconclusive, error, timeout or alert", ['verdict']);
  for (const name of new Set(Object.values(VERDICTS))) verdict.set({ verdict: name }, name === verdictOf(exitCode) ? 1 : 0);
  if (!folder) return;
  const { meta } = folder;
  const info = runInfoLabels({ configFile: meta.configFile, configDigest: meta.configDigest, burnVersion: meta.burnVersion, cluster: meta.cluster, metadata: meta.metadata });
  // The served registry has burn_run_info already (live metrics keep it current); the pushed one gets it here.
  const withoutInfo = registries.filter((r) => !r.getSingleMetric('burn_run_info'));
  if (withoutInfo.length) new prom.Gauge({ name: 'burn_run_info', help: 'What the run ran: config, its digest, target, Kubernetes version, node count, burn version and the --user-metadata keys', labelNames: Object.keys(info), registers: withoutInfo }).set(info, 1);
  gauge('burn_run_start_timestamp_seconds', 'When the run started, unix seconds').set(Date.parse(meta.start) / 1000);
  gauge('burn_run_end_timestamp_seconds', 'When the run ended, unix seconds').set(Date.parse(meta.end) / 1000);
  gauge('burn_run_duration_seconds', 'From the start of the run to its end').set((Date.parse(meta.end) - Date.parse(meta.start)) / 1000);
  gauge('burn_process_cpu_seconds', 'CPU burn used over the run (user + system)').set((meta.burnProcess.cpuUserMs + meta.burnProcess.cpuSystemMs) / 1000);
  gauge('burn_process_max_rss_bytes', "burn's peak resident memory over the run").set(meta.burnProcess.maxRssMb * 1024 * 1024);

  const value = gauge('burn_sli_value', "Each graded SLI's figure, in its unit (label unit: ms, count or %)", SLI_LABELS);
  const threshold = gauge('burn_sli_threshold', "Each graded SLI's threshold, in its unit", SLI_LABELS);
  const passed = gauge('burn_sli_passed', '1 when the SLI met its threshold, 0 when it failed or was inconclusive', SLI_LABELS);
  const inconclusive = gauge('burn_sli_inconclusive', '1 when the SLI could not be judged (saturation, nothing measurable)', SLI_LABELS);
  const seen = new Map<string, number>();
  for (const v of folder.verdicts) {
    const base = { slo: v.slo, source: v.source, key: v.key, unit: v.unit, binding: String(v.binding) };
    // Two verdicts of one SLO, source and key (one per job, say) stay two series.
    const id = JSON.stringify(base);
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    const labels = n === 1 ? base : { ...base, key: `${v.key} #${n}` };
    value.set(labels, v.value);
    threshold.set(labels, v.threshold);
    passed.set(labels, v.passed ? 1 : 0);
    inconclusive.set(labels, v.state === 'inconclusive' ? 1 : 0);
  }

  const job = (name: string, help: string) => gauge(name, help, ['job_name']);
  const requests = job('burn_job_requests', "Requests of the job's load");
  const qps = job('burn_job_final_achieved_qps', "Requests of the job's load per second of sending time, at its end");
  const created = job('burn_job_objects_created', 'Objects the job created');
  const seconds = job('burn_job_duration_seconds', 'From the start of the job to the end of its window');
  const jobPassed = job('burn_job_passed', '1 when the job ran without errors');
  for (const j of meta.jobs) {
    requests.set({ job_name: j.name }, j.requests);
    qps.set({ job_name: j.name }, j.achievedQps);
    created.set({ job_name: j.name }, j.objectsCreated);
    seconds.set({ job_name: j.name }, (Date.parse(j.end) - Date.parse(j.start)) / 1000);
    jobPassed.set({ job_name: j.name }, j.passed ? 1 : 0);
  }
}
