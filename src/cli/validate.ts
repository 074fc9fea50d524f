import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { collect } from './flags.js';

export interface ValidateFlags {
  config: string;
  userData?: string;
  set?: string[];
  uuid?: string;
  allowMissing?: boolean;
}

/** `burn validate`: load and check a config, render the first iteration of every job, print the plan. */
export async function runValidate(flags: ValidateFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { formatPlan, loadConfig, planRun } = await import('../config/index.js');
  const config = await loadConfig(flags.config, {
    userData: flags.userData,
    set: flags.set,
    uuid: flags.uuid ?? randomUUID(),
    allowMissing: flags.allowMissing,
  });
  out(formatPlan(await planRun(config)));
}

export function register(program: Command): void {
  program
    .command('validate')
    .description('check a job config and print what a run would do, without touching a cluster')
    .requiredOption('-c, --config <file>', 'kube-burner v2 job config')
    .option('--user-data <file>', 'YAML or JSON file whose keys are template variables of the config')
    .option('--set <key=value>', 'override a config value after parsing, e.g. jobs.0.qps=50 (repeatable, comma-separated)', collect, [])
    .option('--uuid <uuid>', 'run uuid used when rendering (default: a new one)')
    .option('--allow-missing', 'render missing template variables of the config as empty instead of failing')
    .action(async (flags: ValidateFlags) => runValidate(flags));
}

