/** Compiling and rendering a template with the engine its options name, cached per source and options. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { TemplateError } from './errors.js';
import { SourceFile } from './source.js';
import { buildFunctionTable } from './funcs/table.js';
import type { FunctionTable } from './funcs/types.js';
import { compileGoTemplate } from './go/compile.js';
import { compileHandlebarsTemplate } from './handlebars.js';
import { UserError } from '../shared/errors.js';

export type TemplateEngine = 'go' | 'handlebars';

export interface TemplateOptions {
  /** Path or name shown in errors. */
  file: string;
  /** Default: 'handlebars' when `file` ends in .hbs, else 'go'. */
  engine?: TemplateEngine;
  /** Default 'error' (kube-burner's default); 'zero' for jobs with defaultMissingKeysWithZero. */
  missingKey?: 'error' | 'zero';
  /** ReadFile root (the config's folder); default dirname(file). */
  baseDir?: string;
  allowReadOutsideBaseDir?: boolean;
  /** Paths of files with {{define}} blocks shared by all templates (global.functionTemplates). */
  functionTemplates?: string[];
}

export interface CompiledTemplate {
  render(data: Record<string, unknown>): string;
}

const cache = new Map<string, CompiledTemplate>();
const CACHE_LIMIT = 1000;

export function engineFor(options: Pick<TemplateOptions, 'file' | 'engine'>): TemplateEngine {
  return options.engine ?? (options.file.endsWith('.hbs') ? 'handlebars' : 'go');
}

/** Parses once per (file, source, options); later calls return the cached template. */
export function compileTemplate(source: string, options: TemplateOptions): CompiledTemplate {
  const engine = engineFor(options);
  const missingKey = options.missingKey ?? 'error';
  const baseDir = resolve(options.baseDir ?? dirname(options.file));
  const allowOutside = options.allowReadOutsideBaseDir ?? false;
  const shared = options.functionTemplates ?? [];
  const key = [options.file, engine, missingKey, baseDir, allowOutside, shared.join('\u0001'), source].join('\u0000');
  const hit = cache.get(key);
  if (hit) return hit;

  const funcs = functionTable(baseDir, allowOutside);
  const main = new SourceFile(options.file, source);
  const compiled =
    engine === 'handlebars'
      ? compileHandlebarsTemplate(main, { funcs, missingKey })
      : compileGoTemplate(main, shared.map(readFunctionTemplate), { funcs, missingKey });
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, compiled);
  return compiled;
}

/** One function table (and so one Handlebars environment) per ReadFile root. */
const tables = new Map<string, FunctionTable>();

function functionTable(baseDir: string, allowReadOutsideBaseDir: boolean): FunctionTable {
  const key = `${allowReadOutsideBaseDir}\u0000${baseDir}`;
  let table = tables.get(key);
  if (!table) {
    table = buildFunctionTable({ baseDir, allowReadOutsideBaseDir });
    tables.set(key, table);
  }
  return table;
}

export function renderTemplate(source: string, data: Record<string, unknown>, options: TemplateOptions): string {
  return compileTemplate(source, options).render(data);
}

function readFunctionTemplate(path: string): SourceFile {
  if (/^https?:\/\//.test(path)) {
    throw new UserError(`function template ${path}: templates are compiled synchronously and cannot fetch URLs`, {
      hint: 'download the file next to the config and list its path in global.functionTemplates',
    });
  }
  try {
    return new SourceFile(path, readFileSync(path, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read function template ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      hint: 'global.functionTemplates lists files with {{define}} blocks; check the path (relative to the config folder)',
    });
  }
}

/** Whether `err` came from a template (parse or render), as opposed to a bug. */
export function isTemplateError(err: unknown): err is TemplateError {
  return err instanceof TemplateError;
}
