import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { isMap, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { compileTemplate, isTemplateError } from '../template/index.js';
import type { Diagnostic } from './diagnostics.js';
import { lineMapBetween } from './line-map.js';
import { describeYamlError } from './yaml-errors.js';
import { isUrl } from './references.js';
import type { Config, Job, JobObject } from './types.js';

/** What rendering one object of a job's first iteration showed. */
export interface RenderedObject {
  /** False for URL templates (fetched at run time) and for jobs that select objects instead of creating them. */
  rendered: boolean;
  /** Kubernetes documents one replica yields (a template may hold several, separated by ---). */
  documentsPerReplica: number;
  kinds: string[];
  /** Pods one replica asks for: Pods, and replicas/parallelism of workload controllers (DaemonSets not counted). */
  podsPerReplica: number;
}

const podsByKind: Record<string, (spec: Record<string, unknown>) => number> = {
  Pod: () => 1,
  Deployment: (spec) => numberOr(spec.replicas, 1),
  ReplicaSet: (spec) => numberOr(spec.replicas, 1),
  StatefulSet: (spec) => numberOr(spec.replicas, 1),
  ReplicationController: (spec) => numberOr(spec.replicas, 1),
  Job: (spec) => numberOr(spec.parallelism, 1),
};

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** Template variables of one object replica, as kube-burner builds them: built-ins, then inputVars. */
export function templateData(config: Config, job: Job, object: JobObject, iteration: number, replica: number): Record<string, unknown> {
  return {
    JobName: job.name,
    Iteration: iteration,
    Replica: replica,
    UUID: config.global.uuid,
    RunID: config.global.runId,
    ...object.inputVars,
  };
}

/**
 * Renders every replica of `object` for iteration 0 and checks each rendered document is a Kubernetes
 * object (apiVersion, kind, metadata.name or generateName). Problems go to `problems`, located in the
 * template file.
 */
export async function renderFirstIteration(config: Config, job: Job, object: JobObject, problems: Diagnostic[]): Promise<RenderedObject> {
  const none: RenderedObject = { rendered: false, documentsPerReplica: 1, kinds: [], podsPerReplica: 0 };
  if (!object.objectTemplate || isUrl(object.objectTemplate)) return none;
  const shown = relative(process.cwd(), object.objectTemplate) || object.objectTemplate;
  const context = `job "${job.name}" object ${object.index + 1}`;
  const source = await readFile(object.objectTemplate, 'utf8');
  let result: RenderedObject = none;
  for (let replica = 1; replica <= Math.max(1, object.replicas); replica++) {
    let rendered: string;
    try {
      const template = compileTemplate(source, {
        file: shown,
        engine: object.templateEngine,
        missingKey: job.defaultMissingKeysWithZero ? 'zero' : 'error',
        baseDir: config.dir,
        functionTemplates: config.global.functionTemplates.filter((path) => !isUrl(path)),
      });
      rendered = template.render(templateData(config, job, object, 0, replica));
    } catch (err) {
      if (!isTemplateError(err)) throw err;
      problems.push({ pos: { file: err.file, line: err.line, col: err.column }, message: `${err.what} (template of ${context}, replica ${replica})`, hint: err.hint });
      return none; // the other replicas would fail the same way
    }
    const checked = checkRendered(rendered, source, shown, `${context}, replica ${replica}`, job.jobType === 'patch', problems);
    if (!checked) return none;
    if (replica === 1) result = checked;
  }
  return result;
}

function checkRendered(rendered: string, source: string, shown: string, context: string, isPatch: boolean, problems: Diagnostic[]): RenderedObject | undefined {
  const lineCounter = new LineCounter();
  const lineMap = lineMapBetween(source, rendered);
  const docs = parseAllDocuments(rendered, { lineCounter });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { file: shown, line: lineMap(line), col };
  };
  if (!Array.isArray(docs)) {
    problems.push({ pos: { file: shown, line: 1, col: 1 }, message: `rendered template of ${context} is not YAML` });
    return undefined;
  }
  const before = problems.length;
  const kinds: string[] = [];
  let pods = 0;
  let count = 0;
  for (const doc of docs as Document.Parsed[]) {
    for (const err of doc.errors) {
      const { message, hint } = describeYamlError(err);
      problems.push({ pos: at(err.pos[0]), message: `rendered template of ${context} is not valid YAML: ${message}`, hint: hint ?? 'look at what the template renders to around this line' });
    }
    if (doc.errors.length || doc.contents === null) continue;
    count++;
    if (isPatch) continue; // a patch body is not a whole object
    const start = doc.contents.range?.[0] ?? 0;
    if (!isMap(doc.contents)) {
      problems.push({ pos: at(start), message: `rendered template of ${context} is not a Kubernetes object (a mapping with apiVersion, kind, metadata)` });
      continue;
    }
    const obj = doc.toJS() as Record<string, unknown>;
    const metadata = (obj.metadata ?? {}) as Record<string, unknown>;
    const missing = [
      typeof obj.apiVersion === 'string' && obj.apiVersion ? undefined : 'apiVersion',
      typeof obj.kind === 'string' && obj.kind ? undefined : 'kind',
      metadata.name || metadata.generateName ? undefined : 'metadata.name (or generateName)',
    ].filter((m): m is string => m !== undefined);
    if (missing.length) {
      problems.push({ pos: at(start), message: `rendered object of ${context} has no ${missing.join(', no ')}`, hint: 'every object needs apiVersion, kind and metadata.name' });
      continue;
    }
    const kind = obj.kind as string;
    kinds.push(kind);
    pods += podsByKind[kind]?.((obj.spec ?? {}) as Record<string, unknown>) ?? 0;
  }
  if (count === 0 && problems.length === before) problems.push({ pos: { file: shown, line: 1, col: 1 }, message: `template of ${context} renders to nothing` });
  if (problems.length > before) return undefined;
  return { rendered: true, documentsPerReplica: count, kinds, podsPerReplica: pods };
}
