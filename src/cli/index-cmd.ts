import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { MetricsEndpoint } from '../config/index.js';
import { ExitCode, UserError } from '../shared/errors.js';
import { createLogger, parseLogLevel, type LogLevel } from '../shared/log.js';
import { boolFlag, durationFlag, listFlag, timeFlag } from './flags.js';
import { addSkipLogFileFlag, kubeBurnerLogFile, logWriter } from './log-file.js';

/**
 * `burn index`: kube-burner's `index`, the metrics profiles' queries over a time range written through
 * the local indexer (or --es-server); and `burn index DIR --es-server URL --es-index NAME`, which
 * (re)sends every document of a run folder.
 */

interface IndexFlags {
  uuid?: string;
  prometheusUrl?: string;
  token?: string;
  username?: string;
  password?: string;
  metricsProfile: string[];
  metricsEndpoint?: string;
  skipTlsVerify: boolean;
  step: number;
  start?: number;
  end?: number;
  jobName: string;
  userMetadata?: string;
  metricsDirectory: string;
  esServer?: string;
  esIndex?: string;
  tarballName?: string;
  indexerType: string;
  insecureSkipVerify?: boolean;
  skipLogFile?: boolean;
  /** Where the log is also written (kube-burner-<uuid>.log; the action picks it). */
  logFile?: string;
  logLevel: LogLevel;
}

const HOUR_MS = 3_600_000;
const DEFAULT_STEP_MS = 30_000;

/** The endpoints to query: the --metrics-endpoint file's, or one made of the flags (kube-burner's precedence). */
async function endpointsOf(flags: IndexFlags, uuid: string): Promise<{ endpoints: MetricsEndpoint[]; describe: (i: number) => string }> {
  const { searchIndexerFlags } = await import('./search-flags.js');
  const { DEFAULT_METRICS_DIRECTORY, DEFAULT_TARBALL_NAME, loadMetricsEndpoints } = await import('../config/index.js');
  const tarball = { createTarball: flags.tarballName !== undefined, tarballName: flags.tarballName ?? DEFAULT_TARBALL_NAME };
  if (flags.metricsEndpoint) {
    const endpoints = await loadMetricsEndpoints(flags.metricsEndpoint, { uuid, flag: '-e/--metrics-endpoint' });
    // kube-burner: a --metrics-directory given on the command line replaces the default folder of local indexers.
    for (const e of endpoints) if ((e.indexer?.type === 'local' || e.indexer?.type === 'tsdb') && e.indexer.metricsDirectory === DEFAULT_METRICS_DIRECTORY) e.indexer.metricsDirectory = flags.metricsDirectory;
    return { endpoints, describe: (i) => `-e/--metrics-endpoint ${flags.metricsEndpoint} entry ${i + 1}` };
  }
  if (!flags.prometheusUrl) throw new UserError('-u/--prometheus-url is required (or -e/--metrics-endpoint)', { hint: 'e.g. burn index -u http://localhost:9090 -m metrics.yml --start <unix seconds> --end <unix seconds>' });
  const metrics = flags.metricsProfile.map((p) => resolve(p));
  if (metrics.length === 0) throw new UserError('-m/--metrics-profile names no file', { hint: 'e.g. -m metrics.yml or -m a.yml,b.yml' });
  const endpoint: MetricsEndpoint = {
    endpoint: flags.prometheusUrl,
    token: flags.token ?? '',
    username: flags.username ?? '',
    password: flags.password ?? '',
    stepMs: flags.step,
    skipTLSVerify: flags.skipTlsVerify,
    metrics,
    alerts: [],
    alias: '',
    indexer: searchIndexerFlags(flags) ?? { type: flags.indexerType === 'tsdb' ? 'tsdb' : 'local', metricsDirectory: flags.metricsDirectory, ...tarball },
  };
  return { endpoints: [endpoint], describe: () => `-u/--prometheus-url ${flags.prometheusUrl}` };
}

/** `burn index DIR`: every document of a run folder to the --es-server indexer; sending again replaces, never duplicates. */
export async function resendRunFolder(dir: string, flags: IndexFlags): Promise<number> {
  const { searchIndexerFlags } = await import('./search-flags.js');
  const settings = searchIndexerFlags(flags);
  if (!settings) throw new UserError(`burn index ${dir}: --es-server and --es-index are required to send a run folder`, { hint: `e.g. burn index ${dir} --es-server http://127.0.0.1:9200 --es-index kube-burner` });
  const log = createLogger(flags.logLevel);
  const { runFolderBatches, sendToIndexers } = await import('../indexers/index.js');
  const batches = await runFolderBatches(dir);
  const configured = [{ endpoint: 0, where: '--es-server', nameOf: (key: string) => `--${key}`, settings }];
  const uuid = batches.find((b) => b.burnOwn)?.docs.map((d) => String((d as { uuid?: unknown }).uuid))[0] ?? '';
  const errors = await sendToIndexers(configured, batches, { uuid, cwd: process.cwd(), runFolder: dir }, log);
  const documents = batches.reduce((n, b) => n + b.docs.length, 0);
  process.stdout.write(errors.length ? `run ${uuid}: not every document of ${dir} was indexed (${errors.length} error(s)); nothing was removed from ${dir}\n` : `run ${uuid}: ${documents} document(s) of ${dir} indexed in ${settings.defaultIndex} (burn's own in ${settings.defaultIndex}-burn)\n`);
  return errors.length ? ExitCode.Error : ExitCode.Passed;
}

export async function runIndex(flags: IndexFlags, cwd = process.cwd()): Promise<number> {
  const searchType = flags.indexerType === 'opensearch' || flags.indexerType === 'elastic';
  if (!(flags.indexerType === 'local' || flags.indexerType === 'tsdb' || (searchType && flags.esServer !== undefined))) {
    throw new UserError(`--indexer-type ${flags.indexerType}: ${searchType ? `${flags.indexerType} needs --es-server and --es-index` : 'the types are local, tsdb, elastic and opensearch'}`, { hint: 'leave --indexer-type out (local: documents as JSON files in --metrics-directory), tsdb (Prometheus TSDB blocks in --metrics-directory), or give --es-server URL --es-index NAME' });
  }
  if (flags.step <= 0) throw new UserError('-s/--step must be above 0', { hint: 'e.g. --step 30s' });
  const uuid = flags.uuid ?? randomUUID();
  const endMs = flags.end ?? Date.now();
  const startMs = flags.start ?? endMs - HOUR_MS;
  const log = createLogger(flags.logLevel, logWriter(flags.logFile));
  const [{ indexRange }, { readUserMetadata }] = await Promise.all([import('../indexers/index.js'), import('../engine/index.js')]);
  const metadata = await readUserMetadata(flags.userMetadata);
  const { endpoints, describe } = await endpointsOf(flags, uuid);
  const outcome = await indexRange({ uuid, endpoints, describe, startMs, endMs, jobName: flags.jobName, metadata, cwd, log });
  process.stdout.write(`indexed ${outcome.documents} document(s) of ${new Date(startMs).toISOString()} .. ${new Date(endMs).toISOString()}, uuid ${uuid}${outcome.errors.length ? `; ${outcome.errors.length} indexer error(s)` : ''}\n`);
  return outcome.errors.length ? ExitCode.Error : ExitCode.Passed;
}

export function register(program: Command): void {
  const command = program
    .command('index')
    .description("collect the metrics profiles' queries from Prometheus over a time range and write the documents through the local indexer (kube-burner index); with DIR, send every document of that run folder to --es-server")
    .argument('[dir]', 'a run folder (reports/<uuid>) to send to --es-server --es-index; sending again replaces its documents, never duplicates them')
    .option('--uuid <uuid>', 'uuid of the documents (default: a new one)')
    .option('-u, --prometheus-url <url>', 'Prometheus URL, e.g. http://localhost:9090')
    .option('-t, --token <token>', 'bearer token for Prometheus')
    .option('--username <user>', 'basic auth user for Prometheus')
    .option('-p, --password <password>', 'basic auth password for Prometheus')
    .option('-m, --metrics-profile <files>', 'metrics profiles, comma-separated', listFlag, ['metrics.yml'])
    .option('-e, --metrics-endpoint <file>', 'YAML list of metrics endpoints (endpoint, metrics, indexer, ...); replaces -u, -m and the auth flags')
    .option('--skip-tls-verify [bool]', "do not verify the Prometheus certificate (kube-burner's default: true; --skip-tls-verify=false verifies)", boolFlag, true)
    .option('-s, --step <duration>', 'range query resolution', durationFlag, DEFAULT_STEP_MS)
    .option('--start <time>', 'range start: unix seconds or RFC 3339 (default: an hour before --end)', timeFlag)
    .option('--end <time>', 'range end: unix seconds or RFC 3339 (default: now)', timeFlag)
    .option('-j, --job-name <name>', 'jobName of the documents', 'kube-burner-indexing')
    .option('--user-metadata <file>', 'YAML file of key: value pairs added to every document as metadata')
    .option('--metrics-directory <dir>', 'folder of the local indexer', 'collected-metrics-{{.UUID}}')
    .option('--tarball-name <file>', 'also pack the metrics directory into this tarball')
    .option('--indexer-type <type>', 'local (JSON files) or tsdb (Prometheus TSDB blocks) in --metrics-directory; with --es-server: elastic (the default, as kube-burner) or opensearch', 'local')
    .option('--es-server <url>', 'OpenSearch / Elasticsearch server (credentials may be in the URL): documents go there instead of --metrics-directory')
    .option('--es-index <index>', 'index of the documents on --es-server (burn\'s own go to <index>-burn)')
    .option('--insecure-skip-verify', "do not verify --es-server's TLS certificate")
    .option('--log-level <level>', 'error, warn, info or debug', parseLogLevel, 'info')
    .action(async (dir: string | undefined, flags: IndexFlags) => {
      if (dir !== undefined) {
        process.exitCode = await resendRunFolder(dir, flags);
        return;
      }
      const uuid = flags.uuid ?? randomUUID();
      process.exitCode = await runIndex({ ...flags, uuid, logFile: kubeBurnerLogFile(uuid, flags.skipLogFile) });
    });
  addSkipLogFileFlag(command);
}
