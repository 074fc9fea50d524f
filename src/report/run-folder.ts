/**
 * The run folder, written and read in one place. A run (and `burn measure`) hands `writeRunFolder`
 * one typed RunRecord; it grades the measurements, writes slo.json, kube-burner's jobSummary.json
 * and measurement documents, and run.json (the record itself). `readRunFolder` reads the same
 * record back, so reports, `burn report`, `burn diff` and the end of `burn init` all see what the
 * folder says, never a run's memory. Every field of the record is written and read back
 * (test/report/run-folder.test.ts round-trips it).
 */
import { constants } from 'node:fs';
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { AlertOutcome, MeasurementResult, SaturationReport } from '../measure/index.js';
import { UserError } from '../shared/errors.js';
import type { Verdict } from '../slo/index.js';
import { grade, gradingExitCode } from '../slo/index.js';
import { writeJsonAtomic } from './atomic.js';
import { isObject, num, str, type JsonObject } from './json.js';
import { sloDocument, sloFromJson, writeSloDocument } from './slo-table.js';

export { isObject, num, str, type JsonObject } from './json.js';

export type EndReason = 'completed' | 'failed' | 'timeout' | 'interrupted' | 'aborted-by-alert';

/** The cluster a run talked to. */
export interface ClusterFacts {
  target: 'sim' | 'real';
  k8sVersion: string;
  totalNodes: number;
  server: string;
  /** The simulator's profile, when target is sim. */
  simProfile?: string;
}

/** What burn itself cost: so a user can see burn was not the bottleneck of its own benchmark. */
export interface ProcessCost {
  cpuUserMs: number;
  cpuSystemMs: number;
  maxRssMb: number;
}

/** A measurement's result without its documents (those are files of their own), naming the files it wrote. */
export interface MeasurementRecord extends Omit<MeasurementResult, 'documents'> {
  files: string[];
}

/** One kube-burner measurement file: `<fileName>` in the run folder holds `docs`. */
export interface DocumentFile {
  fileName: string;
  docs: JsonObject[];
}

/** One job as it ran (or as far as it got). */
export interface JobRecord {
  name: string;
  jobType: string;
  /** The job as the user configured it (without burn's bookkeeping): jobSummary.json's jobConfig. */
  jobConfig: JsonObject;
  start: string;
  end: string;
  passed: boolean;
  errors: string[];
  /** Why waited-for objects never became ready, when a wait timed out or its objects vanished. */
  explanations: string[];
  /** Requests of the job's load actually sent (never ones aborted while waiting for a token). */
  requests: number;
  /** requests / sending time; never more than what was sent. */
  achievedQps: number;
  /** From the first request sent to the last response, ms. */
  sendingMs: number;
  objectsCreated: number;
  /** Creates that may or may not have made their object (timed out after sending: never resent). */
  uncertainCreates: number;
  /** Creates answered 409 AlreadyExists: the object was someone else's (never counted as created). */
  alreadyExists: number;
  /** Attempts of the job's requests sent again (after 429, 5xx, resets, timeouts, a 401). */
  retries?: number;
  /** Attempts the API server answered 429 Too Many Requests (max-inflight, or priority and fairness). */
  throttled?: number;
  churnCycles: number;
  /** When the churn phase started and ended (ISO), as kube-burner's churnStartTimestamp/churnEndTimestamp; absent without churn. */
  churnStart?: string;
  churnEnd?: string;
  measurements: MeasurementRecord[];
  /** Every run of the job's hooks (kube-burner's `hooks`), in start order; absent when the job has none. */
  hooks?: HookRecord[];
  /** What each of the job's watchers (kube-burner's `watchers`) saw; absent when the job has none. */
  watchers?: WatcherRecord[];
}

/** One watcher replica of a job: a list+watch stream held for the length of the job. */
export interface WatcherRecord {
  /** kube-burner's name: <kind>_watcher_<n>_replica_<r>. */
  name: string;
  kind: string;
  apiVersion: string;
  labelSelector: string;
  /** Whether its first list completed (then it watched until the job's end). */
  synced: boolean;
  objectsAtSync: number;
  /** Events after the first list. */
  added: number;
  modified: number;
  deleted: number;
  objectsAtStop: number;
  /** Dropped streams and re-lists it recovered from, or why it did not start. */
  errors: string[];
}

/** One run of a job hook: what ran, when, how it ended, and where its output is. */
export interface HookRecord {
  /** The hook's number in the job's `hooks` (from 1). */
  hook: number;
  when: string;
  cmd: string[];
  background: boolean;
  /** How many times this hook had run, this run included (onEachIteration hooks run once per iteration). */
  run: number;
  start: string;
  end?: string;
  durationMs?: number;
  exitCode: number | null;
  signal: string | null;
  /** Why the run failed: an exit code other than 0, a signal, a command that could not start. */
  error?: string;
  /** stdout and stderr, a file of the run folder. */
  log: string;
}

/** run.json: everything a run produced, apart from the documents (which are files of their own). */
export interface RunRecord {
  uuid: string;
  runId: string;
  burnVersion: string;
  configFile: string;
  /** sha256 of the config file's bytes, so diffs can say when two runs ran different configs. */
  configDigest: string;
  config: { global: JsonObject; jobs: string[]; metricsEndpoints: string[] };
  start: string;
  end: string;
  reason: EndReason;
  /** Every error: each job's (prefixed "job <name>: ") and the run's own. */
  errors: string[];
  /** Every job's not-ready explanations. */
  explanations: string[];
  cluster: ClusterFacts;
  /** --user-metadata: added to every jobSummary document. */
  metadata: JsonObject;
  /** What the run left on the cluster, in words ("nothing (gc ran)" or counts and the destroy command). */
  created: string;
  burnProcess: ProcessCost;
  /** Every alert that fired, whatever its severity (error and critical also set the exit code). */
  alerts: AlertOutcome[];
  jobs: JobRecord[];
  documentFiles: DocumentFile[];
}

/** run.json as read back: the record plus the grading exit code the writer derived. */
export interface RunMeta extends RunRecord {
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

// ---------------------------------------------------------------------------------------------
// Building a record from what a run has in memory

/** A job's measurement results as the record keeps them, and the document files they add. */
export function measurementRecords(results: MeasurementResult[]): MeasurementRecord[] {
  return results.map(({ documents, ...rest }) => ({ ...rest, files: documents.map((d) => d.fileName) }));
}

/** Measurement documents of every result, merged by file name (kube-burner writes one file per metric), sorted by name. */
export function documentFiles(results: MeasurementResult[]): DocumentFile[] {
  const files = new Map<string, JsonObject[]>();
  for (const result of results) {
    for (const { fileName, docs } of result.documents) files.set(fileName, [...(files.get(fileName) ?? []), ...(docs as JsonObject[])]);
  }
  return [...files.keys()].sort().map((fileName) => ({ fileName, docs: files.get(fileName)! }));
}

/** Every alert the jobs' measurements saw fire, for the run-level list. */
export function firedAlerts(results: MeasurementResult[]): AlertOutcome[] {
  return results.flatMap((r) => r.alerts ?? []);
}

/** The results the SLO grader reads, from the record's measurements (grading never reads documents). */
export function gradedResults(record: Pick<RunRecord, 'jobs'>): MeasurementResult[] {
  return record.jobs.flatMap((j) => j.measurements.map(({ files: _files, ...m }) => ({ ...m, documents: [] })));
}

/** kube-burner's jobSummary document of one job, plus what kube-burner does not say: achieved qps and the target. */
export function jobSummaryDocument(record: RunRecord, job: JobRecord): JsonObject {
  const startMs = Date.parse(job.start);
  const endMs = Date.parse(job.end);
  return {
    timestamp: job.start,
    endTimestamp: job.end,
    elapsedTime: Math.round(endMs - startMs) / 1000,
    uuid: record.uuid,
    runId: record.runId,
    metricName: 'jobSummary',
    jobName: job.name,
    jobConfig: job.jobConfig,
    version: `burn ${record.burnVersion}`,
    passed: job.passed,
    executionErrors: job.errors.join('; '),
    requests: job.requests,
    achievedQps: Math.round(job.achievedQps * 100) / 100,
    sendingTime: Math.round(job.sendingMs) / 1000,
    objectsCreated: job.objectsCreated,
    uncertainCreates: job.uncertainCreates,
    alreadyExists: job.alreadyExists,
    retries: job.retries ?? 0,
    throttled: job.throttled ?? 0,
    churnCycles: job.churnCycles,
    ...(job.churnStart && job.churnEnd ? { churnStartTimestamp: job.churnStart, churnEndTimestamp: job.churnEnd } : {}),
    target: record.cluster.target,
    k8sVersion: record.cluster.k8sVersion,
    totalNodes: record.cluster.totalNodes,
    ...record.metadata,
  };
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes the run folder: slo.json (the grading of every job's measurements), jobSummary.json, each
 * measurement document file, and run.json last (a folder with run.json is complete). Every file
 * atomically. The one place a run is graded and slo.json written.
 */
export async function writeRunFolder(dir: string, record: RunRecord): Promise<{ exitCode: number; verdicts: Verdict[] }> {
  const results = gradedResults(record);
  const verdicts = grade(results, { server: record.cluster.server });
  const exitCode = gradingExitCode(verdicts, results);
  await writeSloDocument(dir, sloDocument(verdicts, results, { uuid: record.uuid, reason: record.reason === 'completed' ? undefined : record.reason }));
  await writeJsonAtomic(join(dir, 'jobSummary.json'), record.jobs.map((job) => jobSummaryDocument(record, job)));
  for (const file of record.documentFiles) await writeJsonAtomic(join(dir, file.fileName), file.docs);
  const { documentFiles: files, ...meta } = record;
  await writeJsonAtomic(join(dir, 'run.json'), { ...meta, documentFiles: files.map((f) => f.fileName), gradingExitCode: exitCode } satisfies Omit<RunMeta, 'documentFiles'> & { documentFiles: string[] });
  return { exitCode, verdicts };
}

/**
 * Checks, before a run creates anything, that its folder can be written later, creating nothing:
 * `dir` is a writable folder, or its nearest existing ancestor is one. A file in the way is a
 * UserError naming the flag.
 */
export async function checkRunFolderWritable(dir: string, flag = '--report-dir'): Promise<void> {
  const hint = 'give a folder you can write to (it is created when missing)';
  let path = resolve(dir);
  for (;;) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw new UserError(`${flag} ${dir}: cannot use ${path} (${err.code ?? err.message})`, { hint });
    });
    if (info) {
      if (!info.isDirectory()) throw new UserError(`${flag} ${dir}: ${path === resolve(dir) ? 'exists and is not a folder' : `${path} is a file, not a folder`}`, { hint: `${hint}; or remove the file ${path}` });
      await access(path, constants.W_OK).catch(() => {
        throw new UserError(`${flag} ${dir}: ${path} is not writable`, { hint });
      });
      return;
    }
    const parent = dirname(path);
    if (parent === path) return;
    path = parent;
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

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

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const objectOr = (value: unknown): JsonObject => (isObject(value) ? value : {});
const END_REASONS: readonly EndReason[] = ['completed', 'failed', 'timeout', 'interrupted', 'aborted-by-alert'];

function clusterOf(raw: unknown): ClusterFacts {
  const c = objectOr(raw);
  return {
    target: c.target === 'sim' ? 'sim' : 'real',
    k8sVersion: str(c.k8sVersion, '?'),
    totalNodes: num(c.totalNodes, 0),
    server: str(c.server),
    ...(typeof c.simProfile === 'string' ? { simProfile: c.simProfile } : {}),
  };
}

function measurementOf(raw: JsonObject): MeasurementRecord {
  // Measurement results are plain JSON written by burn itself: their inner shape is the measurement's contract.
  const { files, ...rest } = raw;
  return {
    ...(rest as unknown as Omit<MeasurementResult, 'documents'>),
    name: str(raw.name),
    quantiles: Array.isArray(raw.quantiles) ? raw.quantiles : [],
    thresholds: Array.isArray(raw.thresholds) ? raw.thresholds : [],
    slis: Array.isArray(raw.slis) ? raw.slis : [],
    errors: strings(raw.errors),
    files: strings(files),
  };
}

function jobRecordOf(raw: JsonObject): JobRecord {
  return {
    name: str(raw.name, '(unnamed)'),
    jobType: str(raw.jobType),
    jobConfig: objectOr(raw.jobConfig),
    start: str(raw.start),
    end: str(raw.end),
    passed: raw.passed !== false,
    errors: strings(raw.errors),
    explanations: strings(raw.explanations),
    requests: num(raw.requests, 0),
    achievedQps: num(raw.achievedQps, 0),
    sendingMs: num(raw.sendingMs, 0),
    objectsCreated: num(raw.objectsCreated, 0),
    uncertainCreates: num(raw.uncertainCreates, 0),
    alreadyExists: num(raw.alreadyExists, 0),
    ...(typeof raw.retries === 'number' ? { retries: raw.retries } : {}),
    ...(typeof raw.throttled === 'number' ? { throttled: raw.throttled } : {}),
    churnCycles: num(raw.churnCycles, 0),
    ...(typeof raw.churnStart === 'string' && typeof raw.churnEnd === 'string' ? { churnStart: raw.churnStart, churnEnd: raw.churnEnd } : {}),
    measurements: (Array.isArray(raw.measurements) ? raw.measurements : []).filter(isObject).map(measurementOf),
    // Hook records are burn's own plain JSON (HookRecord).
    ...(Array.isArray(raw.hooks) ? { hooks: raw.hooks.filter(isObject).map((h) => h as unknown as HookRecord) } : {}),
    ...(Array.isArray(raw.watchers) ? { watchers: raw.watchers.filter(isObject).map((w) => w as unknown as WatcherRecord) } : {}),
  };
}

function runMetaOf(raw: unknown, path: string, documentFiles: DocumentFile[]): RunMeta {
  if (!isObject(raw) || typeof raw.uuid !== 'string') throw new UserError(`${path}: not a burn run.json (no uuid)`, { hint: 'burn init writes run.json; was this file edited?' });
  const config = objectOr(raw.config);
  const cost = objectOr(raw.burnProcess);
  const listed = new Set(strings(raw.documentFiles));
  return {
    uuid: raw.uuid,
    runId: str(raw.runId),
    burnVersion: str(raw.burnVersion, 'unknown'),
    configFile: str(raw.configFile),
    configDigest: str(raw.configDigest),
    config: { global: objectOr(config.global), jobs: strings(config.jobs), metricsEndpoints: strings(config.metricsEndpoints) },
    start: str(raw.start),
    end: str(raw.end),
    reason: END_REASONS.find((r) => r === raw.reason) ?? 'failed',
    errors: strings(raw.errors),
    explanations: strings(raw.explanations),
    cluster: clusterOf(raw.cluster),
    metadata: objectOr(raw.metadata),
    created: str(raw.created),
    burnProcess: { cpuUserMs: num(cost.cpuUserMs, 0), cpuSystemMs: num(cost.cpuSystemMs, 0), maxRssMb: num(cost.maxRssMb, 0) },
    // Alerts are burn's own plain JSON (measure/types AlertOutcome).
    alerts: (Array.isArray(raw.alerts) ? raw.alerts : []).filter(isObject) as unknown as AlertOutcome[],
    jobs: (Array.isArray(raw.jobs) ? raw.jobs : []).filter(isObject).map(jobRecordOf),
    // Folders written before run.json listed its files: every document file in the folder.
    documentFiles: listed.size ? documentFiles.filter((f) => listed.has(f.fileName)) : documentFiles,
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

async function readOptionalJson(path: string, missing: unknown): Promise<unknown> {
  return readJson(path).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return missing;
    throw err;
  });
}

/** Reads a run folder; a UserError names the folder when it is not one. */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  await requireRunFolder(dir);
  const files: DocumentFile[] = [];
  for (const fileName of (await readdir(dir)).filter((f) => f.endsWith('.json') && !OWN_FILES.has(f)).sort()) {
    const docs = await readJson(join(dir, fileName));
    if (Array.isArray(docs)) files.push({ fileName, docs: docs.filter(isObject) });
  }
  return runFolderOf(dir, {
    runJson: await readJson(join(dir, 'run.json')),
    runJsonPath: join(dir, 'run.json'),
    documentFiles: files,
    jobSummaries: await readOptionalJson(join(dir, 'jobSummary.json'), []),
    slo: await readOptionalJson(join(dir, 'slo.json'), {}),
  });
}

/** The contents of a run folder's files, wherever they were read from (a folder, a document store). */
export interface RunFolderParts {
  runJson: unknown;
  /** Names run.json in messages. */
  runJsonPath: string;
  documentFiles: DocumentFile[];
  jobSummaries: unknown;
  slo: unknown;
}

/** A run folder from the contents of its files. */
export function runFolderOf(dir: string, parts: RunFolderParts): RunFolder {
  const meta = runMetaOf(parts.runJson, parts.runJsonPath, parts.documentFiles);
  const jobs = (Array.isArray(parts.jobSummaries) ? parts.jobSummaries : []).filter(isObject).map(jobSummaryOf);
  const { verdicts, saturation } = sloFromJson(parts.slo);
  const documents = new Map<string, JsonObject[]>();
  for (const file of meta.documentFiles) {
    for (const doc of file.docs) {
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
