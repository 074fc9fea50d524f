/**
 * Reads a run folder (what src/engine/results.ts `writeRunFolder` writes) back into plain data.
 * Reports and diffs are built from the folder, never from a run's memory, so `burn report DIR`,
 * `burn diff` and the end of `burn init` see the same thing.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../shared/errors.js';
import type { SaturationReport } from '../measure/types.js';
import type { Verdict } from '../slo/grade.js';
import { isObject, num, str, type JsonObject } from './json.js';
import { sloFromJson } from './slo-table.js';

export { isObject, num, str, type JsonObject } from './json.js';

/** run.json: burn's metadata about the run. */
export interface RunMeta {
  uuid: string;
  runId: string;
  burnVersion: string;
  configFile: string;
  config: { global?: JsonObject; jobs?: string[]; metricsEndpoints?: string[] };
  start: string;
  end: string;
  reason: string;
  errors: string[];
  explanations: string[];
  cluster: { target?: string; k8sVersion?: string; totalNodes?: number; server?: string };
  created: string;
  gradingExitCode: number;
}

/** One kube-burner jobSummary document, the fields reports read. */
export interface JobSummary {
  jobName: string;
  jobConfig: JsonObject;
  elapsedTime: number;
  achievedQps: number;
  requests: number;
  objectsCreated: number;
  passed: boolean;
  executionErrors: string;
  timestamp: string;
}

export interface RunFolder {
  dir: string;
  meta: RunMeta;
  jobs: JobSummary[];
  verdicts: Verdict[];
  /** burn's (and the simulator's) saturation over the run, as graded (slo.json). */
  saturation: SaturationReport[];
  /** Measurement documents by their `metricName`, from every `<metricName>-<job>.json` file. */
  documents: Map<string, JsonObject[]>;
}

const OWN_FILES = new Set(['run.json', 'jobSummary.json', 'slo.json']);

async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UserError(`${path}: not valid JSON (${(err as Error).message})`, { hint: 'the run folder is damaged: re-run, or remove the file' });
  }
}

async function requireRunFolder(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UserError(`${dir}: no such folder`, { hint: 'give a run folder written by `burn init` (reports/<uuid>/ by default)' });
  if (!info.isDirectory()) throw new UserError(`${dir}: not a folder`, { hint: 'give a run folder written by `burn init` (reports/<uuid>/ by default)' });
  const hasRunJson = await stat(join(dir, 'run.json')).then((s) => s.isFile()).catch(() => false);
  if (!hasRunJson) {
    throw new UserError(`${dir}: not a burn run folder (it has no run.json)`, { hint: 'burn init writes run.json, jobSummary.json and slo.json at the end of every run, in reports/<uuid>/ or --report-dir' });
  }
}

function runMetaOf(raw: unknown, path: string): RunMeta {
  if (!isObject(raw) || typeof raw.uuid !== 'string') throw new UserError(`${path}: not a burn run.json (no uuid)`, { hint: 'burn init writes run.json; was this file edited?' });
  return {
    uuid: raw.uuid,
    runId: str(raw.runId),
    burnVersion: str(raw.burnVersion, 'unknown'),
    configFile: str(raw.configFile),
    config: isObject(raw.config) ? (raw.config as RunMeta['config']) : {},
    start: str(raw.start),
    end: str(raw.end),
    reason: str(raw.reason, 'unknown'),
    errors: Array.isArray(raw.errors) ? raw.errors.map(String) : [],
    explanations: Array.isArray(raw.explanations) ? raw.explanations.map(String) : [],
    cluster: isObject(raw.cluster) ? (raw.cluster as RunMeta['cluster']) : {},
    created: str(raw.created),
    gradingExitCode: num(raw.gradingExitCode, 0),
  };
}

function jobSummaryOf(raw: JsonObject): JobSummary {
  return {
    jobName: str(raw.jobName, '(unnamed)'),
    jobConfig: isObject(raw.jobConfig) ? raw.jobConfig : {},
    elapsedTime: num(raw.elapsedTime, 0),
    achievedQps: num(raw.achievedQps, 0),
    requests: num(raw.requests, 0),
    objectsCreated: num(raw.objectsCreated, 0),
    passed: raw.passed !== false,
    executionErrors: str(raw.executionErrors),
    timestamp: str(raw.timestamp),
  };
}

/** Reads a run folder; a UserError names the folder when it is not one. */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  await requireRunFolder(dir);
  const meta = runMetaOf(await readJson(join(dir, 'run.json')), join(dir, 'run.json'));
  const jobsRaw = await readJson(join(dir, 'jobSummary.json')).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  const jobs = (Array.isArray(jobsRaw) ? jobsRaw : []).filter(isObject).map(jobSummaryOf);
  const sloRaw = await readJson(join(dir, 'slo.json')).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  });
  const { verdicts, saturation } = sloFromJson(sloRaw);
  const documents = new Map<string, JsonObject[]>();
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json') && !OWN_FILES.has(f)).sort();
  for (const file of files) {
    const docs = await readJson(join(dir, file));
    if (!Array.isArray(docs)) continue;
    for (const doc of docs) {
      if (!isObject(doc)) continue;
      const metricName = str(doc.metricName);
      if (!metricName) continue;
      const list = documents.get(metricName);
      if (list) list.push(doc);
      else documents.set(metricName, [doc]);
    }
  }
  return { dir, meta, jobs, verdicts, saturation, documents };
}

export function docsOf(folder: RunFolder, metricName: string): JsonObject[] {
  return folder.documents.get(metricName) ?? [];
}
