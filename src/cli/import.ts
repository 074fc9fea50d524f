import type { Command } from 'commander';
import { ExitCode } from '../shared/errors.js';
import { createLogger, parseLogLevel, type LogLevel } from '../shared/log.js';

/**
 * `burn import`: kube-burner's `import`, a metrics tarball's documents written through the local
 * indexer, or with --es-server and --es-index sent to Elasticsearch / OpenSearch (as kube-burner).
 */

interface ImportFlags {
  tarball: string;
  metricsDirectory?: string;
  esServer?: string;
  esIndex?: string;
  logLevel: LogLevel;
}

const DEFAULT_METRICS_DIRECTORY = 'collected-metrics';

export async function runImport(flags: ImportFlags, cwd = process.cwd()): Promise<number> {
  const [{ searchIndexerFlags }, { redactedServer }] = await Promise.all([import('./search-flags.js'), import('../config/index.js')]);
  const search = searchIndexerFlags(flags);
  const metricsDirectory = flags.metricsDirectory ?? DEFAULT_METRICS_DIRECTORY;
  const { importTarball } = await import('../indexers/index.js');
  const log = createLogger(flags.logLevel);
  // kube-burner takes both (its own e2e suite passes both) and indexes to --es-server: so does burn, saying so.
  if (search && flags.metricsDirectory !== undefined) log.warn(`--metrics-directory ${flags.metricsDirectory} is not used: with --es-server and --es-index the documents go to Elasticsearch / OpenSearch, as in kube-burner`);
  const indexer = search ?? { type: 'local' as const, metricsDirectory, createTarball: false, tarballName: '' };
  const outcome = await importTarball({ tarball: flags.tarball, indexer, cwd, log });
  const into = search ? `index ${search.defaultIndex} of ${redactedServer(search.esServers[0]!)}` : metricsDirectory;
  process.stdout.write(`imported ${outcome.documents} document(s) from ${outcome.files} file(s) of ${flags.tarball} into ${into}${outcome.errors.length ? `; ${outcome.errors.length} indexer error(s)` : ''}\n`);
  return outcome.errors.length ? ExitCode.Error : ExitCode.Passed;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('index the documents of a metrics tarball (kube-burner import): each <metricName>.json through the local indexer, or to Elasticsearch / OpenSearch')
    .requiredOption('--tarball <file>', 'metrics tarball (.tgz) written by a local indexer (createTarball: true, or burn index --tarball-name)')
    .option('--metrics-directory <dir>', `folder of the local indexer (default ${DEFAULT_METRICS_DIRECTORY})`)
    .option('--es-server <url>', 'send the documents to this Elasticsearch / OpenSearch server instead (with --es-index), as kube-burner import')
    .option('--es-index <index>', 'the index the documents go to (with --es-server)')
    .option('--log-level <level>', 'error, warn, info or debug', parseLogLevel, 'info')
    .action(async (flags: ImportFlags) => {
      process.exitCode = await runImport(flags);
    });
}
