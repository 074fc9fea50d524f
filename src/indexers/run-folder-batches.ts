/**
 * The documents of a run folder as batches for the indexers, read back from the folder alone: what
 * `burn index DIR` sends later, and burn's own documents (run.json, slo.json) a run sends after
 * writing its folder. Jobs with `skipIndexing: true` send nothing, as in the run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isObject, readRunFolder, type JsonObject } from '../report/index.js';
import { alertDocument } from './route.js';
import type { DocumentBatch } from './types.js';

async function readJsonFile(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

/** The facts of run.json a query filters on, beside the whole file (mapped in burn's index). */
function runFacts(run: JsonObject): JsonObject {
  const cluster = isObject(run.cluster) ? run.cluster : {};
  return {
    configFile: run.configFile ?? '',
    configDigest: run.configDigest ?? '',
    target: cluster.target ?? '',
    k8sVersion: cluster.k8sVersion ?? '',
    totalNodes: cluster.totalNodes ?? 0,
    reason: run.reason ?? '',
    exitCode: run.gradingExitCode ?? 0,
  };
}

/** burn's own documents of a run folder: run.json and slo.json, whole, each under `<uuid>/<file>`. */
export async function burnOwnBatches(dir: string): Promise<DocumentBatch[]> {
  const run = await readJsonFile(join(dir, 'run.json'));
  if (!isObject(run) || typeof run.uuid !== 'string') return [];
  const uuid = run.uuid;
  const docs: JsonObject[] = [{ uuid, file: 'run.json', timestamp: run.start ?? null, ...runFacts(run), body: run }];
  const slo = await readJsonFile(join(dir, 'slo.json')).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (isObject(slo)) docs.push({ uuid, file: 'slo.json', timestamp: slo.generatedAt ?? run.end ?? null, body: slo });
  return [{ metricName: 'burnRun', docs, ids: docs.map((d) => `${uuid}/${String(d.file)}`), burnOwn: true }];
}

/** Every document of a run folder, kube-burner's and burn's own, as a run sends them. */
export async function runFolderBatches(dir: string): Promise<DocumentBatch[]> {
  const folder = await readRunFolder(dir);
  const { meta } = folder;
  const skipped = new Set(meta.jobs.filter((j) => j.jobConfig.skipIndexing === true).map((j) => j.name));
  const skippedFile = (fileName: string) => [...skipped].some((job) => fileName.endsWith(`-${job}.json`));
  const summaries = await readJsonFile(join(dir, 'jobSummary.json')).catch(() => []);
  const batches: DocumentBatch[] = meta.documentFiles
    .filter((f) => !skippedFile(f.fileName) && f.docs.length)
    .map((f) => ({ metricName: f.fileName.replace(/\.json$/, ''), docs: f.docs }));
  const jobSummaries = (Array.isArray(summaries) ? summaries : []).filter(isObject).filter((d) => !skipped.has(String(d.jobName)));
  if (jobSummaries.length) batches.push({ metricName: 'jobSummary', docs: jobSummaries });
  if (meta.alerts.length) batches.push({ metricName: 'alert', docs: meta.alerts.map((a) => alertDocument(a, meta.uuid, meta.metadata)) });
  return [...batches, ...(await burnOwnBatches(dir))];
}
