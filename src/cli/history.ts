import { InvalidArgumentError, type Command } from 'commander';
import type { HistoryFormat } from '../report/index.js';
import { positiveInt } from './flags.js';
import { runStoreOf, runStoreOptions, type RunStoreFlags } from './run-store-flags.js';

export interface HistoryFlags extends RunStoreFlags {
  match: Record<string, string>;
  metric?: string;
  last?: number;
  rules?: string;
  alpha?: number;
  permutations?: number;
  minSegment?: number;
  format: HistoryFormat;
}

/** Listed where the flag is parsed so that `burn --help` loads no report code. */
const FORMATS: HistoryFormat[] = ['table', 'markdown', 'json', 'html'];

function formatFlag(value: string): HistoryFormat {
  if ((FORMATS as string[]).includes(value)) return value as HistoryFormat;
  throw new InvalidArgumentError(`"${value}" is not a format: use ${FORMATS.join(', ')}`);
}

function alphaFlag(value: string): number {
  const alpha = Number(value);
  if (!Number.isFinite(alpha) || alpha <= 0 || alpha >= 1) throw new InvalidArgumentError(`"${value}" is not a p-value level between 0 and 1 (e.g. 0.01)`);
  return alpha;
}

/** Repeatable `--match key=value`, checked as the flags are parsed. */
function matchFlag(pair: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value (e.g. --match k8s-version=v1.34.4 or --match platform=eks)`);
  return { ...previous, [pair.slice(0, eq)]: pair.slice(eq + 1) };
}

/** `burn history [STORE]`: prints each metric's series and change-points; returns 4 when the newest run got worse. */
export async function runHistory(store: string | undefined, flags: HistoryFlags, out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const runStore = (await runStoreOf('history', { value: store, given: `a folder (${store})`, fallback: 'reports' }, flags))!;
  const { historyOf, renderHistory } = await (await import('../report/index.js')).loadHistory();
  const report = await historyOf({
    store: runStore,
    match: flags.match,
    metric: flags.metric,
    last: flags.last,
    rulesFile: flags.rules,
    alpha: flags.alpha,
    permutations: flags.permutations,
    minSegment: flags.minSegment,
  });
  out(renderHistory(report, flags.format));
  return report.exitCode;
}

export function register(program: Command): void {
  const command = program
    .command('history')
    .description('series of every metric over the runs in a folder, with change-points; exit 4 when the newest run lies after a change for the worse')
    .argument('[store]', 'folder of run folders (default reports)')
    .option(
      '--match <key=value>',
      "keep runs with this fact (config, config-digest, target, k8s-version, nodes, sim-profile, burn-version, or a --user-metadata key); repeatable. Unless given, config-digest and target are the newest run's",
      matchFlag,
      {},
    )
    .option('--metric <glob>', 'only metrics whose id matches, e.g. "podLatency/*/Ready/P99"')
    .option('--last <n>', 'only the newest N matching runs', positiveInt)
    .option('--rules <file>', "YAML tolerances as for burn diff: a change-point counts only beyond the metric's tolerance")
    .option('--alpha <p>', 'largest permutation p-value that counts (default 0.01)', alphaFlag)
    .option('--permutations <n>', 'shuffles of the permutation test (default 999)', positiveInt)
    .option('--min-segment <n>', 'fewest runs on each side of a change-point (default 3)', positiveInt)
    .option('--format <format>', `output: ${FORMATS.join(', ')} (a page with each series charted and its change-points marked: > history.html)`, formatFlag, 'table');
  runStoreOptions(command, 'the runs', 'a folder').action(async (store: string | undefined, flags: HistoryFlags) => {
    process.exitCode = await runHistory(store, flags);
  });
}
