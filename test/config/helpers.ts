import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { loadConfig, type LoadOptions } from '../../src/config/index.js';
import { ConfigError } from '../../src/config/diagnostics.js';

const made: string[] = [];

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes `files` (path -> text) into a fresh temporary folder and returns the folder. */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'burn-config-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

export const podTemplate = `apiVersion: v1
kind: Pod
metadata:
  name: pod-{{.Iteration}}-{{.Replica}}
spec:
  containers:
    - name: pause
      image: registry.k8s.io/pause:3.10
`;

/** Loads `config.yaml` of a project made of `files`, with an empty environment unless given. */
export function load(files: Record<string, string>, options: Partial<LoadOptions> = {}) {
  const dir = project(files);
  return loadConfig('config.yaml', { uuid: 'test-uuid', runId: 'test-run', env: {}, cwd: dir, ...options });
}

/** The messages ConfigError lists, formatted as the CLI prints them (file:line:col: message (hint)). */
export async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConfigError) return err.diagnostics.map((d) => `${d.pos.flag ?? `${d.pos.file}:${d.pos.line}:${d.pos.col}`}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`);
    throw err;
  }
  throw new Error('expected the config to be rejected');
}
