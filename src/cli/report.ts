import type { Command } from 'commander';

export interface ReportFlags {
  color?: boolean;
}

/** Colour on a terminal unless NO_COLOR is set or --no-color given. */
export function wantsColor(flag: boolean | undefined, stream: { isTTY?: boolean } = process.stdout): boolean {
  if (flag === false || process.env.NO_COLOR) return false;
  return Boolean(stream.isTTY);
}

/** `burn report DIR`: prints the run's summary and rewrites report.html and junit.xml from the folder. */
export async function runReport(dir: string, flags: ReportFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { terminalSummary, writeReports } = await import('../report/index.js');
  const summary = await terminalSummary(dir, { color: wantsColor(flags.color) });
  const written = await writeReports(dir);
  out(`${summary}\nwrote ${written.html} and ${written.junit}\n`);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('print the summary of a run folder and rewrite its report.html and junit.xml')
    .argument('<dir>', 'run folder written by burn init (reports/<uuid>/ by default)')
    .option('--no-color', 'no ANSI colours, even on a terminal')
    .action(async (dir: string, flags: ReportFlags) => runReport(dir, flags));
}
