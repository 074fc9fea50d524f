import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { RunOptions, RunOutcome } from '../engine/index.js';
import { createLogger, type LogLevel } from '../shared/log.js';
import { SUMMARY_FLAG, summaryFlag, wantsColor } from './report.js';
import type { SummaryDetail } from '../report/index.js';
import { boolValue, collect, durationFlag, nonNegativeInt, positiveInt } from './flags.js';
import { addSkipLogFileFlag, kubeBurnerLogFile, logWriter } from './log-file.js';
import { configSource } from './config-source.js';
import { UserError } from '../shared/errors.js';
import { trapInterrupts } from './signals.js';
import { startSimTarget, type SimTarget } from './sim-child.js';
import { addTelemetryFlags, exitCodeWithTelemetry, startTelemetryFor, wantsTelemetry, type TelemetryFlags } from './telemetry-flags.js';
import { version } from '../shared/version.js';
import type { Telemetry } from '../telemetry/index.js';

export interface InitFlags extends TelemetryFlags {
  config?: string;
  configmap?: string;
  namespace: string;
  metricsEndpoint?: string;
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
  skipLogFile?: boolean;
  /** Where the log is also written (kube-burner-<uuid>.log; the action picks it). */
  logFile?: string;
}

async function printOutcome(outcome: RunOutcome, detail: SummaryDetail): Promise<void> {
  const { terminalSummary } = await import('../report/index.js');
  const summary = await terminalSummary(outcome.reportDir, { color: wantsColor(undefined), detail });
  process.stdout.write(`\n${summary}\nrun ${outcome.uuid}: ${outcome.reason}, exit code ${outcome.exitCode}; results in ${outcome.reportDir}\n`);
}

export async function runInit(flags: InitFlags): Promise<number> {
  wantsTelemetry(flags);
  if (flags.sim && flags.configmap) throw new UserError('--sim and --configmap cannot be used together: the simulated cluster starts empty, so it holds no ConfigMap', { hint: 'save the ConfigMap\'s config.yml and run it with -c, or drop --sim' });
  const source = await configSource(flags);
  try {
    return await runWithConfig(flags, source.configPath, source.userData);
  } finally {
    await source.dispose();
  }
}

async function runWithConfig(flags: InitFlags, configPath: string, userData: string | undefined): Promise<number> {
  const { prepareRun, runBenchmark } = await import('../engine/index.js');
  const log = createLogger(flags.logLevel, logWriter(flags.logFile));
  const interrupts = trapInterrupts((name) => log.warn(`${name}: stopping; results will be written (press again to skip gc)`));
  const options: RunOptions = {
    configPath,
    metricsEndpoint: flags.metricsEndpoint,
    uuid: flags.uuid,
    userData,
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
  let telemetry: Telemetry | undefined;
  try {
    // Everything checkable is checked before the simulator starts or anything is created.
    const prepared = await prepareRun(options);
    const { config, configDigest, metadata } = prepared;
    telemetry = await startTelemetryFor(flags, { uuid: config.global.uuid, configFile: config.file, configDigest, burnVersion: version, metadata }, log, interrupts.signal);
    // The prepared run holds these options: the observer reaches the engine through them.
    options.observer = telemetry?.observer;
    if (flags.sim) {
      log.info(`starting the simulated cluster (${flags.simNodes} nodes, profile ${flags.simProfile})`);
      sim = await startSimTarget({ nodes: flags.simNodes, profile: flags.simProfile, seed: flags.simSeed });
    }
    const target = sim ? { ...options, kubeconfig: sim.kubeconfigPath, context: undefined } : options;
    const outcome = await runBenchmark(target, prepared);
    const problems = (await telemetry?.finish(outcome)) ?? [];
    for (const problem of problems) log.error(problem);
    const exitCode = exitCodeWithTelemetry(outcome.exitCode, problems);
    await printOutcome({ ...outcome, exitCode }, flags.summary);
    return exitCode;
  } finally {
    await telemetry?.close();
    await sim?.stop();
    interrupts.dispose();
  }
}

export function register(program: Command): void {
  const command = program
    .command('init')
    .description('run the jobs of a kube-burner style config against a cluster (or --sim), measure, grade against the SLOs')
    .option('-c, --config <file>', 'job config (kube-burner v2 format): a file or an http(s) URL')
    .option('--configmap <name>', "take the config from this ConfigMap (config.yml, and the metrics.yml and alerts.yml it names), as kube-burner")
    .option('-n, --namespace <namespace>', 'namespace of the --configmap', 'default')
    .option('--uuid <uuid>', 'run uuid (default: a new one)')
    .option('-e, --metrics-endpoint <file>', "YAML list of metrics endpoints that replaces the config's metricsEndpoints")
    .option('--timeout <duration>', 'stop the run after this long and exit 2 (default: global.timeout, 4h)', durationFlag)
    .option('--user-data <file>', 'YAML or JSON file (or http(s) URL) whose keys are template variables of the config')
    .option('--user-metadata <file>', 'YAML file of key: value pairs added to every job summary')
    .option('--set <key=value>', 'override a config value after parsing, e.g. jobs.0.qps=50 (repeatable, comma-separated)', collect, [])
    .option('--allow-missing [bool]', 'render missing template variables of the config as empty instead of failing', boolValue)
    .option('--kubeconfig <file>', 'kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--kube-context <name>', 'kubeconfig context (default: the current one)')
    .option('--skip-tls-verify [bool]', "do not verify the API server certificate (kube-burner's init flag of this name changes nothing; the Prometheus certificate follows each metrics endpoint's skipTLSVerify)", boolValue)
    .option('--report-dir <dir>', 'where the run folder goes (default: reports/<uuid>)')
    .option('--sim', 'run against the built-in simulated cluster (started and stopped for this run)')
    .option('--sim-nodes <n>', 'nodes of the simulated cluster', positiveInt, 10)
    .option('--sim-profile <name|file>', 'simulator profile: default, slow-pods, flaky, large, or a YAML file', 'default')
    .option('--sim-seed <n>', 'random seed of the simulator', nonNegativeInt)
    .option('--summary <detail>', `end-of-run summary: ${SUMMARY_FLAG} (full: every verdict, series and explanation)`, summaryFlag, 'short');
  addTelemetryFlags(command);
  addSkipLogFileFlag(command);
  command.action(async (flags: InitFlags) => {
    const uuid = flags.uuid ?? randomUUID();
    process.exitCode = await runInit({ ...flags, uuid, logFile: kubeBurnerLogFile(uuid, flags.skipLogFile) });
  });
}
