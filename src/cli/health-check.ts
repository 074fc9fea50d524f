import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { ExitCode } from '../shared/errors.js';
import { createLogger, type LogLevel } from '../shared/log.js';
import { addSkipLogFileFlag, kubeBurnerLogFile, logWriter } from './log-file.js';

interface HealthCheckFlags {
  kubeconfig?: string;
  kubeContext?: string;
  skipTlsVerify?: boolean;
  logLevel: LogLevel;
  skipLogFile?: boolean;
  /** Where the log is also written (kube-burner-<uuid>.log; the action picks it). */
  logFile?: string;
}

/**
 * `burn health-check`: kube-burner's check of the cluster (the API server's /healthz answers "ok"; every
 * node Ready=True and every other condition False). Exit 0 when healthy, 1 with each problem otherwise.
 */
export async function runHealthCheck(flags: HealthCheckFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const [{ checkClusterHealth }, { connectCluster }] = await Promise.all([import('../engine/index.js'), import('../kube/index.js')]);
  const log = createLogger(flags.logLevel, logWriter(flags.logFile));
  const client = await connectCluster({ kubeconfig: flags.kubeconfig, context: flags.kubeContext, skipTlsVerify: flags.skipTlsVerify });
  try {
    log.info('checking the cluster health: the API server /healthz and the conditions of every node');
    const health = await checkClusterHealth(client.unlimited());
    if (health.healthy) {
      out(`cluster is healthy: the API server's /healthz answers ok and all ${health.nodes} node(s) are Ready with no pressure condition\n`);
      return ExitCode.Passed;
    }
    out(`cluster is not healthy:\n  ${health.problems.join('\n  ')}\n`);
    return ExitCode.Error;
  } finally {
    await client.close();
  }
}

export function register(program: Command): void {
  const command = program
    .command('health-check')
    .description("check the cluster's health as kube-burner does: the API server's /healthz, and every node Ready with no pressure (exit 1 when not)")
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--kube-context <name>', 'kubeconfig context (default: the current one)')
    .option('--skip-tls-verify', 'do not verify the API server certificate');
  addSkipLogFileFlag(command);
  command.action(async (flags: HealthCheckFlags) => {
    process.exitCode = await runHealthCheck({ ...flags, logFile: kubeBurnerLogFile(randomUUID(), flags.skipLogFile) });
  });
}
