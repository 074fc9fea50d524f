/**
 * `burn diff --baseline-history STORE`: the baseline is a history query, the newest runs of the
 * store (at most `last`) that started before the candidate and match its facts: by default its
 * config digest and target, plus whatever `--match` names (`platform` alone: the candidate's own
 * platform; `release=1.33`: that release). The store is a folder of run folders or OpenSearch.
 */
import { UserError } from '../../shared/errors.js';
import { didYouMean } from '../../shared/suggest.js';
import type { RunFolder } from '../run-folder.js';
import { factsOf, refuseUnknownKeys, selectRuns, type HistoryReport } from './index.js';
import type { RunStore } from './store.js';

export interface BaselineQuery {
  store: RunStore;
  /** Newest N matching runs (10 by default). */
  last?: number;
  /** key=value, or key alone: the candidate's value of it. */
  match: Array<{ key: string; value?: string }>;
}

export interface HistoryBaseline {
  folders: RunFolder[];
  /** The facts the baseline's runs share with the candidate, as matched. */
  match: Record<string, string>;
  skipped: HistoryReport['skipped'];
}

export const DEFAULT_BASELINE_RUNS = 10;

export async function baselineFromHistory(query: BaselineQuery, candidate: RunFolder[]): Promise<HistoryBaseline> {
  const newest = [...candidate].sort((a, b) => a.meta.start.localeCompare(b.meta.start)).at(-1)!;
  const facts = factsOf(newest);
  const match: Record<string, string> = {};
  for (const { key, value } of query.match) {
    if (value !== undefined) match[key] = value;
    else if (key in facts) match[key] = facts[key]!;
    else {
      const suggestion = didYouMean(key, Object.keys(facts));
      throw new UserError(`--match ${key}: the candidate ${newest.dir} has no metadata key "${key}"${suggestion ? ` (${suggestion})` : ''}`, { hint: `its keys: ${Object.keys(facts).join(', ')}; or give a value: --match ${key}=VALUE` });
    }
  }
  const { folders, skipped } = await query.store.runs();
  refuseUnknownKeys(Object.keys(match), folders, query.store.name);
  const candidates = new Set(candidate.map((f) => f.meta.uuid));
  const earlier = folders.filter((f) => !candidates.has(f.meta.uuid) && f.meta.start < newest.meta.start);
  const selected = selectRuns(earlier, match, { reference: facts });
  const chosen = selected.chosen.slice(-(query.last ?? DEFAULT_BASELINE_RUNS));
  if (chosen.length === 0) {
    const wanted = Object.entries(selected.match).map(([k, v]) => `${k}=${v || '""'}`).join(', ');
    throw new UserError(`--baseline-history ${query.store.name}: no run that started before the candidate matches ${wanted}`, {
      hint: 'burn history STORE --format json lists every run and why it was left out; widen the query with fewer --match keys, or --match config-digest=... for a changed config',
    });
  }
  return { folders: chosen.map((c) => c.folder), match: selected.match, skipped: [...skipped, ...selected.skipped] };
}
