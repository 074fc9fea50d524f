import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { MetricsEndpoint } from '../config/types.js';
import { connectCluster } from '../kube/index.js';
import { measurementNames } from '../measure/index.js';
import { measureStandalone } from '../measure/standalone.js';
import type { MeasurementResult } from '../measure/types.js';
import { writeJsonAtomic } from '../report/atomic.js';
import { renderSloTable, sloDocument, writeSloDocument } from '../report/slo-table.js';
import { grade, gradingExitCode } from '../slo/index.js';
import { UserError } from '../shared/errors.js';
import { collect, durationFlag } from './flags.js';
import { trapInterrupts } from './signals.js';

/** `burn measure`: measurements only, no workload, for a duration or until Ctrl-C; documents and SLO verdicts to --report-dir. */

interface MeasureFlags {
  config?: string;
  kubeconfig?: string;
  kubeContext?: string;
  skipTlsVerify?: boolean;
  duration?: number;
  selector: string;
  measurement: string[];
  uuid?: string;
  reportDir?: string;
}

const DEFAULT_MEASUREMENTS = ['podLatency', 'schedulingThroughput'];

async function plan(flags: MeasureFlags, uuid: string): Promise<{ entries: Array<{ name: string; [k: string]: unknown }>; endpoints: MetricsEndpoint[] }> {
  if (!flags.config) {
    return { entries: (flags.measurement.length ? flags.measurement : DEFAULT_MEASUREMENTS).map((name) => ({ name })), endpoints: [] };
  }
  const config = await loadConfig(flags.config, { uuid });
  const entries: Array<{ name: string; [k: string]: unknown }> = [...config.global.measurements, ...flags.measurement.map((name) => ({ name }))];
  if (config.metricsEndpoints.length > 0 && !entries.some((e) => e.name === 'prometheus')) entries.push({ name: 'prometheus' });
  if (entries.length === 0) throw new UserError(`${flags.config}: global.measurements is empty and no --measurement was given`, { hint: `measurements: ${measurementNames().join(', ')}` });
  return { entries, endpoints: config.metricsEndpoints };
}

async function writeDocuments(dir: string, results: MeasurementResult[]): Promise<void> {
  const files = new Map<string, object[]>();
  for (const r of results) for (const { fileName, docs } of r.documents) files.set(fileName, [...(files.get(fileName) ?? []), ...docs]);
  for (const [fileName, docs] of files) await writeJsonAtomic(join(dir, fileName), docs);
}

export async function runMeasure(flags: MeasureFlags): Promise<number> {
  const uuid = flags.uuid ?? randomUUID();
  const { entries, endpoints } = await plan(flags, uuid);
  const client = await connectCluster({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, skipTlsVerify: flags.skipTlsVerify });
  const interrupts = trapInterrupts((name) => process.stderr.write(`${name}: stopping measurements, writing results\n`));
  try {
    process.stderr.write(`measuring ${entries.map((e) => e.name).join(', ')}${flags.duration ? ` for ${Math.round(flags.duration / 1000)}s` : ''} (Ctrl-C to stop)\n`);
    const { results } = await measureStandalone({ client: client.unlimited(), entries, metricsEndpoints: endpoints, uuid, labelSelector: flags.selector, durationMs: flags.duration, signal: interrupts.signal });
    const reportDir = flags.reportDir ?? join('reports', uuid);
    await writeDocuments(reportDir, results);
    const verdicts = grade(results);
    await writeSloDocument(reportDir, sloDocument(verdicts, results, { uuid, reason: interrupts.signal.aborted ? 'interrupted' : undefined }));
    for (const r of results) for (const w of r.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`${renderSloTable(verdicts)}results in ${reportDir}\n`);
    return gradingExitCode(verdicts, results);
  } finally {
    interrupts.dispose();
    await client.close();
  }
}

export function register(program: Command): void {
  program
    .command('measure')
    .description('run measurements without a workload, for a duration or until Ctrl-C, and grade what was seen')
    .option('-c, --config <file>', 'take measurements and metricsEndpoints from this config (its jobs are not run)')
    .option('-m, --measurement <name>', `measurement to run (repeatable; default ${DEFAULT_MEASUREMENTS.join(', ')} without -c)`, collect, [])
    .option('--duration <duration>', 'stop after this long (default: until Ctrl-C)', durationFlag)
    .option('--selector <labels>', 'label selector of the pods to measure (default: all pods)', '')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--kube-context <name>', 'kubeconfig context (default: the current one)')
    .option('--skip-tls-verify', 'do not verify the API server certificate')
    .option('--uuid <uuid>', 'uuid of the documents (default: a new one)')
    .option('--report-dir <dir>', 'where the documents go (default: reports/<uuid>)')
    .action(async (flags: MeasureFlags) => {
      process.exitCode = await runMeasure(flags);
    });
}
