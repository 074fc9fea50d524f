import type { Command } from 'commander';
import { ExitCode } from '../shared/errors.js';
import { createLogger, parseLogLevel, type LogLevel } from '../shared/log.js';
import { refuseSearchIndexer } from './flags.js';

/** `burn import`: kube-burner's `import`, a metrics tarball's documents written through the local indexer. */

interface ImportFlags {
  tarball: string;
  metricsDirectory: string;
  esServer?: string;
  esIndex?: string;
  logLevel: LogLevel;
}

export async function runImport(flags: ImportFlags, cwd = process.cwd()): Promise<number> {
  refuseSearchIndexer(flags, 'import');
  const { importTarball } = await import('../indexers/index.js');
  const log = createLogger(flags.logLevel);
  const outcome = await importTarball({ tarball: flags.tarball, indexer: { type: 'local', metricsDirectory: flags.metricsDirectory, createTarball: false, tarballName: '' }, cwd, log });
  process.stdout.write(`imported ${outcome.documents} document(s) from ${outcome.files} file(s) of ${flags.tarball} into ${flags.metricsDirectory}${outcome.errors.length ? `; ${outcome.errors.length} indexer error(s)` : ''}\n`);
  return outcome.errors.length ? ExitCode.Error : ExitCode.Passed;
}

export function register(program: Command): void {
  program
    .command('import')
    .description('index the documents of a metrics tarball (kube-burner import): each <metricName>.json through the local indexer')
    .requiredOption('--tarball <file>', 'metrics tarball (.tgz) written by a local indexer (createTarball: true, or burn index --tarball-name)')
    .option('--metrics-directory <dir>', 'folder of the local indexer', 'collected-metrics')
    .option('--es-server <url>', "kube-burner's Elasticsearch endpoint: refused here (burn import writes through the local indexer); send a run folder with burn index DIR --es-server")
    .option('--es-index <index>', "kube-burner's Elasticsearch index: refused with --es-server")
    .option('--log-level <level>', 'error, warn, info or debug', parseLogLevel, 'info')
    .action(async (flags: ImportFlags) => {
      process.exitCode = await runImport(flags);
    });
}
