import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/template/index.js';

const root = join(import.meta.dirname, '..', '..');

function files(dir: string, pattern: RegExp): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, pattern);
    return pattern.test(name) ? [path] : [];
  });
}

interface Use {
  inputVars: Record<string, unknown>;
  missingKey: 'error' | 'zero';
  config: string;
}

/** How the shipped configs use each workload template: the inputVars they pass and their missing-key mode. */
function usesByTemplate(): Map<string, Use[]> {
  const uses = new Map<string, Use[]>();
  for (const config of files(join(root, 'configs'), /\.ya?ml$/)) {
    // Configs are templates of their own (environment variables with defaults).
    const text = renderTemplate(readFileSync(config, 'utf8'), {}, { file: config, missingKey: 'zero' });
    const parsed = parseYaml(text) as { jobs?: Array<{ defaultMissingKeysWithZero?: boolean; objects?: Array<{ objectTemplate?: string; inputVars?: Record<string, unknown> }> }> };
    for (const job of parsed.jobs ?? []) {
      for (const object of job.objects ?? []) {
        if (!object.objectTemplate || /^https?:/.test(object.objectTemplate)) continue;
        const path = resolve(dirname(config), object.objectTemplate);
        const list = uses.get(path) ?? [];
        list.push({ inputVars: object.inputVars ?? {}, missingKey: job.defaultMissingKeysWithZero ? 'zero' : 'error', config: relative(root, config) });
        uses.set(path, list);
      }
    }
  }
  return uses;
}

const templates = files(join(root, 'workloads'), /\.(ya?ml|json|hbs)$/);
const uses = usesByTemplate();

describe.skipIf(templates.length === 0)('every template in workloads/ renders to Kubernetes objects', () => {
  it.each(templates.map((f) => [relative(root, f), f]))('%s', (_name, file) => {
    const builtins = { Iteration: 3, Replica: 2, JobName: 'workload-test', UUID: '00000000-0000-4000-8000-000000000000', RunID: 'abcd1234' };
    // A template no config uses yet gets zero values for its inputVars.
    const cases: Use[] = uses.get(file!) ?? [{ inputVars: {}, missingKey: 'zero', config: '(no config)' }];
    for (const use of cases) {
      const out = renderTemplate(readFileSync(file!, 'utf8'), { ...builtins, ...use.inputVars }, { file: file!, missingKey: use.missingKey });
      for (const doc of parseAllDocuments(out)) {
        expect(doc.errors.map((e) => e.message), use.config).toEqual([]);
        const obj = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string; generateName?: string } } | null;
        if (obj === null) continue;
        expect(obj.apiVersion, use.config).toBeTruthy();
        expect(obj.kind, use.config).toBeTruthy();
        expect(obj.metadata?.name ?? obj.metadata?.generateName, use.config).toBeTruthy();
      }
    }
  });
});
