import type { Command } from 'commander';
import { ExitCode } from '../shared/errors.js';
import { createLogger, type LogLevel } from '../shared/log.js';

/**
 * `burn traffic-agent`: one load generator of a traffic job with parallelism N, as a local process
 * or a pod of an Indexed Job. Its work comes from BURN_TRAFFIC_PLAN and JOB_COMPLETION_INDEX; it
 * prints its summary (counts and HDR histograms) as one line for the coordinator to merge.
 */
export async function runTrafficAgent(flags: { logLevel: LogLevel }, env: NodeJS.ProcessEnv = process.env, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const { readAgentEnvironment, runAgent, summaryLine, trafficLine } = await import('../traffic/index.js');
  const log = createLogger(flags.logLevel);
  const { work, index } = readAgentEnvironment(env);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    log.info(`traffic agent ${index} of ${work.spec.parallelism}: starting at ${new Date(work.startWallMs).toISOString()}`);
    const summary = await runAgent({ spec: work.spec, targets: work.targets, index, startWallMs: work.startWallMs, signal: stop.signal, ...(work.caPem ? { caPem: work.caPem } : {}) });
    log.info(`traffic agent ${index}: ${trafficLine(summary)}`);
    out(summaryLine(summary));
    // A stopped agent still prints what it sent, and says it was stopped by its exit code.
    return stop.signal.aborted ? ExitCode.Error : ExitCode.Passed;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}

export function register(program: Command): void {
  program
    .command('traffic-agent')
    .description('one load generator of a traffic job with parallelism N (started by burn as a process or an Indexed Job pod; reads BURN_TRAFFIC_PLAN and JOB_COMPLETION_INDEX)')
    .action(async (flags: { logLevel: LogLevel }) => {
      process.exitCode = await runTrafficAgent(flags);
    });
}
