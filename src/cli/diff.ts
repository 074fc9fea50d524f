import { InvalidArgumentError, type Command } from 'commander';
import type { DiffFormat } from '../report/index.js';

export interface DiffFlags {
  rules?: string;
  format: DiffFormat;
}

/** Every output format, listed where the flag is parsed so that `burn --help` loads no report code. */
const FORMATS: Record<DiffFormat, true> = { table: true, markdown: true, json: true };
const DIFF_FORMATS = Object.keys(FORMATS) as DiffFormat[];

function formatFlag(value: string): DiffFormat {
  if ((DIFF_FORMATS as string[]).includes(value)) return value as DiffFormat;
  throw new InvalidArgumentError(`"${value}" is not a format: use ${DIFF_FORMATS.join(', ')}`);
}

/** `burn diff BASELINE CANDIDATE`: prints the comparison; returns 4 on a regression, else 0. */
export async function runDiff(baseline: string, candidate: string, flags: DiffFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const { diffRuns, renderDiff } = await import('../report/index.js');
  const report = await diffRuns({ baseline, candidate, rulesFile: flags.rules });
  out(renderDiff(report, flags.format));
  return report.exitCode;
}

export function register(program: Command): void {
  program
    .command('diff')
    .description('compare two runs (or two sets of repeated runs) metric by metric; exit 4 on a regression')
    .argument('<baseline>', 'run folder, comma-separated run folders, or a quoted glob such as "reports/base-*"')
    .argument('<candidate>', 'run folder(s) to compare against the baseline, same forms')
    .option('--rules <file>', 'YAML file of tolerances (see README, "Reports and diff")')
    .option('--format <format>', `output: ${DIFF_FORMATS.join(', ')}`, formatFlag, 'table')
    .action(async (baseline: string, candidate: string, flags: DiffFlags) => {
      process.exitCode = await runDiff(baseline, candidate, flags);
    });
}
