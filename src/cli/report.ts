import { InvalidArgumentError, type Command } from 'commander';
import type { SummaryDetail } from '../report/index.js';

export interface ReportFlags {
  color?: boolean;
  summary: SummaryDetail;
}

const DETAILS: SummaryDetail[] = ['short', 'full'];
export const SUMMARY_FLAG = DETAILS.join(' or ');

/** `--summary short|full`. */
export function summaryFlag(value: string): SummaryDetail {
  if ((DETAILS as string[]).includes(value)) return value as SummaryDetail;
  throw new InvalidArgumentError(`"${value}" is not a summary: use ${SUMMARY_FLAG}`);
}

/** Colour on a terminal unless NO_COLOR is set or --no-color given. */
export function wantsColor(flag: boolean | undefined, stream: { isTTY?: boolean } = process.stdout): boolean {
  if (flag === false || process.env.NO_COLOR) return false;
  return Boolean(stream.isTTY);
}

/** `burn report DIR`: prints the run's summary (all of it by default) and rewrites report.html and junit.xml from the folder. */
export async function runReport(dir: string, flags: ReportFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { terminalSummary, writeReports } = await import('../report/index.js');
  const summary = await terminalSummary(dir, { color: wantsColor(flags.color), detail: flags.summary });
  const written = await writeReports(dir);
  out(`${summary}\nwrote ${written.html} and ${written.junit}\n`);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('print the summary of a run folder and rewrite its report.html and junit.xml')
    .argument('<dir>', 'run folder written by burn init (reports/<uuid>/ by default)')
    .option('--no-color', 'no ANSI colours, even on a terminal')
    .option('--summary <detail>', `${SUMMARY_FLAG}: short is what burn init prints at the end of a run`, summaryFlag, 'full')
    .action(async (dir: string, flags: ReportFlags) => runReport(dir, flags));
}
