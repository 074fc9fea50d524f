import { InvalidArgumentError, type Command } from 'commander';
import type { DiffFormat } from '../report/index.js';
import { UserError } from '../shared/errors.js';
import { positiveInt } from './flags.js';
import { runStoreOf, runStoreOptions, type RunStoreFlags } from './run-store-flags.js';

export interface DiffFlags extends RunStoreFlags {
  rules?: string;
  format: DiffFormat;
  baselineHistory?: string;
  last?: number;
  match: Array<{ key: string; value?: string }>;
}

/** Repeatable `--match key=value` or `--match key` (the candidate's value). */
function matchFlag(pair: string, previous: Array<{ key: string; value?: string }> = []): Array<{ key: string; value?: string }> {
  const eq = pair.indexOf('=');
  if (eq === 0 || pair === '') throw new InvalidArgumentError(`"${pair}" is not key or key=value (e.g. --match platform, --match release=1.34)`);
  return [...previous, eq < 0 ? { key: pair } : { key: pair.slice(0, eq), value: pair.slice(eq + 1) }];
}

/** Every output format, listed where the flag is parsed so that `burn --help` loads no report code. */
const FORMATS: Record<DiffFormat, true> = { table: true, markdown: true, json: true };
const DIFF_FORMATS = Object.keys(FORMATS) as DiffFormat[];

function formatFlag(value: string): DiffFormat {
  if ((DIFF_FORMATS as string[]).includes(value)) return value as DiffFormat;
  throw new InvalidArgumentError(`"${value}" is not a format: use ${DIFF_FORMATS.join(', ')}`);
}

/** `burn diff BASELINE CANDIDATE` or `burn diff --baseline-history STORE CANDIDATE` (or --es-server): prints the comparison; returns 4 on a regression, else 0. */
export async function runDiff(first: string, second: string | undefined, flags: DiffFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const fromHistory = flags.baselineHistory !== undefined || flags.esServer !== undefined || flags.index !== undefined;
  const query = flags.baselineHistory !== undefined ? `--baseline-history ${flags.baselineHistory}` : '--es-server';
  if (fromHistory && second !== undefined) throw new UserError(`burn diff ${query}: the baseline is the history query, so give only the CANDIDATE (not ${first} and ${second})`, { hint: `burn diff ${query} ${second}` });
  if (!fromHistory && second === undefined) throw new UserError('burn diff: give BASELINE and CANDIDATE, or --baseline-history STORE (or --es-server URL --index NAME) and CANDIDATE', { hint: 'e.g. burn diff reports/a reports/b, or burn diff --baseline-history reports/ --last 10 reports/b' });
  if (!fromHistory && (flags.last !== undefined || flags.match.length > 0)) throw new UserError(`burn diff: ${flags.last !== undefined ? '--last' : '--match'} selects the runs of a baseline history, which is not given`, { hint: 'add --baseline-history STORE (or --es-server URL --index NAME), or drop it' });
  const store = fromHistory ? await runStoreOf('diff', { value: flags.baselineHistory, given: `--baseline-history ${flags.baselineHistory}` }, flags) : undefined;
  const { diffRuns, renderDiff } = await (await import('../report/index.js')).loadDiff();
  const report = await diffRuns(
    store === undefined
      ? { baseline: first, candidate: second!, rulesFile: flags.rules }
      : { baseline: '', candidate: first, rulesFile: flags.rules, baselineHistory: { store, last: flags.last, match: flags.match } },
  );
  out(renderDiff(report, flags.format));
  return report.exitCode;
}

export function register(program: Command): void {
  const command = program
    .command('diff')
    .description('compare two runs (or two sets of repeated runs) metric by metric; exit 4 on a regression')
    .argument('<baseline>', 'run folder, comma-separated run folders, or a quoted glob such as "reports/base-*" (with --baseline-history: the candidate)')
    .argument('[candidate]', 'run folder(s) to compare against the baseline, same forms')
    .option('--baseline-history <store>', "the baseline is the newest runs of this folder of run folders that started before the candidate and match its config digest and target (and --match), judged by that series' noise")
    .option('--last <n>', 'with a baseline history: at most the newest N matching runs (default 10)', positiveInt)
    .option('--match <key[=value]>', "with a baseline history: the runs must also have this fact (config, k8s-version, nodes, sim-profile, burn-version or a --user-metadata key); a key alone takes the candidate's value; repeatable", matchFlag, [])
    .option('--rules <file>', 'YAML file of tolerances (see README, "Reports and diff")')
    .option('--format <format>', `output: ${DIFF_FORMATS.join(', ')}`, formatFlag, 'table');
  runStoreOptions(command, 'the baseline history', '--baseline-history STORE').action(async (first: string, second: string | undefined, flags: DiffFlags) => {
    process.exitCode = await runDiff(first, second, flags);
  });
}
