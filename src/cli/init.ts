import type { Command } from 'commander';
import type { RunOptions, RunOutcome } from '../engine/index.js';
import { createLogger, parseLogLevel, type LogLevel } from '../shared/log.js';
import { SUMMARY_FLAG, summaryFlag, wantsColor } from './report.js';
import type { SummaryDetail } from '../report/index.js';
import { collect, durationFlag, nonNegativeInt, positiveInt } from './flags.js';
import { trapInterrupts } from './signals.js';
import { startSimTarget, type SimTarget } from './sim-child.js';

export interface InitFlags {
  config: string;
  uuid?: string;
  timeout?: number;
  userData?: string;
  userMetadata?: string;
  set: string[];
  allowMissing?: boolean;
  kubeconfig?: string;
  kubeContext?: string;
  skipTlsVerify?: boolean;
  reportDir?: string;
  logLevel: LogLevel;
  sim?: boolean;
  simNodes: number;
  simProfile: string;
  simSeed?: number;
  summary: SummaryDetail;
}

async function printOutcome(outcome: RunOutcome, detail: SummaryDetail): Promise<void> {
  const { terminalSummary } = await import('../report/index.js');
  const summary = await terminalSummary(outcome.reportDir, { color: wantsColor(undefined), detail });
  process.stdout.write(`\n${summary}\nrun ${outcome.uuid}: ${outcome.reason}, exit code ${outcome.exitCode}; results in ${outcome.reportDir}\n`);
}

export async function runInit(flags: InitFlags): Promise<number> {
  const { prepareRun, runBenchmark } = await import('../engine/index.js');
  const log = createLogger(flags.logLevel);
  const interrupts = trapInterrupts((name) => log.warn(`${name}: stopping; results will be written (press again to skip gc)`));
  const options: RunOptions = {
    configPath: flags.config,
    uuid: flags.uuid,
    userData: flags.userData,
    userMetadata: flags.userMetadata,
    set: flags.set,
    allowMissing: flags.allowMissing,
    kubeconfig: flags.kubeconfig,
    context: flags.kubeContext,
    skipTlsVerify: flags.skipTlsVerify,
    timeoutMs: flags.timeout,
    reportDir: flags.reportDir,
    simProfile: flags.sim ? flags.simProfile : undefined,
    log,
    tty: Boolean(process.stderr.isTTY),
    interrupt: interrupts.signal,
    skipGc: interrupts.skipGc,
  };
  let sim: SimTarget | undefined;
  try {
    // Everything checkable is checked before the simulator starts or anything is created.
    const prepared = await prepareRun(options);
    if (flags.sim) {
      log.info(`starting the simulated cluster (${flags.simNodes} nodes, profile ${flags.simProfile})`);
      sim = await startSimTarget({ nodes: flags.simNodes, profile: flags.simProfile, seed: flags.simSeed });
    }
    const outcome = await runBenchmark(sim ? { ...options, kubeconfig: sim.kubeconfigPath, context: undefined } : options, prepared);
    await printOutcome(outcome, flags.summary);
    return outcome.exitCode;
  } finally {
    await sim?.stop();
    interrupts.dispose();
  }
}

export function register(program: Command): void {
  program
    .command('init')
    .description('run the jobs of a kube-burner style config against a cluster (or --sim), measure, grade against the SLOs')
    .requiredOption('-c, --config <file>', 'job config (kube-burner v2 format)')
    .option('--uuid <uuid>', 'run uuid (default: a new one)')
    .option('--timeout <duration>', 'stop the run after this long and exit 2 (default: global.timeout, 4h)', durationFlag)
    .option('--user-data <file>', 'YAML or JSON file whose keys are template variables of the config')
    .option('--user-metadata <file>', 'YAML file of key: value pairs added to every job summary')
    .option('--set <key=value>', 'override a config value after parsing, e.g. jobs.0.qps=50 (repeatable, comma-separated)', collect, [])
    .option('--allow-missing', 'render missing template variables of the config as empty instead of failing')
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--kube-context <name>', 'kubeconfig context (default: the current one)')
    .option('--skip-tls-verify', 'do not verify the API server certificate')
    .option('--report-dir <dir>', 'where the run folder goes (default: reports/<uuid>)')
    .option('--log-level <level>', 'error, warn, info or debug', parseLogLevel, 'info')
    .option('--sim', 'run against the built-in simulated cluster (started and stopped for this run)')
    .option('--sim-nodes <n>', 'nodes of the simulated cluster', positiveInt, 10)
    .option('--sim-profile <name|file>', 'simulator profile: default, slow-pods, flaky, large, or a YAML file', 'default')
    .option('--sim-seed <n>', 'random seed of the simulator', nonNegativeInt)
    .option('--summary <detail>', `end-of-run summary: ${SUMMARY_FLAG} (full: every verdict, series and explanation)`, summaryFlag, 'short')
    .action(async (flags: InitFlags) => {
      process.exitCode = await runInit(flags);
    });
}
