import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/template/index.js';

const root = join(import.meta.dirname, '..', '..');
const workloads = join(root, 'workloads');

function templates(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return templates(path);
    return /\.(ya?ml|json|hbs)$/.test(name) ? [path] : [];
  });
}

const files = templates(workloads);

describe.skipIf(files.length === 0)('every template in workloads/ renders to valid YAML', () => {
  it.each(files.map((f) => [relative(root, f), f]))('%s', (_name, file) => {
    const data = { Iteration: 3, Replica: 2, JobName: 'workload-test', UUID: '00000000-0000-4000-8000-000000000000', RunID: 'abcd1234' };
    // Objects get their inputVars from job configs; here missing ones render as zero values.
    const out = renderTemplate(readFileSync(file!, 'utf8'), data, { file: file!, missingKey: 'zero', baseDir: workloads });
    for (const doc of parseAllDocuments(out)) expect(doc.errors.map((e) => e.message)).toEqual([]);
  });
});
