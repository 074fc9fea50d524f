/** Parses a Go template with its shared {{define}} files and returns a renderer. */
import type { SourceFile } from '../source.js';
import type { FunctionTable } from '../funcs/types.js';
import type { TemplateDefinition } from './ast.js';
import { execute, type ExecEnv } from './exec.js';
import { parseTemplate, type ParsedFile } from './parser.js';

export interface GoTemplateSettings {
  funcs: FunctionTable;
  missingKey: 'error' | 'zero';
}

/** Function-template files are shared by every object of a run: parse each (path, text) once. */
const sharedParses = new Map<string, ParsedFile>();

function parseShared(file: SourceFile, funcs: FunctionTable): ParsedFile {
  const key = `${file.name}\u0000${file.text}`;
  let parsed = sharedParses.get(key);
  if (!parsed) {
    parsed = parseTemplate(file, funcs);
    sharedParses.set(key, parsed);
  }
  return parsed;
}

export function compileGoTemplate(main: SourceFile, shared: SourceFile[], settings: GoTemplateSettings): { render(data: Record<string, unknown>): string } {
  const templates = new Map<string, TemplateDefinition>();
  // Later files override earlier ones, and the object's own {{define}}s override shared ones, as with Go's ParseFiles.
  for (const file of shared) {
    for (const def of parseShared(file, settings.funcs).definitions) templates.set(def.name, def);
  }
  const parsed = parseTemplate(main, settings.funcs);
  for (const def of parsed.definitions) templates.set(def.name, def);
  if (!templates.has(main.name)) templates.set(main.name, { name: main.name, root: parsed.root, source: main });
  const env: ExecEnv = { funcs: settings.funcs, missingKey: settings.missingKey, templates };
  return {
    render: (data) => execute(parsed.root, main.name, main, data, env),
  };
}
