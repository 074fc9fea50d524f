/** `burn render`'s core: builds the variables the engine would pass and renders one template file. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { UserError } from '../shared/errors.js';
import { renderTemplate, type TemplateEngine } from './compile.js';

export interface RenderFileOptions {
  /** YAML or JSON file with variables. */
  dataFile?: string;
  /** `key=value` pairs; values are YAML scalars (so `n=3` is the int 3); dotted keys nest. */
  set?: string[];
  iteration?: number;
  replica?: number;
  jobName?: string;
  uuid?: string;
  runId?: string;
  engine?: TemplateEngine;
  missingKey?: 'error' | 'zero';
  functionTemplates?: string[];
}

export function renderTemplateFile(path: string, options: RenderFileOptions = {}): string {
  const source = readText(path, 'template');
  const data: Record<string, unknown> = {
    Iteration: options.iteration ?? 0,
    Replica: options.replica ?? 1,
    JobName: options.jobName ?? 'render',
    UUID: options.uuid ?? randomUUID(),
    RunID: options.runId ?? randomUUID().slice(0, 8),
    ...(options.dataFile ? readData(options.dataFile) : {}),
  };
  for (const pair of options.set ?? []) applySet(data, pair);
  return renderTemplate(source, data, {
    file: path,
    engine: options.engine,
    missingKey: options.missingKey,
    functionTemplates: options.functionTemplates,
  });
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function readData(path: string): Record<string, unknown> {
  const text = readText(path, 'data file');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    if (err instanceof YAMLParseError) {
      const at = err.linePos?.[0];
      throw new UserError(`${path}${at ? `:${at.line}:${at.col}` : ''}: ${err.message.split('\n')[0]}`, { hint: '--data takes a YAML or JSON mapping' });
    }
    throw err;
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UserError(`${path}: --data must hold a mapping of variable names to values`);
  }
  return value as Record<string, unknown>;
}

/** Names JavaScript gives every object: as keys they would change objects instead of setting a value. */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype']);

function applySet(data: Record<string, unknown>, pair: string): void {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UserError(`--set ${pair}: expected key=value`, { hint: 'for example --set replicas=3 or --set labels.app=web' });
  const path = pair.slice(0, eq).split('.');
  const refused = path.find((key) => prototypeKeys.has(key));
  if (refused) throw new UserError(`--set ${pair}: "${refused}" is not a variable name burn accepts`, { hint: 'name a template variable, e.g. --set replicas=3' });
  const raw = pair.slice(eq + 1);
  let target = data;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1]!] = raw === '' ? '' : scalar(raw);
}

function scalar(raw: string): unknown {
  try {
    const v = parseYaml(raw);
    return typeof v === 'object' && v !== null ? raw : v;
  } catch {
    return raw;
  }
}
