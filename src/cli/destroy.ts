import type { Command } from 'commander';
import { UserError } from '../shared/errors.js';
import { createLogger, parseLogLevel, type LogLevel } from '../shared/log.js';
import { durationFlag } from './flags.js';

export interface DestroyFlags {
  uuid?: string;
  config?: string;
  kubeconfig?: string;
  kubeContext?: string;
  skipTlsVerify?: boolean;
  wait: number;
  logLevel: LogLevel;
}

/** `burn destroy`: removes everything a run created, found by its labels. Harmless to run twice. */
export async function runDestroy(flags: DestroyFlags): Promise<void> {
  if (!flags.uuid && !flags.config) throw new UserError('burn destroy needs --uuid <uuid> (the run to remove) or -c <config> with --uuid', { hint: 'the uuid is printed at the end of every run and names its folder under reports/' });
  const log = createLogger(flags.logLevel);
  const [{ loadConfig }, { collectGarbage }, { connectCluster }] = await Promise.all([import('../config/index.js'), import('../engine/index.js'), import('../kube/index.js')]);
  let strategy: 'default' | 'gvr' = 'default';
  let uuid = flags.uuid;
  if (flags.config) {
    const config = await loadConfig(flags.config, { uuid: flags.uuid ?? '' });
    strategy = config.global.deletionStrategy;
    uuid ??= config.global.uuid;
  }
  if (!uuid) throw new UserError('burn destroy: the config does not fix the run uuid; pass --uuid <uuid>');
  const client = await connectCluster({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, skipTlsVerify: flags.skipTlsVerify });
  try {
    const outcome = await collectGarbage(client.unlimited(), { uuid, strategy, waitMs: flags.wait, log });
    const what = outcome.namespaces + outcome.objects === 0 ? `nothing of run ${uuid} is left on the cluster` : `removed ${outcome.namespaces} namespace(s) and ${outcome.objects} object(s) of run ${uuid}`;
    process.stdout.write(`${what}${outcome.remaining ? ` (${outcome.remaining} namespace(s) still terminating)` : ''}\n`);
  } finally {
    await client.close();
  }
}

export function register(program: Command): void {
  program
    .command('destroy')
    .description('remove everything a run created (namespaces and labelled objects); running it twice is harmless')
    .option('--uuid <uuid>', 'the run to remove')
    .option('-c, --config <file>', 'the config the run used (for its deletionStrategy)')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--kube-context <name>', 'kubeconfig context')
    .option('--skip-tls-verify', 'do not verify the API server certificate')
    .option('--wait <duration>', 'how long to wait for namespaces to be gone', durationFlag, 600_000)
    .option('--log-level <level>', 'error, warn, info or debug', parseLogLevel, 'info')
    .action(async (flags: DestroyFlags) => runDestroy(flags));
}
