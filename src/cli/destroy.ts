import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { UserError } from '../shared/errors.js';
import { KUBE_BURNER_LABEL } from '../shared/kube-burner-labels.js';
import { createLogger, type LogLevel } from '../shared/log.js';
import { configSource } from './config-source.js';
import { durationFlag } from './flags.js';
import { addSkipLogFileFlag, kubeBurnerLogFile, logWriter } from './log-file.js';

export interface DestroyFlags {
  uuid?: string;
  config?: string;
  userData?: string;
  kubeconfig?: string;
  kubeContext?: string;
  skipTlsVerify?: boolean;
  timeout?: number;
  wait?: number;
  logLevel: LogLevel;
  skipLogFile?: boolean;
  /** Where the log is also written (kube-burner-<uuid>.log; the action picks it). */
  logFile?: string;
}

const DEFAULT_TIMEOUT_MS = 4 * 3_600_000;

/**
 * `burn destroy`: removes what runs created, found by labels; harmless to run twice.
 * `--uuid U` removes one run (burn's labels; with -c, by the config's deletionStrategy). `-c CONFIG`
 * alone does what `kube-burner destroy -c CONFIG` does: for each job of the config, everything labelled
 * kube-burner.io/job=<job name>, whichever run created it.
 */
export async function runDestroy(flags: DestroyFlags): Promise<void> {
  if (!flags.uuid && !flags.config) throw new UserError('burn destroy needs -c <config> (remove what its jobs created, as kube-burner destroy) or --uuid <uuid> (remove one run)', { hint: 'the uuid is printed at the end of every run and names its folder under reports/' });
  if (flags.wait !== undefined && flags.timeout !== undefined) throw new UserError('--wait and --timeout are the same setting: give one', { hint: '--timeout is the name kube-burner uses' });
  const waitMs = flags.wait ?? flags.timeout ?? DEFAULT_TIMEOUT_MS;
  const log = createLogger(flags.logLevel, logWriter(flags.logFile));
  const [{ loadConfig }, { collectGarbage }, { connectCluster }] = await Promise.all([import('../config/index.js'), import('../engine/index.js'), import('../kube/index.js')]);
  let strategy: 'default' | 'gvr' = 'default';
  let jobs: string[] = [];
  if (flags.config) {
    const source = await configSource({ config: flags.config, userData: flags.userData });
    try {
      // As kube-burner destroy: missing variables render empty, the run's uuid is the one given (or none).
      const config = await loadConfig(source.configPath, { uuid: flags.uuid ?? '', userData: source.userData, allowMissing: true });
      strategy = config.global.deletionStrategy;
      jobs = config.jobs.map((j) => j.name);
    } finally {
      await source.dispose();
    }
  }
  const client = await connectCluster({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, skipTlsVerify: flags.skipTlsVerify });
  try {
    const selections = flags.uuid ? [{ what: `run ${flags.uuid}`, uuid: flags.uuid }] : jobs.map((job) => ({ what: `job ${job}`, uuid: '', selector: `${KUBE_BURNER_LABEL.job}=${job}` }));
    for (const selection of selections) {
      const outcome = await collectGarbage(client.unlimited(), { ...selection, strategy, waitMs, log });
      const what = outcome.namespaces + outcome.objects === 0 ? `nothing of ${selection.what} is left on the cluster` : `removed ${outcome.namespaces} namespace(s) and ${outcome.objects} object(s) of ${selection.what}`;
      process.stdout.write(`${what}${outcome.remaining ? ` (${outcome.remaining} namespace(s) still terminating)` : ''}\n`);
    }
  } finally {
    await client.close();
  }
}

export function register(program: Command): void {
  const command = program
    .command('destroy')
    .description('remove what a config\'s jobs created (-c, as kube-burner destroy) or what one run created (--uuid); running it twice is harmless')
    .option('-c, --config <file>', 'config (file or http(s) URL) whose jobs\' objects are removed: everything labelled kube-burner.io/job=<job>')
    .option('--uuid <uuid>', 'remove only this run (burn.dev/uuid); with -c, by the config\'s deletionStrategy')
    .option('--user-data <file>', 'YAML or JSON file (or URL) of the config\'s template variables')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--kube-context <name>', 'kubeconfig context')
    .option('--skip-tls-verify', 'do not verify the API server certificate')
    .option('--timeout <duration>', 'how long to wait for everything to be gone (default: 4h)', durationFlag)
    .addOption(new Option('--wait <duration>', 'the same as --timeout (burn\'s earlier name)').argParser(durationFlag).hideHelp());
  addSkipLogFileFlag(command);
  command.action(async (flags: DestroyFlags) => runDestroy({ ...flags, logFile: kubeBurnerLogFile(flags.uuid ?? randomUUID(), flags.skipLogFile) }));
}
