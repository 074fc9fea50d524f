import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { isMap, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { compileTemplate, isTemplateError, type CompiledTemplate } from '../template/index.js';
import type { Diagnostic, SourcePos } from './diagnostics.js';
import { checkKind, generateNameProblem, nameProblem } from './kinds.js';
import { lineMapBetween } from './line-map.js';
import { describeYamlError } from './yaml-errors.js';
import { aliasProblem, sizeProblem } from './yaml-limits.js';
import { isUrl } from './references.js';
import type { Config, Job, JobObject } from './types.js';

/** What rendering a sample of one object's iterations and replicas showed. */
export interface RenderedObject {
  /** False when the template could not be read or rendered, and for jobs that select objects instead of creating them. */
  rendered: boolean;
  /** Kubernetes documents one replica yields (a template may hold several, separated by ---). */
  documentsPerReplica: number;
  kinds: string[];
  /** Pods one replica asks for: Pods, and replicas/parallelism of workload controllers (DaemonSets not counted). */
  podsPerReplica: number;
  /** The iterations and replicas rendered and checked: the first, the last and three between. */
  iterations: number[];
  replicas: number[];
  /** Kinds of API groups burn does not know offline (CRDs, aggregated APIs), as "group/version Kind". */
  needsCluster: string[];
}

/** How long validate waits for a template URL. */
const FETCH_TIMEOUT_MS = 15_000;

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

/**
 * Template variables of one object replica, as kube-burner builds them: built-ins, then inputVars.
 * An object made every N iterations sees `.Iteration` as iteration / N (0, 1, 2, ... at iterations
 * 0, N, 2N), as kube-burner renders it, so iteration i's other objects find it as `div .Iteration N`.
 */
export function templateData(config: Config, job: Job, object: JobObject, iteration: number, replica: number): Record<string, unknown> {
  return {
    JobName: job.name,
    Iteration: Math.floor(iteration / Math.max(1, object.repeatEveryNIterations)),
    Replica: replica,
    UUID: config.global.uuid,
    RunID: config.global.runId,
    ...object.inputVars,
  };
}

/** Indices 0..count-1 to check: the first, the last and `between` spread evenly between them. */
export function spread(count: number, between = 3): number[] {
  if (count <= 1) return [0];
  const picks = new Set([0, count - 1]);
  for (let i = 1; i <= between; i++) picks.add(Math.floor(((count - 1) * i) / (between + 1)));
  return [...picks].sort((a, b) => a - b);
}

/** The iterations `object` is created in that validate renders (runOnce: 0; repeatEveryNIterations: 0, N, 2N, ...). */
export function sampleIterations(job: Pick<Job, 'jobIterations'>, object: Pick<JobObject, 'runOnce' | 'repeatEveryNIterations'>): number[] {
  if (object.runOnce) return [0];
  const every = object.repeatEveryNIterations;
  return spread(Math.ceil(job.jobIterations / every)).map((k) => k * every);
}

export function sampleReplicas(object: Pick<JobObject, 'replicas'>): number[] {
  return spread(Math.max(1, object.replicas)).map((k) => k + 1);
}

/**
 * Renders `object` for a sample of its iterations and replicas (so validation costs the same for 10
 * iterations and ten million) and checks each rendered document is an object the API server would take:
 * apiVersion, kind, a name valid for the kind, a known built-in kind. Problems go to `problems`,
 * located in the template file (or at the objectTemplate line of the config when it cannot be read).
 */
export async function renderSample(config: Config, job: Job, object: JobObject, problems: Diagnostic[]): Promise<RenderedObject> {
  const none: RenderedObject = { rendered: false, documentsPerReplica: 1, kinds: [], podsPerReplica: 0, iterations: [], replicas: [], needsCluster: [] };
  if (!object.objectTemplate) return none;
  const configPos = config.source.at(['jobs', job.index, 'objects', object.index, 'objectTemplate']);
  const source = await readSource(object.objectTemplate, configPos, problems);
  if (source === undefined) return none;
  const shown = isUrl(object.objectTemplate) ? object.objectTemplate : relative(process.cwd(), object.objectTemplate) || object.objectTemplate;
  const context = `job "${job.name}" object ${object.index + 1}`;
  let template: CompiledTemplate;
  try {
    template = compileTemplate(source, {
      file: shown,
      engine: object.templateEngine,
      missingKey: job.defaultMissingKeysWithZero ? 'zero' : 'error',
      baseDir: config.dir,
      functionTemplates: config.global.functionTemplates.filter((path) => !isUrl(path)),
    });
  } catch (err) {
    if (!isTemplateError(err)) throw err;
    problems.push({ pos: { file: err.file, line: err.line, col: err.column }, message: `${err.what} (template of ${context})`, hint: err.hint });
    return none;
  }
  const iterations = sampleIterations(job, object);
  const replicas = sampleReplicas(object);
  const needsCluster = new Set<string>();
  let result: RenderedObject = none;
  for (const iteration of iterations) {
    for (const replica of replicas) {
      const where = `${context}, iteration ${iteration}, replica ${replica}`;
      let rendered: string;
      try {
        rendered = template.render(templateData(config, job, object, iteration, replica));
      } catch (err) {
        if (!isTemplateError(err)) throw err;
        problems.push({ pos: { file: err.file, line: err.line, col: err.column }, message: `${err.what} (template of ${where})`, hint: err.hint });
        return none; // the other samples would most likely fail the same way
      }
      const checked = checkRendered(rendered, source, shown, where, job.jobType, problems);
      if (!checked) return none;
      for (const k of checked.needsCluster) needsCluster.add(k);
      if (result === none) result = checked;
    }
  }
  return { ...result, iterations, replicas, needsCluster: [...needsCluster] };
}

async function readSource(ref: string, configPos: SourcePos, problems: Diagnostic[]): Promise<string | undefined> {
  if (isUrl(ref)) {
    try {
      const response = await fetch(ref, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (response.ok) return await response.text();
      problems.push({ pos: configPos, message: `objectTemplate ${ref} answered HTTP ${response.status} ${response.statusText}`.trim(), hint: 'check the URL, or download the template and point objectTemplate at the file' });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = (err as Error).name === 'TimeoutError' ? `no answer within ${FETCH_TIMEOUT_MS / 1000}s` : (cause?.code ?? cause?.message ?? (err as Error).message);
      problems.push({ pos: configPos, message: `objectTemplate ${ref} cannot be fetched (${why})`, hint: 'check the URL and the network, or download the template and point objectTemplate at the file' });
    }
    return undefined;
  }
  try {
    return await readFile(ref, 'utf8');
  } catch (err) {
    problems.push({ pos: configPos, ...unreadableFile(ref, err) });
    return undefined;
  }
}

/** A file the config names that cannot be read, as a message and a fix. */
function unreadableFile(path: string, err: unknown): { message: string; hint: string } {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return { message: `${path} cannot be read: permission denied`, hint: `make it readable for this user (chmod u+r ${path})` };
  if (code === 'EISDIR') return { message: `${path} is a folder, not a file`, hint: 'name a template file inside it' };
  if (code === 'ENOENT') return { message: `${path} not found`, hint: "relative paths are looked for in the working directory, then in the config file's folder" };
  return { message: `${path} cannot be read (${code ?? String(err)})`, hint: 'check the file' };
}

function checkRendered(rendered: string, source: string, shown: string, context: string, jobType: Job['jobType'], problems: Diagnostic[]): RenderedObject | undefined {
  const tooBig = sizeProblem(rendered, `rendered template of ${context}`);
  if (tooBig) {
    problems.push({ pos: { file: shown, line: 1, col: 1 }, message: tooBig.message, hint: tooBig.hint });
    return undefined;
  }
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
  const needsCluster: string[] = [];
  let pods = 0;
  let count = 0;
  for (const doc of docs as Document.Parsed[]) {
    for (const err of doc.errors) {
      const { message, hint } = describeYamlError(err);
      problems.push({ pos: at(err.pos[0]), message: `rendered template of ${context} is not valid YAML: ${message}`, hint: hint ?? 'look at what the template renders to around this line' });
    }
    if (doc.errors.length || doc.contents === null) continue;
    const aliases = aliasProblem(doc);
    if (aliases) {
      problems.push({ pos: at(aliases.offset ?? 0), message: `rendered template of ${context}: ${aliases.message}`, hint: aliases.hint });
      continue;
    }
    count++;
    if (jobType === 'patch') continue; // a patch body is not a whole object
    const start = doc.contents.range?.[0] ?? 0;
    if (!isMap(doc.contents)) {
      problems.push({ pos: at(start), message: `rendered template of ${context} is not a Kubernetes object (a mapping with apiVersion, kind, metadata)` });
      continue;
    }
    const obj = doc.toJS({ maxAliasCount: -1 }) as Record<string, unknown>; // aliasProblem bounded the expansion
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
    const apiVersion = obj.apiVersion as string;
    const nodeAt = (path: string[]) => at((doc.getIn(path, true) as Node | undefined)?.range?.[0] ?? start);
    const known = checkKind(apiVersion, kind);
    if (!known.known && !known.needsCluster) {
      problems.push({ pos: nodeAt(['kind']), message: `rendered object of ${context}: ${known.problem}`, hint: known.hint });
      continue;
    }
    if (known.known) {
      for (const key of ['name', 'generateName'] as const) {
        const value = metadata[key];
        if (value === undefined || value === null || value === '') continue;
        const why = typeof value !== 'string' ? 'must be text' : key === 'name' ? nameProblem(value, known.info) : generateNameProblem(value, known.info);
        if (why) problems.push({ pos: nodeAt(['metadata', key]), message: `metadata.${key} "${String(value)}" of the ${kind} rendered for ${context} ${why}`, hint: key === 'generateName' ? 'the API server appends 5 characters to generateName (cut to 58), and the result must be a valid name' : `the API server refuses such ${kind} names` });
      }
    } else needsCluster.push(`${apiVersion} ${kind}`);
    kinds.push(kind);
    pods += podsByKind[kind]?.((obj.spec ?? {}) as Record<string, unknown>) ?? 0;
  }
  if (count === 0 && problems.length === before) problems.push({ pos: { file: shown, line: 1, col: 1 }, message: `template of ${context} renders to nothing` });
  if (problems.length > before) return undefined;
  return { rendered: true, documentsPerReplica: count, kinds, podsPerReplica: pods, iterations: [], replicas: [], needsCluster };
}
