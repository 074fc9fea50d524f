import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { isUrl, templateData } from '../config/index.js';
import type { Config, Job, JobObject } from '../config/index.js';
import type { KindRef, KubeObject } from '../kube/index.js';
import { UserError } from '../shared/errors.js';
import { compileTemplate, type CompiledTemplate } from '../template/index.js';
import { labelObject } from './labels.js';
import { parseRenderedDocuments, RenderedYamlError } from './rendered-yaml.js';

/** Where one rendered object came from: what its labels say and what messages name. */
export interface ObjectOrigin {
  job: Job;
  object: JobObject;
  iteration: number;
  replica: number;
}

async function readTemplateSource(ref: string): Promise<string> {
  if (!isUrl(ref)) return readFile(ref, 'utf8');
  const response = await fetch(ref).catch((err: unknown) => {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new UserError(`objectTemplate ${ref}: cannot fetch it (${cause?.code ?? cause?.message ?? (err as Error).message})`, {
      hint: 'check the URL and that its server is up, or download the template and point objectTemplate at the file',
    });
  });
  if (!response.ok) throw new UserError(`objectTemplate ${ref}: HTTP ${response.status} ${response.statusText}`, { hint: 'check the URL, or download the template and point objectTemplate at the file' });
  return response.text();
}

/** A rendered object that cannot be sent: names the template, job, iteration and replica, and how to see the output. */
function renderError(origin: ObjectOrigin, what: string): UserError {
  const template = origin.object.objectTemplateAsWritten;
  return new UserError(`${template} (job "${origin.job.name}", iteration ${origin.iteration}, replica ${origin.replica}) ${what}`, {
    hint: `see what it renders to with: burn render ${template} --iteration ${origin.iteration} --replica ${origin.replica}`,
  });
}

/** What one document of an object's template is: its kind, and the namespace it names, if any. */
export interface DocumentKind {
  apiVersion: string;
  kind: string;
  namespace?: string;
}

/** Renders a job's object templates into Kubernetes objects carrying the burn labels. */
export class ObjectRenderer {
  private readonly compiled = new Map<JobObject, CompiledTemplate>();
  private functionTemplates: Promise<string[]> | undefined;
  private readonly documentKinds = new Map<JobObject, Promise<DocumentKind[]>>();

  constructor(private readonly config: Config) {}

  /** global.functionTemplates as local files: URLs are fetched once into a temporary folder. */
  private localFunctionTemplates(): Promise<string[]> {
    this.functionTemplates ??= (async () => {
      const refs = this.config.global.functionTemplates;
      if (!refs.some(isUrl)) return refs;
      const dir = await mkdtemp(join(tmpdir(), 'burn-functions-'));
      return Promise.all(
        refs.map(async (ref, i) => {
          if (!isUrl(ref)) return ref;
          const path = join(dir, `${i}-${basename(new URL(ref).pathname) || 'functions.tpl'}`);
          await writeFile(path, await readTemplateSource(ref));
          return path;
        }),
      );
    })();
    return this.functionTemplates;
  }

  private async template(job: Job, object: JobObject): Promise<CompiledTemplate> {
    let template = this.compiled.get(object);
    if (!template) {
      const source = await readTemplateSource(object.objectTemplate);
      template = compileTemplate(source, {
        file: isUrl(object.objectTemplate) ? object.objectTemplate : relative(process.cwd(), object.objectTemplate) || object.objectTemplate,
        engine: object.templateEngine,
        missingKey: job.defaultMissingKeysWithZero ? 'zero' : 'error',
        baseDir: this.config.dir,
        functionTemplates: await this.localFunctionTemplates(),
      });
      this.compiled.set(object, template);
    }
    return template;
  }

  /** The rendered text of one replica (patch bodies are used as text). */
  async renderText(origin: ObjectOrigin): Promise<string> {
    const template = await this.template(origin.job, origin.object);
    return template.render(templateData(this.config, origin.job, origin.object, origin.iteration, origin.replica));
  }

  /** The objects one replica of an object template yields, labelled for this run (burn's and kube-burner's labels). */
  async render(origin: ObjectOrigin): Promise<KubeObject[]> {
    const objects = await this.renderObjects(origin);
    const first = await this.firstIndex(origin.job, origin.object);
    for (const [i, obj] of objects.entries()) {
      labelObject(obj, {
        uuid: this.config.global.uuid,
        runId: this.config.global.runId,
        job: origin.job.name,
        iteration: origin.iteration,
        replica: origin.replica,
        index: first + i,
        group: origin.object.group.id,
      });
    }
    return objects;
  }

  /** The objects one replica yields, unlabelled. */
  private async renderObjects(origin: ObjectOrigin): Promise<KubeObject[]> {
    const text = await this.renderText(origin);
    let docs: unknown[];
    try {
      docs = parseRenderedDocuments(text);
    } catch (err) {
      if (!(err instanceof RenderedYamlError)) throw err;
      throw renderError(origin, `rendered invalid YAML at line ${err.line} of its output: ${err.message}`);
    }
    const objects = docs as KubeObject[];
    for (const obj of objects) {
      if (!obj || typeof obj !== 'object' || Array.isArray(obj) || typeof obj.kind !== 'string' || !obj.metadata) {
        throw renderError(origin, 'rendered something that is not a Kubernetes object (apiVersion, kind, metadata)');
      }
    }
    return objects;
  }

  /**
   * The kinds of the documents an object's template yields, from its first iteration and replica:
   * kube-burner numbers a job's objects (kube-burner.io/index) and verifies them by these.
   */
  documents(job: Job, object: JobObject): Promise<DocumentKind[]> {
    let kinds = this.documentKinds.get(object);
    if (!kinds) {
      kinds = this.renderObjects({ job, object, iteration: 0, replica: 1 }).then((objs) =>
        objs.map((o) => ({ apiVersion: o.apiVersion, kind: o.kind, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) })),
      );
      this.documentKinds.set(object, kinds);
    }
    return kinds;
  }

  /** The kinds the create jobs among `jobs` create (their templates' documents), each once. */
  async kinds(jobs: readonly Job[]): Promise<KindRef[]> {
    const kinds = new Map<string, KindRef>();
    for (const job of jobs) {
      if (job.jobType !== 'create') continue;
      for (const object of job.objects) {
        if (object.replicas < 1 || !object.objectTemplate) continue;
        for (const d of await this.documents(job, object)) kinds.set(`${d.apiVersion}/${d.kind}`, { apiVersion: d.apiVersion, kind: d.kind });
      }
    }
    return [...kinds.values()];
  }

  /** kube-burner.io/index of the object's first document: the documents of the objects before it (with replicas) come first. */
  async firstIndex(job: Job, object: JobObject): Promise<number> {
    let index = 0;
    for (const before of job.objects) {
      if (before === object) break;
      if (before.replicas >= 1 && before.objectTemplate) index += (await this.documents(job, before)).length;
    }
    return index;
  }

  /**
   * Fetches and renders every object template of every job once (first iteration, first replica),
   * so a template that cannot be fetched or rendered stops the run before it creates anything.
   * Delete and read jobs have no templates.
   */
  async prepare(jobs: readonly Job[]): Promise<void> {
    for (const job of jobs) {
      for (const object of job.objects) {
        if (!object.objectTemplate) continue;
        const origin = { job, object, iteration: 0, replica: 1 };
        if (job.jobType === 'create') await this.render(origin);
        else if (job.jobType === 'patch') await this.renderText(origin);
      }
    }
  }

  /** Container images the job's objects use, from their first iteration (for preLoadImages). */
  async images(job: Job): Promise<string[]> {
    const images = new Set<string>();
    for (const object of job.objects) {
      for (const obj of await this.render({ job, object, iteration: 0, replica: 1 })) collectImages(obj, images);
    }
    return [...images].sort();
  }
}

function collectImages(node: unknown, into: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collectImages(item, into);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
        for (const c of value) if (c && typeof c.image === 'string') into.add(c.image);
      } else collectImages(value, into);
    }
  }
}
