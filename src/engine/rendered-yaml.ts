import jsyaml from 'js-yaml';
import { renderedYamlProblem } from '../config/index.js';

/**
 * Parses what an object template rendered: the hot path of a create job, once per object.
 * js-yaml with the YAML 1.2 core schema (dates stay strings, as Kubernetes reads them): measured at
 * 50-120 us for a typical Deployment against about 950 us for the `yaml` package, which burn keeps
 * for config files, where it needs source positions.
 */
export class RenderedYamlError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export function parseRenderedDocuments(text: string): unknown[] {
  const tooBig = renderedYamlProblem(text);
  if (tooBig) throw new RenderedYamlError(tooBig.message, tooBig.line);
  try {
    const docs = jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA }).filter((doc) => doc !== null && doc !== undefined);
    const aliased = renderedYamlProblem(text, docs);
    if (aliased) throw new RenderedYamlError(aliased.message, aliased.line);
    return docs;
  } catch (err) {
    if (err instanceof jsyaml.YAMLException) throw new RenderedYamlError(err.reason, (err.mark?.line ?? 0) + 1);
    throw err;
  }
}

