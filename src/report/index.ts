/** Reports of a run, built from its run folder: terminal summary, report.html, junit.xml; and `burn diff` and `burn history`, loaded on demand. */
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.js';
import { renderHtml } from './html.js';
import { renderJunit } from './junit.js';
import { readRunFolder } from './run-folder.js';
import { renderSummary, type SummaryOptions } from './summary.js';

export type { SummaryDetail, SummaryOptions } from './summary.js';

export {
  readRunFolder,
  runFolderOf,
  writeRunFolder,
  isObject,
  checkRunFolderWritable,
  measurementRecords,
  documentFiles,
  firedAlerts,
  jobSummaryDocument,
  type RunFolder,
  type RunFolderParts,
  type DocumentFile,
  type JsonObject,
  type RunRecord,
  type JobRecord,
  type HookRecord,
  type WatcherRecord,
  type ClusterFacts,
  type EndReason,
  type ProcessCost,
} from './run-folder.js';
export { writeFileAtomic } from './atomic.js';
export type { HistoryOptions, HistoryReport, HistoryFormat } from './history/index.js';
export type { RunStore, StoreRuns } from './history/store.js';
export type { DiffOptions, DiffReport, DiffFormat } from './diff/index.js';

/** `burn diff` (diffRuns, renderDiff): loaded when it runs; a run never needs it. */
export const loadDiff = () => import('./diff/index.js');
/** `burn history` (historyOf, renderHistory, folderStore): loaded when it (or a diff against history) runs. */
export const loadHistory = () => import('./history/index.js');

/** Writes report.html and junit.xml into the run folder (atomically); returns their paths. */
export async function writeReports(runDir: string): Promise<{ html: string; junit: string }> {
  const folder = await readRunFolder(runDir);
  const html = join(runDir, 'report.html');
  const junit = join(runDir, 'junit.xml');
  await writeFileAtomic(html, renderHtml(folder));
  await writeFileAtomic(junit, renderJunit(folder));
  return { html, junit };
}

/** The end-of-run summary of a run folder; ANSI colour only when asked. */
export async function terminalSummary(runDir: string, options: SummaryOptions): Promise<string> {
  return renderSummary(await readRunFolder(runDir), options);
}
