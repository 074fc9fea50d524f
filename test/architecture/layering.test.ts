/**
 * The layering of ARCHITECTURE.md, checked: dependency-cruiser with .dependency-cruiser.cjs (whose
 * rules are read from the page's layer table) over src/, and over deliberately bad fixtures to
 * prove that each rule reports what it should.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configFile = join(repo, '.dependency-cruiser.cjs');
const depcruise = join(repo, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
}

/** Runs depcruise over `src` in `cwd` with the project's rules; resolves its violations. */
function cruise(cwd: string): Promise<Violation[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [depcruise, '--config', configFile, '--output-type', 'json', 'src'],
      { cwd, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        // depcruise exits with the number of errors; the JSON is on stdout either way.
        try {
          resolve((JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations);
        } catch {
          reject(new Error(`depcruise failed: ${err?.message ?? ''}\n${stderr}`));
        }
      },
    );
  });
}

const show = (vs: Violation[]): string[] => vs.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);

describe('layering (ARCHITECTURE.md)', () => {
  const tmp: string[] = [];
  afterAll(async () => {
    for (const dir of tmp) await rm(dir, { recursive: true, force: true });
  });

  it('src/ breaks no rule', { timeout: 300_000 }, async () => {
    const violations = await cruise(repo);
    expect(show(violations.filter((v) => v.rule.severity === 'error'))).toEqual([]);
  });

  it('the layer table has one row per folder of src/', async () => {
    const rules = (createRequire(import.meta.url)(configFile) as { forbidden: Array<{ name: string }> }).forbidden;
    const rows = rules.map((r) => /^layer-(.+)$/.exec(r.name)?.[1]).filter((f): f is string => f !== undefined);
    const folders = (await readdir(join(repo, 'src'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(rows.sort()).toEqual(folders.sort());
  });

  it('reports a layer broken, a folder missing from the table, a cycle and a private import', { timeout: 300_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'burn-layering-'));
    tmp.push(dir);
    const files: Record<string, string> = {
      'src/cli/index.ts': "export const cli = 1;\n",
      // kube is at the bottom: it may not import cli, nor the engine.
      'src/kube/index.ts': "import { cli } from '../cli/index.js';\nexport const kube = cli;\n",
      'src/sim/index.ts': "import { engine } from '../engine/index.js';\nexport const sim = engine;\n",
      'src/engine/index.ts': "import { loadConfig } from '../config/load.js';\nexport const engine = loadConfig;\n",
      'src/config/index.ts': "export { loadConfig } from './load.js';\n",
      'src/config/load.ts': "export const loadConfig = 1;\n",
      // a runtime cycle, and a type-only one (which is allowed)
      'src/template/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'src/template/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'src/template/c.ts': "import type { D } from './d.js';\nexport interface C { d?: D }\n",
      'src/template/d.ts': "import type { C } from './c.js';\nexport interface D { c?: C }\n",
      'src/gadgets/index.ts': "import { kube } from '../kube/index.js';\nexport const gadget = kube;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), text);
    }
    const found = show(await cruise(dir));
    expect(found).toContain('layer-kube: src/kube/index.ts -> src/cli/index.ts');
    expect(found).toContain('layer-sim: src/sim/index.ts -> src/engine/index.ts');
    expect(found).toContain('folder-in-architecture: src/gadgets/index.ts -> src/kube/index.ts');
    expect(found).toContain('no-circular: src/template/a.ts -> src/template/b.ts');
    expect(found).toContain('through-index: src/engine/index.ts -> src/config/load.ts');
    expect(found.filter((v) => v.includes('template/c.ts') || v.includes('template/d.ts'))).toEqual([]);
    // a legal import (engine -> config through its index) is not reported
    expect(found.filter((v) => v.includes('-> src/config/index.ts'))).toEqual([]);
  });
});
